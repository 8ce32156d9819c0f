//! The trace recorder: `SYNC_KIT_TRACE=PATH` writes a timeline of the run as
//! Chrome Trace Event JSON (what Perfetto and `chrome://tracing` load, and
//! what the `timeline` crate draws).
//!
//! Recorded: thread lifetimes with Python names, every wait in the blocking
//! layer (waiting on which object and where, sleeping, join, start), lock and
//! semaphore holding spans (async slices, so a Lock released by another thread
//! does not break nesting), Event set/clear, Condition notify, Barrier trips,
//! Timer fire/cancel, each log record with its text, and a flow arrow from
//! each release/notify/set/thread end to the thread it woke. Under the
//! simulator timestamps are virtual, so a seed gives the same trace.
//!
//! Events go to a per-thread buffer and are written when [`crate::main`] ends
//! (also for daemon threads cut off by the end of the process). Off, each
//! hook is one predictable branch; on, an event costs a thread-local push.
//! Objects are named `KIND#N`, N counting objects in the order they first
//! appear.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

use super::Object;
use crate::park::{Park, WaitOn};

/// The environment variable naming the file the trace is written to.
pub const TRACE_VAR: &str = "SYNC_KIT_TRACE";

pub(super) enum Kind {
    Begin,
    End {
        panicked: bool,
    },
    WaitBegin {
        on: WaitOn,
    },
    WaitEnd {
        outcome: &'static str,
        flow: u64,
    },
    HoldBegin {
        kind: &'static str,
        addr: usize,
    },
    HoldEnd {
        kind: &'static str,
        addr: usize,
    },
    Instant {
        category: &'static str,
        name: &'static str,
        kind: &'static str,
        addr: usize,
        n: Option<usize>,
    },
    Log {
        text: String,
    },
    Wake {
        flow: u64,
    },
}

pub(super) struct Event {
    pub(super) seq: u64,
    pub(super) ns: u64,
    pub(super) kind: Kind,
}

pub(super) struct Buffer {
    pub(super) tid: u64,
    pub(super) name: String,
    pub(super) daemon: bool,
    pub(super) events: Vec<Event>,
}

pub(super) struct Recorder {
    path: String,
    epoch: Instant,
    pub(super) buffers: Mutex<Vec<Arc<Mutex<Buffer>>>>,
    seq: AtomicU64,
    flows: AtomicU64,
}

static RECORDER: OnceLock<Recorder> = OnceLock::new();

std::thread_local! {
    static MINE: OnceLock<Arc<Mutex<Buffer>>> = const { OnceLock::new() };
}

/// Reads `SYNC_KIT_TRACE` and, if set, starts recording. Called by
/// [`crate::main`] before the body.
pub(crate) fn init_from_env() {
    let Some(path) = std::env::var_os(TRACE_VAR) else {
        return;
    };
    let path = path.to_string_lossy().into_owned();
    if path.is_empty() {
        return;
    }
    let _ = RECORDER.set(Recorder {
        path,
        epoch: crate::time::now(),
        buffers: Mutex::new(Vec::new()),
        seq: AtomicU64::new(0),
        flows: AtomicU64::new(1),
    });
    super::enable(super::TRACE);
    record(Kind::Begin);
}

fn record(kind: Kind) {
    let Some(rec) = RECORDER.get() else {
        return;
    };
    let ns = u64::try_from(
        crate::time::now()
            .saturating_duration_since(rec.epoch)
            .as_nanos(),
    )
    .unwrap_or(u64::MAX);
    let seq = rec.seq.fetch_add(1, Ordering::Relaxed);
    let buffer = MINE.try_with(|mine| {
        Arc::clone(mine.get_or_init(|| {
            let me = crate::thread::current_thread();
            let buffer = Arc::new(Mutex::new(Buffer {
                tid: me.trace_id(),
                name: me.name(),
                daemon: me.daemon(),
                events: Vec::new(),
            }));
            crate::sync::lock_std(&rec.buffers).push(Arc::clone(&buffer));
            buffer
        }))
    });
    if let Ok(buffer) = buffer {
        crate::sync::lock_std(&buffer)
            .events
            .push(Event { seq, ns, kind });
    }
}

pub(super) static OBJECT_NAMES: Mutex<Option<HashMap<usize, String>>> = Mutex::new(None);

pub(super) fn name_object(addr: usize, name: String) {
    crate::sync::lock_std(&OBJECT_NAMES)
        .get_or_insert_with(HashMap::new)
        .insert(addr, name);
}

pub(super) fn thread_begin() {
    record(Kind::Begin);
}

pub(super) fn thread_end(panicked: bool) {
    record(Kind::End { panicked });
}

pub(super) fn wait_begin(on: &WaitOn) {
    record(Kind::WaitBegin { on: *on });
}

pub(super) fn wait_end(_on: &WaitOn, outcome: Park, flow: u64) {
    let outcome = match outcome {
        Park::Unparked(_) => "woken",
        // A sleep is meant to run out: that is no timeout.
        Park::TimedOut if _on.kind == "sleep" => "slept",
        Park::TimedOut => "timeout",
        Park::Invalid => "no wait",
    };
    record(Kind::WaitEnd { outcome, flow });
}

pub(super) fn wake() -> u64 {
    let Some(rec) = RECORDER.get() else {
        return 0;
    };
    let flow = rec.flows.fetch_add(1, Ordering::Relaxed);
    record(Kind::Wake { flow });
    flow
}

pub(super) fn hold_begin(object: Object) {
    record(Kind::HoldBegin {
        kind: object.kind,
        addr: object.addr,
    });
}

pub(super) fn hold_end(object: Object) {
    record(Kind::HoldEnd {
        kind: object.kind,
        addr: object.addr,
    });
}

pub(super) fn object_instant(
    category: &'static str,
    name: &'static str,
    object: Object,
    n: Option<usize>,
) {
    record(Kind::Instant {
        category,
        name,
        kind: object.kind,
        addr: object.addr,
        n,
    });
}

pub(super) fn log_line(text: &str) {
    record(Kind::Log {
        text: text.trim_end_matches('\n').to_owned(),
    });
}

/// Writes the trace, if one is being recorded. Called when [`crate::main`]
/// ends and before a simulated program exits on a deadlock.
pub(crate) fn finish() {
    let Some(rec) = RECORDER.get() else {
        return;
    };
    let end = u64::try_from(
        crate::time::now()
            .saturating_duration_since(rec.epoch)
            .as_nanos(),
    )
    .unwrap_or(u64::MAX);
    let json = super::trace_json::render(rec, end);
    if let Err(err) = std::fs::write(&rec.path, json) {
        eprintln!("sync-kit: cannot write {TRACE_VAR}={:?}: {err}", rec.path);
    }
}
