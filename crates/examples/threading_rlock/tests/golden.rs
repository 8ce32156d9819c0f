//! Golden test: the output of `threading_rlock` matches `expected-output/threading_rlock.txt`.

#[test]
fn output_matches_the_reference() {
    golden::assert_example!("threading_rlock");
}
