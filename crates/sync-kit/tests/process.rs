//! What only a whole process shows: exit waits for non-daemon threads but not
//! daemon ones, a panicking thread is reported and does not hang shutdown,
//! logging writes whole lines, and `SYNC_KIT_TIME_SCALE` scales sleeps. Each test
//! runs the `probe` example (built by `cargo test` with the other targets) as a
//! child process and reads its output.

use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn probe_path() -> PathBuf {
    // target/<profile>/deps/<this test> -> target/<profile>/examples/probe
    let exe = std::env::current_exe().expect("test binary path");
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("test binary lives in target/<profile>/deps");
    let probe = profile_dir
        .join("examples")
        .join(format!("probe{}", std::env::consts::EXE_SUFFIX));
    assert!(
        probe.exists(),
        "{} is missing: run the tests with `cargo test`, which builds examples",
        probe.display()
    );
    probe
}

fn run(scenario: &str, env: &[(&str, &str)]) -> (Output, Duration) {
    let mut command = Command::new(probe_path());
    command
        .arg(scenario)
        .env_remove("SYNC_KIT_TIME_SCALE")
        .env_remove("RUST_LOG")
        .env_remove("RUST_BACKTRACE");
    for (key, value) in env {
        command.env(key, value);
    }
    let start = Instant::now();
    let output = command.output().expect("run the probe");
    (output, start.elapsed())
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8 stdout")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("UTF-8 stderr")
}

#[test]
fn exit_waits_for_non_daemon_threads_but_not_daemons() {
    let (output, elapsed) = run("exit_waits", &[]);
    assert!(output.status.success(), "{output:?}");
    assert_eq!(stdout(&output), "main done\nnon-daemon finished\n");
    // The daemon sleeps 30 s; the process must not have waited for it.
    assert!(elapsed < Duration::from_secs(20), "{elapsed:?}");
    assert_eq!(stderr(&output), "");
}

#[test]
fn test_thread_from_thread() {
    // A thread started by another thread after main's body returned is waited for.
    let (output, _) = run("thread_from_thread", &[]);
    assert!(output.status.success(), "{output:?}");
    assert_eq!(stdout(&output), "main done\nOK\n");
}

#[test]
fn pending_timer_keeps_the_process_alive() {
    let (output, _) = run("timer_at_exit", &[]);
    assert!(output.status.success(), "{output:?}");
    assert_eq!(stdout(&output), "main done\ntimer fired\n");
}

#[test]
fn test_1_join_on_shutdown() {
    let (output, _) = run("join_main", &[]);
    assert!(output.status.success(), "{output:?}");
    assert_eq!(stdout(&output), "end of main\nend of thread\n");
}

#[test]
fn test_excepthook_and_panics_do_not_hang_shutdown() {
    let (output, elapsed) = run("panics", &[]);
    assert!(output.status.success(), "{output:?}");
    assert_eq!(stdout(&output), "joined: alive=false\n");
    let err = stderr(&output);
    assert!(
        err.contains("Exception in thread excepthook thread:\n"),
        "{err}"
    );
    assert!(err.contains("run failed\n"), "{err}");
    assert!(
        err.contains("probe.rs"),
        "the panic location is shown: {err}"
    );
    assert!(err.contains("\nsecond failure\n"), "{err}");
    // Rust's default hook is replaced for sync-kit threads, not added to.
    assert!(!err.contains("thread '"), "{err}");
    assert!(elapsed < Duration::from_secs(20), "{elapsed:?}");
}

#[test]
fn log_records_are_whole_lines_in_the_python_format() {
    let (output, _) = run("log_lines", &[]);
    assert!(output.status.success(), "{output:?}");
    let err = stderr(&output);
    let lines: Vec<_> = err.lines().collect();
    assert_eq!(lines.len(), 4 * 400 + 1, "one line per record");
    let filler = "x".repeat(200);
    for line in &lines {
        let ok = line.starts_with("[DEBUG] (w") && line.ends_with(&filler)
            || line.starts_with("[INFO] (w") && line.contains(") info ")
            || *line == "[WARNING] (MainThread) main waits";
        assert!(ok, "torn or misformatted line: {line:?}");
    }
    assert!(lines.contains(&"[INFO] (w3        ) info 199"));
}

#[test]
fn rust_log_overrides_the_configured_level() {
    let (output, _) = run("log_lines", &[("RUST_LOG", "info")]);
    assert!(output.status.success(), "{output:?}");
    let err = stderr(&output);
    assert_eq!(err.lines().count(), 4 * 200 + 1, "{err}");
    assert!(!err.contains("[DEBUG]"));
}

#[test]
fn time_scale_speeds_up_sleeps() {
    let (output, _) = run("timed_sleep", &[("SYNC_KIT_TIME_SCALE", "0.05")]);
    assert!(output.status.success(), "{output:?}");
    let slept: u64 = stdout(&output)
        .trim()
        .strip_prefix("slept_ms ")
        .and_then(|ms| ms.parse().ok())
        .expect("slept_ms N");
    // 2 s x 0.05 = 100 ms: never less, far below the unscaled 2 s. (The
    // process's own run time is not bounded: start-up under load says nothing
    // about the scale.)
    assert!((100..1500).contains(&slept), "{slept} ms");
}

#[test]
fn bad_time_scale_is_a_clear_error() {
    for bad in ["fast", "0", "-1"] {
        let (output, _) = run("timed_sleep", &[("SYNC_KIT_TIME_SCALE", bad)]);
        assert!(!output.status.success());
        assert_eq!(stdout(&output), "", "nothing ran");
        let err = stderr(&output);
        assert!(err.contains("SYNC_KIT_TIME_SCALE"), "{err}");
        assert!(err.contains(bad), "{err}");
    }
}
