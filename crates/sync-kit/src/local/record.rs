//! The per-thread side of [`Local`](super::Local): which `Local`s a thread holds
//! a value in, and dropping those values when the thread ends.
//!
//! A thread's record is shared (an `Arc`), not a plain thread-local, so that a
//! `Local` dropped on any thread can remove itself from it: records list live
//! `Local`s only.

use std::cell::{Cell, OnceCell};
use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex, Weak};

use crate::sync::lock_std as lock;
use crate::thread::get_ident;

/// The `Local`s one thread holds a value in, by serial. Shared (not a plain
/// thread-local) because a `Local` dropped on another thread removes itself.
#[derive(Default)]
pub(super) struct Record {
    pub(super) locals: Mutex<HashMap<u64, Weak<dyn Forget>>>,
}

/// What a thread's record can ask of a `Local` without knowing its type.
pub(super) trait Forget: Send + Sync {
    fn forget(&self, ident: u64);
}

/// The calling thread's record; dropping it (thread-local teardown) drops the
/// thread's values, for threads that never ran [`clear_current_thread`].
struct Held(OnceCell<Arc<Record>>);

impl Drop for Held {
    fn drop(&mut self) {
        if let Some(record) = self.0.get() {
            forget_all(record);
        }
    }
}

thread_local! {
    static HELD: Held = const { Held(OnceCell::new()) };
    /// The same record, first used once sync-kit knows the thread (see
    /// [`thread_known`]), so its destructor runs before that knowledge goes.
    static LATE: Held = const { Held(OnceCell::new()) };
    /// Whether this thread has set up `HELD`, and `LATE` (flags with no
    /// destructor, so they can be read at any point of teardown).
    static READY: Cell<bool> = const { Cell::new(false) };
    static LATE_READY: Cell<bool> = const { Cell::new(false) };
}

/// Tells `Local` that the calling thread now has its sync-kit thread object.
///
/// Thread-local destructors run in reverse order of first use. A thread that
/// stored a value before sync-kit knew it would drop that value after its
/// thread object is gone, where the value's destructor could not ask for it;
/// handing the record to a second slot used from now on makes the values go
/// first. Cheap after the first call in a thread (one flag).
pub(crate) fn thread_known() {
    if LATE_READY.get() {
        return;
    }
    LATE_READY.set(true);
    if !READY.get() {
        return; // no value yet: the record, when made, comes after the object
    }
    if let Ok(Some(record)) = HELD.try_with(|held| held.0.get().cloned()) {
        let _ = LATE.try_with(|late| {
            let _ = late.0.set(record);
        });
    }
}

/// Drops every value the calling thread holds in `record`, over and over while
/// destructors store new ones.
fn forget_all(record: &Record) {
    let ident = get_ident();
    loop {
        let locals = std::mem::take(&mut *lock(&record.locals));
        if locals.is_empty() {
            return;
        }
        for slots in locals.into_values() {
            if let Some(slots) = slots.upgrade() {
                // A panicking destructor is reported by the panic hook; the
                // other values still go, and no panic escapes a thread-local
                // destructor (which would abort the process).
                let _ = catch_unwind(AssertUnwindSafe(|| slots.forget(ident)));
            }
        }
    }
}

/// Drops every value the calling thread stored in any [`Local`]. Called by a
/// sync-kit thread as its body returns.
pub(crate) fn clear_current_thread() {
    if let Ok(Some(record)) = HELD.try_with(|held| held.0.get().cloned()) {
        forget_all(&record);
    }
}

/// The calling thread's record, created on first use; `None` during teardown.
pub(super) fn current_record() -> Option<Arc<Record>> {
    if !READY.get() {
        READY.set(true);
        // Thread-local destructors run in reverse order of first use: make sure
        // the main thread's sync-kit record exists before `HELD` does, so
        // values dropped at exit can still ask which thread they are on.
        // (Threads sync-kit starts get theirs before their body runs; other
        // threads are left alone, as creating their `Dummy-N` object would
        // change `enumerate()` and the `Thread-N` numbering.)
        if crate::thread::is_process_main() {
            let _ = crate::thread::current_thread();
        }
    }
    HELD.try_with(|held| Arc::clone(held.0.get_or_init(Default::default)))
        .ok()
}
