//! Golden test: the output of `threading_lock_noblock` matches `expected-output/threading_lock_noblock.txt`.

#[test]
fn output_matches_the_reference() {
    golden::assert_example!("threading_lock_noblock");
}
