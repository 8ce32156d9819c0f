//! Golden test: the output of `threading_event` matches `expected-output/threading_event.txt`.

#[test]
fn output_matches_the_reference() {
    golden::assert_example!("threading_event");
}
