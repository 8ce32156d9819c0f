//! Golden test: the output of `threading_enumerate` matches `expected-output/threading_enumerate.txt`.

#[test]
fn output_matches_the_reference() {
    golden::assert_example!("threading_enumerate");
}
