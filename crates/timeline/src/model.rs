//! A trace as the picture needs it: threads with their lifetime and state
//! slices, holding spans, instants and wake edges, all times in microseconds.
//!
//! Built leniently: an event missing what its kind needs is skipped, so any JSON
//! gives a (possibly empty) model; [`crate::check`] is where problems are reported.

use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// A non-running state of a thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum State {
    /// Blocked acquiring or waiting on a primitive.
    Waiting,
    /// In `time.sleep`.
    Sleeping,
    /// In `join` of another thread.
    Join,
    /// In `start`, until the new thread runs.
    Starting,
}

impl State {
    /// The name the trace uses.
    pub fn name(self) -> &'static str {
        match self {
            State::Waiting => "waiting",
            State::Sleeping => "sleeping",
            State::Join => "join",
            State::Starting => "starting",
        }
    }
    fn parse(s: &str) -> Option<State> {
        [
            State::Waiting,
            State::Sleeping,
            State::Join,
            State::Starting,
        ]
        .into_iter()
        .find(|st| st.name() == s)
    }
}

/// One state slice of a thread.
#[derive(Debug, Clone, PartialEq)]
pub struct Slice {
    /// Which state.
    pub state: State,
    /// Start, µs.
    pub start: f64,
    /// End, µs.
    pub end: f64,
    /// `args.kind` (waiting).
    pub kind: Option<String>,
    /// `args.object`: the primitive waited on, or the joined thread.
    pub object: Option<String>,
    /// `args.outcome`.
    pub outcome: Option<String>,
    /// `args.site`.
    pub site: Option<String>,
    /// `args.secs` (sleeping).
    pub secs: Option<f64>,
}

/// One thread (lane).
#[derive(Debug, Clone, PartialEq)]
pub struct Thread {
    /// sync-kit's thread index.
    pub tid: u64,
    /// The Python name (`MainThread`, `Thread-1`).
    pub name: String,
    /// `thread_sort_index`, defaulting to the tid.
    pub sort_index: i64,
    /// A daemon thread.
    pub daemon: bool,
    /// The `thread` slice: start and end, µs.
    pub life: Option<(f64, f64)>,
    /// State slices, by start time.
    pub states: Vec<Slice>,
}

/// A span during which a thread held a primitive (one unit of a semaphore).
#[derive(Debug, Clone, PartialEq)]
pub struct Hold {
    /// The primitive's name (`Lock#3`).
    pub object: String,
    /// Thread that acquired it.
    pub holder: u64,
    /// Thread that released it, if the span ended.
    pub releaser: Option<u64>,
    /// Acquired, µs.
    pub start: f64,
    /// Released, µs (`None`: still held at the end of the trace).
    pub end: Option<f64>,
}

/// A point event: a log line, Event set/clear, notify, Barrier trip, Timer, exception.
#[derive(Debug, Clone, PartialEq)]
pub struct Instant {
    /// Thread it happened on.
    pub tid: u64,
    /// When, µs.
    pub ts: f64,
    /// `cat` (`log`, `event`, `notify`, ...).
    pub cat: String,
    /// The text to show: the log line, or e.g. `set Event#1`.
    pub text: String,
}

/// A wake edge: `from` released / notified / set / exited, and `to` stopped waiting.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Wake {
    /// Waker thread.
    pub from: u64,
    /// When the waker acted, µs.
    pub from_ts: f64,
    /// Woken thread.
    pub to: u64,
    /// When the woken thread's waiting slice ended, µs.
    pub to_ts: f64,
}

/// The whole model of one trace.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Trace {
    /// `otherData.program` (or the `process_name`).
    pub program: String,
    /// `otherData.clock`: `virtual` or `real`.
    pub clock: String,
    /// `otherData.seed`.
    pub seed: Option<String>,
    /// Threads in lane order: sort index, then tid.
    pub threads: Vec<Thread>,
    /// Holding spans, by start time.
    pub holds: Vec<Hold>,
    /// Instants, by time (log lines of one thread keep file order at equal times).
    pub instants: Vec<Instant>,
    /// Wake edges.
    pub wakes: Vec<Wake>,
    /// Counter samples per counter name: (ts, value), by time.
    pub counters: BTreeMap<String, Vec<(f64, f64)>>,
}

fn num(ev: &Map<String, Value>, key: &str) -> Option<f64> {
    ev.get(key)
        .and_then(Value::as_f64)
        .filter(|v| v.is_finite())
}

fn arg_str(args: Option<&Map<String, Value>>, key: &str) -> Option<String> {
    Some(args?.get(key)?.as_str()?.to_owned())
}

fn id_of(ev: &Map<String, Value>) -> Option<String> {
    match ev.get("id")? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

impl Trace {
    /// Builds the model; events that lack what their kind needs are skipped.
    pub fn from_value(v: &Value) -> Trace {
        let mut t = Trace::default();
        let other = v.get("otherData");
        let other_str = |k: &str| {
            other
                .and_then(|o| o.get(k))
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        t.clock = other_str("clock").unwrap_or_default();
        t.seed = other_str("seed");
        t.program = other_str("program").unwrap_or_default();
        let events = v
            .get("traceEvents")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let mut threads: BTreeMap<u64, Thread> = BTreeMap::new();
        let mut begins: BTreeMap<String, (String, u64, f64)> = BTreeMap::new();
        let mut ends: BTreeMap<String, (u64, f64)> = BTreeMap::new();
        let mut starts: BTreeMap<String, (u64, f64)> = BTreeMap::new();
        let mut finishes: BTreeMap<String, (u64, f64)> = BTreeMap::new();
        for ev in events.iter().filter_map(Value::as_object) {
            let (Some(ph), Some(name)) = (
                ev.get("ph").and_then(Value::as_str),
                ev.get("name").and_then(Value::as_str),
            ) else {
                continue;
            };
            let args = ev.get("args").and_then(Value::as_object);
            let tid = ev.get("tid").and_then(Value::as_u64);
            if ph == "M" && name == "process_name" {
                if t.program.is_empty() {
                    t.program = arg_str(args, "name").unwrap_or_default();
                }
                continue;
            }
            let Some(tid) = tid else { continue };
            let th = threads.entry(tid).or_insert_with(|| Thread {
                tid,
                name: format!("tid {tid}"),
                sort_index: i64::try_from(tid).unwrap_or(i64::MAX),
                daemon: false,
                life: None,
                states: Vec::new(),
            });
            if ph == "M" {
                match name {
                    "thread_name" => {
                        th.name = arg_str(args, "name").unwrap_or_else(|| th.name.clone())
                    }
                    "thread_sort_index" => {
                        if let Some(i) = args
                            .and_then(|a| a.get("sort_index"))
                            .and_then(Value::as_i64)
                        {
                            th.sort_index = i;
                        }
                    }
                    "thread_daemon" => {
                        th.daemon = args
                            .and_then(|a| a.get("daemon"))
                            .and_then(Value::as_bool)
                            .unwrap_or(false)
                    }
                    _ => {}
                }
                continue;
            }
            let Some(ts) = num(ev, "ts") else { continue };
            let cat = ev.get("cat").and_then(Value::as_str).unwrap_or("");
            match ph {
                "X" => {
                    let Some(dur) = num(ev, "dur").filter(|d| *d >= 0.0) else {
                        continue;
                    };
                    if cat == "thread" {
                        th.life = Some((ts, ts + dur));
                    } else if let (Some(state), "state") = (State::parse(name), cat) {
                        th.states.push(Slice {
                            state,
                            start: ts,
                            end: ts + dur,
                            kind: arg_str(args, "kind"),
                            object: arg_str(args, "object"),
                            outcome: arg_str(args, "outcome"),
                            site: arg_str(args, "site"),
                            secs: args.and_then(|a| a.get("secs")).and_then(Value::as_f64),
                        });
                    }
                }
                "b" | "e" | "s" | "f" => {
                    let Some(id) = id_of(ev) else { continue };
                    // A repeated id keeps the last one; `check` reports it.
                    if ph == "b" {
                        begins.insert(id, (name.to_owned(), tid, ts));
                    } else {
                        let map = match ph {
                            "e" => &mut ends,
                            "s" => &mut starts,
                            _ => &mut finishes,
                        };
                        map.insert(id, (tid, ts));
                    }
                }
                "i" => {
                    if let Some(text) = instant_text(cat, name, args) {
                        t.instants.push(Instant {
                            tid,
                            ts,
                            cat: cat.to_owned(),
                            text,
                        });
                    }
                }
                "C" => {
                    if let Some(v) = args.and_then(|a| a.get("value")).and_then(Value::as_f64) {
                        t.counters.entry(name.to_owned()).or_default().push((ts, v));
                    }
                }
                _ => {}
            }
        }
        for (id, (object, holder, start)) in begins {
            let end = ends.get(&id);
            t.holds.push(Hold {
                object,
                holder,
                releaser: end.map(|e| e.0),
                start,
                end: end.map(|e| e.1),
            });
        }
        for (id, (from, from_ts)) in starts {
            if let Some(&(to, to_ts)) = finishes.get(&id) {
                t.wakes.push(Wake {
                    from,
                    from_ts,
                    to,
                    to_ts,
                });
            }
        }
        t.holds.sort_by(|a, b| a.start.total_cmp(&b.start));
        t.wakes.sort_by(|a, b| a.to_ts.total_cmp(&b.to_ts));
        t.instants.sort_by(|a, b| a.ts.total_cmp(&b.ts));
        for c in t.counters.values_mut() {
            c.sort_by(|a, b| a.0.total_cmp(&b.0));
        }
        let mut threads: Vec<Thread> = threads.into_values().collect();
        for th in &mut threads {
            th.states.sort_by(|a, b| a.start.total_cmp(&b.start));
        }
        threads.sort_by_key(|th| (th.sort_index, th.tid));
        t.threads = threads;
        t
    }

    /// The time range covered by any event, µs (`(0, 0)` for an empty trace).
    pub fn span(&self) -> (f64, f64) {
        let mut lo = f64::INFINITY;
        let mut hi = f64::NEG_INFINITY;
        let mut see = |t: f64| {
            lo = lo.min(t);
            hi = hi.max(t);
        };
        for th in &self.threads {
            if let Some((a, b)) = th.life {
                see(a);
                see(b);
            }
            th.states.iter().for_each(|s| {
                see(s.start);
                see(s.end);
            });
        }
        for h in &self.holds {
            see(h.start);
            h.end.into_iter().for_each(&mut see);
        }
        self.instants.iter().for_each(|i| see(i.ts));
        self.wakes.iter().for_each(|w| {
            see(w.from_ts);
            see(w.to_ts);
        });
        self.counters.values().flatten().for_each(|c| see(c.0));
        if lo.is_finite() { (lo, hi) } else { (0.0, 0.0) }
    }
}

/// The label of an instant; `None` for those the picture does not label
/// (thread start/exit: the lifetime bar shows them).
fn instant_text(cat: &str, name: &str, args: Option<&Map<String, Value>>) -> Option<String> {
    let object = arg_str(args, "object");
    let with = |verb: &str| match &object {
        Some(o) => format!("{verb} {o}"),
        None => verb.to_owned(),
    };
    Some(match (cat, name) {
        ("log", _) => arg_str(args, "text").unwrap_or_else(|| name.to_owned()),
        ("thread", "start" | "exit") => return None,
        ("thread", _) => with(name),
        ("notify", _) => {
            let n = args.and_then(|a| a.get("n")).map(|n| match n {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            });
            match n {
                Some(n) => format!("{} (n={n})", with("notify")),
                None => with("notify"),
            }
        }
        ("timer", _) => with(&format!("timer {name}")),
        _ => with(name),
    })
}
