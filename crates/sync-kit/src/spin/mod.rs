//! Bounded spinning before parking, for every primitive's slow path.
//!
//! Two spins, both bounded:
//!
//! - [`SpinWait`], before a primitive queues itself: a short spin with
//!   exponential back-off (a few hundred cycles in all), then a few yields of
//!   the time slice, then the caller parks;
//! - [`window`], after it has queued itself and before it sleeps: a spin on the
//!   thread's own parker for a window that adapts to how soon its wake-ups
//!   come (the part that makes a ping-pong fast).
//!
//! The window spin stops when the machine is [crowded](crowd::crowded) (more runnable
//! threads than cores: the thread that would end the wait may need the very
//! core a spinner burns). [`SpinWait`] does not look: it is a few hundred
//! cycles and a few yields, and measured with 16 threads contending for one
//! `Lock` on 2 cores it makes an acquisition about three times cheaper than
//! parking at once (the holder of a short critical section is almost always
//! running). Neither spins under the simulator (only one thread runs there, so
//! the holder cannot release while we spin) nor under loom.

mod crowd;
pub(crate) mod window;

/// Spin iterations of exponential back-off before yielding.
const SPIN_ROUNDS: u32 = 3;
/// Total rounds, spinning and yielding, before the caller should park.
const ROUNDS: u32 = 10;

/// The state of one waiter's spinning.
pub(crate) struct SpinWait {
    round: u32,
}

impl SpinWait {
    pub(crate) fn new() -> Self {
        SpinWait { round: 0 }
    }

    /// Starts over, after a wake-up.
    pub(crate) fn reset(&mut self) {
        self.round = 0;
    }

    /// Spins or yields once; false when the caller should park instead.
    #[inline]
    pub(crate) fn spin(&mut self) -> bool {
        if cfg!(loom) || self.round >= ROUNDS || crate::sim::active() {
            return false;
        }
        self.round += 1;
        if self.round <= SPIN_ROUNDS {
            for _ in 0..(1u32 << (self.round + 2)) {
                std::hint::spin_loop();
            }
        } else {
            std::thread::yield_now();
        }
        true
    }
}
