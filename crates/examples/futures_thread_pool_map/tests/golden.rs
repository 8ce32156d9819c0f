//! Golden test: the output of `futures_thread_pool_map` matches `expected-output/futures_thread_pool_map.txt`.

#[test]
fn output_matches_the_reference() {
    golden::assert_example!("futures_thread_pool_map");
}
