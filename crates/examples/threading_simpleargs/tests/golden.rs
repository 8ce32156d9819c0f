//! Golden test: the output of `threading_simpleargs` matches `expected-output/threading_simpleargs.txt`.

#[test]
fn output_matches_the_reference() {
    golden::assert_example!("threading_simpleargs");
}
