//! Golden test: the output of `threading_lock_reacquire` matches `expected-output/threading_lock_reacquire.txt`.

#[test]
fn output_matches_the_reference() {
    golden::assert_example!("threading_lock_reacquire");
}
