//! The reference files in `expected-output/` against recorded runs.
//!
//! `tests/runs/NAME.txt` is one run of the seed's script under CPython 3.11, with
//! thread names written the seed's way (`Thread-1`, not `Thread-1 (worker)`), as
//! the Rust ports print them. Each must pass; each "wrong program" variant (a bug a
//! port could have) must fail.

use golden::Spec;
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn spec(name: &str) -> Spec {
    let path = root().join("expected-output").join(format!("{name}.txt"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Spec::parse(&format!("expected-output/{name}.txt"), &text).unwrap_or_else(|e| panic!("{e}"))
}

fn run(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/runs")
        .join(format!("{name}.txt"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_reference_file_parses_and_accepts_its_recorded_run() {
    let dir = root().join("expected-output");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .filter_map(|e| {
            e.file_name()
                .to_str()?
                .strip_suffix(".txt")
                .map(str::to_owned)
        })
        .collect();
    names.sort();
    assert!(!names.is_empty());
    for name in &names {
        let s = spec(name);
        let out = s.check(&run(name));
        assert!(out.is_match(), "{name}:\n{out}");
    }
}

/// One bug a port could have per row: `name | what the bug is | text | replacement`.
/// The first occurrence of the text in the recorded run is replaced (`\n` is a
/// line break, so a replacement may add or remove lines; `(nothing)` is empty).
const WRONG: &str = r#"
threading_simple | a worker missing | > Worker\n | (nothing)
threading_simpleargs | wrong argument | Worker: 4 | Worker: 5
threading_names | a thread never exits | my_serviceExiting\n | (nothing)
threading_names_log | my_service's Exiting lost at exit | [DEBUG] (my_service) Exiting\n | (nothing)
threading_names_log | name column not padded | (worker    ) | (worker)
threading_daemon | process waited for the daemon | (non-daemon) Exiting\n | (non-daemon) Exiting\n(daemon    ) Exiting\n
threading_daemon_join | join did not wait | (daemon    ) Exiting\n | (nothing)
threading_daemon_join_timeout | is_alive wrong | d.isAlive() True | d.isAlive() False
threading_enumerate | a thread joined twice | joining Thread-3 | joining Thread-2
threading_enumerate | a worker never ends | (Thread-2  ) ending\n | (nothing)
threading_subclass | two lines from one thread | (Thread-2  ) running | (Thread-1  ) running
threading_subclass_args | kwargs printed the Rust way | {'a': 'A', 'b': 'B'} | {"a": "A", "b": "B"}
threading_timer | the cancelled timer fired | (t1        ) worker running\n | (t1        ) worker running\n(t2        ) worker running\n
threading_timer | timer fired early | (MainThread) done\n(t1        ) worker running | (t1        ) worker running\n(MainThread) done
threading_event | wait returned without the event | (block     ) event set: True | (block     ) event set: False
threading_lock | lost update | Counter: 4 | Counter: 3
threading_lock | counter read before the joins | (MainThread) Counter: 4\n | (nothing)
threading_lock_noblock | worker never finishes | Done after | Gave up after
threading_lock_reacquire | lock is re-entrant | Second try: False | Second try: True
threading_rlock | Python 2 style result | Second try: True | Second try: 1
threading_lock_with | a thread never got the lock | Lock acquired directly\n | \n
threading_condition | consumer woke before the notify | Making resource available | Resource is available to consumer
threading_semaphore | three workers inside | Running: ['0', '1'] | Running: ['0', '1', '2']
threading_local | value leaked between threads | (Thread-1  ) No value yet | (Thread-1  ) value=1000
threading_local_defaults | a different object | 0x | 0xdead
"#;

#[test]
fn wrong_programs_fail() {
    for row in WRONG.lines().filter(|l| !l.trim().is_empty()) {
        let cols: Vec<String> = row
            .split(" | ")
            .map(|c| {
                if c == "(nothing)" {
                    String::new()
                } else {
                    c.replace("\\n", "\n")
                }
            })
            .collect();
        let [name, bug, from, to] = cols.as_slice() else {
            panic!("bad row: {row}");
        };
        let good = run(name);
        assert!(good.contains(from), "{name}: recorded run lacks `{from}`");
        let bad = good.replacen(from.as_str(), to, 1);
        let out = spec(name).check(&bad);
        assert!(!out.is_match(), "{name}: `{bug}` was not caught:\n{bad}");
    }
}

#[test]
fn event_seen_before_it_was_set_fails() {
    // The blocked waiter reports the event before the main thread even got to
    // set() it: every line is there, only the `%sync` order is broken.
    let good = run("threading_event");
    let line = "(block     ) event set: True\n";
    let first = "(block     ) wait_for_event starting\n";
    assert!(good.starts_with(first) && good.contains(line));
    let bad = good
        .replacen(line, "", 1)
        .replacen(first, &format!("{first}{line}"), 1);
    let out = spec("threading_event").check(&bad);
    assert!(!out.is_match(), "not caught:\n{bad}");
    assert!(
        out.to_string().contains("%sync MainThread -> block"),
        "{out}"
    );
}
