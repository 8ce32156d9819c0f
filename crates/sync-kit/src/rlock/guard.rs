//! [`RLockGuard`]: one held level of an [`RLock`], released when dropped.

use std::fmt;
use std::marker::PhantomData;

use super::RLock;

/// Holds one level of an [`RLock`] and releases it when dropped.
///
/// Not [`Send`]: only the owning thread may release the level it holds.
///
/// ```
/// let rlock = sync_kit::RLock::new();
/// let guard = rlock.lock();
/// assert!(rlock.is_owned());
/// drop(guard);
/// assert!(!rlock.is_owned());
/// ```
#[must_use = "the level is released as soon as the guard is dropped"]
pub struct RLockGuard<'a> {
    rlock: &'a RLock,
    _not_send: PhantomData<*const ()>,
}

impl<'a> RLockGuard<'a> {
    pub(super) fn new(rlock: &'a RLock) -> Self {
        RLockGuard {
            rlock,
            _not_send: PhantomData,
        }
    }
}

impl Drop for RLockGuard<'_> {
    fn drop(&mut self) {
        // The guard's thread owns the level it took, and releases that level only
        // here, so this cannot fail unless `release` was also called by hand.
        let _ = self.rlock.release();
    }
}

impl fmt::Debug for RLockGuard<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RLockGuard")
            .field("rlock", self.rlock)
            .finish()
    }
}
