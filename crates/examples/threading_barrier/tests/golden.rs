//! Golden test: the output of `threading_barrier` matches `expected-output/threading_barrier.txt`.

#[test]
fn output_matches_the_reference() {
    golden::assert_example!("threading_barrier");
}
