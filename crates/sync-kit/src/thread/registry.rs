//! Who is running: the per-thread "current thread" slot and the global list of live
//! threads behind `current_thread`, `main_thread`, `enumerate` and `active_count`.
//!
//! `current_thread()` reads a thread-local slot and clones an `Arc`: no global lock
//! on that path. The global list is touched only when a thread starts or ends, by
//! `enumerate`, and once per thread that sync-kit did not start (its `Dummy-N`
//! object is registered on first use and removed when that thread exits).
//! `enumerate` returns a shared snapshot of the list ([`ThreadList`]), built
//! at most once per start or end, so with nothing changing it costs one
//! reference-count increment, not one per thread.

use std::cell::{Cell, OnceCell};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use super::{Kind, Thread, ThreadList};

/// The live threads and the last snapshot of them.
struct Live {
    /// Live started threads, keyed by start order.
    threads: BTreeMap<u64, Thread>,
    /// `threads` as [`enumerate`] last returned them; `None` once they changed.
    snapshot: Option<Arc<[Thread]>>,
}

static LIVE: Mutex<Live> = Mutex::new(Live {
    threads: BTreeMap::new(),
    snapshot: None,
});
/// Start order; 0 is reserved for the main thread so it always lists first.
static START_SEQ: AtomicU64 = AtomicU64::new(1);
/// Python's `_counter`: one number for `Thread-N` and `Dummy-N`, bumped when an
/// unnamed thread object is created.
static NAME_COUNTER: AtomicU64 = AtomicU64::new(1);
/// Source of thread idents: nonzero, never reused within a process; 1 is the
/// main thread's, so it is known before the main thread asks.
static IDENT_COUNTER: AtomicU64 = AtomicU64::new(2);
const MAIN_IDENT: u64 = 1;
static MAIN: OnceLock<Thread> = OnceLock::new();

thread_local! {
    static CURRENT: OnceCell<Slot> = const { OnceCell::new() };
    static IDENT: Cell<u64> = const { Cell::new(0) };
}

/// What the current-thread slot holds. Dropped when the OS thread exits, which
/// is when a dummy thread leaves the registry.
struct Slot {
    thread: Thread,
}

impl Drop for Slot {
    fn drop(&mut self) {
        if self.thread.inner.kind == Kind::Dummy {
            self.thread.mark_stopped();
            deregister(&self.thread);
        }
    }
}

fn live() -> MutexGuard<'static, Live> {
    // The map is consistent after every statement that holds the guard.
    crate::sync::lock_std(&LIVE)
}

impl Live {
    /// Adds or removes a thread; returns the stale snapshot, for the caller
    /// to drop after unlocking (it may hold a thread's last reference).
    fn change(&mut self, edit: impl FnOnce(&mut BTreeMap<u64, Thread>)) -> Option<Arc<[Thread]>> {
        edit(&mut self.threads);
        self.snapshot.take()
    }
}

/// The calling thread's object if it already has one; never creates a dummy.
pub(super) fn current_if_known() -> Option<Thread> {
    CURRENT
        .try_with(|slot| slot.get().map(|s| s.thread.clone()))
        .ok()
        .flatten()
}

/// The next `Thread-N`/`Dummy-N` number.
pub(super) fn next_name_number() -> u64 {
    // A simulated run numbers its own threads, so a seed names them alike.
    crate::sim::next_name_number().unwrap_or_else(|| NAME_COUNTER.fetch_add(1, Ordering::Relaxed))
}

pub(super) fn next_ident() -> u64 {
    IDENT_COUNTER.fetch_add(1, Ordering::Relaxed)
}

/// Gives the calling OS thread its ident; called first thing in a started thread.
pub(super) fn install_current(thread: Thread, ident: u64) {
    IDENT.with(|slot| slot.set(ident));
    CURRENT.with(|slot| {
        let _ = slot.set(Slot { thread });
    });
}

/// Adds a starting thread to the live list and returns its start-order key.
pub(super) fn register(thread: &Thread) -> u64 {
    let seq = START_SEQ.fetch_add(1, Ordering::Relaxed);
    let stale = live().change(|threads| {
        threads.insert(seq, thread.clone());
    });
    drop(stale);
    seq
}

pub(super) fn deregister(thread: &Thread) {
    let seq = thread.inner.seq.load(Ordering::Relaxed);
    let mut live = live();
    if live.threads.get(&seq).is_some_and(|t| t == thread) {
        let stale = live.change(|threads| {
            threads.remove(&seq);
        });
        drop(live);
        drop(stale);
    }
}

/// Python's `threading.get_ident()`: a nonzero number that identifies the calling
/// thread, unique for the life of the process.
///
/// ```
/// let here = sync_kit::thread::get_ident();
/// let there = std::thread::spawn(sync_kit::thread::get_ident).join().unwrap();
/// assert_ne!(here, there);
/// assert_eq!(here, sync_kit::thread::get_ident());
/// ```
pub fn get_ident() -> u64 {
    IDENT.with(|slot| {
        let ident = slot.get();
        if ident != 0 {
            return ident;
        }
        let ident = if super::native_id::is_process_main() {
            MAIN_IDENT
        } else {
            next_ident()
        };
        slot.set(ident);
        ident
    })
}

/// The thread object of the main thread, named `MainThread`, never a daemon.
/// Whichever thread asks first, it stands for the process's main thread: its
/// [`ident`](Thread::ident) is what [`get_ident`] returns there and its
/// [`native_id`](Thread::native_id) is that thread's (on Linux, the process id).
///
/// ```
/// let main = sync_kit::thread::main_thread();
/// assert_eq!(main.name(), "MainThread");
/// assert!(!main.daemon());
/// ```
pub fn main_thread() -> Thread {
    MAIN.get_or_init(|| {
        let main = Thread::special(Kind::Main, "MainThread".into(), false);
        main.inner.seq.store(0, Ordering::Relaxed);
        main.inner.ident.store(MAIN_IDENT, Ordering::Relaxed);
        let stale = live().change(|threads| {
            threads.insert(0, main.clone());
        });
        drop(stale);
        main
    })
    .clone()
}

/// The thread object of the calling thread, like Python's
/// `threading.current_thread()`.
///
/// A thread started through sync-kit gets its own object; the process's main
/// thread gets [`main_thread`] (known by its OS id, not its name); any other
/// thread gets a `Dummy-N` object, a
/// daemon that is alive until the thread exits and cannot be joined.
///
/// ```
/// use sync_kit::thread::{current_thread, Thread};
/// let t = Thread::builder().name("worker").target(|| {
///     assert_eq!(current_thread().name(), "worker");
/// });
/// t.start()?;
/// t.join()?;
/// # Ok::<(), sync_kit::Error>(())
/// ```
pub fn current_thread() -> Thread {
    if let Some(thread) = CURRENT.with(|slot| slot.get().map(|s| s.thread.clone())) {
        return thread;
    }
    let thread = if super::native_id::is_process_main() {
        let main = main_thread();
        main.adopt_parker();
        main
    } else {
        let dummy = Thread::special(Kind::Dummy, format!("Dummy-{}", next_name_number()), true);
        dummy.inner.seq.store(register(&dummy), Ordering::Relaxed);
        dummy
    };
    thread.inner.ident.store(get_ident(), Ordering::Relaxed);
    let _ = CURRENT.try_with(|slot| {
        let _ = slot.set(Slot {
            thread: thread.clone(),
        });
    });
    // Thread-local values stored from now on are dropped while this object
    // still exists, so their destructors can name the thread.
    crate::local::thread_known();
    thread
}

/// Every started thread that is still alive, the main thread included, in the
/// order they started (Python's `threading.enumerate()`).
///
/// A thread is listed from the moment `start` returns until it ends; after
/// `join` returns it is never listed. The list is a snapshot
/// ([`ThreadList`]): it costs one reference-count increment while no thread
/// starts or ends, and one copy of the live list after each change.
///
/// ```
/// use sync_kit::thread::{enumerate, main_thread};
/// assert!(enumerate().contains(&main_thread()));
/// ```
pub fn enumerate() -> ThreadList {
    main_thread();
    let mut live = live();
    let Live { threads, snapshot } = &mut *live;
    let snapshot = snapshot.get_or_insert_with(|| threads.values().cloned().collect());
    ThreadList::new(Arc::clone(snapshot))
}

/// How many threads [`enumerate`] would list.
pub fn active_count() -> usize {
    main_thread();
    live().threads.len()
}
