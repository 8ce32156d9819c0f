//! The checker: every fixture is valid, and each kind of broken trace is
//! reported with the right message.

mod common;

use serde_json::{Value, json};

fn problems(v: &Value) -> Vec<String> {
    timeline::check(v).iter().map(ToString::to_string).collect()
}

/// The lock fixture with `edit` applied to its event list.
fn edited(edit: impl FnOnce(&mut Vec<Value>)) -> Value {
    let mut v = common::fixture("lock");
    edit(v["traceEvents"].as_array_mut().unwrap());
    v
}

fn position(events: &[Value], pred: impl Fn(&Value) -> bool) -> usize {
    events
        .iter()
        .position(pred)
        .expect("fixture has such an event")
}

fn has(problems: &[String], needle: &str) -> bool {
    problems.iter().any(|p| p.contains(needle))
}

#[track_caller]
fn assert_reports(v: &Value, needle: &str) {
    let p = problems(v);
    assert!(
        has(&p, needle),
        "expected a problem containing {needle:?}, got {p:#?}"
    );
}

#[test]
fn every_fixture_passes() {
    for name in common::FIXTURES {
        assert_eq!(
            problems(&common::fixture(name)),
            Vec::<String>::new(),
            "{name}"
        );
    }
}

#[test]
fn check_file_reads_and_checks() {
    assert_eq!(
        timeline::check_file(&common::fixture_path("event")).unwrap(),
        vec![]
    );
    let err = timeline::check_file(std::path::Path::new("/no/such/trace.json")).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("cannot read /no/such/trace.json"),
        "{err}"
    );
}

#[test]
fn check_json_reports_not_json_with_its_position() {
    assert_eq!(
        timeline::check_json(br#"{"traceEvents": []}"#)
            .unwrap()
            .len(),
        2
    );
    let err = timeline::check_json(b"{\n  \"traceEvents\": [,]}").unwrap_err();
    assert!(err.to_string().starts_with("<input>:2:"), "{err}");
}

#[test]
fn top_level_shape() {
    assert_reports(&json!([]), "the top level must be an object");
    assert_reports(
        &json!({"otherData": {"clock": "real", "program": "p"}}),
        "missing `traceEvents`",
    );
    let mut v = common::fixture("lock");
    v["otherData"]["clock"] = json!("wall");
    v["displayTimeUnit"] = json!("s");
    let p = problems(&v);
    assert!(
        has(
            &p,
            "`otherData.clock` must be \"virtual\" or \"real\", not \"wall\""
        ),
        "{p:#?}"
    );
    assert!(
        has(&p, "`displayTimeUnit` must be \"ms\" or \"ns\""),
        "{p:#?}"
    );
    v.as_object_mut().unwrap().remove("otherData");
    assert_reports(&v, "missing `otherData`");
}

#[test]
fn a_tid_without_thread_name() {
    let v = edited(|ev| {
        let i = position(ev, |e| e["name"] == "thread_name" && e["tid"] == 2);
        ev.remove(i);
    });
    assert_reports(&v, "tid 2 has no `thread_name` metadata");
    let v = edited(|ev| {
        let i = position(ev, |e| e["name"] == "thread_name" && e["tid"] == 2);
        ev.push(ev[i].clone());
    });
    assert_reports(&v, "tid 2 has a second `thread_name`");
}

#[test]
fn unmatched_hold_spans() {
    let v = edited(|ev| {
        let i = position(ev, |e| e["ph"] == "e" && e["id"] == "hold-1");
        ev.remove(i);
    });
    assert_reports(&v, "hold id \"hold-1\": `b` never ended by an `e`");
    let v = edited(|ev| {
        let i = position(ev, |e| e["ph"] == "b" && e["id"] == "hold-2");
        ev.remove(i);
    });
    assert_reports(&v, "hold id \"hold-2\": `e` without a `b`");
    let v = edited(|ev| {
        let i = position(ev, |e| e["ph"] == "e" && e["id"] == "hold-1");
        ev[i]["name"] = json!("Lock#9");
        let j = position(ev, |e| e["ph"] == "b" && e["id"] == "hold-2");
        ev[j]["ts"] = json!(9e9);
    });
    let p = problems(&v);
    assert!(
        has(&p, "`e` named \"Lock#9\" but `b` named \"Lock#1\""),
        "{p:#?}"
    );
    assert!(has(&p, "hold id \"hold-2\": `e` at ts"), "{p:#?}");
}

#[test]
fn unmatched_wake_flows() {
    let v = edited(|ev| {
        let i = position(ev, |e| e["ph"] == "f" && e["id"] == 3);
        ev.remove(i);
        let j = position(ev, |e| e["ph"] == "s" && e["id"] == 4);
        ev.remove(j);
    });
    let p = problems(&v);
    assert!(
        has(&p, "wake flow id \"3\": `s` never ended by an `f`"),
        "{p:#?}"
    );
    assert!(has(&p, "wake flow id \"4\": `f` without a `s`"), "{p:#?}");
}

#[test]
fn a_flow_must_land_where_a_slice_ends() {
    let v = edited(|ev| {
        let i = position(ev, |e| e["ph"] == "f" && e["id"] == 3);
        ev[i]["ts"] = json!(ev[i]["ts"].as_f64().unwrap() + 50.0);
    });
    assert_reports(&v, "does not end a state slice of that thread");
}

#[test]
fn overlapping_state_slices() {
    let v = edited(|ev| {
        let i = position(ev, |e| {
            e["cat"] == "state" && e["name"] == "sleeping" && e["tid"] == 1
        });
        ev[i]["dur"] = json!(ev[i]["dur"].as_f64().unwrap() + 100_000.0);
    });
    assert_reports(&v, "state slice overlaps event");
}

#[test]
fn per_event_fields() {
    let bad = [
        (
            json!({"ph": "Q", "name": "x", "pid": 1, "tid": 0, "ts": 0}),
            "unknown `ph` \"Q\"",
        ),
        (
            json!({"ph": "i", "pid": 1, "tid": 0, "ts": 0}),
            "without a non-empty string `name`",
        ),
        (
            json!({"ph": "i", "s": "t", "cat": "log", "name": "x", "pid": 2, "tid": 0, "ts": 0, "args": {"text": "x"}}),
            "`pid` must be 1",
        ),
        (
            json!({"ph": "i", "s": "t", "cat": "log", "name": "x", "pid": 1, "tid": 0, "args": {"text": "x"}}),
            "without a numeric `ts`",
        ),
        (
            json!({"ph": "i", "s": "t", "cat": "log", "name": "x", "pid": 1, "tid": -1, "ts": 0}),
            "`tid` must be an integer >= 0",
        ),
        (
            json!({"ph": "X", "cat": "state", "name": "sleeping", "pid": 1, "tid": 0, "ts": 0, "dur": -5, "args": {"secs": 1}}),
            "needs a `dur` >= 0",
        ),
        (
            json!({"ph": "X", "cat": "state", "name": "dozing", "pid": 1, "tid": 0, "ts": 0, "dur": 5}),
            "unknown state \"dozing\"",
        ),
        (
            json!({"ph": "X", "cat": "state", "name": "waiting", "pid": 1, "tid": 0, "ts": 0, "dur": 5, "args": {"kind": "Mutex", "object": "m"}}),
            "unknown `args.kind` \"Mutex\"",
        ),
        (
            json!({"ph": "X", "cat": "state", "name": "waiting", "pid": 1, "tid": 0, "ts": 0, "dur": 5, "args": {"kind": "Lock", "object": "Lock#1", "outcome": "bored"}}),
            "`args.outcome` must be one of",
        ),
        (
            json!({"ph": "X", "cat": "state", "name": "join", "pid": 1, "tid": 0, "ts": 0, "dur": 5, "args": {}}),
            "`join` needs a string `args.object`",
        ),
        (
            json!({"ph": "X", "cat": "state", "name": "sleeping", "pid": 1, "tid": 0, "ts": 0, "dur": 5}),
            "`sleeping` needs a numeric `args.secs`",
        ),
        (
            json!({"ph": "i", "cat": "log", "name": "x", "pid": 1, "tid": 0, "ts": 0, "args": {"text": "x"}}),
            "must have `s` \"t\"",
        ),
        (
            json!({"ph": "i", "s": "t", "cat": "log", "name": "x", "pid": 1, "tid": 0, "ts": 0}),
            "`log` instant needs a string `args.text`",
        ),
        (
            json!({"ph": "i", "s": "t", "cat": "event", "name": "toggle", "pid": 1, "tid": 0, "ts": 0, "args": {"object": "Event#1"}}),
            "must be named one of [\"set\", \"clear\"]",
        ),
        (
            json!({"ph": "i", "s": "t", "cat": "gc", "name": "x", "pid": 1, "tid": 0, "ts": 0}),
            "unknown `cat` \"gc\"",
        ),
        (
            json!({"ph": "C", "name": "Semaphore#1", "pid": 1, "tid": 0, "ts": 0, "args": {"value": "two"}}),
            "needs numeric `args`",
        ),
        (
            json!({"ph": "b", "cat": "hold", "name": "Lock#1", "pid": 1, "tid": 0, "ts": 0}),
            "without a string or number `id`",
        ),
        (
            json!({"ph": "f", "cat": "wake", "name": "wake", "id": 99, "pid": 1, "tid": 0, "ts": 0}),
            "must have `bp` \"e\"",
        ),
        (
            json!({"ph": "M", "name": "thread_sort_index", "pid": 1, "tid": 0, "args": {"sort_index": "first"}}),
            "needs an integer `args.sort_index`",
        ),
        (
            json!({"ph": "M", "name": "thread_color", "pid": 1, "tid": 0, "args": {}}),
            "unknown metadata `thread_color`",
        ),
        (json!(42), "an event must be an object"),
    ];
    for (event, needle) in bad {
        let v = edited(|ev| ev.push(event.clone()));
        let p = problems(&v);
        let last = v["traceEvents"].as_array().unwrap().len() - 1;
        let expected = format!("event {last}: ");
        assert!(
            p.iter()
                .any(|p| p.starts_with(&expected) && p.contains(needle)),
            "{event}: expected {needle:?}, got {p:#?}"
        );
    }
}

#[test]
fn file_order_does_not_matter() {
    // Threads write their buffers at exit: a release may come before its acquire.
    let v = edited(|ev| ev.reverse());
    assert_eq!(problems(&v), Vec::<String>::new());
}
