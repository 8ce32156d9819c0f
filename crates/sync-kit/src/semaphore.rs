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
//! | `with s:` | `let _guard = s.guard();` ([`SemaphoreGuard`]) |
//!
//! # Differences from Python
//!
//! - The starting value is a `usize`, so `Semaphore(-1)`'s `ValueError` cannot
//!   happen.
//! - Timeouts are [`Duration`]s; `acquire(False, timeout)` has no counterpart.
//! - [`Semaphore::release`] cannot fail (Python's cannot either); `release_n(0)`
//!   is an [`ErrorKind::InvalidArgument`](crate::ErrorKind::InvalidArgument) error.
//!   Python's integers never overflow: a release that would push the value past
//!   `usize::MAX` is refused (`release_n` returns an error, `release` panics).
//!
//! # Guarantees
//!
//! - **Fast path**: an uncontended acquire is one compare-and-swap on the counter;
//!   a release is one atomic add plus one atomic read of the sleeper count.
//! - **Waiters sleep**; `release_n(n)` wakes at most `n` of them. The order in which
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
//! let a = pool.guard();
//! let b = pool.guard();
//! assert!(!pool.try_acquire());
//! drop((a, b));
//! assert_eq!(pool.value(), 2);
//! ```

use std::fmt;
use std::time::Duration;

use crate::error::{Error, Result};
use crate::sync::atomic::{AtomicUsize, Ordering};
use crate::sync::{self, Condvar, Mutex};
use crate::time::Deadline;

/// The counter and the sleeping room shared by both semaphore kinds.
struct RawSemaphore {
    value: AtomicUsize,
    /// How many threads are inside the slow path of `acquire` (registered under
    /// `room` before they last looked at `value`).
    sleepers: AtomicUsize,
    room: Mutex<()>,
    wakeup: Condvar,
}

// Implementation note: no lost wake-up. A sleeper registers (an RMW on
// `sleepers`) and then reads `value` with an RMW; a releaser adds to `value`
// (RMW) and then reads `sleepers` with an RMW. RMWs read the latest value in
// each location's modification order, and all are AcqRel, so if the releaser's
// read of `sleepers` misses the sleeper's registration, it was read *by* that
// registration, which then happens-after the releaser's add: the sleeper sees
// the new units. Otherwise the releaser takes `room`, which the sleeper holds
// from registering until it waits, so its notify reaches the sleeper.
impl RawSemaphore {
    fn new(value: usize) -> Self {
        RawSemaphore {
            value: AtomicUsize::new(value),
            sleepers: AtomicUsize::new(0),
            room: Mutex::new(()),
            wakeup: Condvar::new(),
        }
    }

    #[inline]
    fn try_acquire(&self) -> bool {
        let mut value = self.value.load(Ordering::Relaxed);
        loop {
            if value == 0 {
                return false;
            }
            match self.value.compare_exchange_weak(
                value,
                value - 1,
                Ordering::Acquire,
                Ordering::Relaxed,
            ) {
                Ok(_) => return true,
                Err(now) => value = now,
            }
        }
    }

    /// Like `try_acquire`, but a value of 0 is confirmed by an RMW (see the
    /// implementation note).
    fn try_acquire_latest(&self) -> bool {
        let mut value = self.value.fetch_add(0, Ordering::AcqRel);
        loop {
            if value == 0 {
                return false;
            }
            match self.value.compare_exchange_weak(
                value,
                value - 1,
                Ordering::Acquire,
                Ordering::Relaxed,
            ) {
                Ok(_) => return true,
                Err(_) => value = self.value.fetch_add(0, Ordering::AcqRel),
            }
        }
    }

    #[inline]
    fn acquire(&self, timeout: Option<Duration>) -> bool {
        if self.try_acquire() {
            return true;
        }
        self.acquire_slow(timeout)
    }

    #[cold]
    fn acquire_slow(&self, timeout: Option<Duration>) -> bool {
        let deadline = Deadline::after(timeout);
        if deadline.expired() {
            return false;
        }
        let mut room = sync::lock(&self.room);
        self.sleepers.fetch_add(1, Ordering::AcqRel);
        let acquired = loop {
            // Try before checking the deadline, so that a waiter woken by a
            // release just as its time runs out takes the unit it was woken for.
            if self.try_acquire_latest() {
                break true;
            }
            room = match deadline.remaining() {
                None => sync::wait(&self.wakeup, room),
                Some(left) if left.is_zero() => break false,
                Some(left) => sync::wait_timeout(&self.wakeup, room, left),
            };
        };
        self.sleepers.fetch_sub(1, Ordering::AcqRel);
        drop(room);
        acquired
    }

    /// Adds `n` units if `accept(value)` allows it, then wakes up to `n` sleepers.
    fn release(&self, n: usize, bound: Option<usize>) -> Result<()> {
        if n == 0 {
            return Err(Error::invalid_argument("n must be one or more"));
        }
        let added = self
            .value
            .fetch_update(Ordering::AcqRel, Ordering::Relaxed, |value| {
                let new = value.checked_add(n)?;
                match bound {
                    Some(limit) if new > limit => None,
                    _ => Some(new),
                }
            });
        if added.is_err() {
            return Err(match bound {
                Some(_) => Error::too_many_releases(),
                None => Error::invalid_argument("semaphore value would overflow usize"),
            });
        }
        let sleepers = self.sleepers.fetch_add(0, Ordering::AcqRel);
        if sleepers > 0 {
            self.wake(n);
        }
        Ok(())
    }

    #[cold]
    fn wake(&self, n: usize) {
        let room = sync::lock(&self.room);
        let sleepers = self.sleepers.load(Ordering::Relaxed);
        if n >= sleepers {
            self.wakeup.notify_all();
        } else {
            for _ in 0..n {
                self.wakeup.notify_one();
            }
        }
        drop(room);
    }

    fn value(&self) -> usize {
        self.value.load(Ordering::Relaxed)
    }
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
    /// A semaphore whose counter starts at `value` (Python's `Semaphore(value)`;
    /// Python's default is 1, see [`Default`]).
    pub fn new(value: usize) -> Self {
        Semaphore {
            raw: RawSemaphore::new(value),
        }
    }

    /// Takes one unit, blocking while there is none; always `true`.
    #[inline]
    pub fn acquire(&self) -> bool {
        self.raw.acquire(None)
    }

    /// Takes one unit if there is one, without blocking (Python's `acquire(False)`).
    #[inline]
    pub fn try_acquire(&self) -> bool {
        self.raw.try_acquire()
    }

    /// Waits up to `timeout` (scaled) for a unit; `false` if none came. A zero
    /// timeout is a single try.
    ///
    /// ```
    /// use std::time::Duration;
    /// let s = sync_kit::Semaphore::new(1);
    /// assert!(s.acquire_timeout(Duration::from_millis(5)));
    /// assert!(!s.acquire_timeout(Duration::from_millis(5)));
    /// ```
    #[inline]
    pub fn acquire_timeout(&self, timeout: Duration) -> bool {
        self.raw.acquire(Some(timeout))
    }

    /// Gives back one unit and wakes one waiter (Python's `release()`).
    ///
    /// # Panics
    ///
    /// If the value is already `usize::MAX` (Python's integers cannot overflow;
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
    /// `n must be one or more` when `n == 0`, or an overflow of `usize`; the value
    /// is unchanged.
    pub fn release_n(&self, n: usize) -> Result<()> {
        self.raw.release(n, None)
    }

    /// The current value of the counter.
    pub fn value(&self) -> usize {
        self.raw.value()
    }

    /// Takes one unit (blocking) and returns a guard that gives it back when dropped,
    /// even during a panic (Python's `with s:`).
    #[inline]
    pub fn guard(&self) -> SemaphoreGuard<'_> {
        self.raw.acquire(None);
        SemaphoreGuard {
            raw: &self.raw,
            bound: None,
        }
    }

    /// Like [`Semaphore::try_acquire`], returning a guard on success.
    pub fn try_guard(&self) -> Option<SemaphoreGuard<'_>> {
        self.raw.try_acquire().then(|| SemaphoreGuard {
            raw: &self.raw,
            bound: None,
        })
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
    /// A semaphore starting at, and never above, `value`
    /// (Python's `BoundedSemaphore(value)`).
    pub fn new(value: usize) -> Self {
        BoundedSemaphore {
            raw: RawSemaphore::new(value),
            initial: value,
        }
    }

    /// Takes one unit, blocking while there is none; always `true`.
    #[inline]
    pub fn acquire(&self) -> bool {
        self.raw.acquire(None)
    }

    /// Takes one unit if there is one, without blocking.
    #[inline]
    pub fn try_acquire(&self) -> bool {
        self.raw.try_acquire()
    }

    /// Waits up to `timeout` (scaled) for a unit; `false` if none came.
    #[inline]
    pub fn acquire_timeout(&self, timeout: Duration) -> bool {
        self.raw.acquire(Some(timeout))
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
        self.raw.release(1, Some(self.initial))
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
        self.raw.release(n, Some(self.initial))
    }

    /// The current value of the counter.
    pub fn value(&self) -> usize {
        self.raw.value()
    }

    /// The starting value, which is also the largest value allowed.
    pub fn initial_value(&self) -> usize {
        self.initial
    }

    /// Takes one unit (blocking) and returns a guard that gives it back when dropped.
    #[inline]
    pub fn guard(&self) -> SemaphoreGuard<'_> {
        self.raw.acquire(None);
        SemaphoreGuard {
            raw: &self.raw,
            bound: Some(self.initial),
        }
    }

    /// Like [`BoundedSemaphore::try_acquire`], returning a guard on success.
    pub fn try_guard(&self) -> Option<SemaphoreGuard<'_>> {
        self.raw.try_acquire().then(|| SemaphoreGuard {
            raw: &self.raw,
            bound: Some(self.initial),
        })
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
        assert!(s.release_n(1).is_err());
        assert_eq!(s.value(), usize::MAX);
    }

    #[test]
    fn bounded_zero_refuses_every_release() {
        let s = BoundedSemaphore::new(0);
        assert!(s.release().is_err());
        assert_eq!(s.value(), 0);
    }
}
