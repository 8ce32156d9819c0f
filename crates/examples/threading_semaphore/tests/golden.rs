//! Golden test: the output of `threading_semaphore` matches `expected-output/threading_semaphore.txt`.

#[test]
fn output_matches_the_reference() {
    golden::assert_example!("threading_semaphore");
}
