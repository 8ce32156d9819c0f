//! Golden test: the output of `threading_lock` matches `expected-output/threading_lock.txt`.

#[test]
fn output_matches_the_reference() {
    golden::assert_example!("threading_lock");
}
