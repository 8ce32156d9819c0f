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
use std::panic::Location;
use std::time::Duration;

use crate::park::{self, Park, WaitOn};
use crate::sync::atomic::{AtomicU64, Ordering};
use crate::time::Deadline;

/// The flag.
const SET: u64 = 1;
/// Some thread may be parked waiting for the flag: `set` must unpark.
const PARKED: u64 = 2;
/// One generation, above the two flag bits: every `set` of an unset flag
/// starts a new one. A waiter parks tagged with the generation it saw, and a
/// `set` wakes only waiters of generations up to its own, so a slow `set`
/// can never wake a thread that began waiting after a later `clear`.
const GENERATION: u64 = 4;

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
    /// `SET | PARKED`; waiters park under the event's address.
    state: AtomicU64,
    created: &'static Location<'static>,
}

impl Event {
    crate::sync::loom_const_fn! {
        /// A new event, not set.
        #[track_caller]
        pub fn new() -> Self {
            Event {
                state: AtomicU64::new(0),
                created: Location::caller(),
            }
        }
    }

    /// Whether the flag is set (Python's `is_set()`).
    #[inline]
    pub fn is_set(&self) -> bool {
        self.state.load(Ordering::Acquire) & SET != 0
    }

    /// Sets the flag and wakes every waiting thread. Setting a set flag does nothing.
    #[inline]
    pub fn set(&self) {
        if !crate::observe::quiet() {
            crate::sim::point();
            crate::observe::instant("event", "set", || self.object());
        }
        let mut state = self.state.load(Ordering::Relaxed);
        loop {
            if state & SET != 0 {
                return;
            }
            match self.state.compare_exchange_weak(
                state,
                (state | SET) + GENERATION,
                Ordering::Release,
                Ordering::Relaxed,
            ) {
                Ok(_) => break,
                Err(now) => state = now,
            }
        }
        if state & PARKED != 0 {
            self.wake_all(state / GENERATION);
        }
    }

    fn object(&self) -> crate::observe::Object {
        self.as_object("Event")
    }

    /// This event as an observed object of `kind`.
    pub(crate) fn as_object(&self, kind: &'static str) -> crate::observe::Object {
        crate::observe::Object::new(kind, park::key_of(self), self.created)
    }

    #[cold]
    fn wake_all(&self, generation: u64) {
        // Clear PARKED with the queue locked once no waiter is left: a waiter
        // that validates after this sees the flag and does not park.
        let key = park::key_of(self);
        park::unpark_tagged(key, generation, |more| {
            if !more {
                self.state.fetch_and(!PARKED, Ordering::Relaxed);
            }
        });
    }

    /// Unsets the flag. Threads that were woken by an earlier `set` still return
    /// `true`; threads that wait from now on block until the next `set`.
    #[inline]
    pub fn clear(&self) {
        if !crate::observe::quiet() {
            crate::sim::point();
            crate::observe::instant("event", "clear", || self.object());
        }
        self.state.fetch_and(!SET, Ordering::Relaxed);
    }

    /// Blocks until the flag is set; returns `true` (Python's `wait()`).
    #[inline]
    #[track_caller]
    pub fn wait(&self) -> bool {
        crate::sim::point();
        self.is_set() || self.wait_slow(Deadline::NEVER, Location::caller())
    }

    /// Blocks until the flag is set or `timeout` (scaled) has passed. Returns `true`
    /// if the flag was set on entry or at any moment during the wait, `false` only
    /// on timeout. A zero timeout returns the flag at once.
    #[inline]
    #[track_caller]
    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        crate::sim::point();
        self.is_set() || self.wait_slow(Deadline::after(Some(timeout)), Location::caller())
    }

    #[cold]
    fn wait_slow(&self, deadline: Deadline, site: &'static Location<'static>) -> bool {
        // Every set starts a new generation: a wait returns true once the
        // flag is set or the generation it began in has passed, so a set and
        // clear while it spins or revalidates still counts.
        let generation = self.state.load(Ordering::Acquire) / GENERATION;
        let set_since = |state: u64| state & SET != 0 || state / GENERATION != generation;
        // The setter of a waiter that is still spinning has no one to wake.
        if crate::spin::window::spin(deadline.instant(), || {
            set_since(self.state.load(Ordering::Acquire))
        }) {
            return true;
        }
        let key = park::key_of(self);
        let on = WaitOn::new("Event", key, Some(self.created), site);
        loop {
            let state = self.state.load(Ordering::Acquire);
            if set_since(state) {
                return true;
            }
            if deadline.expired() {
                return false;
            }
            if state & PARKED == 0
                && self
                    .state
                    .compare_exchange_weak(
                        state,
                        state | PARKED,
                        Ordering::Relaxed,
                        Ordering::Relaxed,
                    )
                    .is_err()
            {
                continue;
            }
            // Park tagged with this generation, and only while it is still
            // unset with PARKED announced.
            let parked = state | PARKED;
            let outcome = park::park_tagged(
                key,
                generation,
                || self.state.load(Ordering::Relaxed) == parked,
                || {},
                |was_last| {
                    if was_last {
                        self.state.fetch_and(!PARKED, Ordering::Relaxed);
                    }
                },
                deadline,
                on,
            );
            match outcome {
                // Woken by a `set`: the flag was set during the wait, even if
                // it has been cleared since.
                Park::Unparked(_) => return true,
                Park::TimedOut => return false,
                Park::Invalid => {}
            }
        }
    }
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
