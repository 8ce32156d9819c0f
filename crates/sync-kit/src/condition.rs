//! [`Condition`]: Python's `threading.Condition`, a condition variable that owns
//! (or shares) its lock.
//!
//! A `Condition` pairs a lock with a queue of waiting threads. [`Condition::new`]
//! makes one over a fresh [`RLock`] it owns, like Python's `Condition()`;
//! [`Condition::from_lock`] owns the lock it is given (`Condition(Lock())`);
//! [`Condition::with_lock`] uses a [`Lock`] or [`RLock`] shared through an
//! [`Arc`], so several conditions can share one lock. Acquiring and releasing the
//! condition acquires and releases that lock.
//!
//! `new` and `from_lock` are `const`, so a condition can be a `static`, as
//! Python programs keep one at module level:
//!
//! ```
//! use sync_kit::{Condition, Lock};
//!
//! static READY: Condition = Condition::new();
//! static PLAIN: Condition<Lock> = Condition::from_lock(Lock::new());
//!
//! let _guard = READY.lock();
//! READY.notify().unwrap(); // nobody waits: nothing happens
//! assert!(PLAIN.try_lock().is_some());
//! ```
//!
//! | Python | sync-kit |
//! |---|---|
//! | `Condition()`, `Condition(lock)` | [`Condition::new`], [`Condition::with_lock`] |
//! | `Condition(Lock())`, a module-level `Condition()` | [`Condition::from_lock`], `static C: Condition = Condition::new();` |
//! | `cond.acquire(...)`, `cond.release()`, `with cond:` | [`Condition::acquire`], [`Condition::try_acquire`], [`Condition::acquire_timeout`], [`Condition::release`], [`Condition::lock`] |
//! | `cond.wait()`, `cond.wait(t)` | [`Condition::wait`], [`Condition::wait_timeout`] |
//! | `cond.wait_for(pred, t)` | [`Condition::wait_for`] |
//! | `cond.notify()`, `cond.notify(n)`, `cond.notify_all()` | [`Condition::notify`], [`Condition::notify_n`], [`Condition::notify_all`] |
//! | `cond._is_owned()` | [`Condition::is_owned`] |
//! | a condition and the state it guards (`items = []` beside it) | [`DataCondition`] ([`Condition::with_value`]): the guard derefs to the data and waits through it, see [`data`] |
//!
//! # Guarantees
//!
//! - **No spurious wake-ups**: each waiter sleeps on its own flag in a FIFO queue,
//!   so [`Condition::wait`] returns `true` only when a notify picked it.
//! - **Exact counts, oldest first**: `notify_n(n)` wakes exactly `min(n, waiters)`
//!   threads, those that have waited longest. A waiter whose timeout ends at the
//!   moment a notify picks it reports `true`, so no notify is lost to a timeout.
//! - **Full release**: `wait` releases every level of a recursively held `RLock`
//!   and restores the same depth before it returns, timeout or not.
//! - **Timeouts** never end early; a zero timeout releases and re-acquires the lock
//!   and returns `false` unless already notified. [`Condition::wait_for`] uses one
//!   overall deadline: notifies do not restart it.
//! - **No poisoning**: a [`ConditionGuard`] dropped during a panic releases the lock.
//! - **Fairness**: notifies pick the oldest waiters; getting the lock back after
//!   a wake-up is as unfair as the lock itself.
//! - **Wait morphing**: `notify`, `notify_n` and `notify_all` do not wake the
//!   picked waiters at once to fight for the lock: they move them onto the
//!   lock's queue (all of them while the lock is held, as it is when the
//!   notifier holds it), so each release of the lock wakes one, and a waiter
//!   notified by the lock's holder is woken once (by the release), not twice. A moved waiter
//!   counts as notified even if its timeout ends before it gets the lock back,
//!   and reports (a deadlock report, [`crate::thread::dump`]) show it waiting on
//!   the lock. Under the simulator notifies wake the waiters directly: the
//!   order in which they get the lock is the same choice either way.
//! - **Memory ordering**: a woken waiter re-acquires the lock, so everything the
//!   notifier did before releasing the lock happens-before `wait` returns.
//!
//! # Which thread "holds" the lock
//!
//! Over an [`RLock`] (the default), `wait` and `notify` require the *calling
//! thread* to own it. Over a plain [`Lock`], which has no owner, they only require
//! the lock to be *locked*, by whichever thread: this is CPython's behaviour
//! (`Condition(Lock())` cannot tell who holds it), kept on purpose. Calling `wait`
//! while another thread holds the plain lock releases that thread's lock.
//!
//! # Differences from Python
//!
//! - Timeouts are [`Duration`]s; "forever" is the method without `_timeout`.
//! - `wait_for` returns the predicate's last value of any [`Truthy`] type
//!   (`bool`, `Option<T>`, integers...), as Python returns the last value as is.
//!
//! ```
//! use std::sync::Arc;
//! use sync_kit::Condition;
//!
//! let cond = Arc::new(Condition::new());
//! let ready = Arc::new(std::sync::atomic::AtomicBool::new(false));
//! let (c, r) = (Arc::clone(&cond), Arc::clone(&ready));
//! let consumer = std::thread::spawn(move || {
//!     let _guard = c.lock();
//!     c.wait_for(|| r.load(std::sync::atomic::Ordering::SeqCst), None).unwrap()
//! });
//! {
//!     let _guard = cond.lock();
//!     ready.store(true, std::sync::atomic::Ordering::SeqCst);
//!     cond.notify_all().unwrap();
//! }
//! assert!(consumer.join().unwrap());
//! ```

use std::fmt;
use std::time::Duration;

use crate::error::{Error, Result};
#[cfg(doc)]
use crate::lock::Lock;
use crate::park::{self, Morph, Park, WaitOn};
use crate::rlock::RLock;
use std::panic::Location;

pub mod data;
mod guard;
mod kinds;

pub use data::{DataCondition, DataConditionGuard};
pub use guard::ConditionGuard;
use kinds::sealed;
pub use kinds::{ConditionLock, Truthy};

// The public lock handle is always std's `Arc` (also under loom: the model does
// not need to track it).
use crate::time::Deadline;
use std::ops::Deref;
use std::sync::Arc;

/// The condition's lock: its own (so the condition can be built in a `const`)
/// or shared with others.
enum Held<L> {
    Owned(L),
    Shared(Arc<L>),
}

impl<L> Deref for Held<L> {
    type Target = L;

    fn deref(&self) -> &L {
        match self {
            Held::Owned(lock) => lock,
            Held::Shared(lock) => lock,
        }
    }
}

/// A condition variable over a [`Lock`] or [`RLock`]: Python's
/// `threading.Condition`.
///
/// See the [module documentation](crate::condition) for the guarantees.
///
/// # Examples
///
/// A condition over a shared plain lock:
///
/// ```
/// use std::sync::Arc;
/// use std::time::Duration;
/// use sync_kit::{Condition, Lock};
///
/// let lock = Arc::new(Lock::new());
/// let cond = Condition::with_lock(Arc::clone(&lock));
/// cond.acquire();
/// assert!(!lock.try_acquire()); // the condition's lock is that lock
/// assert_eq!(cond.wait_timeout(Duration::from_millis(1)).unwrap(), false);
/// cond.release().unwrap();
/// ```
// `repr(C)` with `created` first: waiters park under the condition's
// address, which must not be an address inside an owned lock (whose own
// waiters park under it).
#[repr(C)]
pub struct Condition<L: ConditionLock = RLock> {
    /// Where the condition was created, for reports. Waiters are parked in the
    /// blocking layer under the condition's address, oldest first.
    created: &'static Location<'static>,
    lock: Held<L>,
}

impl Condition<RLock> {
    crate::sync::loom_const_fn! {
        /// A condition over a new [`RLock`] it owns (Python's `Condition()`);
        /// `const`, so it can initialise a `static`.
        #[track_caller]
        #[must_use]
        pub fn new() -> Self {
            Condition::from_lock(RLock::new())
        }
    }
}

impl Default for Condition<RLock> {
    fn default() -> Self {
        Condition::new()
    }
}

impl<L: ConditionLock> Condition<L> {
    /// A condition that owns `lock` (Python's `Condition(Lock())`); `const`,
    /// so `static C: Condition<Lock> = Condition::from_lock(Lock::new());`
    /// works.
    #[track_caller]
    #[must_use]
    pub const fn from_lock(lock: L) -> Self {
        Condition {
            lock: Held::Owned(lock),
            created: Location::caller(),
        }
    }

    /// A condition over `lock`, which other conditions or threads may share
    /// (Python's `Condition(lock)`).
    #[track_caller]
    pub fn with_lock(lock: Arc<L>) -> Self {
        Condition {
            lock: Held::Shared(lock),
            created: Location::caller(),
        }
    }

    /// The lock underneath.
    pub fn underlying(&self) -> &L {
        &self.lock
    }

    /// Acquires the lock, blocking; always `true`.
    #[track_caller]
    pub fn acquire(&self) -> bool {
        self.lock.acquire()
    }

    /// Acquires the lock if possible without blocking (an `RLock` owner re-enters).
    #[track_caller]
    pub fn try_acquire(&self) -> bool {
        self.lock.try_acquire()
    }

    /// Waits up to `timeout` (scaled) for the lock.
    #[track_caller]
    pub fn acquire_timeout(&self, timeout: Duration) -> bool {
        self.lock.acquire_timeout(timeout)
    }

    /// Releases the lock (one level of an `RLock`).
    ///
    /// # Errors
    ///
    /// The lock's own error: `release unlocked lock` for a [`Lock`],
    /// `cannot release un-acquired lock` for an [`RLock`] the caller does not own.
    pub fn release(&self) -> Result<()> {
        self.lock.release()
    }

    /// Whether the caller may wait or notify: it owns the `RLock`, or the plain
    /// `Lock` is locked by anyone (Python's `_is_owned()`; see the module docs).
    pub fn is_owned(&self) -> bool {
        self.lock.is_owned()
    }

    /// Acquires the lock and returns a guard that releases it when dropped, even
    /// during a panic (Python's `with cond:`).
    #[track_caller]
    pub fn lock(&self) -> ConditionGuard<'_, L> {
        self.acquire();
        ConditionGuard::new(self)
    }

    /// Like [`Condition::try_acquire`], returning a guard on success.
    #[track_caller]
    pub fn try_lock(&self) -> Option<ConditionGuard<'_, L>> {
        self.try_acquire().then(|| ConditionGuard::new(self))
    }

    /// Like [`Condition::acquire_timeout`], returning a guard on success.
    #[track_caller]
    pub fn lock_timeout(&self, timeout: Duration) -> Option<ConditionGuard<'_, L>> {
        self.acquire_timeout(timeout)
            .then(|| ConditionGuard::new(self))
    }

    /// Releases the lock, waits until notified, re-acquires the lock and returns
    /// `true` (Python's `wait()`).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::NotOwner`](crate::ErrorKind::NotOwner)
    /// (`cannot wait on un-acquired lock`) if the caller does not hold the lock.
    #[track_caller]
    pub fn wait(&self) -> Result<bool> {
        self.wait_until(Deadline::NEVER)
    }

    /// Like [`Condition::wait`] but gives up after `timeout` (scaled): `true` if
    /// notified, `false` if the time ran out. The lock is re-acquired either way.
    ///
    /// # Errors
    ///
    /// As [`Condition::wait`].
    ///
    /// ```
    /// use std::time::Duration;
    /// let cond = sync_kit::Condition::new();
    /// let _guard = cond.lock();
    /// assert_eq!(cond.wait_timeout(Duration::ZERO).unwrap(), false);
    /// assert!(cond.is_owned());
    /// ```
    #[track_caller]
    pub fn wait_timeout(&self, timeout: Duration) -> Result<bool> {
        self.wait_until(Deadline::after(Some(timeout)))
    }

    #[track_caller]
    fn wait_until(&self, deadline: Deadline) -> Result<bool> {
        crate::sim::point();
        if !self.lock.is_owned() {
            return Err(Error::not_owner("cannot wait on un-acquired lock"));
        }
        // Queued in the blocking layer before the lock is released (in
        // `before_sleep`), so a notify made by whoever takes the lock next
        // cannot miss us; the layer decides "notified" vs "timed out" under the
        // queue lock, so `notify(n)` wakes exactly n.
        let key = park::key_of(self);
        let on = WaitOn::new("Condition", key, Some(self.created), Location::caller());
        // A notify may move us onto the lock's queue (wait morphing); a
        // deadline that passes there takes us out of that queue.
        let (raw, _, _) = self.lock.raw_parts();
        let left_lock_queue = |was_last| raw.requeued_timed_out(was_last);
        let morph = Morph {
            key: park::key_of(raw),
            timed_out: &left_lock_queue,
        };
        let mut saved = None;
        let outcome = park::park_morphing(
            key,
            morph,
            || true,
            || saved = Some(self.lock.release_save()),
            |_| {},
            deadline,
            on,
        );
        let notified = matches!(outcome, Park::Unparked(_));
        // Woken from the lock's queue with the handoff token, we hold the
        // lock already.
        let handed_off = outcome == Park::Unparked(park::TOKEN_HANDOFF);
        match saved {
            Some(Ok(saved)) if handed_off => self.lock.restore_handed_off(saved),
            Some(Ok(saved)) => self.lock.acquire_restore(saved),
            Some(Err(err)) => {
                if handed_off {
                    let _ = raw.release();
                }
                return Err(err);
            }
            None => {}
        }
        Ok(notified)
    }

    /// Waits until `predicate` returns a truthy value and returns that value, or,
    /// once `timeout` (scaled; `None` = forever) has run out, returns the
    /// predicate's last (falsy) value (Python's `wait_for`).
    ///
    /// The predicate runs first; if it already holds, no wait happens (and, as in
    /// CPython, the lock is not checked). Otherwise each notify re-runs it, with the
    /// lock held, and the timeout is one overall deadline. With a zero timeout the
    /// predicate runs twice around one non-blocking wait, as in CPython.
    ///
    /// # Errors
    ///
    /// As [`Condition::wait`], when a wait is needed and the caller does not hold
    /// the lock.
    ///
    /// ```
    /// use std::time::Duration;
    /// let cond = sync_kit::Condition::new();
    /// let _guard = cond.lock();
    /// assert_eq!(cond.wait_for(|| Some(42), None).unwrap(), Some(42));
    /// assert_eq!(cond.wait_for(|| 0, Some(Duration::from_millis(5))).unwrap(), 0);
    /// ```
    #[track_caller]
    pub fn wait_for<T: Truthy>(
        &self,
        mut predicate: impl FnMut() -> T,
        timeout: Option<Duration>,
    ) -> Result<T> {
        let mut result = predicate();
        let mut deadline = None;
        while !result.is_truthy() {
            match deadline {
                None => deadline = Some(Deadline::after(timeout)),
                Some(deadline) if deadline.expired() => break,
                Some(_) => {}
            }
            self.wait_until(deadline.unwrap_or(Deadline::NEVER))?;
            result = predicate();
        }
        Ok(result)
    }

    /// Wakes the longest-waiting thread, if any (Python's `notify()`, whose
    /// `n` defaults to 1). It returns from `wait` once it gets the lock back,
    /// so not before the caller releases it.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::NotOwner`](crate::ErrorKind::NotOwner)
    /// (`cannot notify on un-acquired lock`) if the caller does not hold the lock.
    pub fn notify(&self) -> Result<()> {
        self.notify_n(1)
    }

    /// Wakes up to `n` waiting threads, oldest first: exactly `min(n, waiting)`
    /// (Python's `notify(n)`). They return from `wait` once they get the lock
    /// back, so not before the caller releases it. `notify_n(0)` does nothing.
    ///
    /// # Errors
    ///
    /// As [`Condition::notify`].
    pub fn notify_n(&self, n: usize) -> Result<()> {
        crate::sim::point();
        if !self.lock.is_owned() {
            return Err(Error::not_owner("cannot notify on un-acquired lock"));
        }
        let key = park::key_of(self);
        // Wait morphing: move the waiters onto the lock's queue, so each
        // release wakes one, instead of waking them all to fight for the lock.
        // Not under the simulator, which explores semantics (unchanged by
        // morphing) and keeps its schedules simple.
        let woken = if n > 0 && !crate::sim::active() {
            let (raw, kind, created) = self.lock.raw_parts();
            let object = park::key_of(raw);
            raw.requeue_from(key, n, |on| WaitOn {
                kind,
                object,
                created: Some(created),
                ..on
            })
        } else {
            park::unpark_n(key, n, |_| {})
        };
        crate::observe::notify(woken, || {
            crate::observe::Object::new("Condition", key, self.created)
        });
        Ok(())
    }

    /// Wakes every waiting thread (Python's `notify_all()`).
    ///
    /// # Errors
    ///
    /// As [`Condition::notify`].
    pub fn notify_all(&self) -> Result<()> {
        self.notify_n(usize::MAX)
    }

    /// How many threads are waiting right now.
    pub fn waiters(&self) -> usize {
        park::waiters(park::key_of(self))
    }
}

impl<L: ConditionLock> fmt::Debug for Condition<L> {
    /// Python's repr: `<Condition(<lock repr>, waiters)>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<Condition(")?;
        sealed::Sealed::debug(&*self.lock, f)?;
        write!(f, ", {})>", self.waiters())
    }
}

#[cfg(all(test, not(loom)))]
mod tests;
