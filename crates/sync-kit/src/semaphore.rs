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
use std::panic::Location;
use std::time::Duration;

use crate::error::{Error, Result};
use crate::observe;
use crate::park::{self, Park, WaitOn};
use crate::sync::atomic::{AtomicUsize, Ordering};
use crate::time::Deadline;

/// The largest value a semaphore can hold: `usize::MAX / 2`.
pub const MAX_VALUE: usize = usize::MAX >> 1;

/// Low bit of the state word: some thread may be parked for a unit.
const PARKED: usize = 1;
/// One unit of value, above the PARKED bit.
const UNIT: usize = 2;

/// The counter and its waiters, shared by both semaphore types.
struct RawSemaphore {
    /// `value * UNIT | PARKED`; waiters park under this word's address.
    state: AtomicUsize,
    kind: &'static str,
    created: &'static Location<'static>,
}

// Implementation note: no lost wake-up with one atomic word. A waiter sets
// PARKED only by a compare-and-swap that also sees the value at 0, and parks
// only if, with the queue locked, the word is still exactly PARKED. A release
// adds its units in one RMW; if it saw PARKED it unparks, and clears PARKED
// (queue locked) when no waiter remains, so a later waiter sets it again.
impl RawSemaphore {
    crate::sync::loom_const_fn! {
        #[track_caller]
        fn new(value: usize, kind: &'static str) -> Self {
            let value = if value > MAX_VALUE { MAX_VALUE } else { value };
            RawSemaphore {
                state: AtomicUsize::new(value * UNIT),
                kind,
                created: Location::caller(),
            }
        }
    }

    #[inline]
    fn try_take(&self) -> bool {
        let mut state = self.state.load(Ordering::Relaxed);
        loop {
            if state < UNIT {
                return false;
            }
            match self.state.compare_exchange_weak(
                state,
                state - UNIT,
                Ordering::Acquire,
                Ordering::Relaxed,
            ) {
                Ok(_) => return true,
                Err(now) => state = now,
            }
        }
    }

    #[inline]
    #[track_caller]
    fn try_acquire(&self) -> bool {
        if observe::quiet() {
            return self.try_take();
        }
        crate::sim::point();
        let taken = self.try_take();
        if taken {
            observe::acquired(|| self.object(), Location::caller());
        }
        taken
    }

    #[inline]
    #[track_caller]
    fn acquire(&self, timeout: Option<Duration>) -> bool {
        if observe::quiet() {
            return self.try_take() || self.acquire_slow(timeout, Location::caller());
        }
        self.acquire_hooked(timeout, Location::caller())
    }

    #[cold]
    fn acquire_hooked(&self, timeout: Option<Duration>, site: &'static Location<'static>) -> bool {
        crate::sim::point();
        let taken = self.try_take() || self.acquire_slow(timeout, site);
        if taken {
            observe::acquired(|| self.object(), site);
        }
        taken
    }

    fn object(&self) -> observe::Object {
        observe::Object::new(self.kind, park::key_of(&self.state), self.created)
    }

    #[cold]
    fn acquire_slow(&self, timeout: Option<Duration>, site: &'static Location<'static>) -> bool {
        let deadline = Deadline::after(timeout);
        let key = park::key_of(&self.state);
        let on = WaitOn::new(self.kind, key, Some(self.created), site);
        let mut spin = crate::spin::SpinWait::new();
        loop {
            let state = self.state.load(Ordering::Relaxed);
            if state >= UNIT {
                if self
                    .state
                    .compare_exchange_weak(
                        state,
                        state - UNIT,
                        Ordering::Acquire,
                        Ordering::Relaxed,
                    )
                    .is_ok()
                {
                    return true;
                }
                continue;
            }
            if deadline.expired() {
                return false;
            }
            if state & PARKED == 0 && spin.spin() {
                continue;
            }
            if state & PARKED == 0
                && self
                    .state
                    .compare_exchange_weak(state, PARKED, Ordering::Relaxed, Ordering::Relaxed)
                    .is_err()
            {
                continue;
            }
            let outcome = park::park(
                key,
                || self.state.load(Ordering::Relaxed) == PARKED,
                || {},
                |was_last| {
                    if was_last {
                        self.state.fetch_and(!PARKED, Ordering::Relaxed);
                    }
                },
                deadline,
                on,
            );
            if outcome == Park::TimedOut {
                return false;
            }
        }
    }

    #[inline]
    fn release(&self, n: usize, bound: Option<usize>) -> Result<()> {
        if observe::quiet() {
            self.release_as(false, n, bound)
        } else {
            self.release_hooked(n, bound)
        }
    }

    #[cold]
    fn release_hooked(&self, n: usize, bound: Option<usize>) -> Result<()> {
        crate::sim::point();
        self.release_as(true, n, bound)
    }

    #[inline(always)]
    fn release_as(&self, hooked: bool, n: usize, bound: Option<usize>) -> Result<()> {
        if n == 0 {
            return Err(Error::invalid_argument("n must be one or more"));
        }
        let limit = bound.unwrap_or(MAX_VALUE);
        let updated = self
            .state
            .fetch_update(Ordering::AcqRel, Ordering::Relaxed, |state| {
                let value = (state / UNIT).checked_add(n).filter(|&v| v <= limit)?;
                Some((value * UNIT) | (state & PARKED))
            });
        if hooked && updated.is_ok() {
            for _ in 0..n.min(64) {
                observe::released(|| self.object());
            }
        }
        match updated {
            Ok(before) if before & PARKED != 0 => {
                self.wake(n);
                Ok(())
            }
            Ok(_) => Ok(()),
            Err(_) if bound.is_some() => Err(Error::too_many_releases()),
            Err(_) => Err(Error::invalid_argument(format!(
                "semaphore value would exceed {MAX_VALUE}"
            ))),
        }
    }

    #[cold]
    fn wake(&self, n: usize) {
        park::unpark_n(park::key_of(&self.state), n, |more| {
            if !more {
                self.state.fetch_and(!PARKED, Ordering::Relaxed);
            }
        });
    }

    fn value(&self) -> usize {
        self.state.load(Ordering::Relaxed) / UNIT
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

    /// Takes one unit, blocking while there is none; always `true`.
    #[inline]
    #[track_caller]
    pub fn acquire(&self) -> bool {
        self.raw.acquire(None)
    }

    /// Takes one unit if there is one, without blocking (Python's `acquire(False)`).
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
    /// let s = sync_kit::Semaphore::new(1);
    /// assert!(s.acquire_timeout(Duration::from_millis(5)));
    /// assert!(!s.acquire_timeout(Duration::from_millis(5)));
    /// ```
    #[inline]
    #[track_caller]
    pub fn acquire_timeout(&self, timeout: Duration) -> bool {
        self.raw.acquire(Some(timeout))
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

    /// The current value of the counter.
    pub fn value(&self) -> usize {
        self.raw.value()
    }

    /// Takes one unit (blocking) and returns a guard that gives it back when dropped,
    /// even during a panic (Python's `with s:`). The same name as
    /// [`Lock::lock`](crate::Lock::lock), [`RLock::lock`](crate::RLock::lock) and
    /// [`Condition::lock`](crate::Condition::lock): every `with x:` is `x.lock()`.
    #[inline]
    #[track_caller]
    pub fn lock(&self) -> SemaphoreGuard<'_> {
        self.guard()
    }

    /// Like [`Semaphore::try_acquire`], returning a guard on success.
    #[inline]
    #[track_caller]
    pub fn try_lock(&self) -> Option<SemaphoreGuard<'_>> {
        self.try_guard()
    }

    /// Like [`Semaphore::acquire_timeout`], returning a guard on success.
    #[track_caller]
    pub fn lock_timeout(&self, timeout: Duration) -> Option<SemaphoreGuard<'_>> {
        self.raw.acquire(Some(timeout)).then(|| SemaphoreGuard {
            raw: &self.raw,
            bound: None,
        })
    }

    /// The older name of [`Semaphore::lock`], kept as an alias.
    #[inline]
    #[track_caller]
    pub fn guard(&self) -> SemaphoreGuard<'_> {
        self.raw.acquire(None);
        SemaphoreGuard {
            raw: &self.raw,
            bound: None,
        }
    }

    /// The older name of [`Semaphore::try_lock`], kept as an alias.
    #[track_caller]
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

    /// Takes one unit, blocking while there is none; always `true`.
    #[inline]
    #[track_caller]
    pub fn acquire(&self) -> bool {
        self.raw.acquire(None)
    }

    /// Takes one unit if there is one, without blocking.
    #[inline]
    #[track_caller]
    pub fn try_acquire(&self) -> bool {
        self.raw.try_acquire()
    }

    /// Waits up to `timeout` (scaled) for a unit; `false` if none came.
    #[inline]
    #[track_caller]
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

    /// Takes one unit (blocking) and returns a guard that gives it back when dropped,
    /// even during a panic (Python's `with s:`). The same name as
    /// [`Lock::lock`](crate::Lock::lock), [`RLock::lock`](crate::RLock::lock) and
    /// [`Condition::lock`](crate::Condition::lock): every `with x:` is `x.lock()`.
    #[inline]
    #[track_caller]
    pub fn lock(&self) -> SemaphoreGuard<'_> {
        self.guard()
    }

    /// Like [`BoundedSemaphore::try_acquire`], returning a guard on success.
    #[inline]
    #[track_caller]
    pub fn try_lock(&self) -> Option<SemaphoreGuard<'_>> {
        self.try_guard()
    }

    /// Like [`BoundedSemaphore::acquire_timeout`], returning a guard on success.
    #[track_caller]
    pub fn lock_timeout(&self, timeout: Duration) -> Option<SemaphoreGuard<'_>> {
        self.raw.acquire(Some(timeout)).then(|| SemaphoreGuard {
            raw: &self.raw,
            bound: Some(self.initial),
        })
    }

    /// The older name of [`BoundedSemaphore::lock`], kept as an alias.
    #[inline]
    #[track_caller]
    pub fn guard(&self) -> SemaphoreGuard<'_> {
        self.raw.acquire(None);
        SemaphoreGuard {
            raw: &self.raw,
            bound: Some(self.initial),
        }
    }

    /// The older name of [`BoundedSemaphore::try_lock`], kept as an alias.
    #[track_caller]
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
