//! Golden test: the output of `threading_daemon` matches `expected-output/threading_daemon.txt`.

#[test]
fn output_matches_the_reference() {
    golden::assert_example!("threading_daemon");
}
