//! The simulator seen from outside: `SYNC_KIT_SIM` read at start, virtual time
//! for a whole program, the deadlock report and exit status, the watchdog,
//! and the report file. Each test runs the `sim_probe` example as a child.

use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn probe() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    let profile = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("test binary lives in target/<profile>/deps");
    profile
        .join("examples")
        .join(format!("sim_probe{}", std::env::consts::EXE_SUFFIX))
}

fn run(scenario: &str, env: &[(&str, &str)]) -> (Output, Duration) {
    let mut command = Command::new(probe());
    command
        .arg(scenario)
        .env_remove("SYNC_KIT_TIME_SCALE")
        .env_remove("SYNC_KIT_SIM")
        .env_remove("SYNC_KIT_SIM_REPORT")
        .env_remove("RUST_LOG");
    for (key, value) in env {
        command.env(key, value);
    }
    let start = Instant::now();
    let output = command.output().expect("run sim_probe");
    (output, start.elapsed())
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `text` with object addresses replaced, which differ between runs.
fn masked(bytes: &[u8]) -> String {
    let text = text(bytes);
    let mut out = String::new();
    let mut rest = text.as_str();
    while let Some(at) = rest.find("0x") {
        out.push_str(&rest[..at + 2]);
        rest = rest[at + 2..].trim_start_matches(|c: char| c.is_ascii_hexdigit());
        out.push_str("ADDR");
    }
    out + rest
}

#[test]
fn a_program_that_sleeps_thirty_seconds_finishes_at_once_on_virtual_time() {
    let (out, took) = run("sleep30", &[("SYNC_KIT_SIM", "random:1")]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    // The virtual wall clock starts at 2000-01-01 00:00:00 (local time).
    let log = text(&out.stderr);
    assert!(log.contains(":00:30,000 (MainThread) done"), "{log}");
    assert!(took < Duration::from_secs(10), "took {took:?}");
}

#[test]
fn the_same_seed_gives_the_same_output_and_another_seed_may_not() {
    let a = run("sleep30", &[("SYNC_KIT_SIM", "pct:2:9")]).0;
    let b = run("sleep30", &[("SYNC_KIT_SIM", "pct:2:9")]).0;
    assert_eq!(text(&a.stderr), text(&b.stderr));
    assert_eq!(text(&a.stdout), text(&b.stdout));
}

#[test]
fn a_malformed_setting_is_an_error_before_main_runs() {
    let (out, _) = run("sleep30", &[("SYNC_KIT_SIM", "randm:1")]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("SYNC_KIT_SIM=\"randm:1\" is not usable"),
        "{err}"
    );
    assert!(!err.contains("done"), "{err}");
}

#[test]
fn a_self_deadlock_is_reported_with_the_lock_and_the_line_and_exits_3() {
    let dir = std::env::temp_dir().join(format!("sim-report-{}", std::process::id()));
    let report = dir.with_extension("txt");
    let (out, took) = run(
        "reacquire",
        &[
            ("SYNC_KIT_SIM", "random:4"),
            ("SYNC_KIT_SIM_REPORT", report.to_str().unwrap()),
        ],
    );
    assert_eq!(out.status.code(), Some(sync_kit::sim::DEADLOCK_EXIT_CODE));
    let err = text(&out.stderr);
    let first = err
        .lines()
        .find(|l| l.contains("deadlock"))
        .unwrap_or_default();
    assert!(first.starts_with("sync-kit: deadlock"), "{err}");
    assert!(err.contains("\"MainThread\" waits for Lock"), "{err}");
    assert!(err.contains("examples/sim_probe.rs"), "{err}");
    assert!(err.contains("first try: False"), "{err}");
    assert!(took < Duration::from_secs(10));
    let written = std::fs::read_to_string(&report).expect("report file");
    let _ = std::fs::remove_file(&report);
    assert!(written.contains("outcome=deadlock"), "{written}");
    assert!(written.contains("config=random:4"), "{written}");
}

#[test]
fn a_lock_order_deadlock_is_reported_and_replays_from_its_schedule() {
    let (out, _) = run("inversion", &[("SYNC_KIT_SIM", "random:2")]);
    assert_eq!(out.status.code(), Some(sync_kit::sim::DEADLOCK_EXIT_CODE));
    let err = text(&out.stderr);
    assert!(err.contains("\"other\" waits for Lock"), "{err}");
    assert!(err.contains("\"MainThread\" waits for Lock"), "{err}");
    let replay = err
        .lines()
        .find_map(|l| l.strip_prefix("replay: SYNC_KIT_SIM="))
        .expect("a replay line")
        .to_owned();
    let (again, _) = run("inversion", &[("SYNC_KIT_SIM", &replay)]);
    assert_eq!(again.status.code(), Some(sync_kit::sim::DEADLOCK_EXIT_CODE));
    assert_eq!(masked(&again.stderr), masked(&out.stderr));
}

#[test]
fn a_thread_blocked_outside_sync_kit_is_named_instead_of_hanging() {
    let (out, took) = run(
        "stall",
        &[
            ("SYNC_KIT_SIM", "random:1"),
            ("SYNC_KIT_SIM_WATCHDOG", "0.5"),
        ],
    );
    assert_eq!(out.status.code(), Some(sync_kit::sim::STALL_EXIT_CODE));
    let err = text(&out.stderr);
    assert!(
        err.contains("thread \"blocker\" reached no sync-kit operation"),
        "{err}"
    );
    assert!(err.contains("outside sync-kit's control"), "{err}");
    assert!(took < Duration::from_secs(20), "took {took:?}");
}

#[test]
fn a_bad_watchdog_setting_is_an_error() {
    let (out, _) = run(
        "sleep30",
        &[
            ("SYNC_KIT_SIM", "random:1"),
            ("SYNC_KIT_SIM_WATCHDOG", "soon"),
        ],
    );
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("SYNC_KIT_SIM_WATCHDOG"));
}

#[test]
fn real_time_self_deadlock_is_reported_within_seconds_not_hung() {
    let (out, took) = run("reacquire", &[]);
    assert_eq!(
        out.status.code(),
        Some(sync_kit::sim::DEADLOCK_EXIT_CODE),
        "{}",
        text(&out.stderr)
    );
    let err = text(&out.stderr);
    assert!(
        err.lines().any(|l| l.starts_with("sync-kit: deadlock")),
        "{err}"
    );
    assert!(err.contains("\"MainThread\" waits for Lock"), "{err}");
    assert!(took < Duration::from_secs(5), "took {took:?}");
}

#[test]
fn real_time_lock_order_deadlock_is_reported_with_holders_under_lockdep() {
    let (out, took) = run("inversion", &[("SYNC_KIT_LOCKDEP", "1")]);
    assert_eq!(
        out.status.code(),
        Some(sync_kit::sim::DEADLOCK_EXIT_CODE),
        "{}",
        text(&out.stderr)
    );
    let err = text(&out.stderr);
    assert!(err.contains("\"other\" waits for Lock"), "{err}");
    assert!(err.contains("last acquired by \"MainThread\""), "{err}");
    assert!(err.contains("potential deadlock"), "{err}");
    assert!(took < Duration::from_secs(5), "took {took:?}");
}

#[test]
fn a_thread_sync_kit_does_not_know_keeps_the_detector_quiet() {
    let (out, _) = run("foreign_setter", &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(!err.contains("deadlock"), "{err}");
    assert!(err.contains("set by a foreign thread"), "{err}");
}

#[test]
fn a_deadlock_left_when_a_foreign_thread_exits_is_still_reported() {
    let (out, took) = run("foreign_quitter", &[]);
    assert_eq!(
        out.status.code(),
        Some(sync_kit::sim::DEADLOCK_EXIT_CODE),
        "{}",
        text(&out.stderr)
    );
    let err = text(&out.stderr);
    assert!(err.contains("\"MainThread\" waits for Event"), "{err}");
    // The look is repeated every 250 ms while unclear; generous for a loaded machine.
    assert!(took < Duration::from_secs(10), "took {took:?}");
}

#[test]
fn the_detector_can_report_without_exiting_or_be_turned_off() {
    let (out, took) = run("foreign_setter", &[("SYNC_KIT_DEADLOCK", "off")]);
    assert!(out.status.success());
    assert!(took < Duration::from_secs(10));
    let (out, _) = run("dump", &[("SYNC_KIT_LOCKDEP", "1")]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let listing = text(&out.stdout);
    assert!(listing.contains("\"worker\" waits for Lock"), "{listing}");
    assert!(
        listing.contains("last acquired by \"MainThread\""),
        "{listing}"
    );
    assert!(
        listing.contains("\"MainThread\" is running; holds Lock"),
        "{listing}"
    );
}

#[test]
fn completed_runs_of_the_lock_order_program_warn_of_the_inversion() {
    // Under the simulator some schedules deadlock and some complete; those
    // that complete still print the lock-order warning.
    let mut completed = 0;
    for seed in 0..40 {
        let (out, _) = run(
            "inversion_nosleep",
            &[("SYNC_KIT_SIM", &format!("random:{seed}"))],
        );
        let err = text(&out.stderr);
        if out.status.success() {
            completed += 1;
            assert!(
                err.contains("sync-kit: potential deadlock"),
                "seed {seed}: {err}"
            );
            assert!(err.contains("\"other\" took Lock"), "{err}");
            assert!(err.contains("\"MainThread\" took Lock"), "{err}");
        } else {
            assert_eq!(
                out.status.code(),
                Some(sync_kit::sim::DEADLOCK_EXIT_CODE),
                "{err}"
            );
        }
    }
    assert!(completed > 0, "no schedule of 40 completed");
}

fn traced(env: &[(&str, &str)]) -> String {
    let path = std::env::temp_dir().join(format!(
        "sim-trace-{}-{}.json",
        std::process::id(),
        env.len()
    ));
    let mut env = env.to_vec();
    let shown = path.display().to_string();
    env.push(("SYNC_KIT_TRACE", &shown));
    let (out, _) = run("traced", &env);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json = std::fs::read_to_string(&path).expect("the trace file");
    let _ = std::fs::remove_file(&path);
    let problems = timeline::check_json(json.as_bytes()).expect("the trace is JSON");
    assert!(problems.is_empty(), "{problems:?}");
    json
}

#[test]
fn a_real_time_trace_is_valid_chrome_trace_json_with_holds_waits_and_wakes() {
    let json = traced(&[]);
    for needle in [
        r#""name":"thread_name""#,
        r#""args":{"name":"worker-0"}"#,
        r#""ph":"b","cat":"hold""#,
        r#""ph":"e","cat":"hold""#,
        r#""ph":"s","cat":"wake""#,
        r#""ph":"f","bp":"e","cat":"wake""#,
        r#""cat":"state","name":"waiting""#,
        r#""cat":"state","name":"sleeping""#,
        r#""cat":"log","name":"working""#,
        r#""name":"set""#,
        r#""clock":"real""#,
    ] {
        assert!(json.contains(needle), "no {needle} in the trace");
    }
}

#[test]
fn a_simulated_trace_is_the_same_for_the_same_seed() {
    let a = traced(&[("SYNC_KIT_SIM", "random:5")]);
    let b = traced(&[("SYNC_KIT_SIM", "random:5")]);
    assert!(a.contains(r#""clock":"virtual""#));
    assert_eq!(a, b);
}
