//! Bounded spinning before parking, for every primitive's slow path.
//!
//! A waiter first spins with exponential back-off (a few hundred cycles in
//! all), then yields its time slice a few times, then gives up so the caller
//! parks. It never spins under the simulator (only one thread runs there, so
//! the holder cannot release while we spin) nor under loom.

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
