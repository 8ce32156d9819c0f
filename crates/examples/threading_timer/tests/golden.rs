//! Golden test: the output of `threading_timer` matches `expected-output/threading_timer.txt`.

#[test]
fn output_matches_the_reference() {
    golden::assert_example!("threading_timer");
}
