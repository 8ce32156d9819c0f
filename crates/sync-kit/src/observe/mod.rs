//! Observers of the blocking layer and the primitives: the trace recorder
//! (`SYNC_KIT_TRACE`) and the holder table behind deadlock reports and the
//! lock-order check.
//!
//! Primitives and the layer call the hooks here; each hook is one predictable
//! branch on a static flag when no observer is on, so the real-time fast paths
//! pay nothing else. Observers never block and never reach a scheduling point.

pub(crate) mod deadlock;
pub(crate) mod holders;
pub(crate) mod lockdep;
pub mod trace;
mod trace_json;

use std::panic::Location;
use std::sync::atomic::{AtomicU8, Ordering};

use crate::park::{Park, WaitOn};

/// Set bits: which observers are on.
static FLAGS: AtomicU8 = AtomicU8::new(0);
/// The trace recorder.
pub(crate) const TRACE: u8 = 1;
/// The holder table (simulation, deadlock detection, lock-order check).
pub(crate) const HOLDERS: u8 = 2;
/// The lock-order check.
pub(crate) const LOCKDEP: u8 = 4;
/// A simulated run exists: every operation needs its scheduling point.
pub(crate) const SIM: u8 = 8;

/// True when no simulation and no observer is on: the one test on the fast
/// path of every primitive, which then skips every hook.
#[inline(always)]
pub(crate) fn quiet() -> bool {
    FLAGS.load(Ordering::Relaxed) == 0
}

/// Turns on what the environment asks for: the trace (`SYNC_KIT_TRACE`) and,
/// in real time, the lock-order check (`SYNC_KIT_LOCKDEP=1`). Called by
/// [`crate::main`] before the body.
pub(crate) fn init_from_env() {
    trace::init_from_env();
    if std::env::var(lockdep::LOCKDEP_VAR).is_ok_and(|v| v.trim() == "1") {
        enable(HOLDERS | LOCKDEP);
    }
}

/// Called when [`crate::main`] ends, and before a simulated program exits on
/// a deadlock: writes the trace.
pub(crate) fn finish() {
    trace::finish();
}

pub(crate) fn enable(flags: u8) {
    FLAGS.fetch_or(flags, Ordering::SeqCst);
}

#[inline(always)]
fn on(flag: u8) -> bool {
    FLAGS.load(Ordering::Relaxed) & flag != 0
}

#[inline(always)]
fn any() -> bool {
    FLAGS.load(Ordering::Relaxed) != 0
}

/// What kind of object a hook is about, with its address and creation site.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Object {
    pub(crate) kind: &'static str,
    pub(crate) addr: usize,
    pub(crate) created: &'static Location<'static>,
}

impl Object {
    pub(crate) fn new(
        kind: &'static str,
        addr: usize,
        created: &'static Location<'static>,
    ) -> Self {
        Object {
            kind,
            addr,
            created,
        }
    }
}

/// A lock or semaphore unit was taken by the calling thread at `site`.
#[inline]
pub(crate) fn acquired(object: impl FnOnce() -> Object, site: &'static Location<'static>) {
    if any() {
        acquired_slow(object(), site);
    }
}

/// The calling thread is about to block for a lock at `site`: the lock-order
/// check runs here, before the wait, so an inversion that deadlocks this very
/// run is still reported.
#[inline]
pub(crate) fn acquiring(object: impl FnOnce() -> Object, site: &'static Location<'static>) {
    if on(LOCKDEP) {
        lockdep::acquiring(object(), site);
    }
}

#[cold]
fn acquired_slow(object: Object, site: &'static Location<'static>) {
    if on(HOLDERS) {
        holders::acquired(object, site);
    }
    if on(LOCKDEP) {
        lockdep::acquired(object, site);
    }
    if on(TRACE) {
        trace::hold_begin(object);
    }
}

/// A lock or semaphore unit was given back by the calling thread.
#[inline]
pub(crate) fn released(object: impl FnOnce() -> Object) {
    if any() {
        released_slow(object());
    }
}

#[cold]
fn released_slow(object: Object) {
    if on(HOLDERS) {
        holders::released(object);
    }
    if on(LOCKDEP) {
        lockdep::released(object);
    }
    if on(TRACE) {
        trace::hold_end(object);
    }
}

/// A point event on an object: Event set/clear, notify, barrier trip, timer
/// fire/cancel.
#[inline]
pub(crate) fn instant(category: &'static str, name: &'static str, object: impl FnOnce() -> Object) {
    if on(TRACE) {
        trace::object_instant(category, name, object(), None);
    }
}

/// A Condition notify of up to `n` waiters.
#[inline]
pub(crate) fn notify(n: usize, object: impl FnOnce() -> Object) {
    if on(TRACE) {
        trace::object_instant("notify", "notify", object(), Some(n));
    }
}

/// A log record, with its message.
#[inline]
pub(crate) fn log_line(text: impl FnOnce() -> String) {
    if on(TRACE) {
        trace::log_line(&text());
    }
}

/// Gives the object at `addr` a name in the trace (a joined thread's).
#[inline]
pub(crate) fn name_object(addr: usize, name: impl FnOnce() -> String) {
    if on(TRACE) {
        trace::name_object(addr, name());
    }
}

/// The calling thread is about to sleep in the layer.
#[inline]
pub(crate) fn wait_begin(on_what: &WaitOn) {
    if on(TRACE) {
        trace::wait_begin(on_what);
    }
}

/// The calling thread woke from the layer.
#[inline]
pub(crate) fn wait_end(on_what: &WaitOn, outcome: Park, flow: u64) {
    if on(TRACE) {
        trace::wait_end(on_what, outcome, flow);
    }
}

/// The calling thread woke another; returns the flow id the woken thread's
/// `wait_end` gets (0 when not tracing).
#[inline]
pub(crate) fn wake() -> u64 {
    if on(TRACE) { trace::wake() } else { 0 }
}

/// The calling thread (a sync-kit thread) began running its body.
#[inline]
pub(crate) fn thread_begin() {
    if on(TRACE) {
        trace::thread_begin();
    }
}

/// The calling thread's body returned (or panicked).
#[inline]
pub(crate) fn thread_end(panicked: bool) {
    if on(TRACE) {
        trace::thread_end(panicked);
    }
}
