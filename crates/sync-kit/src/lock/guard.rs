//! [`LockGuard`]: a held [`Lock`], released when dropped, with access to the
//! data the lock owns.

use std::cell::OnceCell;
use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::MutexGuard;

use super::Lock;
use crate::error::Result;

/// Holds a [`Lock`] and releases it when dropped: Python's `with lock:`. For a
/// lock that owns data ([`Lock::with_value`]) the guard derefs to it.
///
/// Returned by [`Lock::lock`] and [`Lock::try_lock`]. If some other thread
/// releases a plain lock while the guard lives (a `Lock` has no owner, so that
/// is allowed), the guard's own release finds it unlocked and does nothing,
/// where Python's `with` block would raise `RuntimeError` on exit.
///
/// ```
/// let lock = sync_kit::Lock::new();
/// let guard = lock.try_lock().expect("the lock is free");
/// assert!(lock.try_lock().is_none());
/// drop(guard);
/// assert!(lock.try_lock().is_some());
/// ```
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct LockGuard<'a, T = ()> {
    lock: &'a Lock<T>,
    /// The data's inner guard. Taken at once for data of nonzero size, on
    /// first access for a zero-sized type (a plain `Lock` never pays for it).
    /// The inner mutex is only ever taken while `lock` is held, so it is never
    /// contended and never blocks.
    data: OnceCell<MutexGuard<'a, T>>,
}

impl<'a, T> LockGuard<'a, T> {
    /// A guard for `lock`, which the caller has just acquired.
    pub(super) fn new(lock: &'a Lock<T>) -> Self {
        let data = OnceCell::new();
        if size_of::<T>() != 0 {
            let _ = data.set(lock.data_guard());
        }
        LockGuard { lock, data }
    }

    fn data(&self) -> &MutexGuard<'a, T> {
        self.data.get_or_init(|| self.lock.data_guard())
    }
}

impl LockGuard<'_, ()> {
    /// Releases the lock now and reports what Python's `with` exit would: an error
    /// if some other thread already released it.
    pub fn unlock(self) -> Result<()> {
        let lock = self.lock;
        std::mem::forget(self);
        lock.release()
    }
}

impl<T> Deref for LockGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        self.data()
    }
}

impl<T> DerefMut for LockGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        self.data();
        match self.data.get_mut() {
            Some(guard) => guard,
            None => unreachable!("data() just filled the cell"),
        }
    }
}

impl<T> Drop for LockGuard<'_, T> {
    fn drop(&mut self) {
        // Unlock the data before the lock, so the next holder finds it free.
        drop(self.data.take());
        // An error means another thread released the lock meanwhile; see above.
        let _ = self.lock.release_raw();
    }
}

impl<T: fmt::Debug> fmt::Debug for LockGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LockGuard")
            .field("data", &**self.data())
            .finish()
    }
}
