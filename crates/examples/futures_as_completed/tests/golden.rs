//! Golden test: the output of `futures_as_completed` matches `expected-output/futures_as_completed.txt`.

#[test]
fn output_matches_the_reference() {
    golden::assert_example!("futures_as_completed");
}
