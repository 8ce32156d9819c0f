//! Rules for one event on its own: phase, names, ids, times, `args`.

use super::Problems;
use super::pairs::{Facts, Mark};
use serde_json::{Map, Value};

/// Primitive kinds a thread can wait on.
pub(crate) const KINDS: [&str; 7] = [
    "Lock",
    "RLock",
    "Condition",
    "Semaphore",
    "BoundedSemaphore",
    "Event",
    "Barrier",
];
const STATES: [&str; 4] = ["waiting", "sleeping", "join", "starting"];
const OUTCOMES: [&str; 5] = ["acquired", "notified", "slept", "timeout", "woken"];
/// Instant categories and the names each allows (`None`: any name).
const INSTANTS: [(&str, Option<&[&str]>); 6] = [
    ("log", None),
    ("event", Some(&["set", "clear"])),
    ("notify", None),
    ("barrier", Some(&["trip"])),
    ("thread", Some(&["start", "exit", "exception"])),
    ("timer", Some(&["fire", "cancel"])),
];

/// Checks event `i` and records what the cross-event rules need in `facts`.
pub(crate) fn check_event(i: usize, ev: &Value, p: &mut Problems, facts: &mut Facts) {
    let Some(ev) = ev.as_object() else {
        p.at(i, "an event must be an object");
        return;
    };
    let ph = match ev.get("ph").and_then(Value::as_str) {
        Some(ph) if ["M", "X", "b", "e", "i", "C", "s", "f"].contains(&ph) => ph,
        Some(ph) => return p.at(i, format!("unknown `ph` \"{ph}\"")),
        None => return p.at(i, "missing `ph`"),
    };
    let name = match ev.get("name").and_then(Value::as_str) {
        Some(n) if !n.is_empty() => n,
        _ => return p.at(i, format!("`{ph}` event without a non-empty string `name`")),
    };
    if ev.get("pid").and_then(Value::as_u64) != Some(1) {
        p.at(i, format!("`{ph}` event `{name}`: `pid` must be 1"));
    }
    let tid = match ev.get("tid") {
        None if ph == "M" && name == "process_name" => None,
        None => return p.at(i, format!("`{ph}` event `{name}` without `tid`")),
        Some(t) => match t.as_u64() {
            Some(t) => Some(t),
            None => {
                return p.at(
                    i,
                    format!("`{ph}` event `{name}`: `tid` must be an integer >= 0"),
                );
            }
        },
    };
    if let Some(t) = tid {
        facts.use_tid(t, i);
    }
    let args = ev.get("args").and_then(Value::as_object);
    if ph == "M" {
        return metadata(i, name, tid, args, p, facts);
    }
    let tid = tid.unwrap_or_default();
    let ts = match ev.get("ts").and_then(Value::as_f64) {
        Some(ts) if ts.is_finite() && ts >= 0.0 => ts,
        Some(_) => return p.at(i, format!("`{ph}` event `{name}`: `ts` must be >= 0")),
        None => return p.at(i, format!("`{ph}` event `{name}` without a numeric `ts`")),
    };
    let cat = ev.get("cat").and_then(Value::as_str).unwrap_or("");
    let mark = Mark {
        idx: i,
        tid,
        ts,
        name,
    };
    match ph {
        "X" => slice(ev, cat, args, mark, p, facts),
        "b" | "e" => {
            if cat != "hold" {
                p.at(i, format!("`{ph}` event `{name}`: `cat` must be \"hold\""));
            }
            match id_key(ev.get("id")) {
                Some(id) => facts.hold(ph == "b", id, mark),
                None => p.at(
                    i,
                    format!("`{ph}` event `{name}` without a string or number `id`"),
                ),
            }
        }
        "s" | "f" => {
            if cat != "wake" || name != "wake" {
                p.at(i, format!("flow `{ph}`: `cat` and `name` must be \"wake\""));
            }
            if ph == "f" && ev.get("bp").and_then(Value::as_str) != Some("e") {
                p.at(
                    i,
                    "flow `f` must have `bp` \"e\" (binds to the slice that ends there)",
                );
            }
            match id_key(ev.get("id")) {
                Some(id) => facts.flow(ph == "s", id, mark),
                None => p.at(i, format!("flow `{ph}` without a string or number `id`")),
            }
        }
        "i" => instant(ev, cat, args, mark, p),
        _ => counter(args, mark, p),
    }
}

/// An `id` as a comparable key: a string as is, a number as its decimal text.
fn id_key(id: Option<&Value>) -> Option<String> {
    match id? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn str_arg<'a>(args: Option<&'a Map<String, Value>>, key: &str) -> Option<&'a str> {
    args?.get(key)?.as_str()
}

fn metadata(
    i: usize,
    name: &str,
    tid: Option<u64>,
    args: Option<&Map<String, Value>>,
    p: &mut Problems,
    facts: &mut Facts,
) {
    let arg = |key: &str| args.and_then(|a| a.get(key));
    let ok = match name {
        "process_name" => {
            facts.process_names += 1;
            arg("name").is_some_and(Value::is_string)
        }
        "thread_name" => {
            facts.thread_name(tid.unwrap_or_default(), i);
            arg("name")
                .and_then(Value::as_str)
                .is_some_and(|n| !n.is_empty())
        }
        "thread_sort_index" => arg("sort_index").is_some_and(|v| v.as_i64().is_some()),
        "thread_daemon" => arg("daemon").is_some_and(Value::is_boolean),
        other => return p.at(i, format!("unknown metadata `{other}`")),
    };
    if !ok {
        let want = match name {
            "thread_sort_index" => "an integer `args.sort_index`",
            "thread_daemon" => "a boolean `args.daemon`",
            _ => "a non-empty string `args.name`",
        };
        p.at(i, format!("metadata `{name}` needs {want}"));
    }
}

fn slice(
    ev: &Map<String, Value>,
    cat: &str,
    args: Option<&Map<String, Value>>,
    m: Mark<'_>,
    p: &mut Problems,
    facts: &mut Facts,
) {
    let (i, name) = (m.idx, m.name);
    let dur = match ev.get("dur").and_then(Value::as_f64) {
        Some(d) if d.is_finite() && d >= 0.0 => d,
        _ => return p.at(i, format!("`X` slice `{name}` needs a `dur` >= 0")),
    };
    match cat {
        "thread" if name == "thread" => facts.lifetime(m),
        "thread" => p.at(
            i,
            format!("`thread` slice must be named \"thread\", not \"{name}\""),
        ),
        "state" => {
            if !STATES.contains(&name) {
                return p.at(
                    i,
                    format!("unknown state \"{name}\" (expected one of {STATES:?})"),
                );
            }
            state_args(name, args, i, p);
            facts.state(m, dur);
        }
        other => p.at(
            i,
            format!("`X` slice `{name}`: `cat` must be \"thread\" or \"state\", not \"{other}\""),
        ),
    }
}

fn state_args(state: &str, args: Option<&Map<String, Value>>, i: usize, p: &mut Problems) {
    if state == "waiting" {
        match str_arg(args, "kind") {
            Some(k) if KINDS.contains(&k) => {}
            Some(k) => p.at(i, format!("`waiting`: unknown `args.kind` \"{k}\"")),
            None => p.at(i, "`waiting` needs `args.kind`"),
        }
    }
    if matches!(state, "waiting" | "join") && str_arg(args, "object").is_none() {
        p.at(i, format!("`{state}` needs a string `args.object`"));
    }
    if state == "sleeping"
        && args
            .and_then(|a| a.get("secs"))
            .and_then(Value::as_f64)
            .is_none()
    {
        p.at(i, "`sleeping` needs a numeric `args.secs`");
    }
    if let Some(o) = args.and_then(|a| a.get("outcome")) {
        if !o.as_str().is_some_and(|o| OUTCOMES.contains(&o)) {
            p.at(
                i,
                format!("`{state}`: `args.outcome` must be one of {OUTCOMES:?}, not {o}"),
            );
        }
    }
}

fn instant(
    ev: &Map<String, Value>,
    cat: &str,
    args: Option<&Map<String, Value>>,
    m: Mark<'_>,
    p: &mut Problems,
) {
    let (i, name) = (m.idx, m.name);
    if ev.get("s").and_then(Value::as_str) != Some("t") {
        p.at(
            i,
            format!("instant `{name}` must have `s` \"t\" (thread scope)"),
        );
    }
    let Some((_, names)) = INSTANTS.iter().find(|(c, _)| *c == cat) else {
        return p.at(i, format!("instant `{name}`: unknown `cat` \"{cat}\""));
    };
    if let Some(names) = names {
        if !names.contains(&name) {
            p.at(
                i,
                format!("`{cat}` instant must be named one of {names:?}, not \"{name}\""),
            );
        }
    }
    match cat {
        "log" if str_arg(args, "text").is_none() => {
            p.at(i, "`log` instant needs a string `args.text`")
        }
        "event" | "notify" if str_arg(args, "object").is_none() => {
            p.at(i, format!("`{cat}` instant needs a string `args.object`"))
        }
        _ => {}
    }
    if cat == "notify"
        && !args
            .and_then(|a| a.get("n"))
            .is_some_and(|n| n.is_number() || n.is_string())
    {
        p.at(i, "`notify` instant needs `args.n`");
    }
}

fn counter(args: Option<&Map<String, Value>>, m: Mark<'_>, p: &mut Problems) {
    let ok = args.is_some_and(|a| !a.is_empty() && a.values().all(Value::is_number));
    if !ok {
        p.at(
            m.idx,
            format!("counter `{}` needs numeric `args` (e.g. `value`)", m.name),
        );
    }
}
