//! The trace format sync-kit writes, as rules, and a checker for them.
//!
//! Rules enforced by [`check`]:
//!
//! - The top level is an object with a `traceEvents` array; `displayTimeUnit`, if
//!   present, is `"ms"` or `"ns"`; `otherData` is an object with `clock`
//!   (`"virtual"` or `"real"`), `program` (a string) and optionally `seed` (a string).
//! - Every event is an object with a known `ph` (`M X b e i C s f`), a non-empty
//!   string `name` and `pid` 1; every event but `process_name` has an integer
//!   `tid` >= 0, and every non-`M` event a finite `ts` >= 0.
//! - Per phase, the fields of the format: `X` slices of `cat` `thread` (named
//!   `thread`) or `state` (named `waiting`, `sleeping`, `join`, `starting`, with
//!   their `args`), a finite `dur` >= 0; `b`/`e` of `cat` `hold` with an `id`;
//!   instants with `s` `"t"` and a known `cat` and name; counters with numeric
//!   `args`; flows `s`/`f` of `cat` `wake` with an `id`, `f` with `bp` `"e"`;
//!   metadata `process_name`, `thread_name`, `thread_sort_index`, `thread_daemon`.
//! - Across events: one `process_name`; every `tid` used has exactly one
//!   `thread_name`; one `thread` slice per `tid`; `state` slices of one thread do
//!   not overlap; every `b` id is begun once and ended once by an `e` of the same
//!   name, no earlier; likewise every `s` flow id has one `f`, no earlier, and the
//!   `f` lands where a `state` slice of its thread ends.
//!
//! Matching is by id and time, never by file order: threads buffer their events
//! and write them at exit, so a release may precede its acquire in the file.
//! Times compare with a tolerance of 0.01 µs (rounding of float microseconds).

use serde_json::Value;
use std::fmt;

mod event;
mod pairs;

/// One way a trace departs from the format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Index of the event in `traceEvents`, if the problem concerns one.
    pub event: Option<usize>,
    /// What is wrong, in one line.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.event {
            Some(i) => write!(f, "event {i}: {}", self.message),
            None => write!(f, "trace: {}", self.message),
        }
    }
}

/// Collects problems; one place decides their shape.
#[derive(Default)]
pub(crate) struct Problems(pub(crate) Vec<Problem>);

impl Problems {
    pub(crate) fn at(&mut self, event: usize, message: impl Into<String>) {
        self.0.push(Problem {
            event: Some(event),
            message: message.into(),
        });
    }
    pub(crate) fn top(&mut self, message: impl Into<String>) {
        self.0.push(Problem {
            event: None,
            message: message.into(),
        });
    }
}

/// Tolerance for comparing microsecond timestamps.
pub(crate) const EPS_US: f64 = 0.01;

/// Checks a parsed trace against the format; returns every problem found, in
/// event order after the top-level ones (empty: the trace is valid).
pub fn check(trace: &Value) -> Vec<Problem> {
    let mut p = Problems::default();
    let Some(top) = trace.as_object() else {
        p.top("the top level must be an object with a `traceEvents` array");
        return p.0;
    };
    match top.get("displayTimeUnit") {
        None => {}
        Some(Value::String(u)) if u == "ms" || u == "ns" => {}
        Some(other) => p.top(format!(
            "`displayTimeUnit` must be \"ms\" or \"ns\", not {other}"
        )),
    }
    check_other_data(top.get("otherData"), &mut p);
    let Some(events) = top.get("traceEvents").and_then(Value::as_array) else {
        p.top("missing `traceEvents` array");
        return p.0;
    };
    let mut facts = pairs::Facts::default();
    for (i, ev) in events.iter().enumerate() {
        event::check_event(i, ev, &mut p, &mut facts);
    }
    facts.check(&mut p);
    p.0
}

fn check_other_data(other: Option<&Value>, p: &mut Problems) {
    let Some(other) = other else {
        p.top("missing `otherData` (with `clock` and `program`)");
        return;
    };
    let Some(other) = other.as_object() else {
        p.top("`otherData` must be an object");
        return;
    };
    match other.get("clock").and_then(Value::as_str) {
        Some("virtual" | "real") => {}
        Some(c) => p.top(format!(
            "`otherData.clock` must be \"virtual\" or \"real\", not \"{c}\""
        )),
        None => p.top("`otherData.clock` missing or not a string"),
    }
    if other.get("program").and_then(Value::as_str).is_none() {
        p.top("`otherData.program` missing or not a string");
    }
    if other.get("seed").is_some_and(|s| !s.is_string()) {
        p.top("`otherData.seed` must be a string");
    }
}
