//! Golden test: the output of `threading_subclass_args` matches `expected-output/threading_subclass_args.txt`.

#[test]
fn output_matches_the_reference() {
    golden::assert_example!("threading_subclass_args");
}
