//! [`RLockGuard`]: one held level of an [`RLock`], released when dropped, with
//! shared access to the data the lock owns.

use std::cell::OnceCell;
use std::fmt;
use std::marker::PhantomData;
use std::ops::Deref;

use parking_lot::ReentrantMutexGuard;

use super::RLock;

/// Holds one level of an [`RLock`] and releases it when dropped. For a lock
/// that owns data ([`RLock::with_value`]) the guard derefs to `&T`.
///
/// Not [`Send`]: only the owning thread may release the level it holds. No
/// `DerefMut`: the owner may hold several guards of one lock at once.
///
/// ```
/// let rlock = sync_kit::RLock::new();
/// let guard = rlock.lock();
/// assert!(rlock.is_owned());
/// drop(guard);
/// assert!(!rlock.is_owned());
/// ```
///
/// A guard gives shared access only (use a `Cell` or `RefCell` inside):
///
/// ```compile_fail
/// let counter = sync_kit::RLock::with_value(0);
/// *counter.lock() += 1; // no `&mut T` through a re-entrant guard
/// ```
///
/// and stays on the thread that took it:
///
/// ```compile_fail
/// let total = sync_kit::RLock::with_value(std::cell::Cell::new(0));
/// let guard = total.lock();
/// std::thread::scope(|s| {
///     s.spawn(move || guard.set(1)); // `RLockGuard` is not `Send`
/// });
/// ```
#[must_use = "the level is released as soon as the guard is dropped"]
pub struct RLockGuard<'a, T = ()> {
    rlock: &'a RLock<T>,
    /// The data's inner guard: taken at once for data of nonzero size, on first
    /// access for a zero-sized type (a plain `RLock` never pays for it). Only
    /// the owner of `rlock` ever takes it, so it never blocks.
    data: OnceCell<ReentrantMutexGuard<'a, T>>,
    _not_send: PhantomData<*const ()>,
}

impl<'a, T> RLockGuard<'a, T> {
    /// A guard for one level of `rlock`, which the caller has just taken.
    pub(super) fn new(rlock: &'a RLock<T>) -> Self {
        let data = OnceCell::new();
        if size_of::<T>() != 0 {
            let _ = data.set(rlock.data.lock());
        }
        RLockGuard {
            rlock,
            data,
            _not_send: PhantomData,
        }
    }
}

impl<T> Deref for RLockGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        self.data.get_or_init(|| self.rlock.data.lock())
    }
}

impl<T> Drop for RLockGuard<'_, T> {
    fn drop(&mut self) {
        // Let go of the data before the level, so the next owner finds it free.
        drop(self.data.take());
        // The guard's thread owns the level it took, and releases that level only
        // here, so this cannot fail unless `release` was also called by hand.
        let _ = self.rlock.release_level();
    }
}

impl<T: fmt::Debug> fmt::Debug for RLockGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RLockGuard")
            .field("rlock", self.rlock)
            .field("data", &**self)
            .finish()
    }
}
