//! Golden test: the output of `threading_names_log` matches `expected-output/threading_names_log.txt`.

#[test]
fn output_matches_the_reference() {
    golden::assert_example!("threading_names_log");
}
