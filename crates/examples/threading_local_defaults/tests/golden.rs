//! Golden test: the output of `threading_local_defaults` matches `expected-output/threading_local_defaults.txt`.

#[test]
fn output_matches_the_reference() {
    golden::assert_example!("threading_local_defaults");
}
