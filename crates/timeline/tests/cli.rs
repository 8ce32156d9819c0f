//! The `timeline` binary: exit status 0 / 1 / 2 and its messages.

mod common;

use std::path::PathBuf;
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_timeline"))
        .args(args)
        .output()
        .expect("run timeline")
}

fn tmp(name: &str, contents: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("timeline-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn check_accepts_a_valid_trace() {
    let path = common::fixture_path("lock");
    let out = run(&["check", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).ends_with(": ok\n"));
}

#[test]
fn check_reports_problems_with_exit_1() {
    let path = tmp(
        "bad.json",
        r#"{"traceEvents":[{"ph":"b","cat":"hold","name":"Lock#1","id":"h","pid":1,"tid":4,"ts":3}],"otherData":{"clock":"real","program":"p"}}"#,
    );
    let out = run(&["check", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("event 0: tid 4 has no `thread_name` metadata"),
        "{err}"
    );
    assert!(
        err.contains("event 0: hold id \"h\": `b` never ended by an `e`"),
        "{err}"
    );
    assert!(
        err.contains("trace: expected one `process_name` metadata event, found 0"),
        "{err}"
    );
    assert!(err.ends_with("3 problems\n"), "{err}");
}

#[test]
fn bad_input_exits_2_with_a_clear_message() {
    let path = tmp(
        "notjson.json",
        "{\"traceEvents\": [\n  {\"ph\": \"X\",,}\n]}",
    );
    let out = run(&["check", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.starts_with("timeline: ")
            && err.contains("notjson.json:2:")
            && err.contains("not JSON"),
        "{err}"
    );
    let out = run(&["check", "/no/such/file.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("cannot read /no/such/file.json"));
    for args in [
        &[][..],
        &["draw"],
        &["check"],
        &["svg"],
        &["svg", "x.json", "--width", "9"],
    ] {
        assert_eq!(run(args).status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn svg_writes_a_picture() {
    let out_path =
        std::env::temp_dir().join(format!("timeline-cli-{}-out.svg", std::process::id()));
    let fixture = common::fixture_path("semaphore");
    let out = run(&[
        "svg",
        fixture.to_str().unwrap(),
        "-o",
        out_path.to_str().unwrap(),
        "--width",
        "900",
        "--title",
        "Pool",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let svg = std::fs::read_to_string(&out_path).unwrap();
    assert!(svg.contains(r#"width="900""#) && svg.contains(">Pool</text>"));
    assert_eq!(common::xml_problem(&svg), None);
    let _ = std::fs::remove_file(out_path);
    // Without -o, to standard output.
    let out = run(&["svg", fixture.to_str().unwrap()]);
    assert!(text(&out.stdout).starts_with("<svg"));
}

#[test]
fn svg_refuses_an_invalid_trace() {
    let path = tmp(
        "invalid.json",
        r#"{"traceEvents":[],"otherData":{"clock":"sundial","program":"p"}}"#,
    );
    let out = run(&["svg", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(text(&out.stderr).contains("`otherData.clock` must be"));
}
