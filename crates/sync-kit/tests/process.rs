//! What only a whole process shows: exit waits for non-daemon threads but not
//! daemon ones, a panicking thread is reported and does not hang shutdown,
//! logging writes whole lines byte for byte and follows `RUST_LOG`, thread-local
//! values whose destructors use sync-kit are dropped at thread and process end
//! without aborting, and `SYNC_KIT_TIME_SCALE` scales sleeps. Each test
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

#[test]
fn log_messages_are_written_byte_for_byte_as_cpython_writes_them() {
    let (output, _) = run("log_raw", &[]);
    assert!(output.status.success(), "{output:?}");
    // CPython 3.11, same format and messages: control characters and escape
    // sequences as they are with %s, Python's repr() with %r.
    let expected = concat!(
        "010|bell\x07 \x1b[31mred\x1b[0m zw\u{200b} cr\r tab\t|",
        r"'bell\x07 \x1b[31mred\x1b[0m zw\u200b cr\r tab\t'",
        "\n",
        "030|it's|\"it's\"\n",
    );
    assert_eq!(stderr(&output), expected);
}

#[test]
fn rust_log_replaces_the_configured_level_as_env_logger_does() {
    let count = |rust_log: &str| {
        let (output, _) = run("log_lines", &[("RUST_LOG", rust_log)]);
        assert!(output.status.success(), "{output:?}");
        stderr(&output)
    };
    // The probe configures Debug; these values replace it.
    assert_eq!(count("warn"), "[WARNING] (MainThread) main waits\n");
    assert_eq!(count("probe=info").lines().count(), 4 * 200 + 1);
    assert_eq!(count("   ").lines().count(), 4 * 400 + 1, "blank: as unset");
    // A word that is not a level names a module: nothing of the probe shows.
    assert_eq!(count("bogus"), "");
    // An unparsable directive is reported and dropped; none left: errors only.
    assert_eq!(
        count("probe=loud"),
        "warning: invalid logging spec 'loud', ignoring it\n"
    );
}

#[test]
fn local_values_dropped_at_process_exit_can_use_sync_kit() {
    // The failure mode is an abort ("thread local panicked on drop").
    let (output, _) = run("local_drop_at_exit", &[]);
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        stdout(&output),
        "main value: dropping\nmain value: dropped in MainThread\n"
    );
    assert_eq!(
        stderr(&output),
        "(MainThread) main returns\n(MainThread) main value logged from its destructor\n"
    );
}

#[test]
fn local_values_dropped_as_threads_end_can_use_sync_kit() {
    let (output, _) = run("local_drop_in_threads", &[]);
    assert!(output.status.success(), "no abort: {output:?}");
    let out = stdout(&output);
    for line in [
        "worker value: dropped in worker",
        "std value: dropped in Dummy-1",
        "late value: dropped in Dummy-2",
        "explicit value: dropping",
    ] {
        assert!(out.contains(&format!("{line}\n")), "{line:?} in {out}");
    }
    assert!(out.ends_with("main done\n"), "{out}");
    let err = stderr(&output);
    for line in [
        "(worker) worker value logged from its destructor",
        "(Dummy-1) std value logged from its destructor",
        "(Dummy-2) late value logged from its destructor",
    ] {
        assert!(err.contains(&format!("{line}\n")), "{line:?} in {err}");
    }
}
