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
//!   owner.
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
use crate::observe;
use crate::park::{self, WaitOn};
use crate::sync::atomic::{AtomicUsize, Ordering};
use crate::time::Deadline;
use std::panic::Location;

mod guard;
mod save;
mod token;

pub use guard::RLockGuard;
pub use save::RLockState;
pub(crate) use token::current_thread_token;

const NO_OWNER: usize = 0;

/// A reentrant lock owned by the thread that acquired it: Python's
/// `threading.RLock`.
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
pub struct RLock {
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
}

impl RLock {
    crate::sync::loom_const_fn! {
        /// A new, unowned lock.
        #[track_caller]
        pub fn new() -> Self {
            RLock {
                lock: RawLock::new(),
                created: Location::caller(),
                owner: AtomicUsize::new(NO_OWNER),
                count: AtomicUsize::new(0),
            }
        }
    }

    fn wait_on(&self, site: &'static Location<'static>) -> WaitOn {
        WaitOn::new("RLock", park::key_of(&self.lock), Some(self.created), site)
    }

    /// Takes the underlying lock, waiting until `deadline`.
    #[inline]
    fn take_lock(
        &self,
        deadline: Deadline,
        site: &'static Location<'static>,
        hooked: bool,
    ) -> bool {
        if hooked {
            observe::acquiring(|| self.object(), site);
        }
        self.lock.try_acquire()
            || (!deadline.expired() && self.lock.acquire_slow(deadline, self.wait_on(site)))
    }

    #[inline]
    fn reenter(&self, me: usize) -> bool {
        if self.owner.load(Ordering::Relaxed) == me {
            let depth = self.count.load(Ordering::Relaxed);
            self.count.store(depth + 1, Ordering::Relaxed);
            true
        } else {
            false
        }
    }

    #[inline]
    #[track_caller]
    fn take(&self, me: usize, depth: usize, hooked: bool) {
        self.owner.store(me, Ordering::Relaxed);
        self.count.store(depth, Ordering::Relaxed);
        if hooked {
            observe::acquired(|| self.object(), Location::caller());
        }
    }

    fn object(&self) -> observe::Object {
        observe::Object::new("RLock", park::key_of(&self.lock), self.created)
    }

    /// Gives up the underlying lock (the owner's last level).
    #[inline]
    fn give_up(&self, hooked: bool) -> Result<()> {
        self.owner.store(NO_OWNER, Ordering::Relaxed);
        if hooked {
            observe::released(|| self.object());
        }
        self.lock.release()
    }

    /// Blocks until the calling thread owns the lock; always returns `true`.
    /// The owner's call returns at once and adds one level.
    #[inline]
    #[track_caller]
    pub fn acquire(&self) -> bool {
        if observe::quiet() {
            self.acquire_as(false, Location::caller())
        } else {
            self.acquire_hooked(Location::caller())
        }
    }

    #[cold]
    fn acquire_hooked(&self, site: &'static Location<'static>) -> bool {
        crate::sim::point();
        self.acquire_as(true, site)
    }

    /// `acquire`, with the observers' hooks when `hooked` (a constant at each
    /// call, so the quiet path carries none of them).
    #[inline(always)]
    #[track_caller]
    fn acquire_as(&self, hooked: bool, site: &'static Location<'static>) -> bool {
        let me = current_thread_token();
        if !self.reenter(me) {
            self.take_lock(Deadline::NEVER, site, hooked);
            self.take(me, 1, hooked);
        }
        true
    }

    /// Acquires without blocking: `true` if the caller already owned the lock (one
    /// more level) or it was free (Python's `acquire(False)`).
    #[inline]
    #[track_caller]
    pub fn try_acquire(&self) -> bool {
        let hooked = !observe::quiet();
        if hooked {
            crate::sim::point();
        }
        let me = current_thread_token();
        if self.reenter(me) {
            return true;
        }
        let acquired = self.lock.try_acquire();
        if acquired {
            self.take(me, 1, hooked);
        }
        acquired
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
    #[track_caller]
    pub fn acquire_timeout(&self, timeout: Duration) -> bool {
        let hooked = !observe::quiet();
        if hooked {
            crate::sim::point();
        }
        let me = current_thread_token();
        if self.reenter(me) {
            return true;
        }
        let acquired = self.take_lock(Deadline::after(Some(timeout)), Location::caller(), hooked);
        if acquired {
            self.take(me, 1, hooked);
        }
        acquired
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
        if observe::quiet() {
            self.release_as(false)
        } else {
            self.release_hooked()
        }
    }

    #[cold]
    fn release_hooked(&self) -> Result<()> {
        crate::sim::point();
        self.release_as(true)
    }

    #[inline(always)]
    fn release_as(&self, hooked: bool) -> Result<()> {
        let me = current_thread_token();
        if self.owner.load(Ordering::Relaxed) != me {
            return Err(unacquired());
        }
        let depth = self.count.load(Ordering::Relaxed) - 1;
        self.count.store(depth, Ordering::Relaxed);
        if depth == 0 {
            self.give_up(hooked)?;
        }
        Ok(())
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
    pub fn lock(&self) -> RLockGuard<'_> {
        self.acquire();
        RLockGuard::new(self)
    }

    /// Like [`RLock::try_acquire`], returning a guard on success.
    #[track_caller]
    pub fn try_lock(&self) -> Option<RLockGuard<'_>> {
        self.try_acquire().then(|| RLockGuard::new(self))
    }

    /// Like [`RLock::acquire_timeout`], returning a guard on success.
    #[track_caller]
    pub fn lock_timeout(&self, timeout: Duration) -> Option<RLockGuard<'_>> {
        self.acquire_timeout(timeout).then(|| RLockGuard::new(self))
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

impl fmt::Debug for RLock {
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
