//! [`ConditionGuard`]: a held [`Condition`], released when dropped.

use std::fmt;
use std::marker::PhantomData;

use super::{Condition, ConditionLock};
use crate::rlock::RLock;

/// Holds a [`Condition`]'s lock and releases it when dropped: Python's
/// `with cond:`.
///
/// Not [`Send`]: the lock is released by the thread that took it.
///
/// ```
/// let cond = sync_kit::Condition::new();
/// let guard = cond.lock();
/// cond.notify().unwrap(); // nobody waits: nothing happens
/// drop(guard);
/// assert!(cond.notify().is_err());
/// ```
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct ConditionGuard<'a, L: ConditionLock = RLock> {
    pub(super) cond: &'a Condition<L>,
    _not_send: PhantomData<*const ()>,
}

impl<'a, L: ConditionLock> ConditionGuard<'a, L> {
    pub(super) fn new(cond: &'a Condition<L>) -> Self {
        ConditionGuard {
            cond,
            _not_send: PhantomData,
        }
    }
}

impl<L: ConditionLock> Drop for ConditionGuard<'_, L> {
    fn drop(&mut self) {
        let _ = self.cond.release();
    }
}

impl<L: ConditionLock> fmt::Debug for ConditionGuard<'_, L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConditionGuard")
            .field("cond", self.cond)
            .finish()
    }
}
