//! Python's `_release_save()` / `_acquire_restore()`: the steps
//! [`Condition::wait`](crate::Condition::wait) takes on an [`RLock`].

use std::panic::Location;

use super::{RLock, current_thread_token, unacquired};
use crate::error::Result;
use crate::lock::RawLock;
use crate::observe;
use crate::sync::atomic::Ordering;
use crate::time::Deadline;

/// What [`RLock::release_save`] took away: the recursion depth to restore.
///
/// Python's `_release_save()` state. Give it back to [`RLock::acquire_restore`].
///
/// ```
/// let rlock = sync_kit::RLock::new();
/// let _outer = rlock.lock();
/// let _inner = rlock.lock();
/// let state: sync_kit::RLockState = rlock.release_save().unwrap();
/// assert_eq!(rlock.recursion_count(), 0);
/// rlock.acquire_restore(state);
/// assert_eq!(rlock.recursion_count(), 2);
/// ```
#[derive(Debug)]
#[must_use = "the lock was released; acquire_restore gives the depth back"]
pub struct RLockState {
    count: usize,
}

impl RLock {
    /// Releases every level the caller holds at once and returns the depth, so that
    /// [`RLock::acquire_restore`] can restore it (Python's `_release_save()`, the
    /// step [`Condition::wait`](crate::Condition::wait) uses).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::NotOwner`](crate::ErrorKind::NotOwner) if the caller does not
    /// own the lock.
    ///
    /// ```
    /// let rlock = sync_kit::RLock::new();
    /// rlock.acquire();
    /// rlock.acquire();
    /// let state = rlock.release_save().unwrap();
    /// assert!(!rlock.locked());
    /// rlock.acquire_restore(state);
    /// assert_eq!(rlock.recursion_count(), 2);
    /// # rlock.release().unwrap();
    /// # rlock.release().unwrap();
    /// ```
    pub fn release_save(&self) -> Result<RLockState> {
        let hooked = !observe::quiet();
        if hooked {
            crate::sim::point();
        }
        if !self.is_owned() {
            return Err(unacquired());
        }
        let count = self.count.load(Ordering::Relaxed);
        self.count.store(0, Ordering::Relaxed);
        self.give_up(hooked)?;
        Ok(RLockState { count })
    }

    /// Blocks until the caller owns the lock again with the depth saved by
    /// [`RLock::release_save`] (Python's `_acquire_restore()`).
    #[track_caller]
    pub fn acquire_restore(&self, state: RLockState) {
        let hooked = !observe::quiet();
        if hooked {
            crate::sim::point();
        }
        let me = current_thread_token();
        self.take_lock(Deadline::NEVER, Location::caller(), hooked);
        self.take(me, state.count, hooked);
    }

    /// The state machine and the creation site, for a condition's wait morphing.
    pub(crate) fn raw_parts(&self) -> (&RawLock, &'static Location<'static>) {
        (&self.lock, self.created)
    }

    /// [`RLock::acquire_restore`] for a caller that was handed the lock
    /// underneath by its release: only the owner and depth are restored.
    #[track_caller]
    pub(crate) fn restore_handed_off(&self, state: RLockState) {
        let hooked = !observe::quiet();
        self.take(current_thread_token(), state.count, hooked);
    }
}
