//! [`SemaphoreGuard`]: one unit of a [`Semaphore`] or [`BoundedSemaphore`],
//! given back when dropped.

use std::fmt;

use super::raw::RawSemaphore;
#[cfg(doc)]
use super::{BoundedSemaphore, Semaphore};

/// Holds one unit of a [`Semaphore`] or [`BoundedSemaphore`] and gives it back
/// when dropped: Python's `with s:`.
///
/// If a `BoundedSemaphore` was over-released by hand while the guard lived, the
/// guard's release is refused and ignored (Python's `with` would raise on exit).
///
/// ```
/// let s = sync_kit::BoundedSemaphore::new(1);
/// {
///     let _unit = s.guard();
///     assert_eq!(s.value(), 0);
/// }
/// assert_eq!(s.value(), 1);
/// ```
#[must_use = "the unit is given back as soon as the guard is dropped"]
pub struct SemaphoreGuard<'a> {
    raw: &'a RawSemaphore,
    bound: Option<usize>,
}

impl<'a> SemaphoreGuard<'a> {
    /// A guard for the unit the caller has just taken from `raw`.
    pub(super) fn new(raw: &'a RawSemaphore, bound: Option<usize>) -> Self {
        SemaphoreGuard { raw, bound }
    }
}

impl Drop for SemaphoreGuard<'_> {
    fn drop(&mut self) {
        let _ = self.raw.release(1, self.bound);
    }
}

impl fmt::Debug for SemaphoreGuard<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SemaphoreGuard")
            .field("value", &self.raw.value())
            .finish()
    }
}
