//! Golden test: the output of `queue_priority` matches `expected-output/queue_priority.txt`.

#[test]
fn output_matches_the_reference() {
    golden::assert_example!("queue_priority");
}
