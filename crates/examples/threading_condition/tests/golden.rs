//! Golden test: the output of `threading_condition` matches `expected-output/threading_condition.txt`.

#[test]
fn output_matches_the_reference() {
    golden::assert_example!("threading_condition");
}
