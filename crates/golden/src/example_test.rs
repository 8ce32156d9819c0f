//! The golden test of one example, as each example crate runs it from
//! `cargo test`: run the binary Cargo built for the test, check its output
//! against `expected-output/NAME.txt`, and fail with the checker's report.

use std::path::Path;

use crate::{RunOptions, run_example, workspace_root};

/// Runs the example binary `bin` and panics with the checker's report unless its
/// output matches `expected-output/NAME.txt` of the workspace that contains
/// `manifest_dir`. Use it through [`assert_example!`](crate::assert_example).
///
/// The example runs in real time unless the test's environment sets
/// `SYNC_KIT_TIME_SCALE`, which the example inherits. With `GOLDEN_BLESS=1` in
/// the environment, a run that does not match is written as the reference's new
/// body instead of failing (see [`bless`](crate::bless) for the pitfalls).
pub fn assert_example_at(bin: &str, manifest_dir: &str, name: &str) {
    let root = workspace_root(Path::new(manifest_dir))
        .unwrap_or_else(|| panic!("{manifest_dir} is not inside a Cargo workspace"));
    let spec = root.join("expected-output").join(format!("{name}.txt"));
    let report = run_example(Path::new(bin), &spec, &RunOptions::default())
        .unwrap_or_else(|err| panic!("{name}: {err}"));
    // `GOLDEN_BLESS=1 cargo test -p NAME`: a run that completed but does not
    // match becomes the reference's body (see `golden::bless`); a crash is not
    // blessed.
    if !report.passed()
        && report.crash().is_none()
        && std::env::var_os("GOLDEN_BLESS").is_some_and(|v| v == "1")
    {
        match crate::bless_file(&spec, &report.output) {
            Ok(note) => {
                eprintln!("{note}");
                return;
            }
            Err(e) => panic!("{name}: cannot bless: {e}"),
        }
    }
    assert!(
        report.passed(),
        "{name} does not match {}:\n{report}\n--- what it printed ---\n{}",
        spec.display(),
        report.output
    );
}

/// The golden test of an example crate: `golden::assert_example!("threading_lock")`
/// in the crate's `tests/golden.rs` runs the crate's binary and checks it
/// against `expected-output/threading_lock.txt`.
#[macro_export]
macro_rules! assert_example {
    ($name:literal) => {
        $crate::assert_example_at(
            env!(concat!("CARGO_BIN_EXE_", $name)),
            env!("CARGO_MANIFEST_DIR"),
            $name,
        )
    };
}
