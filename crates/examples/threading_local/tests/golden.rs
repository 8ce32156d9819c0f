//! Golden test: the output of `threading_local` matches `expected-output/threading_local.txt`.

#[test]
fn output_matches_the_reference() {
    golden::assert_example!("threading_local");
}
