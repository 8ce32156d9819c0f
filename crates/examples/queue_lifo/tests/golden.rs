//! Golden test: the output of `queue_lifo` matches `expected-output/queue_lifo.txt`.

#[test]
fn output_matches_the_reference() {
    golden::assert_example!("queue_lifo");
}
