//! Eventual fairness: when a release should hand a lock straight to the
//! thread it wakes instead of letting any arriving thread take it first.
//!
//! A release that wakes a parked waiter normally frees the lock, so a thread
//! that is running (or spinning) can take it before the woken one is
//! scheduled: good for throughput, but a parked waiter can lose that race
//! again and again. As in parking_lot, each releasing thread hands off now and
//! then instead: when at least half a millisecond (plus up to another half, so
//! threads do not fall into step) has passed since its last handoff, its next
//! wake-up passes the lock itself. A waiter therefore waits at most about a
//! millisecond per thread that keeps releasing the lock.
//!
//! Real time, so never under the simulator (its schedules must not depend on
//! the clock) and never under loom.

use std::cell::Cell;
use std::time::{Duration, Instant};

/// The shortest interval between two handoffs by one thread.
const INTERVAL: Duration = Duration::from_micros(500);

std::thread_local! {
    /// When this thread should next hand off; `None` until its first look.
    static NEXT: Cell<Option<Instant>> = const { Cell::new(None) };
    /// A small xorshift state for the jitter.
    static JITTER: Cell<u32> = const { Cell::new(0x9e37_79b9) };
}

/// Whether the calling thread's next wake-up from a lock's queue should hand
/// the lock over; starts a new interval when it says yes.
pub(crate) fn due() -> bool {
    if cfg!(loom) || crate::sim::active() {
        return false;
    }
    let now = Instant::now();
    NEXT.try_with(|next| match next.get() {
        Some(at) if now < at => false,
        seen => {
            next.set(Some(now + INTERVAL + jitter()));
            // The first look only starts the clock.
            seen.is_some()
        }
    })
    .unwrap_or(false)
}

fn jitter() -> Duration {
    let bits = JITTER
        .try_with(|state| {
            let mut x = state.get();
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            state.set(x);
            x
        })
        .unwrap_or(0);
    INTERVAL * (bits % 1024) / 1024
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn hands_off_at_most_once_per_interval() {
        // The first look starts the clock. A look within INTERVAL of the one
        // that started it must say no; one made after a loaded machine
        // descheduled us for longer may say yes, so it is not asserted.
        let started = Instant::now();
        assert!(!due());
        let again = due();
        if started.elapsed() < INTERVAL {
            assert!(!again, "a second look at once is inside the interval");
        }
        std::thread::sleep(INTERVAL * 2 + Duration::from_millis(1));
        let handed = Instant::now();
        assert!(due());
        let again = due();
        if handed.elapsed() < INTERVAL {
            assert!(!again, "a handoff starts a new interval");
        }
    }

    #[test]
    fn jitter_stays_below_one_interval() {
        for _ in 0..1000 {
            assert!(jitter() < INTERVAL);
        }
    }
}
