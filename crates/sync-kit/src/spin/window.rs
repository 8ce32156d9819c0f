//! The adaptive spin a parked thread does before it sleeps.
//!
//! A thread that has queued itself in the blocking layer first spins, watching
//! its own parker, for up to its *window*; a wake-up that lands meanwhile costs
//! the waker no system call and the waiter no sleep. The window adapts, per
//! thread, the way glibc's adaptive mutex tunes its spin count:
//!
//! - it starts at [`MIN`] (a few microseconds, about what parking costs);
//! - a wait that had to sleep but was woken within [`MAX`] widens it to the
//!   whole wait, so a partner that answers in about one wake-up latency
//!   (a ping-pong) is caught spinning from then on;
//! - a wait that outlasted [`MAX`], or timed out, halves it, so a thread whose
//!   waits are long soon spins only [`MIN`].
//!
//! Nothing spins when the machine is [crowded](super::crowd): then the
//! waker may need the very core the spinner would burn. The spin never passes
//! the wait's deadline, and never runs under the simulator or loom.
//!
//! A primitive whose waiter can see its wake-up in its own state (an Event's
//! flag) also spins on that state with the same window before it queues
//! itself, so the setter finds no one to wake.

// Under loom nothing spins.
#![cfg_attr(loom, allow(dead_code))]

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

std::thread_local! {
    static WINDOW: Window = const { Window::new() };
}

/// Spins, for the calling thread's window, until `done` holds, the window
/// passes or `until` (if any) comes. Returns whether `done` held.
pub(crate) fn spin(until: Option<Instant>, done: impl Fn() -> bool) -> bool {
    if cfg!(loom) || crate::sim::active() {
        return done();
    }
    WINDOW
        .try_with(|window| window.spin(until, &done))
        .unwrap_or_else(|_| done())
}

/// Adapts the calling thread's window to a wait that slept: `waited` is its
/// whole length, `woken` whether a wake-up (not the deadline) ended it.
pub(crate) fn learn(waited: Duration, woken: bool) {
    let _ = WINDOW.try_with(|window| window.learn(waited, woken));
}

/// The smallest window, in nanoseconds.
pub(crate) const MIN: u32 = 4_000;
/// The largest window, in nanoseconds: a wait longer than this is not worth
/// spinning for.
pub(crate) const MAX: u32 = 64_000;

/// Spin-loop hints between two reads of the clock.
const CHECK_EVERY: u32 = 64;

/// One thread's spin window. Only its owner reads or writes it.
struct Window {
    nanos: AtomicU32,
}

impl Window {
    const fn new() -> Self {
        Window {
            nanos: AtomicU32::new(MIN),
        }
    }

    /// The current window.
    fn get(&self) -> Duration {
        Duration::from_nanos(u64::from(self.nanos.load(Ordering::Relaxed)))
    }

    /// Spins until `done` holds, the window passes or `until` (if any) comes.
    /// Returns whether `done` held.
    fn spin(&self, until: Option<Instant>, done: impl Fn() -> bool) -> bool {
        if done() {
            return true;
        }
        if super::crowd::crowded() {
            return false;
        }
        let now = Instant::now();
        let mut end = now + self.get();
        if let Some(until) = until {
            if until <= now {
                return false;
            }
            end = end.min(until);
        }
        spin_until(end, done)
    }

    /// Adapts the window to a wait that slept: `waited` is its whole length,
    /// `woken` whether a wake-up (not the deadline) ended it.
    fn learn(&self, waited: Duration, woken: bool) {
        let nanos = self.nanos.load(Ordering::Relaxed);
        let waited = u32::try_from(waited.as_nanos()).unwrap_or(u32::MAX);
        let next = if woken && waited < MAX {
            nanos.max(waited)
        } else {
            (nanos / 2).max(MIN)
        };
        self.nanos.store(next, Ordering::Relaxed);
    }
}

/// Spins until `done` holds (true) or `end` comes (false).
fn spin_until(end: Instant, done: impl Fn() -> bool) -> bool {
    loop {
        for _ in 0..CHECK_EVERY {
            std::hint::spin_loop();
        }
        if done() {
            return true;
        }
        if Instant::now() >= end {
            return false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_sleep_widens_the_window_and_long_ones_narrow_it() {
        let window = Window::new();
        assert_eq!(window.get(), Duration::from_nanos(u64::from(MIN)));
        window.learn(Duration::from_micros(30), true);
        assert_eq!(window.get(), Duration::from_micros(30));
        // A shorter wake-up keeps the wider window.
        window.learn(Duration::from_micros(10), true);
        assert_eq!(window.get(), Duration::from_micros(30));
        window.learn(Duration::from_millis(5), true);
        assert_eq!(window.get(), Duration::from_micros(15));
        window.learn(Duration::from_micros(10), false);
        assert_eq!(window.get(), Duration::from_nanos(7_500));
        for _ in 0..10 {
            window.learn(Duration::from_secs(1), true);
        }
        assert_eq!(window.get(), Duration::from_nanos(u64::from(MIN)));
    }

    #[test]
    fn the_window_never_exceeds_its_bound() {
        let window = Window::new();
        window.learn(Duration::from_nanos(u64::from(MAX) - 1), true);
        assert_eq!(window.get(), Duration::from_nanos(u64::from(MAX) - 1));
        window.learn(Duration::from_nanos(u64::from(MAX)), true);
        assert!(window.get() < Duration::from_nanos(u64::from(MAX)));
    }

    #[test]
    fn spinning_stops_at_the_deadline_or_when_done() {
        assert!(Window::new().spin(None, || true));
        let until = Instant::now() + Duration::from_micros(1);
        assert!(!spin_until(until, || false));
        assert!(Instant::now() >= until);
        let looks = AtomicU32::new(0);
        let far = Instant::now() + Duration::from_secs(60);
        assert!(spin_until(far, || looks.fetch_add(1, Ordering::Relaxed) >= 2));
        assert_eq!(looks.load(Ordering::Relaxed), 3);
    }
}
