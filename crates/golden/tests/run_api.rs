//! The library side of running examples: locating binaries and checking a run.

use golden::{RunError, RunOptions};
use std::path::{Path, PathBuf};
use std::time::Duration;

fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("golden-api-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

#[test]
fn workspace_root_is_the_nearest_workspace_manifest() {
    let d = scratch("root");
    std::fs::create_dir_all(d.join("crates/x/src")).expect("mkdir");
    std::fs::write(
        d.join("Cargo.toml"),
        "[workspace]\nmembers = [\"crates/*\"]\n",
    )
    .expect("write");
    std::fs::write(d.join("crates/x/Cargo.toml"), "[package]\nname = \"x\"\n").expect("write");
    assert_eq!(
        golden::workspace_root(&d.join("crates/x/src")),
        Some(d.clone())
    );
    // This crate lives in a workspace too.
    let here = golden::workspace_root(Path::new(env!("CARGO_MANIFEST_DIR")));
    assert!(here.is_some_and(|r| r.join("expected-output").is_dir()));
}

#[test]
fn find_example_prefers_the_newest_build() {
    let d = scratch("find");
    let exe = format!("ex{}", std::env::consts::EXE_SUFFIX);
    assert_eq!(golden::find_example(&d, "ex"), None);
    std::fs::create_dir_all(d.join("target/debug")).expect("mkdir");
    std::fs::create_dir_all(d.join("target/release")).expect("mkdir");
    std::fs::write(d.join("target/release").join(&exe), "old").expect("write");
    std::thread::sleep(Duration::from_millis(20));
    std::fs::write(d.join("target/debug").join(&exe), "new").expect("write");
    // Unless CARGO_TARGET_DIR points elsewhere (as when tests run under a custom
    // target dir), the debug build is the newer one.
    if std::env::var_os("CARGO_TARGET_DIR").is_none() {
        assert_eq!(
            golden::find_example(&d, "ex"),
            Some(d.join("target/debug").join(&exe))
        );
    }
}

#[cfg(unix)]
#[test]
fn run_example_checks_output_and_status() {
    use std::os::unix::fs::PermissionsExt;
    let d = scratch("run");
    let spec = d.join("ex.txt");
    std::fs::write(
        &spec,
        "%key /^\\((.*?) *\\)/\n%%\n%interleave\n(a) one\n(b) two\n%end\n",
    )
    .expect("write");
    let bin = d.join("ex");
    std::fs::write(&bin, "#!/bin/sh\necho '(b) two'\necho '(a) one' >&2\n").expect("write");
    let mut perm = std::fs::metadata(&bin).expect("metadata").permissions();
    perm.set_mode(0o755);
    std::fs::set_permissions(&bin, perm).expect("chmod");
    let report =
        golden::run_example(&bin, &spec, &RunOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    assert!(report.passed(), "{report}");
    assert_eq!(report.output, "(b) two\n(a) one\n");
    assert_eq!(report.status.code(), Some(0));
    // A spec that cannot be read, or does not parse, is an error, not a failure.
    let missing = golden::run_example(&bin, &d.join("nope.txt"), &RunOptions::default());
    assert!(matches!(missing, Err(RunError::ReadSpec(..))));
    std::fs::write(&spec, "%%\n%unordered\n").expect("write");
    let bad = golden::run_example(&bin, &spec, &RunOptions::default());
    assert!(matches!(bad, Err(RunError::Spec(_))));
    // A hung example is killed.
    std::fs::write(&spec, "%%\n").expect("write");
    std::fs::write(&bin, "#!/bin/sh\nexec sleep 30\n").expect("write");
    let opts = RunOptions::default().timeout(Duration::from_millis(300));
    let hung = golden::run_example(&bin, &spec, &opts);
    assert!(matches!(hung, Err(RunError::Timeout(_))), "{hung:?}");
}
