//! [`Semaphore`] and [`BoundedSemaphore`]: Python's `threading.Semaphore` and
//! `threading.BoundedSemaphore`.
//!
//! A semaphore holds a counter. [`Semaphore::acquire`] takes one unit, blocking
//! while the counter is 0; `release` gives units back and wakes as many waiters.
//! There is no owner: any thread may release. A plain `Semaphore` may go above its
//! starting value; a `BoundedSemaphore` refuses a release that would.
//!
//! | Python | sync-kit |
//! |---|---|
//! | `Semaphore(v)`, `BoundedSemaphore(v)` | [`Semaphore::new`], [`BoundedSemaphore::new`] |
//! | `s.acquire()` | `acquire` |
//! | `s.acquire(False)` | `try_acquire` |
//! | `s.acquire(timeout=t)` | `acquire_timeout` |
//! | `s.release()`, `s.release(n)` | `release`, `release_n` |
//! | `s._value` | `value` |
//! | `with s:` | `let _guard = s.lock();` ([`SemaphoreGuard`]) |
//!
//! # Differences from Python
//!
//! - The starting value is a `usize`, so `Semaphore(-1)`'s `ValueError` cannot
//!   happen.
//! - Timeouts are [`Duration`]s; `acquire(False, timeout)` has no counterpart.
//! - [`Semaphore::release`] cannot fail (Python's cannot either); `release_n(0)`
//!   is an [`ErrorKind::InvalidArgument`](crate::ErrorKind::InvalidArgument) error.
//!   Python's integers never overflow; here the value is at most [`MAX_VALUE`]
//!   (`usize::MAX / 2`): a larger starting value is capped, and a release past it
//!   is refused (`release_n` returns an error, `release` panics).
//!
//! # Guarantees
//!
//! - **Fast path**: the value and a "somebody is parked" bit share one atomic
//!   word, so an uncontended acquire is one compare-and-swap and a release is
//!   one; the release enters the blocking layer only when a thread is parked.
//! - **Waiters** spin briefly, then park in the blocking layer; `release_n(n)`
//!   wakes at most `n` of them. The order in which
//!   waiters get units is not promised (CPython's is FIFO, but does not promise it).
//! - **Atomic bound**: a refused `BoundedSemaphore` release leaves the value as it
//!   was.
//! - **Timeouts** never end early; a zero timeout is a single try; one overall
//!   deadline covers every wake-up.
//! - **No poisoning**: a [`SemaphoreGuard`] dropped during a panic releases its unit.
//! - **Memory ordering**: a release happens-before the acquire that takes its unit.
//!
//! ```
//! use sync_kit::Semaphore;
//!
//! let pool = Semaphore::new(2);
//! let a = pool.lock();
//! let b = pool.lock();
//! assert!(!pool.try_acquire());
//! drop((a, b));
//! assert_eq!(pool.value(), 2);
//! ```

use std::fmt;
use std::time::Duration;

use crate::error::Result;

mod guard;
mod raw;

pub use guard::SemaphoreGuard;
use raw::RawSemaphore;

/// The largest value a semaphore can hold: `usize::MAX / 2`.
pub const MAX_VALUE: usize = usize::MAX >> 1;

/// The methods both semaphore types share word for word; each type gives
/// `raw` and `bound()` (its release limit: none, or the starting value).
macro_rules! shared_methods {
    ($ty:ident) => {
        /// Takes one unit, blocking while there is none; always `true`.
        #[inline]
        #[track_caller]
        pub fn acquire(&self) -> bool {
            self.raw.acquire(None)
        }

        /// Takes one unit if there is one, without blocking (Python's
        /// `acquire(False)`).
        #[inline]
        #[track_caller]
        pub fn try_acquire(&self) -> bool {
            self.raw.try_acquire()
        }

        /// Waits up to `timeout` (scaled) for a unit; `false` if none came. A zero
        /// timeout is a single try.
        ///
        /// ```
        /// use std::time::Duration;
        #[doc = concat!("let s = sync_kit::", stringify!($ty), "::new(1);")]
        /// assert!(s.acquire_timeout(Duration::from_millis(5)));
        /// assert!(!s.acquire_timeout(Duration::from_millis(5)));
        /// ```
        #[inline]
        #[track_caller]
        pub fn acquire_timeout(&self, timeout: Duration) -> bool {
            self.raw.acquire(Some(timeout))
        }

        /// The current value of the counter.
        pub fn value(&self) -> usize {
            self.raw.value()
        }

        /// Takes one unit (blocking) and returns a guard that gives it back when
        /// dropped, even during a panic (Python's `with s:`). The same name as
        /// [`Lock::lock`](crate::Lock::lock), [`RLock::lock`](crate::RLock::lock)
        /// and [`Condition::lock`](crate::Condition::lock): every `with x:` is
        /// `x.lock()`.
        #[inline]
        #[track_caller]
        pub fn lock(&self) -> SemaphoreGuard<'_> {
            self.raw.acquire(None);
            SemaphoreGuard::new(&self.raw, self.bound())
        }

        #[doc = concat!("Like [`", stringify!($ty), "::try_acquire`], returning a guard on success.")]
        #[inline]
        #[track_caller]
        pub fn try_lock(&self) -> Option<SemaphoreGuard<'_>> {
            self.raw
                .try_acquire()
                .then(|| SemaphoreGuard::new(&self.raw, self.bound()))
        }

        #[doc = concat!("Like [`", stringify!($ty), "::acquire_timeout`], returning a guard on success.")]
        #[track_caller]
        pub fn lock_timeout(&self, timeout: Duration) -> Option<SemaphoreGuard<'_>> {
            self.raw
                .acquire(Some(timeout))
                .then(|| SemaphoreGuard::new(&self.raw, self.bound()))
        }

        #[doc = concat!("The older name of [`", stringify!($ty), "::lock`], kept as an alias.")]
        #[inline]
        #[track_caller]
        pub fn guard(&self) -> SemaphoreGuard<'_> {
            self.lock()
        }

        #[doc = concat!("The older name of [`", stringify!($ty), "::try_lock`], kept as an alias.")]
        #[track_caller]
        pub fn try_guard(&self) -> Option<SemaphoreGuard<'_>> {
            self.try_lock()
        }
    };
}

/// A counting semaphore: Python's `threading.Semaphore`.
///
/// See the [module documentation](crate::semaphore) for the guarantees.
///
/// # Examples
///
/// `Semaphore(0)` as a signal, released by another thread:
///
/// ```
/// use std::sync::Arc;
/// use sync_kit::Semaphore;
///
/// let done = Arc::new(Semaphore::new(0));
/// let signal = Arc::clone(&done);
/// std::thread::spawn(move || signal.release());
/// assert!(done.acquire());
/// assert_eq!(done.value(), 0);
/// ```
pub struct Semaphore {
    raw: RawSemaphore,
}

impl Semaphore {
    crate::sync::loom_const_fn! {
        /// A semaphore whose counter starts at `value` (Python's `Semaphore(value)`;
        /// Python's default is 1, see [`Default`]). A value above [`MAX_VALUE`] is
        /// capped to it.
        #[track_caller]
        pub fn new(value: usize) -> Self {
            Semaphore {
                raw: RawSemaphore::new(value, "Semaphore"),
            }
        }
    }

    shared_methods!(Semaphore);

    /// No bound: a plain semaphore may go above its starting value.
    #[inline]
    fn bound(&self) -> Option<usize> {
        None
    }

    /// Gives back one unit and wakes one waiter (Python's `release()`).
    ///
    /// # Panics
    ///
    /// If the value is already [`MAX_VALUE`] (Python's integers cannot overflow;
    /// use [`Semaphore::release_n`] to get an error instead).
    #[inline]
    pub fn release(&self) {
        if let Err(err) = self.raw.release(1, None) {
            panic!("Semaphore::release: {err}");
        }
    }

    /// Gives back `n` units and wakes up to `n` waiters (Python's `release(n)`).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidArgument`](crate::ErrorKind::InvalidArgument):
    /// `n must be one or more` when `n == 0`, or a value past [`MAX_VALUE`]; the value
    /// is unchanged.
    pub fn release_n(&self, n: usize) -> Result<()> {
        self.raw.release(n, None)
    }
}

impl Default for Semaphore {
    /// `Semaphore::new(1)`, Python's `Semaphore()`.
    fn default() -> Self {
        Semaphore::new(1)
    }
}

impl fmt::Debug for Semaphore {
    /// Python's repr: `<sync_kit.Semaphore at 0x...: value=3>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "<sync_kit.Semaphore at {self:p}: value={}>",
            self.value()
        )
    }
}

/// A semaphore that refuses to go above its starting value: Python's
/// `threading.BoundedSemaphore`.
///
/// See the [module documentation](crate::semaphore) for the guarantees.
///
/// # Examples
///
/// ```
/// use sync_kit::{BoundedSemaphore, ErrorKind};
///
/// let s = BoundedSemaphore::new(2);
/// assert!(s.acquire());
/// let err = s.release_n(2).unwrap_err(); // 1 + 2 > 2
/// assert_eq!(err.kind(), ErrorKind::TooManyReleases);
/// assert_eq!(err.to_string(), "Semaphore released too many times");
/// assert_eq!(s.value(), 1); // unchanged
/// s.release().unwrap();
/// ```
pub struct BoundedSemaphore {
    raw: RawSemaphore,
    initial: usize,
}

impl BoundedSemaphore {
    crate::sync::loom_const_fn! {
        /// A semaphore starting at, and never above, `value`
        /// (Python's `BoundedSemaphore(value)`), capped to [`MAX_VALUE`].
        #[track_caller]
        pub fn new(value: usize) -> Self {
            BoundedSemaphore {
                raw: RawSemaphore::new(value, "BoundedSemaphore"),
                initial: if value > MAX_VALUE { MAX_VALUE } else { value },
            }
        }
    }

    shared_methods!(BoundedSemaphore);

    /// The release limit: the starting value.
    #[inline]
    fn bound(&self) -> Option<usize> {
        Some(self.initial)
    }

    /// Gives back one unit and wakes one waiter.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::TooManyReleases`](crate::ErrorKind::TooManyReleases)
    /// (`Semaphore released too many times`) if the value is already at its
    /// starting value; the value is unchanged.
    #[inline]
    pub fn release(&self) -> Result<()> {
        self.raw.release(1, self.bound())
    }

    /// Gives back `n` units and wakes up to `n` waiters, or refuses the whole
    /// release, atomically, if the value would exceed its starting value.
    ///
    /// # Errors
    ///
    /// `n must be one or more` ([`ErrorKind::InvalidArgument`](crate::ErrorKind::InvalidArgument))
    /// when `n == 0`; `Semaphore released too many times`
    /// ([`ErrorKind::TooManyReleases`](crate::ErrorKind::TooManyReleases)) when
    /// `value + n` would exceed the starting value. Either way nothing changes.
    pub fn release_n(&self, n: usize) -> Result<()> {
        self.raw.release(n, self.bound())
    }

    /// The starting value, which is also the largest value allowed.
    pub fn initial_value(&self) -> usize {
        self.initial
    }
}

impl Default for BoundedSemaphore {
    /// `BoundedSemaphore::new(1)`, Python's `BoundedSemaphore()`.
    fn default() -> Self {
        BoundedSemaphore::new(1)
    }
}

impl fmt::Debug for BoundedSemaphore {
    /// Python's repr: `<sync_kit.BoundedSemaphore at 0x...: value=2/3>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "<sync_kit.BoundedSemaphore at {self:p}: value={}/{}>",
            self.value(),
            self.initial
        )
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn debug_is_pythons_repr() {
        let s = Semaphore::new(3);
        assert!(format!("{s:?}").ends_with(": value=3>"));
        let b = BoundedSemaphore::new(3);
        b.acquire();
        let shown = format!("{b:?}");
        assert!(
            shown.starts_with("<sync_kit.BoundedSemaphore at 0x"),
            "{shown}"
        );
        assert!(shown.ends_with(": value=2/3>"), "{shown}");
    }

    #[test]
    fn failed_try_guard_gives_nothing_back() {
        let s = Semaphore::new(1);
        let _unit = s.guard();
        assert!(s.try_guard().is_none());
        assert_eq!(s.value(), 0);
        let b = BoundedSemaphore::new(1);
        let _unit = b.guard();
        assert!(b.try_guard().is_none());
        assert_eq!(b.value(), 0);
    }

    #[test]
    fn release_zero_is_refused() {
        let s = Semaphore::new(0);
        let err = s.release_n(0).unwrap_err();
        assert_eq!(err.to_string(), "n must be one or more");
        assert_eq!(s.value(), 0);
    }

    #[test]
    fn overflow_is_an_error_not_a_wrap() {
        let s = Semaphore::new(usize::MAX);
        assert_eq!(s.value(), MAX_VALUE);
        assert!(s.release_n(1).is_err());
        assert_eq!(s.value(), MAX_VALUE);
        let s = Semaphore::new(0);
        assert!(s.release_n(usize::MAX).is_err());
        assert_eq!(s.value(), 0);
    }

    #[test]
    fn bounded_zero_refuses_every_release() {
        let s = BoundedSemaphore::new(0);
        assert!(s.release().is_err());
        assert_eq!(s.value(), 0);
    }
}
