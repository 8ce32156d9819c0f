//! Python's `threading.Thread`: a thread object that exists before it runs, has a
//! name and a daemon flag, can be joined with a timeout, and is listed by
//! [`enumerate`] while it lives.
//!
//! | Python | sync-kit |
//! |---|---|
//! | `Thread(target=f)` | [`Thread::new(f)`](Thread::new) |
//! | `Thread(target=f, name='w', daemon=True)` | `Thread::builder().name("w").daemon(true).target(f)` |
//! | `class T(Thread): def run(self)` | `impl Run for T`, then [`Thread::from_run`] |
//! | `t.start()`, `t.join()`, `t.join(1.5)` | [`start`](Thread::start), [`join`](Thread::join), [`join_timeout`](Thread::join_timeout) |
//! | `t.is_alive()`, `t.name`, `t.daemon`, `t.ident`, `t.native_id` | same names, as methods |
//! | `current_thread()`, `main_thread()`, `enumerate()`, `active_count()` | same names |
//! | `get_ident()`, `get_native_id()` | [`get_ident`], [`get_native_id`] |
//! | `threading.excepthook`, `ExceptHookArgs`, `__excepthook__` | [`set_excepthook`], [`excepthook`], [`ExceptHookArgs`], [`default_excepthook`], [`reset_excepthook`] |
//! | `threading.stack_size()`, `stack_size(n)` | [`stack_size`], [`set_stack_size`] |
//! | `threading.TIMEOUT_MAX` | [`TIMEOUT_MAX`] |
//! | a target's return value (`concurrent.futures`' `result()`) | [`Thread::with_result`] → [`JoinHandle`] |
//! | interpreter exit joins non-daemon threads | [`crate::main`] / [`shutdown`] |
//!
//! Guarantees, as in CPython:
//! - an unnamed thread is `Thread-N`, N from one process-wide counter bumped when
//!   the thread *object* is created (Python 3.9's naming: no `(target)` suffix);
//!   the main thread is `MainThread` (the process's main thread, told apart by
//!   its OS id, not by its name; see [`get_native_id`]); threads sync-kit did not
//!   start are `Dummy-N`;
//! - any name is accepted (NUL bytes, non-ASCII, any length) and kept as given;
//!   the operating-system thread gets it too, so panics and debuggers show it,
//!   cut at its first NUL byte (and by the OS to its own limit, 15 bytes on
//!   Linux), or no OS name at all if nothing is left;
//! - the daemon flag is copied from the creating thread and can only change
//!   before `start`;
//! - `start` twice, `join` before `start`, and a thread joining itself are
//!   errors ([`crate::ErrorKind`]), not panics;
//! - `join_timeout` returns when the time is up even if the thread still runs;
//!   [`is_alive`](Thread::is_alive) tells which;
//! - a panic in a thread goes to the [`excepthook`] (by default reported on
//!   stderr as `Exception in thread NAME:` with the message), and the thread
//!   counts as finished: `join` returns and shutdown does not hang. What the
//!   thread's closure owned is dropped when it finishes;
//! - `start` never panics: if the OS refuses the thread, or std's spawn fails
//!   in any way, the thread is back to "initial", unlisted, and every thread
//!   waiting on its status (a concurrent `native_id`) is woken.
//!
//! Deliberate differences: `join` returns `Result<()>` instead of raising; a
//! name set after `start` is not pushed to the operating system (Rust has no
//! portable safe call for that).

mod builder;
mod excepthook;
mod handle;
mod list;
mod native_id;
mod registry;
mod run;
mod shutdown;
mod stack_size;
mod start;

use std::fmt;
use std::panic::Location;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use crate::error::{Error, Result};
use crate::park::{self, WaitOn};
use crate::sync::lock_std as lock;
use crate::time::Deadline;

pub use crate::observe::deadlock::DEADLOCK_VAR;
pub use builder::Builder;
pub use excepthook::{
    ExceptHook, ExceptHookArgs, default_excepthook, excepthook, reset_excepthook, set_excepthook,
};
pub use handle::JoinHandle;
pub use list::{IntoIter, ThreadList, dump};
pub use native_id::get_native_id;
pub(crate) use native_id::is_process_main;
pub use registry::{active_count, current_thread, enumerate, get_ident, main_thread};
pub use run::Run;
pub use shutdown::{main, shutdown};
pub use stack_size::{MIN_STACK_SIZE, set_stack_size, stack_size};

/// Python's `threading.TIMEOUT_MAX`: the largest timeout a sync-kit wait
/// accepts. Every [`Duration`] is accepted, so this is [`Duration::MAX`]; a
/// timeout too large for the clock (after scaling) waits forever, where
/// CPython raises `OverflowError` above its `TIMEOUT_MAX`.
pub const TIMEOUT_MAX: Duration = Duration::MAX;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Spawned,
    Main,
    Dummy,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Initial,
    Started,
    Stopped,
}

struct Inner {
    kind: Kind,
    name: Mutex<Arc<str>>,
    daemon: AtomicBool,
    stack_size: Option<usize>,
    /// 0 until started; Python's `ident` is `None` then.
    ident: AtomicU64,
    /// Start-order key in the registry.
    seq: AtomicU64,
    /// Set by the new thread as it begins; `start` waits for it.
    running: AtomicBool,
    body: Mutex<Option<Box<dyn Run>>>,
    status: Mutex<Status>,
    /// Bumped (under `status`) by every change; waiters park under the
    /// status's address while it is unchanged.
    version: AtomicU64,
    os_handle: Mutex<Option<std::thread::JoinHandle<()>>>,
    /// The thread's parker in the blocking layer, once it runs: what it
    /// waits for, for the thread dump and the deadlock detector.
    parker: std::sync::OnceLock<crate::sync::Arc<crate::park::Parker>>,
}

struct Status {
    state: State,
    /// Set by the thread itself once it knows its OS id; `None` inside means the
    /// platform has none to give.
    native_id: Option<Option<u64>>,
    /// Threads parked waiting for a change.
    waiters: usize,
}

/// A thread object: create it, then [`start`](Thread::start) it.
///
/// Cloning gives another handle to the same thread (Python's object identity);
/// `==` compares identity.
///
/// ```
/// use std::time::Duration;
/// use sync_kit::thread::Thread;
///
/// let t = Thread::builder().name("sleeper").target(|| {
///     sync_kit::time::sleep(Duration::from_millis(200));
/// });
/// assert!(!t.is_alive());
/// t.start()?;
/// t.join_timeout(Duration::from_millis(10))?;
/// assert!(t.is_alive()); // the timeout passed; the thread still sleeps
/// t.join()?;
/// assert!(!t.is_alive());
/// # Ok::<(), sync_kit::Error>(())
/// ```
#[derive(Clone)]
pub struct Thread {
    inner: Arc<Inner>,
}

impl Thread {
    /// A thread (not started) that will call `f`, named `Thread-N`.
    ///
    /// ```
    /// let t = sync_kit::thread::Thread::new(|| println!("> Worker"));
    /// assert!(t.name().starts_with("Thread-"));
    /// t.start()?;
    /// t.join()?;
    /// # Ok::<(), sync_kit::Error>(())
    /// ```
    pub fn new<F>(f: F) -> Thread
    where
        F: FnOnce() + Send + 'static,
    {
        Builder::new().target(f)
    }

    /// A thread (not started) whose body is `body.run()`, named `Thread-N`.
    pub fn from_run(body: impl Run) -> Thread {
        Builder::new().runner(body)
    }

    /// A [`Builder`] to set the name, daemon flag or stack size.
    pub fn builder() -> Builder {
        Builder::new()
    }

    fn with_parts(kind: Kind, name: Arc<str>, daemon: bool, stack_size: Option<usize>) -> Thread {
        let state = match kind {
            Kind::Spawned => State::Initial,
            Kind::Main | Kind::Dummy => State::Started,
        };
        Thread {
            inner: Arc::new(Inner {
                kind,
                name: Mutex::new(name),
                daemon: AtomicBool::new(daemon),
                stack_size,
                ident: AtomicU64::new(0),
                seq: AtomicU64::new(0),
                running: AtomicBool::new(kind != Kind::Spawned),
                body: Mutex::new(None),
                status: Mutex::new(Status {
                    state,
                    native_id: None,
                    waiters: 0,
                }),
                version: AtomicU64::new(0),
                os_handle: Mutex::new(None),
                parker: std::sync::OnceLock::new(),
            }),
        }
    }

    /// The main or a dummy thread: already running, nothing to start.
    /// The main thread's object may be made on another thread (the first to
    /// call [`main_thread`]): then its OS id is the main thread's, and its
    /// parker is adopted when the main thread itself first uses sync-kit.
    fn special(kind: Kind, name: String, daemon: bool) -> Thread {
        let thread = Thread::with_parts(kind, name.into(), daemon, None);
        let native = match kind {
            Kind::Main => native_id::main_native_id(),
            Kind::Spawned | Kind::Dummy => native_id::current(),
        };
        lock(&thread.inner.status).native_id = Some(native);
        if kind != Kind::Main || native_id::is_process_main() {
            thread.adopt_parker();
        }
        thread
    }

    /// The thread's name.
    pub fn name(&self) -> String {
        lock(&self.inner.name).to_string()
    }

    /// Calls `f` with the name without copying it (used by the log formatter).
    pub(crate) fn with_name<R>(&self, f: impl FnOnce(&str) -> R) -> R {
        let name = Arc::clone(&lock(&self.inner.name));
        f(&name)
    }

    /// Renames the thread; allowed at any time, as in Python.
    pub fn set_name(&self, name: impl Into<String>) {
        *lock(&self.inner.name) = name.into().into();
    }

    /// Whether this is a daemon thread (one the process does not wait for).
    pub fn daemon(&self) -> bool {
        self.inner.daemon.load(Ordering::Relaxed)
    }

    /// Sets the daemon flag.
    ///
    /// # Errors
    /// [`ErrorKind::DaemonAfterStart`](crate::ErrorKind::DaemonAfterStart) once the thread has been started, even if it
    /// has finished since.
    pub fn set_daemon(&self, daemon: bool) -> Result<()> {
        let status = lock(&self.inner.status);
        if status.state != State::Initial {
            return Err(Error::daemon_after_start());
        }
        self.inner.daemon.store(daemon, Ordering::Relaxed);
        Ok(())
    }

    /// Python's `ident`: `None` before `start`, then a nonzero number equal to
    /// [`get_ident`] inside the thread, kept after the thread ends.
    pub fn ident(&self) -> Option<u64> {
        match self.inner.ident.load(Ordering::Relaxed) {
            0 => None,
            ident => Some(ident),
        }
    }

    /// The operating system's id for the thread (Linux TID): `None` before
    /// `start` and on platforms without one. Right after `start` this waits the
    /// short moment until the new thread has reported it.
    #[track_caller]
    pub fn native_id(&self) -> Option<u64> {
        let status = self.wait_for_status(Deadline::NEVER, "start", Location::caller(), |status| {
            status.native_id.is_some() || status.state == State::Initial
        });
        status.native_id.flatten()
    }

    /// True from `start` until the thread's body has returned (or panicked).
    pub fn is_alive(&self) -> bool {
        lock(&self.inner.status).state == State::Started
    }

    /// Waits, parked in the blocking layer, until `done` holds or the deadline
    /// passes; returns the status, locked. Counts itself in `waiters` while
    /// parked, so the thread itself pays for an unpark only when someone waits.
    fn wait_for_status(
        &self,
        deadline: Deadline,
        kind: &'static str,
        site: &'static Location<'static>,
        done: impl Fn(&Status) -> bool,
    ) -> MutexGuard<'_, Status> {
        let key = park::key_of(&self.inner.status);
        let on = WaitOn::new(kind, key, None, site);
        crate::observe::name_object(key, || self.name());
        let mut status = lock(&self.inner.status);
        while !done(&status) && !deadline.expired() {
            status.waiters += 1;
            let seen = self.inner.version.load(Ordering::Relaxed);
            drop(status);
            park::park(
                key,
                || self.inner.version.load(Ordering::Relaxed) == seen,
                || {},
                |_| {},
                deadline,
                on,
            );
            status = lock(&self.inner.status);
            status.waiters -= 1;
        }
        status
    }

    /// Unparks the threads in [`wait_for_status`](Self::wait_for_status), if
    /// any, after releasing the lock so they do not wake into a held mutex.
    /// Every change of the status ends here, so no waiter can miss one.
    fn notify_status(&self, status: MutexGuard<'_, Status>) {
        self.inner.version.fetch_add(1, Ordering::Relaxed);
        let anyone = status.waiters > 0;
        drop(status);
        if anyone {
            park::unpark_all(park::key_of(&self.inner.status));
        }
    }

    fn mark_stopped(&self) {
        let mut status = lock(&self.inner.status);
        status.state = State::Stopped;
        self.notify_status(status);
    }

    fn check_joinable(&self) -> Result<()> {
        match self.inner.kind {
            Kind::Dummy => return Err(Error::join_dummy()),
            Kind::Main | Kind::Spawned => {}
        }
        if lock(&self.inner.status).state == State::Initial {
            return Err(Error::not_started());
        }
        if registry::current_thread() == *self {
            return Err(Error::join_current());
        }
        Ok(())
    }

    /// Waits until the thread has finished. Any number of threads may join the
    /// same thread, at the same time or one after another.
    ///
    /// # Errors
    /// [`ErrorKind::NotStarted`](crate::ErrorKind::NotStarted), [`ErrorKind::JoinCurrentThread`](crate::ErrorKind::JoinCurrentThread),
    /// [`ErrorKind::JoinDummyThread`](crate::ErrorKind::JoinDummyThread).
    #[track_caller]
    pub fn join(&self) -> Result<()> {
        self.wait_stopped(Deadline::NEVER, Location::caller())?;
        // The first joiner also reaps the OS thread, so its thread-local
        // destructors have run when `join` returns; the thread has finished
        // its body and bookkeeping, so this wait is short.
        let handle = lock(&self.inner.os_handle).take();
        if let Some(handle) = handle {
            let _ = handle.join();
        }
        Ok(())
    }

    /// Waits until the thread has finished or `timeout` (scaled by
    /// [`crate::time`]) has passed, whichever comes first. Returns `Ok` either
    /// way, like Python: call [`is_alive`](Self::is_alive) to know which.
    ///
    /// # Errors
    /// As [`join`](Self::join).
    #[track_caller]
    pub fn join_timeout(&self, timeout: Duration) -> Result<()> {
        self.wait_stopped(Deadline::after(Some(timeout)), Location::caller())
    }

    fn wait_stopped(&self, deadline: Deadline, site: &'static Location<'static>) -> Result<()> {
        crate::sim::point();
        self.check_joinable()?;
        drop(self.wait_for_status(deadline, "join", site, |status| {
            status.state == State::Stopped
        }));
        Ok(())
    }

    /// Records the calling OS thread's parker as this thread's (once).
    fn adopt_parker(&self) {
        let _ = self.inner.parker.set(crate::park::Parker::current());
    }

    /// What the thread waits for in the blocking layer now, if it is parked.
    pub(crate) fn waiting(&self) -> Option<(crate::park::WaitOn, bool)> {
        let parker = self.inner.parker.get()?;
        parker.waiting().map(|on| (on, parker.is_granted()))
    }

    /// The thread's lane in a trace: its start order, 0 for the main thread.
    pub(crate) fn trace_id(&self) -> u64 {
        self.inner.seq.load(Ordering::Relaxed)
    }

    fn is_main(&self) -> bool {
        self.inner.kind == Kind::Main
    }
}

impl PartialEq for Thread {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }
}

impl Eq for Thread {}

impl fmt::Debug for Thread {
    /// Python's repr: `<Thread(worker, started daemon 3)>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let class = match self.inner.kind {
            Kind::Spawned => "Thread",
            Kind::Main => "_MainThread",
            Kind::Dummy => "_DummyThread",
        };
        let state = match lock(&self.inner.status).state {
            State::Initial => "initial",
            State::Started => "started",
            State::Stopped => "stopped",
        };
        write!(f, "<{class}({}, {state}", self.name())?;
        if self.daemon() {
            f.write_str(" daemon")?;
        }
        if let Some(ident) = self.ident() {
            write!(f, " {ident}")?;
        }
        f.write_str(")>")
    }
}
