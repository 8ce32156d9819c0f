//! Golden test: the output of `threading_subclass` matches `expected-output/threading_subclass.txt`.

#[test]
fn output_matches_the_reference() {
    golden::assert_example!("threading_subclass");
}
