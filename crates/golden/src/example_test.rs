//! The golden test of one example, as each example crate runs it from
//! `cargo test`: run the binary Cargo built for the test under
//! [`SCHEDULES`] simulated schedules and once in real time, check every
//! output against `expected-output/NAME.txt`, and fail with the checker's
//! report and the command that replays a failing schedule.

use std::path::Path;

use crate::{ExploreOptions, RunOptions, Spec, explore, run_example, workspace_root};

/// Simulated schedules each golden test checks (seeds 0 to 199).
pub(crate) const SCHEDULES: u64 = 200;

/// The time scale of the real-time run unless the caller's environment sets
/// one (sleeps 20 times shorter).
const REAL_TIME_SCALE: &str = "0.05";

/// Runs the example binary `bin` and panics with the checker's report unless its
/// output matches `expected-output/NAME.txt` of the workspace that contains
/// `manifest_dir`. Use it through [`assert_example!`](crate::assert_example).
///
/// First 200 simulated schedules (each run sets `SYNC_KIT_SIM`),
/// then one real-time run at `SYNC_KIT_TIME_SCALE` 0.05, or at the scale the
/// test's environment sets, which the example inherits.
/// With `GOLDEN_BLESS=1` in the environment, a real-time run that does not
/// match is written as the reference's new body instead of failing (see
/// [`bless`](crate::bless) for the pitfalls); simulated schedules must still
/// match the blessed reference.
pub fn assert_example_at(bin: &str, manifest_dir: &str, name: &str) {
    let root = workspace_root(Path::new(manifest_dir))
        .unwrap_or_else(|| panic!("{manifest_dir} is not inside a Cargo workspace"));
    let spec = root.join("expected-output").join(format!("{name}.txt"));
    let text = std::fs::read_to_string(&spec)
        .unwrap_or_else(|err| panic!("{name}: cannot read {}: {err}", spec.display()));
    let parsed = Spec::parse(&spec.display().to_string(), &text)
        .unwrap_or_else(|err| panic!("{name}: {err}"));
    let opts = ExploreOptions {
        schedules: SCHEDULES,
        determinism_sample: 5,
        ..ExploreOptions::default()
    };
    let explored =
        explore(Path::new(bin), &parsed, &opts).unwrap_or_else(|err| panic!("{name}: {err}"));
    if let Some(failure) = explored.failures.first() {
        let replay = failure.schedule.as_deref().map_or(String::new(), |s| {
            format!("\nreplay: golden replay {name} {s}\n    or: SYNC_KIT_SIM=replay:{s} cargo run -p {name}")
        });
        panic!(
            "{name}: {} of {} simulated schedules do not match {}; the first, seed {} ({}):\n{}\n--- what it printed ---\n{}{replay}",
            explored.failures.len(),
            explored.schedules,
            spec.display(),
            failure.seed,
            failure.sim,
            failure.report,
            failure.output
        );
    }
    if let Some(divergence) = explored.nondeterministic.first() {
        panic!(
            "{name} is not deterministic under the simulator: seed {}: {}",
            divergence.seed, divergence.detail
        );
    }
    let picture = crate::picture_path(&root, name);
    if picture.exists() {
        let fresh = crate::draw(Path::new(bin), &parsed, crate::picture_seed(&root, name))
            .unwrap_or_else(|err| panic!("{name}: drawing its timeline: {err}"));
        let committed = std::fs::read_to_string(&picture).unwrap_or_default();
        assert!(
            crate::masked_svg(&fresh) == crate::masked_svg(&committed),
            "{name}: {} is stale; regenerate the pictures with scripts/timelines.sh",
            picture.display()
        );
    }
    let mut real = RunOptions::default();
    if std::env::var_os("SYNC_KIT_TIME_SCALE").is_none() {
        real = real.time_scale(REAL_TIME_SCALE);
    }
    let report =
        run_example(Path::new(bin), &spec, &real).unwrap_or_else(|err| panic!("{name}: {err}"));
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
