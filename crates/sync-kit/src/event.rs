//! [`Event`]: Python's `threading.Event`, a flag threads can wait for.
//!
//! The flag starts unset. [`Event::set`] sets it and wakes every waiter,
//! [`Event::clear`] unsets it, [`Event::wait`] blocks until it is set.
//!
//! | Python | sync-kit |
//! |---|---|
//! | `e.is_set()` | [`Event::is_set`] |
//! | `e.set()`, `e.clear()` | [`Event::set`], [`Event::clear`] |
//! | `e.wait()`, `e.wait(t)` | [`Event::wait`], [`Event::wait_timeout`] |
//!
//! # Guarantees
//!
//! - **Level-triggered, and no missed sets**: `wait` returns `true` if the flag was
//!   set when it was called or was set at any moment while it waited, even if
//!   [`Event::clear`] ran before the waiter woke up (CPython's gh-57711). Each
//!   `set` of an unset flag starts a new generation, and a waiter watches for a new
//!   generation rather than re-reading the flag. `false` means only "timed out".
//! - **Fast paths**: [`Event::is_set`] is one atomic load; `set` on a set flag,
//!   `clear` on a clear flag and `wait` on a set flag are one atomic load too.
//! - **Waiters sleep**; no spurious `true`.
//! - **Timeouts** never end early; a zero timeout returns the flag at once.
//! - **Memory ordering**: everything before a `set` happens-before a `wait` that
//!   returns `true` because of it (and an `is_set` that sees it).
//!
//! Differences from Python: timeouts are [`Duration`]s, so Python's
//! `OverflowError` for a huge timeout cannot happen: [`Duration::MAX`] waits
//! forever.
//!
//! ```
//! use std::sync::Arc;
//! use sync_kit::Event;
//!
//! let ready = Arc::new(Event::new());
//! let waiter = {
//!     let ready = Arc::clone(&ready);
//!     std::thread::spawn(move || ready.wait())
//! };
//! ready.set();
//! assert!(waiter.join().unwrap());
//! ```

use std::fmt;
use std::time::Duration;

use crate::sync::atomic::{AtomicBool, Ordering};
use crate::sync::{self, Condvar, Mutex};
use crate::time::Deadline;

/// A flag threads can wait for: Python's `threading.Event`.
///
/// See the [module documentation](crate::event) for the guarantees.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use sync_kit::Event;
///
/// let event = Event::new();
/// assert!(!event.wait_timeout(Duration::from_millis(1)));
/// event.set();
/// assert!(event.is_set());
/// assert!(event.wait_timeout(Duration::ZERO));
/// event.clear();
/// assert!(!event.is_set());
/// ```
pub struct Event {
    /// The flag. Written only with `generation` locked; read anywhere.
    flag: AtomicBool,
    /// Bumped by every `set` that sets an unset flag, with the count of
    /// sleeping waiters.
    generation: Mutex<Generation>,
    wakeup: Condvar,
}

impl Event {
    /// A new event, not set.
    pub fn new() -> Self {
        Event {
            flag: AtomicBool::new(false),
            generation: Mutex::new(Generation::default()),
            wakeup: Condvar::new(),
        }
    }

    /// Whether the flag is set.
    #[inline]
    pub fn is_set(&self) -> bool {
        self.flag.load(Ordering::Acquire)
    }

    /// Sets the flag and wakes every waiting thread. Setting a set flag does nothing.
    #[inline]
    pub fn set(&self) {
        if !self.is_set() {
            self.set_slow();
        }
    }

    #[cold]
    fn set_slow(&self) {
        let mut generation = sync::lock(&self.generation);
        if self.flag.load(Ordering::Relaxed) {
            return;
        }
        self.flag.store(true, Ordering::Release);
        generation.number = generation.number.wrapping_add(1);
        let sleepers = generation.sleepers;
        // Notify after unlocking, so woken waiters do not block on the mutex;
        // a waiter counted in `sleepers` is already inside its wait, so the
        // notification cannot be lost. No sleepers: no system call.
        drop(generation);
        if sleepers > 0 {
            self.wakeup.notify_all();
        }
    }

    /// Unsets the flag. Threads that were woken by an earlier `set` still return
    /// `true`; threads that wait from now on block until the next `set`.
    #[inline]
    pub fn clear(&self) {
        if self.flag.load(Ordering::Relaxed) {
            let _generation = sync::lock(&self.generation);
            self.flag.store(false, Ordering::Relaxed);
        }
    }

    /// Blocks until the flag is set; returns `true` (Python's `wait()`).
    #[inline]
    pub fn wait(&self) -> bool {
        self.is_set() || self.wait_slow(Deadline::NEVER)
    }

    /// Blocks until the flag is set or `timeout` (scaled) has passed. Returns `true`
    /// if the flag was set on entry or at any moment during the wait, `false` only
    /// on timeout. A zero timeout returns the flag at once.
    #[inline]
    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        self.is_set() || self.wait_slow(Deadline::after(Some(timeout)))
    }

    #[cold]
    fn wait_slow(&self, deadline: Deadline) -> bool {
        let mut generation = sync::lock(&self.generation);
        if self.flag.load(Ordering::Relaxed) {
            return true;
        }
        let started = generation.number;
        loop {
            if generation.number != started {
                return true;
            }
            let left = deadline.remaining();
            if left.is_some_and(|left| left.is_zero()) {
                return false;
            }
            generation.sleepers += 1;
            generation = match left {
                None => sync::wait(&self.wakeup, generation),
                Some(left) => sync::wait_timeout(&self.wakeup, generation, left),
            };
            generation.sleepers -= 1;
        }
    }
}

/// The state behind `Event`'s mutex.
#[derive(Debug, Default)]
struct Generation {
    number: u64,
    sleepers: usize,
}

impl Default for Event {
    fn default() -> Self {
        Event::new()
    }
}

impl fmt::Debug for Event {
    /// Python's repr: `<sync_kit.Event at 0x...: unset>` or `...: set>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = if self.is_set() { "set" } else { "unset" };
        write!(f, "<sync_kit.Event at {self:p}: {state}>")
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn debug_is_pythons_repr() {
        let event = Event::new();
        assert!(format!("{event:?}").ends_with(": unset>"));
        event.set();
        assert!(format!("{event:?}").ends_with(": set>"));
    }

    #[test]
    fn max_timeout_does_not_overflow() {
        let event = Event::new();
        event.set();
        assert!(event.wait_timeout(Duration::MAX));
    }
}
