//! Golden test: the output of `threading_daemon_join_timeout` matches `expected-output/threading_daemon_join_timeout.txt`.

#[test]
fn output_matches_the_reference() {
    golden::assert_example!("threading_daemon_join_timeout");
}
