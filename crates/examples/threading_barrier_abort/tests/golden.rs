//! Golden test: the output of `threading_barrier_abort` matches `expected-output/threading_barrier_abort.txt`.

#[test]
fn output_matches_the_reference() {
    golden::assert_example!("threading_barrier_abort");
}
