//! Writes a recorded trace as Chrome Trace Event JSON: metadata for the
//! process and thread lanes, thread lifetimes and state slices as `X` events,
//! holding spans as async `b`/`e` pairs keyed by hold, wake-ups as `s`/`f` flow
//! arrows, and instants for log records and object events.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::panic::Location;
use std::sync::{Arc, Mutex};

use super::trace::{Buffer, Kind, OBJECT_NAMES, Recorder};
use crate::park::WaitOn;

fn us(ns: u64) -> String {
    format!("{:.3}", ns as f64 / 1000.0)
}

fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn site(at: &Location<'_>) -> String {
    let file = at.file().rsplit('/').next().unwrap_or(at.file());
    format!("{file}:{}", at.line())
}

fn state_name(kind: &str) -> &'static str {
    match kind {
        "sleep" => "sleeping",
        "join" => "join",
        "start" => "starting",
        _ => "waiting",
    }
}

/// Names objects `KIND#N` in order of first appearance.
#[derive(Default)]
struct Names {
    by_addr: HashMap<usize, String>,
    per_kind: HashMap<&'static str, u64>,
}

impl Names {
    fn of(&mut self, kind: &'static str, addr: usize) -> String {
        if let Some(name) = self.by_addr.get(&addr) {
            return name.clone();
        }
        let n = self.per_kind.entry(kind).or_insert(0);
        *n += 1;
        let name = format!("{kind}#{n}");
        self.by_addr.insert(addr, name.clone());
        name
    }
}

pub(super) fn render(rec: &Recorder, end: u64) -> String {
    let buffers: Vec<Arc<Mutex<Buffer>>> = crate::sync::lock_std(&rec.buffers).clone();
    let mut threads = Vec::new();
    let mut all = Vec::new();
    for buffer in &buffers {
        let mut b = crate::sync::lock_std(buffer);
        threads.push((b.tid, b.name.clone(), b.daemon));
        let tid = b.tid;
        all.extend(b.events.drain(..).map(|e| (tid, e)));
    }
    all.sort_by_key(|(_, e)| e.seq);
    threads.sort_by_key(|t| t.0);
    let program = std::env::args()
        .next()
        .map(|p| p.rsplit('/').next().unwrap_or(&p).to_owned())
        .unwrap_or_default();
    let mut out = Vec::new();
    out.push(format!(
        r#"{{"ph":"M","name":"process_name","pid":1,"args":{{"name":{}}}}}"#,
        quote(&program)
    ));
    for (tid, name, daemon) in &threads {
        out.push(format!(
            r#"{{"ph":"M","name":"thread_name","pid":1,"tid":{tid},"args":{{"name":{}}}}}"#,
            quote(name)
        ));
        out.push(format!(
            r#"{{"ph":"M","name":"thread_sort_index","pid":1,"tid":{tid},"args":{{"sort_index":{tid}}}}}"#
        ));
        if *daemon {
            out.push(format!(
                r#"{{"ph":"M","name":"thread_daemon","pid":1,"tid":{tid},"args":{{"daemon":true}}}}"#
            ));
        }
    }
    let mut names = Names::default();
    let mut begun: HashMap<u64, u64> = HashMap::new();
    let mut waiting: HashMap<u64, (u64, WaitOn)> = HashMap::new();
    let mut open_holds: HashMap<usize, Vec<(u64, u64)>> = HashMap::new();
    let mut hold_ids = 0u64;
    let mut flows_seen = std::collections::HashSet::new();
    let mut pending_flows = Vec::new();
    for (tid, event) in &all {
        let (tid, ts) = (*tid, us(event.ns));
        match &event.kind {
            Kind::Begin => {
                begun.insert(tid, event.ns);
            }
            Kind::End { panicked } => {
                let start = begun.remove(&tid).unwrap_or(0);
                out.push(format!(
                    r#"{{"ph":"X","cat":"thread","name":"thread","pid":1,"tid":{tid},"ts":{},"dur":{}}}"#,
                    us(start),
                    us(event.ns - start.min(event.ns))
                ));
                let name = if *panicked { "exception" } else { "exit" };
                out.push(format!(
                    r#"{{"ph":"i","s":"t","cat":"thread","name":"{name}","pid":1,"tid":{tid},"ts":{ts}}}"#
                ));
            }
            Kind::WaitBegin { on } => {
                waiting.insert(tid, (event.ns, *on));
            }
            Kind::WaitEnd { outcome, flow } => {
                let Some((start, on)) = waiting.remove(&tid) else {
                    continue;
                };
                let object = match on.kind {
                    "sleep" | "join" | "start" => crate::sync::lock_std(&OBJECT_NAMES)
                        .as_ref()
                        .and_then(|n| n.get(&on.object).cloned())
                        .unwrap_or_else(|| on.kind.to_owned()),
                    kind => names.of(kind, on.object),
                };
                let mut args = format!(
                    r#""kind":{},"object":{},"site":{},"outcome":"{outcome}""#,
                    quote(on.kind),
                    quote(&object),
                    quote(&site(on.site))
                );
                if on.kind == "sleep" {
                    let _ = write!(args, r#","secs":{:.3}"#, (event.ns - start) as f64 / 1e9);
                }
                out.push(format!(
                    r#"{{"ph":"X","cat":"state","name":"{}","pid":1,"tid":{tid},"ts":{},"dur":{},"args":{{{args}}}}}"#,
                    state_name(on.kind),
                    us(start),
                    us(event.ns - start)
                ));
                if *flow != 0 {
                    flows_seen.insert(*flow);
                    out.push(format!(
                        r#"{{"ph":"f","bp":"e","cat":"wake","name":"wake","id":{flow},"pid":1,"tid":{tid},"ts":{ts}}}"#
                    ));
                }
            }
            Kind::Wake { flow } => {
                pending_flows.push((*flow, format!(
                    r#"{{"ph":"s","cat":"wake","name":"wake","id":{flow},"pid":1,"tid":{tid},"ts":{ts}}}"#
                )));
            }
            Kind::HoldBegin { kind, addr } => {
                hold_ids += 1;
                open_holds.entry(*addr).or_default().push((hold_ids, tid));
                out.push(format!(
                    r#"{{"ph":"b","cat":"hold","name":{},"id":"hold-{hold_ids}","pid":1,"tid":{tid},"ts":{ts}}}"#,
                    quote(&names.of(kind, *addr))
                ));
            }
            Kind::HoldEnd { kind, addr } => {
                let Some(open) = open_holds.get_mut(addr) else {
                    continue;
                };
                let at = open.iter().position(|(_, t)| *t == tid).unwrap_or(0);
                if at >= open.len() {
                    continue;
                }
                let (id, _) = open.remove(at);
                out.push(format!(
                    r#"{{"ph":"e","cat":"hold","name":{},"id":"hold-{id}","pid":1,"tid":{tid},"ts":{ts}}}"#,
                    quote(&names.of(kind, *addr))
                ));
            }
            Kind::Instant {
                category,
                name,
                kind,
                addr,
                n,
            } => {
                let n = n.map(|n| format!(r#","n":{n}"#)).unwrap_or_default();
                out.push(format!(
                    r#"{{"ph":"i","s":"t","cat":"{category}","name":"{name}","pid":1,"tid":{tid},"ts":{ts},"args":{{"object":{}{n}}}}}"#,
                    quote(&names.of(kind, *addr))
                ));
            }
            Kind::Log { text } => {
                out.push(format!(
                    r#"{{"ph":"i","s":"t","cat":"log","name":{},"pid":1,"tid":{tid},"ts":{ts},"args":{{"text":{}}}}}"#,
                    quote(text),
                    quote(text)
                ));
            }
        }
    }
    // Holds still open at the end (a daemon cut off holding a lock) end there.
    let mut still_open: Vec<(usize, u64, u64)> = open_holds
        .iter()
        .flat_map(|(addr, holds)| holds.iter().map(|(id, tid)| (*addr, *id, *tid)))
        .collect();
    still_open.sort_by_key(|(_, id, _)| *id);
    for (addr, id, tid) in still_open {
        let name = names.by_addr.get(&addr).cloned().unwrap_or_default();
        out.push(format!(
            r#"{{"ph":"e","cat":"hold","name":{},"id":"hold-{id}","pid":1,"tid":{tid},"ts":{}}}"#,
            quote(&name),
            us(end)
        ));
    }
    // Threads still running at the end (the main thread, daemons cut off).
    for (tid, start) in begun {
        out.push(format!(
            r#"{{"ph":"X","cat":"thread","name":"thread","pid":1,"tid":{tid},"ts":{},"dur":{}}}"#,
            us(start),
            us(end.saturating_sub(start))
        ));
    }
    // A flow arrow needs both ends: a wake whose thread never finished its
    // wait (cut off at exit) is dropped.
    out.extend(
        pending_flows
            .into_iter()
            .filter(|(f, _)| flows_seen.contains(f))
            .map(|(_, e)| e),
    );
    let clock = if crate::sim::seat().is_some() {
        "virtual"
    } else {
        "real"
    };
    format!(
        "{{\"traceEvents\":[\n{}\n],\"displayTimeUnit\":\"ms\",\"otherData\":{{\"clock\":\"{clock}\",\"program\":{}}}}}\n",
        out.join(",\n"),
        quote(&program)
    )
}
