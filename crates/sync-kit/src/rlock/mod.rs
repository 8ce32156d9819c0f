//! [`RLock`]: Python's `threading.RLock`, a reentrant lock with an owner.
//!
//! An `RLock` remembers which thread holds it and how many times. The owner may
//! acquire it again (even with [`RLock::try_acquire`]), and must release it as many
//! times as it acquired it before another thread can take it. Only the owner may
//! release it.
//!
//! | Python | sync-kit |
//! |---|---|
//! | `rlock.acquire()` | [`RLock::acquire`] |
//! | `rlock.acquire(False)` | [`RLock::try_acquire`] |
//! | `rlock.acquire(timeout=t)` | [`RLock::acquire_timeout`] |
//! | `rlock.release()` | [`RLock::release`] (`Err` with `cannot release un-acquired lock`) |
//! | `rlock._is_owned()` | [`RLock::is_owned`] |
//! | `rlock._recursion_count()` | [`RLock::recursion_count`] |
//! | `rlock._release_save()`, `rlock._acquire_restore(s)` | [`RLock::release_save`], [`RLock::acquire_restore`] |
//! | `rlock.locked()` (3.14) | [`RLock::locked`] |
//! | `with rlock:` | `let _guard = rlock.lock();` ([`RLockGuard`]) |
//! | an RLock and the data it protects | [`RLock::with_value`]: `rlock.lock().set(1)` on an `RLock<Cell<_>>` |
//!
//! # An `RLock` that owns its data
//!
//! `RLock::with_value(data)` owns what it protects; the data is reached only
//! through a guard. Because the owner may hold several guards at once (that is
//! what re-entrancy means), a guard derefs to `&T` only, never `&mut T`: mutate
//! through a [`Cell`](std::cell::Cell) or [`RefCell`](std::cell::RefCell), as
//! with `parking_lot::ReentrantMutex`. `RLock<T>` is `Sync` when `T: Send`, so
//! `RLock<Cell<u64>>` can be shared between threads: only the owner ever sees
//! the cell. Such a lock has no `acquire`/`release`/`release_save` (a release
//! out of step with the guards would leave a guard's borrow dangling); the
//! plain `RLock` keeps Python's full interface. Limits: `RLock<T>` is `Sync`
//! only when `T: Send` (an `RLock<Rc<_>>` stays on its thread), and, as with
//! a plain `RLock`, the data is not poisoned by a panic under a guard.
//!
//! ```
//! use std::cell::Cell;
//! use std::sync::Arc;
//!
//! let total = Arc::new(sync_kit::RLock::with_value(Cell::new(0_u64)));
//! let workers: Vec<_> = (1..=4)
//!     .map(|item| {
//!         let total = Arc::clone(&total);
//!         std::thread::spawn(move || {
//!             let outer = total.lock();
//!             let inner = total.lock(); // re-entrant: both guards live
//!             inner.set(inner.get() + item);
//!             drop((inner, outer));
//!         })
//!     })
//!     .collect();
//! for worker in workers {
//!     worker.join().unwrap();
//! }
//! assert_eq!(total.lock().get(), 10);
//! ```
//!
//! Deliberate differences from Python: timeouts are [`Duration`]s (see
//! [`crate::lock`]); a thread is identified by a cheap per-thread token rather than
//! `get_ident()`, so the `owner=` shown by `Debug` is that token.
//!
//! # Guarantees
//!
//! - **Fast path**: the owner check is a thread-local read and a relaxed load, no
//!   call to [`std::thread::current`]; a first acquire adds one compare-and-swap.
//!   Tokens are never reused, so a lock still held by a thread that has exited
//!   stays held (as in CPython), and no later thread can mistake itself for its
//!   owner. A guard of a data-owning lock adds one uncontended
//!   `parking_lot::ReentrantMutex` lock (see [`RLock::with_value`]).
//! - **Waiters** spin briefly, then park in the blocking layer (the lock
//!   underneath is the same state machine as [`crate::Lock`]'s); no fairness is
//!   promised.
//! - **Timeouts** never end early; a zero timeout is a single try.
//! - **No poisoning**: an [`RLockGuard`] dropped during a panic releases its level.
//! - **Memory ordering**: the final release happens-before the next owner's
//!   acquire, as with any mutex.
//!
//! ```
//! use sync_kit::RLock;
//!
//! let rlock = RLock::new();
//! let _outer = rlock.lock();
//! let _inner = rlock.lock(); // reentrant
//! assert_eq!(rlock.recursion_count(), 2);
//! ```

use std::fmt;
use std::time::Duration;

use crate::error::{Error, Result};
use crate::lock::RawLock;
use crate::sync::atomic::{AtomicUsize, Ordering};
use std::panic::Location;

mod guard;
mod levels;
mod save;
mod token;

pub use guard::RLockGuard;
pub use save::RLockState;
pub(crate) use token::current_thread_token;

const NO_OWNER: usize = 0;

/// A reentrant lock owned by the thread that acquired it: Python's
/// `threading.RLock`; [`RLock::with_value`] makes one that owns its data.
///
/// See the [module documentation](crate::rlock) for the guarantees.
///
/// # Examples
///
/// Only the owner may release:
///
/// ```
/// use std::sync::Arc;
/// use sync_kit::{ErrorKind, RLock};
///
/// let rlock = Arc::new(RLock::new());
/// rlock.acquire();
/// let other = Arc::clone(&rlock);
/// let err = std::thread::spawn(move || other.release().unwrap_err())
///     .join()
///     .unwrap();
/// assert_eq!(err.kind(), ErrorKind::NotOwner);
/// assert_eq!(err.to_string(), "cannot release un-acquired lock");
/// rlock.release().unwrap();
/// ```
///
/// A `static` one, as a Python module-level global:
///
/// ```
/// static LOG_LOCK: sync_kit::RLock = sync_kit::RLock::new();
/// let _outer = LOG_LOCK.lock();
/// let _inner = LOG_LOCK.lock();
/// assert_eq!(LOG_LOCK.recursion_count(), 2);
/// ```
pub struct RLock<T = ()> {
    lock: RawLock,
    created: &'static Location<'static>,
    // Implementation note: `owner` and `count` are only written by the owning
    // thread while it holds `lock`, so relaxed ordering is enough: a thread reads
    // its own token in `owner` only if it wrote it itself, and `lock`'s
    // acquire/release orders everything between owners.
    /// The owner's token, or `NO_OWNER`.
    owner: AtomicUsize,
    /// The owner's recursion depth; 0 when free.
    count: AtomicUsize,
    /// The owned data (`()` for a plain RLock, whose guards never touch it).
    /// Locked only by guards of the owner of `lock`, so never contended and
    /// never blocking; it is here for the `Sync`-when-`T: Send` that its
    /// audited unsafe code provides and `forbid(unsafe_code)` does not let
    /// sync-kit write.
    data: parking_lot::ReentrantMutex<T>,
}

impl RLock {
    crate::sync::loom_const_fn! {
        /// A new, unowned lock.
        #[track_caller]
        pub fn new() -> Self {
            RLock::with_value(())
        }
    }

    /// Blocks until the calling thread owns the lock; always returns `true`.
    /// The owner's call returns at once and adds one level.
    #[inline]
    #[track_caller]
    pub fn acquire(&self) -> bool {
        self.acquire_level()
    }

    /// Acquires without blocking: `true` if the caller already owned the lock (one
    /// more level) or it was free (Python's `acquire(False)`).
    #[inline]
    #[track_caller]
    pub fn try_acquire(&self) -> bool {
        self.try_acquire_level()
    }

    /// Waits up to `timeout` (scaled) to own the lock; the owner succeeds at once.
    /// A zero timeout is a single try; [`Duration::MAX`] waits forever.
    ///
    /// ```
    /// use std::time::Duration;
    /// let rlock = sync_kit::RLock::new();
    /// assert!(rlock.acquire_timeout(Duration::ZERO));
    /// assert!(rlock.acquire_timeout(Duration::ZERO)); // the owner re-enters
    /// ```
    #[inline]
    #[track_caller]
    pub fn acquire_timeout(&self, timeout: Duration) -> bool {
        self.acquire_timeout_level(timeout)
    }

    /// Releases one level; the lock becomes free when the last level is released.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::NotOwner`](crate::ErrorKind::NotOwner)
    /// (`cannot release un-acquired lock`) if the calling thread does not own the
    /// lock: it is free, another thread holds it, or every level was released.
    #[inline]
    pub fn release(&self) -> Result<()> {
        self.release_level()
    }
}

impl<T> RLock<T> {
    crate::sync::loom_const_fn! {
        /// A new, unowned lock that owns `value`; its guards deref to `&T`
        /// (shared access only: the owner may hold several guards at once).
        ///
        /// ```
        /// use std::cell::RefCell;
        /// let log = sync_kit::RLock::with_value(RefCell::new(Vec::new()));
        /// let outer = log.lock();
        /// outer.borrow_mut().push("outer");
        /// log.lock().borrow_mut().push("inner"); // the owner re-enters
        /// drop(outer);
        /// assert_eq!(log.into_inner().into_inner(), ["outer", "inner"]);
        /// ```
        #[track_caller]
        pub fn with_value(value: T) -> Self {
            RLock {
                lock: RawLock::new(),
                created: Location::caller(),
                owner: AtomicUsize::new(NO_OWNER),
                count: AtomicUsize::new(0),
                data: parking_lot::ReentrantMutex::new(value),
            }
        }
    }

    /// The owned data, taken out of the lock.
    pub fn into_inner(self) -> T {
        self.data.into_inner()
    }

    /// The owned data, through an exclusive borrow (no locking needed).
    pub fn get_mut(&mut self) -> &mut T {
        self.data.get_mut()
    }

    /// Whether the calling thread owns the lock (Python's `_is_owned()`).
    #[inline]
    pub fn is_owned(&self) -> bool {
        self.owner.load(Ordering::Relaxed) == current_thread_token()
    }

    /// The calling thread's recursion depth: 0 unless it owns the lock, even when
    /// another thread holds it (Python's `_recursion_count()`).
    pub fn recursion_count(&self) -> usize {
        if self.is_owned() {
            self.count.load(Ordering::Relaxed)
        } else {
            0
        }
    }

    /// Whether any thread holds the lock (Python 3.14's `locked()`).
    pub fn locked(&self) -> bool {
        self.lock.locked()
    }

    /// Blocks until the caller owns the lock and returns a guard that releases one
    /// level when dropped, even during a panic (Python's `with rlock:`).
    #[inline]
    #[track_caller]
    pub fn lock(&self) -> RLockGuard<'_, T> {
        self.acquire_level();
        RLockGuard::new(self)
    }

    /// Acquires without blocking (the owner re-enters), returning a guard on
    /// success; see [`RLock::try_acquire`].
    #[track_caller]
    pub fn try_lock(&self) -> Option<RLockGuard<'_, T>> {
        self.try_acquire_level().then(|| RLockGuard::new(self))
    }

    /// Waits up to `timeout` (scaled) to own the lock, returning a guard on
    /// success; see [`RLock::acquire_timeout`].
    #[track_caller]
    pub fn lock_timeout(&self, timeout: Duration) -> Option<RLockGuard<'_, T>> {
        self.acquire_timeout_level(timeout)
            .then(|| RLockGuard::new(self))
    }
}

fn unacquired() -> Error {
    Error::not_owner("cannot release un-acquired lock")
}

impl Default for RLock {
    fn default() -> Self {
        RLock::new()
    }
}

impl<T> fmt::Debug for RLock<T> {
    /// Python's repr: `<locked sync_kit.RLock object owner=7 count=2 at 0x...>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let owner = self.owner.load(Ordering::Relaxed);
        let count = if owner == NO_OWNER {
            0
        } else {
            self.count.load(Ordering::Relaxed)
        };
        let state = if self.locked() { "locked" } else { "unlocked" };
        write!(
            f,
            "<{state} sync_kit.RLock object owner={owner} count={count} at {self:p}>"
        )
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn lock_held_by_an_exited_thread_stays_held() {
        let rlock = std::sync::Arc::new(RLock::new());
        let other = std::sync::Arc::clone(&rlock);
        std::thread::spawn(move || assert!(other.acquire()))
            .join()
            .unwrap();
        for _ in 0..4 {
            let again = std::sync::Arc::clone(&rlock);
            assert!(
                !std::thread::spawn(move || again.try_acquire())
                    .join()
                    .unwrap()
            );
        }
        assert!(!rlock.try_acquire());
    }

    #[test]
    fn debug_shows_owner_and_count() {
        let rlock = RLock::new();
        assert!(
            format!("{rlock:?}")
                .starts_with("<unlocked sync_kit.RLock object owner=0 count=0 at 0x")
        );
        rlock.acquire();
        rlock.acquire();
        let shown = format!("{rlock:?}");
        assert!(
            shown.starts_with("<locked sync_kit.RLock object owner="),
            "{shown}"
        );
        assert!(shown.contains(" count=2 at 0x"), "{shown}");
    }
}
