//! Golden test: the output of `threading_names` matches `expected-output/threading_names.txt`.

#[test]
fn output_matches_the_reference() {
    golden::assert_example!("threading_names");
}
