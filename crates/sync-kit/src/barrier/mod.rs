//! [`Barrier`]: Python's `threading.Barrier`, a reusable meeting point for a fixed
//! number of threads.
//!
//! Each of `parties` threads calls [`Barrier::wait`]; all block until the last one
//! arrives, then all are released together and the barrier is ready for the next
//! round (a *generation*). Each call returns the thread's arrival index in its
//! generation, `0` for the first to arrive up to `parties - 1` for the last.
//!
//! | Python | sync-kit |
//! |---|---|
//! | `Barrier(n)` | [`Barrier::new`]; a module-level one: `static B: Barrier = Barrier::const_new::<3>();` ([`Barrier::const_new`]) |
//! | `Barrier(n, action)` | [`Barrier::with_action`] |
//! | `Barrier(n, timeout=t)` | `Barrier::new(n)?.with_timeout(t)` ([`Barrier::with_timeout`]) |
//! | `b.wait()`, `b.wait(t)` | [`Barrier::wait`], [`Barrier::wait_timeout`] |
//! | `b.abort()`, `b.reset()` | [`Barrier::abort`], [`Barrier::reset`] |
//! | `b.broken`, `b.n_waiting`, `b.parties` | [`Barrier::broken`], [`Barrier::n_waiting`], [`Barrier::parties`] |
//! | `BrokenBarrierError` | [`ErrorKind::BrokenBarrier`](crate::ErrorKind::BrokenBarrier) |
//!
//! # Guarantees (CPython's)
//!
//! - **The action runs once per generation**, on the thread that arrived last,
//!   before anyone is released.
//! - **Breaking**: if a waiter's timeout runs out before the last party arrives,
//!   the barrier breaks: that waiter and every other current waiter get
//!   `BrokenBarrier`, and so does every later `wait` until [`Barrier::reset`].
//!   [`Barrier::abort`] breaks it on purpose. A zero timeout breaks it at once
//!   unless the caller is the last to arrive (the last arrival never waits).
//! - **Reset**: current waiters get `BrokenBarrier`, and the barrier is usable again
//!   (not broken) once they have left; a reset also repairs a broken barrier.
//! - **Generations do not mix**: a thread that calls `wait` again while the
//!   previous generation is still leaving is held until it has left.
//! - **Timeouts** never end early; the default timeout given to
//!   [`Barrier::with_timeout`] applies to [`Barrier::wait`].
//! - **Memory ordering**: everything each party did before `wait` happens-before
//!   every party's `wait` returns.
//!
//! # Differences from Python
//!
//! - **Action panics**: Python re-raises the action's exception in the thread that
//!   ran it and breaks the barrier. sync-kit breaks the barrier (the others get
//!   `BrokenBarrier`) and then resumes the panic in the action's thread with
//!   [`std::panic::resume_unwind`].
//! - The action runs without any internal lock held, so it may call the barrier's
//!   own methods (`n_waiting`, `abort`, ...). If it aborts or resets the barrier,
//!   the generation fails: every party, the last one included, gets `BrokenBarrier`
//!   (CPython would release them anyway).
//! - Once a generation is released, each of its parties gets its index even if the
//!   barrier is aborted before that party wakes up (CPython can report
//!   `BrokenBarrierError` to it in that race).
//! - `parties` is a `usize`; `0` is refused with `parties must be > 0`
//!   (CPython 3.13's `ValueError`).
//!
//! ```
//! use std::sync::Arc;
//! use sync_kit::Barrier;
//!
//! let barrier = Arc::new(Barrier::new(3).unwrap());
//! let threads: Vec<_> = (0..3)
//!     .map(|_| {
//!         let barrier = Arc::clone(&barrier);
//!         std::thread::spawn(move || barrier.wait().unwrap())
//!     })
//!     .collect();
//! let mut indices: Vec<usize> = threads.into_iter().map(|t| t.join().unwrap()).collect();
//! indices.sort();
//! assert_eq!(indices, [0, 1, 2]);
//! ```

use std::fmt;
use std::time::Duration;

use crate::error::{Error, Result};
use crate::sync::atomic::AtomicU64;
use crate::sync::{self, Mutex};
use crate::time::Deadline;
use std::panic::Location;

mod wait;

/// Where the barrier is in its cycle. CPython's `_state` 0, 1, -1 and -2, plus
/// `Acting` for the time the last arrival runs the action outside the lock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// Parties are arriving (CPython 0).
    Filling,
    /// The last party arrived and runs the action; nobody leaves or enters yet.
    Acting,
    /// The generation completed; its parties are leaving (CPython 1).
    Draining,
    /// `reset` was called while parties waited; they are leaving with an error
    /// (CPython -1).
    Resetting,
    /// Aborted, timed out or the action failed (CPython -2).
    Broken,
}

struct State {
    phase: Phase,
    /// Parties inside `wait` of the current generation (arrived and not yet left).
    count: usize,
    /// Bumped each time a generation is released. A waiter whose generation was
    /// released returns its index even if the barrier is aborted before it wakes.
    generation: u64,
}

type Action = Box<dyn Fn() + Send + Sync>;

/// A reusable meeting point for `parties` threads: Python's `threading.Barrier`.
///
/// See the [module documentation](crate::barrier) for the guarantees.
///
/// # Examples
///
/// An action that runs once per generation, and a default timeout:
///
/// ```
/// use std::sync::Arc;
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// use std::time::Duration;
/// use sync_kit::{Barrier, ErrorKind};
///
/// let rounds = Arc::new(AtomicUsize::new(0));
/// let counter = Arc::clone(&rounds);
/// let barrier = Barrier::with_action(1, move || {
///     counter.fetch_add(1, Ordering::SeqCst);
/// })
/// .unwrap()
/// .with_timeout(Duration::from_secs(5));
/// assert_eq!(barrier.wait().unwrap(), 0);
/// assert_eq!(barrier.wait().unwrap(), 0);
/// assert_eq!(rounds.load(Ordering::SeqCst), 2);
///
/// barrier.abort();
/// assert_eq!(barrier.wait().unwrap_err().kind(), ErrorKind::BrokenBarrier);
/// barrier.reset();
/// assert!(!barrier.broken());
/// ```
pub struct Barrier {
    parties: usize,
    action: Option<Action>,
    timeout: Option<Duration>,
    state: Mutex<State>,
    /// Bumped (under `state`) by every change a waiter may be waiting for;
    /// waiters park under the barrier's address while it is unchanged.
    epoch: AtomicU64,
    created: &'static Location<'static>,
}

impl Barrier {
    /// A barrier for `parties` threads, with no action and no default timeout.
    ///
    /// Not a `const fn`: its error owns a `String` (CPython's message), and a
    /// `static` initializer cannot unwrap a `Result` whose error has a
    /// destructor (rustc's E0493), so a `const` `new` could not make a
    /// `static` anyway. [`Barrier::const_new`] is the `const` form, with the
    /// party count checked at compile time.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidArgument`](crate::ErrorKind::InvalidArgument)
    /// (`parties must be > 0`) when `parties` is 0.
    #[track_caller]
    pub fn new(parties: usize) -> Result<Barrier> {
        if parties == 0 {
            return Err(Error::invalid_argument("parties must be > 0"));
        }
        Ok(Barrier::unchecked(parties))
    }

    crate::sync::loom_const_fn! {
        /// A barrier for `PARTIES` threads, with no action and no default
        /// timeout, built in a `const` context, so a `static` works as a
        /// Python module-level `Barrier(3)` does. `PARTIES == 0` is a compile
        /// error (`parties must be > 0`), not a runtime one.
        ///
        /// ```
        /// use sync_kit::{Barrier, Thread};
        ///
        /// static READY: Barrier = Barrier::const_new::<2>();
        ///
        /// let other = Thread::with_result(|| READY.wait());
        /// other.start().unwrap();
        /// let mine = READY.wait().unwrap();
        /// let theirs = other.join().unwrap().unwrap();
        /// assert_eq!(mine + theirs, 1); // indices 0 and 1
        /// ```
        ///
        /// ```compile_fail
        /// static NOBODY: sync_kit::Barrier = sync_kit::Barrier::const_new::<0>();
        /// # let _ = NOBODY.parties();
        /// ```
        #[track_caller]
        #[must_use]
        pub fn const_new<const PARTIES: usize>() -> Barrier {
            const { assert!(PARTIES > 0, "parties must be > 0") };
            Barrier::unchecked(PARTIES)
        }
    }

    crate::sync::loom_const_fn! {
        /// A barrier for `parties` (nonzero, checked by the caller) threads.
        #[track_caller]
        fn unchecked(parties: usize) -> Barrier {
            Barrier {
                parties,
                action: None,
                timeout: None,
                state: Mutex::new(State {
                    phase: Phase::Filling,
                    count: 0,
                    generation: 0,
                }),
                epoch: AtomicU64::new(0),
                created: Location::caller(),
            }
        }
    }

    /// A barrier for `parties` threads whose last arrival runs `action` before the
    /// generation is released (Python's `Barrier(parties, action)`).
    ///
    /// # Errors
    ///
    /// As [`Barrier::new`].
    #[track_caller]
    pub fn with_action(
        parties: usize,
        action: impl Fn() + Send + Sync + 'static,
    ) -> Result<Barrier> {
        let mut barrier = Barrier::new(parties)?;
        barrier.action = Some(Box::new(action));
        Ok(barrier)
    }

    /// Sets the default timeout used by [`Barrier::wait`] (Python's
    /// `Barrier(parties, timeout=t)`).
    pub fn with_timeout(mut self, timeout: Duration) -> Barrier {
        self.timeout = Some(timeout);
        self
    }

    /// The default timeout, if one was set.
    pub fn default_timeout(&self) -> Option<Duration> {
        self.timeout
    }

    /// Waits for the other parties, with the default timeout if one was set, and
    /// returns this thread's arrival index (`0..parties`).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::BrokenBarrier`](crate::ErrorKind::BrokenBarrier) if the barrier
    /// is or becomes broken, is reset while waiting, or the timeout runs out
    /// (which breaks it for everyone).
    #[track_caller]
    pub fn wait(&self) -> Result<usize> {
        self.wait_until(Deadline::after(self.timeout), Location::caller())
    }

    /// Like [`Barrier::wait`] with an explicit `timeout` (scaled) in place of the
    /// default.
    ///
    /// # Errors
    ///
    /// As [`Barrier::wait`].
    #[track_caller]
    pub fn wait_timeout(&self, timeout: Duration) -> Result<usize> {
        self.wait_until(Deadline::after(Some(timeout)), Location::caller())
    }

    /// Breaks the barrier: current and future waits fail with `BrokenBarrier` until
    /// [`Barrier::reset`] (Python's `abort()`).
    pub fn abort(&self) {
        crate::sim::point();
        let mut state = sync::lock(&self.state);
        self.break_locked(&mut state);
    }

    /// Returns the barrier to its empty, working state (Python's `reset()`).
    /// Threads waiting now get `BrokenBarrier`; once they have left, the barrier is
    /// usable again and not broken.
    pub fn reset(&self) {
        crate::sim::point();
        let mut state = sync::lock(&self.state);
        if state.count > 0 {
            match state.phase {
                // Waiters leave with an error; the last to leave reopens it.
                Phase::Filling | Phase::Acting | Phase::Broken => {
                    state.phase = Phase::Resetting;
                }
                // Already leaving or resetting: the last to leave reopens it.
                Phase::Draining | Phase::Resetting => {}
            }
        } else {
            state.phase = Phase::Filling;
        }
        self.changed();
    }

    /// Whether the barrier is broken (Python's `broken`).
    pub fn broken(&self) -> bool {
        sync::lock(&self.state).phase == Phase::Broken
    }

    /// How many threads are waiting for the current generation to fill; 0 while a
    /// generation is leaving, resetting or broken (Python's `n_waiting`).
    pub fn n_waiting(&self) -> usize {
        let state = sync::lock(&self.state);
        if state.phase == Phase::Filling {
            state.count
        } else {
            0
        }
    }

    /// The number of threads needed to pass (Python's `parties`).
    pub fn parties(&self) -> usize {
        self.parties
    }
}

impl fmt::Debug for Barrier {
    /// Python's repr: `<sync_kit.Barrier at 0x...: waiters=2/3>` or `...: broken>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.broken() {
            write!(f, "<sync_kit.Barrier at {self:p}: broken>")
        } else {
            write!(
                f,
                "<sync_kit.Barrier at {self:p}: waiters={}/{}>",
                self.n_waiting(),
                self.parties
            )
        }
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::panic::{self, AssertUnwindSafe};
    use std::sync::Arc;

    #[test]
    fn zero_parties_is_refused() {
        let err = Barrier::new(0).unwrap_err();
        assert_eq!(err.to_string(), "parties must be > 0");
    }

    #[test]
    fn action_panic_breaks_and_resumes() {
        let barrier = Arc::new(Barrier::with_action(2, || panic!("action failed")).unwrap());
        let other = Arc::clone(&barrier);
        let first = std::thread::spawn(move || other.wait());
        while barrier.n_waiting() < 1 {
            std::thread::yield_now();
        }
        let caught = panic::catch_unwind(AssertUnwindSafe(|| barrier.wait()));
        assert!(caught.is_err(), "the action's thread gets the panic");
        let err = first.join().unwrap().unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::BrokenBarrier);
        assert!(barrier.broken());
        assert_eq!(barrier.n_waiting(), 0);
    }

    #[test]
    fn action_may_call_the_barrier() {
        let seen = Arc::new(std::sync::atomic::AtomicUsize::new(usize::MAX));
        let slot = Arc::clone(&seen);
        let barrier = Arc::new_cyclic(|weak: &std::sync::Weak<Barrier>| {
            let weak = weak.clone();
            Barrier::with_action(1, move || {
                let parties = weak.upgrade().map_or(0, |b| b.parties());
                slot.store(parties, std::sync::atomic::Ordering::SeqCst);
            })
            .unwrap()
        });
        assert_eq!(barrier.wait().unwrap(), 0);
        assert_eq!(seen.load(std::sync::atomic::Ordering::SeqCst), 1);
    }
}
