//! [`Lock`]: Python's `threading.Lock`, a plain lock with no owner.
//!
//! A `Lock` is either locked or unlocked. It has no owner: the thread that
//! releases it need not be the one that acquired it (CPython's
//! `test_different_thread`). It is not reentrant: a thread
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
//! | a lock and the data it protects | [`Lock::with_value`]: `*lock.lock() += 1` |
//!
//! `Lock::with_value(data)` is a lock that owns what it protects, like
//! [`std::sync::Mutex`]: the data is reached only through the guard, so it
//! cannot be touched without holding the lock. Such a lock has no
//! `acquire`/`release` (a release from another thread would leave a guard's
//! borrow dangling); the plain `Lock` keeps Python's full interface.
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

use crate::error::Result;
use crate::observe;
use crate::park::{self, WaitOn};
use crate::time::Deadline;

mod guard;
mod raw;

pub use guard::LockGuard;
pub(crate) use raw::RawLock;

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
///
/// A lock that owns the data it protects, reached only through its guard:
///
/// ```
/// let counter = sync_kit::Lock::with_value(0);
/// *counter.lock() += 1;
/// assert_eq!(*counter.lock(), 1);
/// assert_eq!(counter.into_inner(), 1);
/// ```
pub struct Lock<T = ()> {
    raw: RawLock,
    created: &'static Location<'static>,
    /// The owned data. Locked only by a guard of `raw`'s holder, so never
    /// contended; `()` for a plain lock, whose guards never touch it.
    data: std::sync::Mutex<T>,
}

impl Lock {
    crate::sync::loom_const_fn! {
        /// A new, unlocked lock.
        #[track_caller]
        pub fn new() -> Self {
            Lock::with_value(())
        }
    }

    /// Blocks until the lock is acquired; always returns `true`
    /// (Python's `acquire()`).
    ///
    /// A thread that already holds the lock blocks until another thread releases it.
    #[inline]
    #[track_caller]
    pub fn acquire(&self) -> bool {
        self.acquire_raw(Location::caller())
    }

    /// Acquires the lock if it is free, without blocking
    /// (Python's `acquire(False)` or `acquire(0)`).
    #[inline]
    #[track_caller]
    pub fn try_acquire(&self) -> bool {
        self.try_acquire_raw(Location::caller())
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
        self.acquire_timeout_raw(timeout, Location::caller())
    }

    /// Releases the lock (Python's `release()`). Any thread may release it.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::ReleaseUnlocked`](crate::ErrorKind::ReleaseUnlocked)
    /// (`release unlocked lock`) if the lock is not locked; nothing changes.
    #[inline]
    pub fn release(&self) -> Result<()> {
        self.release_raw()
    }
}

impl<T> Lock<T> {
    crate::sync::loom_const_fn! {
        /// A new, unlocked lock that owns `value`; its guards deref to it.
        #[track_caller]
        pub fn with_value(value: T) -> Self {
            Lock {
                raw: RawLock::new(),
                created: Location::caller(),
                data: std::sync::Mutex::new(value),
            }
        }
    }

    /// The owned data, taken out of the lock.
    pub fn into_inner(self) -> T {
        self.data
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The owned data, through an exclusive borrow (no locking needed).
    pub fn get_mut(&mut self) -> &mut T {
        self.data
            .get_mut()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The data's inner guard; called only by the holder of `raw`.
    fn data_guard(&self) -> std::sync::MutexGuard<'_, T> {
        crate::sync::lock_std(&self.data)
    }

    /// The state machine and the creation site, for a condition's wait morphing.
    pub(crate) fn raw_parts(&self) -> (&RawLock, &'static Location<'static>) {
        (&self.raw, self.created)
    }

    #[inline]
    fn wait_on(&self, site: &'static Location<'static>) -> WaitOn {
        WaitOn::new("Lock", park::key_of(&self.raw), Some(self.created), site)
    }

    #[inline]
    fn acquire_raw(&self, site: &'static Location<'static>) -> bool {
        if observe::quiet() {
            return self.raw.try_acquire()
                || self.raw.acquire_slow(Deadline::NEVER, self.wait_on(site));
        }
        self.acquire_hooked(site)
    }

    #[cold]
    fn acquire_hooked(&self, site: &'static Location<'static>) -> bool {
        crate::sim::point();
        observe::acquiring(|| self.object(), site);
        let _ =
            self.raw.try_acquire() || self.raw.acquire_slow(Deadline::NEVER, self.wait_on(site));
        self.observe_acquired(site);
        true
    }

    #[inline]
    fn try_acquire_raw(&self, site: &'static Location<'static>) -> bool {
        if observe::quiet() {
            return self.raw.try_acquire();
        }
        crate::sim::point();
        let acquired = self.raw.try_acquire();
        if acquired {
            self.observe_acquired(site);
        }
        acquired
    }

    #[inline]
    fn acquire_timeout_raw(&self, timeout: Duration, site: &'static Location<'static>) -> bool {
        if observe::quiet() && self.raw.try_acquire() {
            return true;
        }
        crate::sim::point();
        observe::acquiring(|| self.object(), site);
        let acquired = self.raw.try_acquire() || {
            let deadline = Deadline::after(Some(timeout));
            !deadline.expired() && self.raw.acquire_slow(deadline, self.wait_on(site))
        };
        if acquired {
            self.observe_acquired(site);
        }
        acquired
    }

    #[inline]
    fn release_raw(&self) -> Result<()> {
        if observe::quiet() {
            return self.raw.release();
        }
        crate::sim::point();
        if self.raw.locked() {
            observe::released(|| self.object());
        }
        self.raw.release()
    }

    #[inline]
    fn observe_acquired(&self, site: &'static Location<'static>) {
        observe::acquired(|| self.object(), site);
    }

    fn object(&self) -> observe::Object {
        observe::Object::new("Lock", park::key_of(&self.raw), self.created)
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
    pub fn lock(&self) -> LockGuard<'_, T> {
        self.acquire_raw(Location::caller());
        LockGuard::new(self)
    }

    /// Acquires the lock if it is free and returns its guard, without blocking.
    #[inline]
    #[track_caller]
    pub fn try_lock(&self) -> Option<LockGuard<'_, T>> {
        self.try_acquire_raw(Location::caller())
            .then(|| LockGuard::new(self))
    }

    /// Waits up to `timeout` for the lock and returns its guard, or `None` on
    /// timeout.
    #[track_caller]
    pub fn lock_timeout(&self, timeout: Duration) -> Option<LockGuard<'_, T>> {
        self.acquire_timeout_raw(timeout, Location::caller())
            .then(|| LockGuard::new(self))
    }
}

impl Default for Lock {
    fn default() -> Self {
        Lock::new()
    }
}

impl<T> fmt::Debug for Lock<T> {
    /// Python's repr: `<unlocked sync_kit.Lock object at 0x...>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = if self.locked() { "locked" } else { "unlocked" };
        write!(f, "<{state} sync_kit.Lock object at {self:p}>")
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
