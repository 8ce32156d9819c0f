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
//!   is one swap, the shape of the standard library's futex mutex.
//! - **Waiters sleep** on a mutex and condition variable; they never spin.
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
use std::time::Duration;

use crate::error::{Error, Result};
use crate::sync::atomic::{AtomicU32, Ordering};
use crate::sync::{self, Condvar, Mutex};
use crate::time::Deadline;

/// Unlocked.
const UNLOCKED: u32 = 0;
/// Locked, and no thread is known to be sleeping on it.
const LOCKED: u32 = 1;
/// Locked, and some thread may be sleeping on it: the release must wake one.
const CONTENDED: u32 = 2;

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
pub struct Lock {
    /// `UNLOCKED`, `LOCKED` or `CONTENDED`; see the constants.
    state: AtomicU32,
    /// Sleeping waiters wait on `wakeup` while holding this mutex.
    sleepers: Mutex<()>,
    wakeup: Condvar,
}

impl Lock {
    /// A new, unlocked lock.
    pub fn new() -> Self {
        Lock {
            state: AtomicU32::new(UNLOCKED),
            sleepers: Mutex::new(()),
            wakeup: Condvar::new(),
        }
    }

    /// Blocks until the lock is acquired; always returns `true`
    /// (Python's `acquire()`).
    ///
    /// A thread that already holds the lock blocks until another thread releases it.
    #[inline]
    pub fn acquire(&self) -> bool {
        if self.try_acquire() {
            return true;
        }
        self.acquire_slow(Deadline::NEVER)
    }

    /// Acquires the lock if it is free, without blocking
    /// (Python's `acquire(False)` or `acquire(0)`).
    #[inline]
    pub fn try_acquire(&self) -> bool {
        self.state
            .compare_exchange(UNLOCKED, LOCKED, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
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
    pub fn acquire_timeout(&self, timeout: Duration) -> bool {
        if self.try_acquire() {
            return true;
        }
        let deadline = Deadline::after(Some(timeout));
        if deadline.expired() {
            return false;
        }
        self.acquire_slow(deadline)
    }

    #[cold]
    fn acquire_slow(&self, deadline: Deadline) -> bool {
        let mut guard = sync::lock(&self.sleepers);
        loop {
            // Mark the lock contended before sleeping, so that the release that
            // frees it knows to wake a sleeper. If it was free, we now hold it
            // (in the conservative CONTENDED state: the release pays one
            // wake-up that may find nobody).
            if self.state.swap(CONTENDED, Ordering::Acquire) == UNLOCKED {
                return true;
            }
            // A release swaps the state to UNLOCKED and then takes `sleepers`
            // before notifying, so it cannot notify between our swap and our wait:
            // we hold `sleepers` until the wait releases it.
            guard = match deadline.remaining() {
                None => sync::wait(&self.wakeup, guard),
                Some(left) if left.is_zero() => return false,
                Some(left) => sync::wait_timeout(&self.wakeup, guard, left),
            };
        }
    }

    /// Releases the lock (Python's `release()`). Any thread may release it.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::ReleaseUnlocked`](crate::ErrorKind::ReleaseUnlocked)
    /// (`release unlocked lock`) if the lock is not locked; nothing changes.
    #[inline]
    pub fn release(&self) -> Result<()> {
        // The common case, locked and uncontended, is a single successful CAS.
        match self
            .state
            .compare_exchange(LOCKED, UNLOCKED, Ordering::Release, Ordering::Relaxed)
        {
            Ok(_) => Ok(()),
            Err(UNLOCKED) => Err(Error::release_unlocked()),
            Err(_) => self.release_slow(),
        }
    }

    #[cold]
    fn release_slow(&self) -> Result<()> {
        match self.state.swap(UNLOCKED, Ordering::Release) {
            UNLOCKED => Err(Error::release_unlocked()),
            LOCKED => Ok(()),
            _ => {
                // Taking the mutex orders this notify after any waiter's
                // "swap, then wait" step, so the wake-up cannot be lost.
                drop(sync::lock(&self.sleepers));
                self.wakeup.notify_one();
                Ok(())
            }
        }
    }

    /// Whether the lock is held by some thread (Python's `locked()`).
    #[inline]
    pub fn locked(&self) -> bool {
        self.state.load(Ordering::Relaxed) != UNLOCKED
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
