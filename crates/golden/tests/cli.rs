//! The `golden` binary: exit statuses and one-line reasons for bad input.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_golden");

/// A scratch directory unique to one test.
fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("golden-cli-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write scratch file");
    p
}

fn golden(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn golden");
    if let Some(mut input) = child.stdin.take() {
        let _ = input.write_all(stdin);
    }
    child.wait_with_output().expect("wait for golden")
}

/// Exit status 2 with exactly one line on stderr that contains `needle`.
#[track_caller]
fn bad_input(out: &Output, needle: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr: {err}");
    assert_eq!(
        err.lines().count(),
        1,
        "one-line reason expected, got: {err}"
    );
    assert!(err.contains(needle), "`{needle}` not in: {err}");
}

const SPEC: &str = "%key /^\\((.*?) *\\)/\n%%\n%interleave\n(a) 1\n(b) 1\n%end\n";

#[test]
fn match_mismatch_and_stdin() {
    let d = scratch("basic");
    let spec = write(&d, "spec.txt", SPEC.as_bytes());
    let good = write(&d, "good.txt", b"(b) 1\n(a) 1\n");
    let bad = write(&d, "bad.txt", b"(b) 1\n(a) 2\n");
    let s = spec.to_str().unwrap_or_default();
    let out = golden(&["check", s, good.to_str().unwrap_or_default()], b"");
    assert_eq!(out.status.code(), Some(0));
    let out = golden(&["check", s, bad.to_str().unwrap_or_default()], b"");
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.starts_with("FAIL "), "{stdout}");
    let out = golden(&["check", s, "-"], b"(a) 1\n(b) 1\n");
    assert_eq!(out.status.code(), Some(0));
    let out = golden(&["check", s, "-"], b"(a) 1\n");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn bad_specs_exit_2_with_one_line() {
    let d = scratch("specs");
    let actual = write(&d, "actual.txt", b"x\n");
    let a = actual.to_str().unwrap_or_default();
    let cases: &[(&str, &str)] = &[
        ("%%\n%unorderd\nx\n%end\n", "did you mean `%unordered`?"),
        ("%%\n%unordered\nx\n", "unclosed `%unordered` block"),
        ("%redact /(/\n%%\nx\n", "bad regex"),
        ("%%\nx{{(}}\n", "bad regex"),
        ("oops\n%%\nx\n", "text in the header"),
        ("%key /(a)/\nx\n", "missing `%%`"),
        ("%%\n%times\nx\n", "bad count"),
    ];
    for (i, (text, needle)) in cases.iter().enumerate() {
        let spec = write(&d, &format!("spec{i}.txt"), text.as_bytes());
        let out = golden(&["check", spec.to_str().unwrap_or_default(), a], b"");
        bad_input(&out, needle);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(&format!("spec{i}.txt:")),
            "file:line:col expected: {err}"
        );
    }
}

#[test]
fn unreadable_or_non_utf8_files_exit_2() {
    let d = scratch("files");
    let spec = write(&d, "spec.txt", SPEC.as_bytes());
    let s = spec.to_str().unwrap_or_default();
    let latin1 = write(&d, "latin1.txt", b"(a) caf\xe9\n");
    let missing = d.join("missing.txt");
    let m = missing.to_str().unwrap_or_default();
    bad_input(&golden(&["check", m, s], b""), "cannot read");
    bad_input(&golden(&["check", s, m], b""), "cannot read");
    bad_input(
        &golden(&["check", s, latin1.to_str().unwrap_or_default()], b""),
        "not UTF-8",
    );
    bad_input(
        &golden(&["check", s, "-"], b"\xff\xfe\n"),
        "stdin is not UTF-8",
    );
    bad_input(
        &golden(&["check", latin1.to_str().unwrap_or_default(), s], b""),
        "not UTF-8",
    );
    bad_input(
        &golden(&["check", d.to_str().unwrap_or_default(), s], b""),
        "cannot read",
    );
}

#[test]
fn usage_errors_exit_2() {
    bad_input(&golden(&[], b""), "no command");
    bad_input(&golden(&["frobnicate"], b""), "unknown command");
    bad_input(&golden(&["check", "only-one"], b""), "takes two files");
    bad_input(&golden(&["run"], b""), "needs an example name");
    bad_input(
        &golden(&["run", "x", "--repeat", "0"], b""),
        "positive number",
    );
    bad_input(
        &golden(&["run", "x", "--time-scale", "fast"], b""),
        "positive number",
    );
    bad_input(&golden(&["run", "x", "--bogus"], b""), "unknown option");
}

#[cfg(unix)]
fn script(dir: &Path, name: &str, body: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let p = write(dir, name, format!("#!/bin/sh\n{body}\n").as_bytes());
    let mut perm = std::fs::metadata(&p).expect("metadata").permissions();
    perm.set_mode(0o755);
    std::fs::set_permissions(&p, perm).expect("chmod");
    p
}

#[cfg(unix)]
#[test]
fn run_merges_stdout_and_stderr_and_repeats() {
    let d = scratch("run");
    let spec = write(&d, "ex.txt", b"%%\nout 1\nerr 2\nout 3\nscale=0.05\n");
    let ex = script(
        &d,
        "ex",
        "echo 'out 1'; echo 'err 2' >&2; echo 'out 3'; echo \"scale=$SYNC_KIT_TIME_SCALE\"",
    );
    let args = [
        "run",
        "ex",
        "--bin",
        ex.to_str().unwrap_or_default(),
        "--spec",
        spec.to_str().unwrap_or_default(),
    ];
    let mut with_scale: Vec<&str> = args.to_vec();
    with_scale.extend(["--time-scale", "0.05", "--repeat", "3"]);
    let out = golden(&with_scale, b"");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("3/3 runs passed"), "{stdout}");
    // Without the time scale the last line differs: a mismatch, exit 1.
    let out = golden(&args, b"");
    assert_eq!(out.status.code(), Some(1));
}

#[cfg(unix)]
#[test]
fn run_reports_crashes_and_timeouts() {
    let d = scratch("crash");
    let spec = write(&d, "ex.txt", b"%%\nhello\n");
    let s = spec.to_str().unwrap_or_default();
    let crash = script(&d, "crash", "echo hello; kill -SEGV $$");
    let out = golden(
        &[
            "run",
            "crash",
            "--bin",
            crash.to_str().unwrap_or_default(),
            "--spec",
            s,
        ],
        b"",
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "a crash is bad input: {stdout}");
    assert!(stdout.contains("killed by signal 11"), "{stdout}");
    assert!(stderr.contains("crash: 1 of 1 runs crashed"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "one-line reason: {stderr}");
    let status = script(&d, "status", "echo hello; exit 3");
    let out = golden(
        &[
            "run",
            "status",
            "--bin",
            status.to_str().unwrap_or_default(),
            "--spec",
            s,
        ],
        b"",
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{stdout}");
    assert!(stdout.contains("exited with status 3"), "{stdout}");
    // ... unless the spec expects that status.
    let spec3 = write(&d, "ex3.txt", b"%exit 3\n%%\nhello\n");
    let out = golden(
        &[
            "run",
            "status",
            "--bin",
            status.to_str().unwrap_or_default(),
            "--spec",
            spec3.to_str().unwrap_or_default(),
        ],
        b"",
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let hang = script(&d, "hang", "echo hello; exec sleep 30");
    let started = std::time::Instant::now();
    let out = golden(
        &[
            "run",
            "hang",
            "--bin",
            hang.to_str().unwrap_or_default(),
            "--spec",
            s,
            "--timeout",
            "0.5",
        ],
        b"",
    );
    bad_input(&out, "killed");
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    let missing = d.join("nope");
    bad_input(
        &golden(
            &[
                "run",
                "nope",
                "--bin",
                missing.to_str().unwrap_or_default(),
                "--spec",
                s,
            ],
            b"",
        ),
        "cannot run",
    );
}

#[test]
fn a_closed_output_pipe_is_not_a_crash() {
    let d = scratch("pipe");
    let spec = write(&d, "spec.txt", SPEC.as_bytes());
    let bad = write(&d, "bad.txt", "(z) 1\n".repeat(5000).as_bytes());
    let mut child = Command::new(BIN)
        .args([
            "check",
            spec.to_str().unwrap_or_default(),
            bad.to_str().unwrap_or_default(),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn golden");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("wait for golden");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}
