//! The lock kinds a [`Condition`](super::Condition) works over, and
//! [`Truthy`], what [`Condition::wait_for`](super::Condition::wait_for) tests.

use std::fmt;
use std::panic::Location;
use std::time::Duration;

#[cfg(doc)]
use super::Condition;
use crate::error::Result;
use crate::lock::{Lock, RawLock};
use crate::rlock::{RLock, RLockState};

// The sealed trait hands out the crate-private `RawLock`: nothing outside
// the crate can name or call it.
#[allow(private_interfaces)]
pub(super) mod sealed {
    use super::*;

    /// The lock operations a [`Condition`] needs; implemented for [`Lock`] and
    /// [`RLock`] only.
    #[allow(unreachable_pub)]
    pub trait Sealed {
        type Saved;
        #[track_caller]
        fn acquire(&self) -> bool;
        #[track_caller]
        fn try_acquire(&self) -> bool;
        #[track_caller]
        fn acquire_timeout(&self, timeout: Duration) -> bool;
        fn release(&self) -> Result<()>;
        /// Whether the caller may wait or notify: owns it (RLock) or it is locked (Lock).
        fn is_owned(&self) -> bool;
        fn release_save(&self) -> Result<Self::Saved>;
        #[track_caller]
        fn acquire_restore(&self, saved: Self::Saved);
        /// `acquire_restore` after a release handed the lock to the waiter.
        #[track_caller]
        fn restore_handed_off(&self, saved: Self::Saved);
        /// The lock's state machine, kind and creation site (wait morphing).
        fn raw_parts(&self) -> (&RawLock, &'static str, &'static Location<'static>);
        fn debug(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result;
    }

    impl Sealed for Lock {
        type Saved = ();
        #[track_caller]
        fn acquire(&self) -> bool {
            Lock::acquire(self)
        }
        #[track_caller]
        fn try_acquire(&self) -> bool {
            Lock::try_acquire(self)
        }
        #[track_caller]
        fn acquire_timeout(&self, timeout: Duration) -> bool {
            Lock::acquire_timeout(self, timeout)
        }
        fn release(&self) -> Result<()> {
            Lock::release(self)
        }
        fn is_owned(&self) -> bool {
            self.locked()
        }
        fn release_save(&self) -> Result<()> {
            Lock::release(self)
        }
        #[track_caller]
        fn acquire_restore(&self, (): ()) {
            Lock::acquire(self);
        }
        fn restore_handed_off(&self, (): ()) {}
        fn raw_parts(&self) -> (&RawLock, &'static str, &'static Location<'static>) {
            let (raw, created) = Lock::raw_parts(self);
            (raw, "Lock", created)
        }
        fn debug(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            fmt::Debug::fmt(self, f)
        }
    }

    impl Sealed for RLock {
        type Saved = RLockState;
        #[track_caller]
        fn acquire(&self) -> bool {
            RLock::acquire(self)
        }
        #[track_caller]
        fn try_acquire(&self) -> bool {
            RLock::try_acquire(self)
        }
        #[track_caller]
        fn acquire_timeout(&self, timeout: Duration) -> bool {
            RLock::acquire_timeout(self, timeout)
        }
        fn release(&self) -> Result<()> {
            RLock::release(self)
        }
        fn is_owned(&self) -> bool {
            RLock::is_owned(self)
        }
        fn release_save(&self) -> Result<RLockState> {
            RLock::release_save(self)
        }
        #[track_caller]
        fn acquire_restore(&self, saved: RLockState) {
            RLock::acquire_restore(self, saved)
        }
        #[track_caller]
        fn restore_handed_off(&self, saved: RLockState) {
            RLock::restore_handed_off(self, saved)
        }
        fn raw_parts(&self) -> (&RawLock, &'static str, &'static Location<'static>) {
            let (raw, created) = RLock::raw_parts(self);
            (raw, "RLock", created)
        }
        fn debug(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            fmt::Debug::fmt(self, f)
        }
    }
}

/// A lock a [`Condition`] can sit on: [`Lock`] or [`RLock`].
///
/// Sealed: no other type can implement it. Code generic over the lock kind
/// names it as a bound:
///
/// ```
/// use std::sync::Arc;
/// use sync_kit::{Condition, ConditionLock, Lock, RLock};
///
/// fn waiters<L: ConditionLock>(cond: &Condition<L>) -> usize {
///     cond.waiters()
/// }
/// assert_eq!(waiters(&Condition::new()), 0);
/// assert_eq!(waiters(&Condition::with_lock(Arc::new(Lock::new()))), 0);
/// assert_eq!(waiters(&Condition::<RLock>::default()), 0);
/// ```
pub trait ConditionLock: sealed::Sealed + Send + Sync {}

impl ConditionLock for Lock {}
impl ConditionLock for RLock {}

/// A value [`Condition::wait_for`] can test the way Python tests a predicate's
/// result with `if result:`.
///
/// ```
/// use sync_kit::condition::Truthy;
/// assert!(true.is_truthy());
/// assert!(!None::<u8>.is_truthy());
/// assert!(42.is_truthy());
/// assert!(!0usize.is_truthy());
/// ```
pub trait Truthy {
    /// Python's `bool(value)`.
    fn is_truthy(&self) -> bool;
}

impl Truthy for bool {
    fn is_truthy(&self) -> bool {
        *self
    }
}

impl<T> Truthy for Option<T> {
    fn is_truthy(&self) -> bool {
        self.is_some()
    }
}

macro_rules! truthy_numbers {
    ($($t:ty),*) => {$(
        impl Truthy for $t {
            fn is_truthy(&self) -> bool {
                *self != 0
            }
        }
    )*};
}
truthy_numbers!(
    u8, u16, u32, u64, u128, usize, i8, i16, i32, i64, i128, isize
);
