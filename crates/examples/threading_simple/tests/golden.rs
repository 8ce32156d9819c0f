//! Golden test: the output of `threading_simple` matches `expected-output/threading_simple.txt`.

#[test]
fn output_matches_the_reference() {
    golden::assert_example!("threading_simple");
}
