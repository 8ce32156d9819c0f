//! [`Lock`]: Python's `threading.Lock`, a plain lock with no owner.
//!
//! A `Lock` is either locked or unlocked. Unlike [`std::sync::Mutex`] it guards no
//! data and it has no owner: the thread that releases it need not be the one that
//! acquired it (CPython's `test_different_thread`). It is not reentrant: a thread
//! that holds it and calls [`Lock::acquire`] again blocks until some other thread
//! releases it, and its [`Lock::try_acquire`] returns `false`.
//!
//! | Python | sync-kit |
//! |---|---|
//! | `lock.acquire()` | [`Lock::acquire`] |
//! | `lock.acquire(False)`, `lock.acquire(0)` | [`Lock::try_acquire`] |
//! | `lock.acquire(timeout=t)` | [`Lock::acquire_timeout`] |
//! | `lock.release()` | [`Lock::release`] (`Err` with `release unlocked lock`) |
//! | `lock.locked()` | [`Lock::locked`] |
//! | `with lock:` | `let _guard = lock.lock();` ([`LockGuard`]) |
//!
//! Deliberate differences from Python: a timeout is a [`Duration`], so the
//! negative, NaN and out-of-range timeouts that CPython rejects with `ValueError`
//! or `OverflowError` cannot be written; a huge timeout such as [`Duration::MAX`]
//! simply means "wait forever". `acquire(False, timeout)` has no counterpart.
//!
//! # Guarantees
//!
//! - **Fast path**: an uncontended acquire is one compare-and-swap and a release
//!   is one more, the shape of `parking_lot`'s raw mutex; `Lock::new` is a
//!   `const fn`, so a `static` lock works.
//! - **Waiters** spin briefly (never under the simulator), then park in the
//!   blocking layer ([`crate::sim`] sees every wait).
//! - **Fairness**: none (like CPython). A release wakes one sleeping waiter, but a
//!   thread that arrives at that moment may take the lock first.
//! - **Timeouts** go through [`crate::time::Deadline`], so `SYNC_KIT_TIME_SCALE`
//!   scales them; they never end early and a zero timeout is a single try.
//! - **No poisoning**: a [`LockGuard`] dropped during a panic releases the lock.
//! - **Memory ordering**: a release happens-before the acquire that takes the lock
//!   next, as with any mutex.
//!
//! ```
//! use sync_kit::Lock;
//!
//! let lock = Lock::new();
//! {
//!     let _guard = lock.lock();
//!     assert!(lock.locked());
//!     assert!(!lock.try_acquire()); // not reentrant
//! }
//! assert!(!lock.locked());
//! assert!(lock.release().is_err()); // release unlocked lock
//! ```

use std::fmt;
use std::panic::Location;
use std::time::Duration;

use crate::error::{Error, Result};
use crate::park::{self, Park, WaitOn};
use crate::sync::atomic::{AtomicU8, Ordering};
use crate::time::Deadline;

/// Set while the lock is held.
const LOCKED: u8 = 1;
/// Set while some thread may be parked on the lock: the release must unpark.
const PARKED: u8 = 2;

/// The state machine of a plain lock over the blocking layer, shared by
/// [`Lock`] and [`crate::RLock`]: one byte, `LOCKED | PARKED`, the shape of
/// `parking_lot`'s raw mutex. Waiters are parked under the lock's address.
pub(crate) struct RawLock {
    state: AtomicU8,
}

impl RawLock {
    crate::sync::loom_const_fn! {
        pub(crate) fn new() -> Self {
            RawLock {
                state: AtomicU8::new(0),
            }
        }
    }

    #[inline]
    pub(crate) fn try_acquire(&self) -> bool {
        self.state
            .compare_exchange(0, LOCKED, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
            || self.try_acquire_parked()
    }

    /// A free lock can still have the PARKED bit (a woken waiter has not run yet).
    #[cold]
    fn try_acquire_parked(&self) -> bool {
        let mut state = self.state.load(Ordering::Relaxed);
        while state & LOCKED == 0 {
            match self.state.compare_exchange_weak(
                state,
                state | LOCKED,
                Ordering::Acquire,
                Ordering::Relaxed,
            ) {
                Ok(_) => return true,
                Err(now) => state = now,
            }
        }
        false
    }

    /// Waits for the lock until `deadline`; returns whether it was acquired.
    #[cold]
    pub(crate) fn acquire_slow(&self, deadline: Deadline, on: WaitOn) -> bool {
        let mut spin = crate::spin::SpinWait::new();
        loop {
            let state = self.state.load(Ordering::Relaxed);
            if state & LOCKED == 0 {
                if self
                    .state
                    .compare_exchange_weak(
                        state,
                        state | LOCKED,
                        Ordering::Acquire,
                        Ordering::Relaxed,
                    )
                    .is_ok()
                {
                    return true;
                }
                continue;
            }
            // Spin a little while nobody is parked: the holder may be about to
            // release, and parking costs two system calls.
            if state & PARKED == 0 && spin.spin() {
                continue;
            }
            if state & PARKED == 0
                && self
                    .state
                    .compare_exchange_weak(
                        state,
                        state | PARKED,
                        Ordering::Relaxed,
                        Ordering::Relaxed,
                    )
                    .is_err()
            {
                continue;
            }
            if deadline.expired() {
                return false;
            }
            let key = park::key_of(self);
            let outcome = park::park(
                key,
                || self.state.load(Ordering::Relaxed) == LOCKED | PARKED,
                || {},
                |was_last| {
                    if was_last {
                        self.state.fetch_and(!PARKED, Ordering::Relaxed);
                    }
                },
                deadline,
                on,
            );
            match outcome {
                Park::Unparked(park::TOKEN_HANDOFF) => return true,
                Park::TimedOut => return false,
                Park::Unparked(_) | Park::Invalid => spin.reset(),
            }
        }
    }

    /// Releases; `Err` if it was not locked.
    #[inline]
    pub(crate) fn release(&self) -> Result<()> {
        match self
            .state
            .compare_exchange(LOCKED, 0, Ordering::Release, Ordering::Relaxed)
        {
            Ok(_) => Ok(()),
            Err(_) => self.release_slow(),
        }
    }

    #[cold]
    fn release_slow(&self) -> Result<()> {
        let mut state = self.state.load(Ordering::Relaxed);
        loop {
            if state & LOCKED == 0 {
                return Err(Error::release_unlocked());
            }
            if state & PARKED != 0 {
                break;
            }
            match self
                .state
                .compare_exchange_weak(state, 0, Ordering::Release, Ordering::Relaxed)
            {
                Ok(_) => return Ok(()),
                Err(now) => state = now,
            }
        }
        // Unlock with the queue locked, keeping PARKED while waiters remain, so
        // a waiter that validates after this sees the truth.
        park::unpark_one(park::key_of(self), |_, more| {
            let left = if more { PARKED } else { 0 };
            self.state.store(left, Ordering::Release);
            park::TOKEN_NORMAL
        });
        Ok(())
    }

    #[inline]
    pub(crate) fn locked(&self) -> bool {
        self.state.load(Ordering::Relaxed) & LOCKED != 0
    }
}

/// A non-reentrant lock that any thread may release: Python's `threading.Lock`.
///
/// See the [module documentation](crate::lock) for the guarantees.
///
/// # Examples
///
/// A lock taken in one thread and released in another, which Python allows:
///
/// ```
/// use std::sync::Arc;
/// use sync_kit::Lock;
///
/// let lock = Arc::new(Lock::new());
/// assert!(lock.acquire());
/// let other = Arc::clone(&lock);
/// std::thread::spawn(move || other.release().unwrap()).join().unwrap();
/// assert!(!lock.locked());
/// ```
///
/// A `static` lock, as a Python module-level global:
///
/// ```
/// static LOCK: sync_kit::Lock = sync_kit::Lock::new();
/// let _guard = LOCK.lock();
/// assert!(LOCK.locked());
/// ```
pub struct Lock {
    raw: RawLock,
    created: &'static Location<'static>,
}

impl Lock {
    crate::sync::loom_const_fn! {
        /// A new, unlocked lock.
        #[track_caller]
        pub fn new() -> Self {
            Lock {
                raw: RawLock::new(),
                created: Location::caller(),
            }
        }
    }

    #[inline]
    fn wait_on(&self, site: &'static Location<'static>) -> WaitOn {
        WaitOn::new("Lock", park::key_of(&self.raw), Some(self.created), site)
    }

    /// Blocks until the lock is acquired; always returns `true`
    /// (Python's `acquire()`).
    ///
    /// A thread that already holds the lock blocks until another thread releases it.
    #[inline]
    #[track_caller]
    pub fn acquire(&self) -> bool {
        crate::sim::point();
        self.raw.try_acquire()
            || self
                .raw
                .acquire_slow(Deadline::NEVER, self.wait_on(Location::caller()))
    }

    /// Acquires the lock if it is free, without blocking
    /// (Python's `acquire(False)` or `acquire(0)`).
    #[inline]
    pub fn try_acquire(&self) -> bool {
        crate::sim::point();
        self.raw.try_acquire()
    }

    /// Waits up to `timeout` (scaled by `SYNC_KIT_TIME_SCALE`) for the lock
    /// (Python's `acquire(timeout=t)`). Returns whether it was acquired.
    ///
    /// A zero timeout is a single try; [`Duration::MAX`] waits forever.
    ///
    /// ```
    /// use std::time::Duration;
    /// let lock = sync_kit::Lock::new();
    /// assert!(lock.acquire_timeout(Duration::from_millis(10)));
    /// assert!(!lock.acquire_timeout(Duration::from_millis(10)));
    /// ```
    #[inline]
    #[track_caller]
    pub fn acquire_timeout(&self, timeout: Duration) -> bool {
        crate::sim::point();
        if self.raw.try_acquire() {
            return true;
        }
        let deadline = Deadline::after(Some(timeout));
        !deadline.expired()
            && self
                .raw
                .acquire_slow(deadline, self.wait_on(Location::caller()))
    }

    /// Releases the lock (Python's `release()`). Any thread may release it.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::ReleaseUnlocked`](crate::ErrorKind::ReleaseUnlocked)
    /// (`release unlocked lock`) if the lock is not locked; nothing changes.
    #[inline]
    pub fn release(&self) -> Result<()> {
        crate::sim::point();
        self.raw.release()
    }

    /// Whether the lock is held by some thread (Python's `locked()`).
    #[inline]
    pub fn locked(&self) -> bool {
        self.raw.locked()
    }

    /// Blocks until the lock is acquired and returns a guard that releases it when
    /// dropped, even during a panic (Python's `with lock:`).
    ///
    /// ```
    /// let lock = sync_kit::Lock::new();
    /// {
    ///     let _guard = lock.lock();
    ///     assert!(lock.locked());
    /// }
    /// assert!(!lock.locked());
    /// ```
    #[inline]
    #[track_caller]
    pub fn lock(&self) -> LockGuard<'_> {
        self.acquire();
        LockGuard { lock: self }
    }

    /// Acquires the lock if it is free and returns its guard, without blocking.
    #[inline]
    pub fn try_lock(&self) -> Option<LockGuard<'_>> {
        self.try_acquire().then(|| LockGuard { lock: self })
    }

    /// Waits up to `timeout` for the lock and returns its guard, or `None` on
    /// timeout.
    #[track_caller]
    pub fn lock_timeout(&self, timeout: Duration) -> Option<LockGuard<'_>> {
        self.acquire_timeout(timeout)
            .then(|| LockGuard { lock: self })
    }
}

impl Default for Lock {
    fn default() -> Self {
        Lock::new()
    }
}

impl fmt::Debug for Lock {
    /// Python's repr: `<unlocked sync_kit.Lock object at 0x...>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = if self.locked() { "locked" } else { "unlocked" };
        write!(f, "<{state} sync_kit.Lock object at {self:p}>")
    }
}

/// Holds a [`Lock`] and releases it when dropped: Python's `with lock:`.
///
/// Returned by [`Lock::lock`] and [`Lock::try_lock`]. If some other thread
/// releases the lock while the guard lives (a `Lock` has no owner, so that is
/// allowed), the guard's own release finds it unlocked and does nothing, where
/// Python's `with` block would raise `RuntimeError` on exit.
///
/// ```
/// let lock = sync_kit::Lock::new();
/// let guard = lock.try_lock().expect("the lock is free");
/// assert!(lock.try_lock().is_none());
/// drop(guard);
/// assert!(lock.try_lock().is_some());
/// ```
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct LockGuard<'a> {
    lock: &'a Lock,
}

impl LockGuard<'_> {
    /// Releases the lock now and reports what Python's `with` exit would: an error
    /// if some other thread already released it.
    pub fn unlock(self) -> Result<()> {
        let lock = self.lock;
        std::mem::forget(self);
        lock.release()
    }
}

impl Drop for LockGuard<'_> {
    fn drop(&mut self) {
        // An error means another thread released the lock meanwhile; see above.
        let _ = self.lock.release();
    }
}

impl fmt::Debug for LockGuard<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LockGuard")
            .field("lock", self.lock)
            .finish()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::time::Instant;

    #[test]
    fn debug_is_pythons_repr() {
        let lock = Lock::new();
        assert!(format!("{lock:?}").starts_with("<unlocked sync_kit.Lock object at 0x"));
        lock.acquire();
        assert!(format!("{lock:?}").starts_with("<locked sync_kit.Lock object at 0x"));
    }

    #[test]
    fn release_wakes_a_sleeper() {
        let lock = Arc::new(Lock::new());
        lock.acquire();
        let other = Arc::clone(&lock);
        let waiter = std::thread::spawn(move || {
            other.acquire();
            other.release().unwrap();
        });
        std::thread::sleep(Duration::from_millis(20));
        lock.release().unwrap();
        waiter.join().unwrap();
        assert!(!lock.locked());
    }

    #[test]
    fn failed_try_lock_leaves_the_lock_held() {
        let lock = Lock::new();
        let _guard = lock.lock();
        assert!(lock.try_lock().is_none());
        assert!(lock.lock_timeout(Duration::ZERO).is_none());
        assert!(lock.locked());
    }

    #[test]
    fn guard_unlock_reports_a_foreign_release() {
        let lock = Lock::new();
        let guard = lock.lock();
        lock.release().unwrap();
        assert!(guard.unlock().is_err());
    }

    #[test]
    fn max_timeout_on_a_free_lock_returns_at_once() {
        let lock = Lock::new();
        let start = Instant::now();
        assert!(lock.acquire_timeout(Duration::MAX));
        assert!(start.elapsed() < Duration::from_secs(1));
    }
}
