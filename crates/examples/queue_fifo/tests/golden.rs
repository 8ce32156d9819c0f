//! Golden test: the output of `queue_fifo` matches `expected-output/queue_fifo.txt`.

#[test]
fn output_matches_the_reference() {
    golden::assert_example!("queue_fifo");
}
