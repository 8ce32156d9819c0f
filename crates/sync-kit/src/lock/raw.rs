//! The state machine of a plain lock over the blocking layer.

use crate::error::{Error, Result};
use crate::park::{self, Park, WaitOn};
use crate::sync::atomic::{AtomicU8, Ordering};
use crate::time::Deadline;

/// Set while the lock is held.
const LOCKED: u8 = 1;
/// Set while some thread may be parked on the lock: the release must unpark.
const PARKED: u8 = 2;

/// The state machine of a plain lock over the blocking layer, shared by
/// [`Lock`] and [`crate::RLock`]: one byte, `LOCKED | PARKED`, the shape of
/// `parking_lot`'s raw mutex. Waiters are parked under the lock's address.
pub(crate) struct RawLock {
    state: AtomicU8,
}

impl RawLock {
    crate::sync::loom_const_fn! {
        pub(crate) fn new() -> Self {
            RawLock {
                state: AtomicU8::new(0),
            }
        }
    }

    #[inline]
    pub(crate) fn try_acquire(&self) -> bool {
        self.state
            .compare_exchange(0, LOCKED, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
            || self.try_acquire_parked()
    }

    /// A free lock can still have the PARKED bit (a woken waiter has not run yet).
    #[cold]
    fn try_acquire_parked(&self) -> bool {
        let mut state = self.state.load(Ordering::Relaxed);
        while state & LOCKED == 0 {
            match self.state.compare_exchange_weak(
                state,
                state | LOCKED,
                Ordering::Acquire,
                Ordering::Relaxed,
            ) {
                Ok(_) => return true,
                Err(now) => state = now,
            }
        }
        false
    }

    /// Waits for the lock until `deadline`; returns whether it was acquired.
    #[cold]
    pub(crate) fn acquire_slow(&self, deadline: Deadline, on: WaitOn) -> bool {
        let mut spin = crate::spin::SpinWait::new();
        loop {
            let state = self.state.load(Ordering::Relaxed);
            if state & LOCKED == 0 {
                if self
                    .state
                    .compare_exchange_weak(
                        state,
                        state | LOCKED,
                        Ordering::Acquire,
                        Ordering::Relaxed,
                    )
                    .is_ok()
                {
                    return true;
                }
                continue;
            }
            // Spin a little while nobody is parked: the holder may be about to
            // release, and parking costs two system calls.
            if state & PARKED == 0 && spin.spin() {
                continue;
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
            if deadline.expired() {
                return false;
            }
            let key = park::key_of(self);
            let outcome = park::park(
                key,
                || self.state.load(Ordering::Relaxed) == LOCKED | PARKED,
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
                Park::Unparked(park::TOKEN_HANDOFF) => return true,
                Park::TimedOut => return false,
                Park::Unparked(_) | Park::Invalid => spin.reset(),
            }
        }
    }

    /// Releases; `Err` if it was not locked.
    #[inline]
    pub(crate) fn release(&self) -> Result<()> {
        match self
            .state
            .compare_exchange(LOCKED, 0, Ordering::Release, Ordering::Relaxed)
        {
            Ok(_) => Ok(()),
            Err(_) => self.release_slow(),
        }
    }

    #[cold]
    fn release_slow(&self) -> Result<()> {
        let mut state = self.state.load(Ordering::Relaxed);
        loop {
            if state & LOCKED == 0 {
                return Err(Error::release_unlocked());
            }
            if state & PARKED != 0 {
                break;
            }
            match self
                .state
                .compare_exchange_weak(state, 0, Ordering::Release, Ordering::Relaxed)
            {
                Ok(_) => return Ok(()),
                Err(now) => state = now,
            }
        }
        // Unlock with the queue locked, keeping PARKED while waiters remain, so
        // a waiter that validates after this sees the truth.
        park::unpark_one(park::key_of(self), |_, more| {
            let left = if more { PARKED } else { 0 };
            self.state.store(left, Ordering::Release);
            park::TOKEN_NORMAL
        });
        Ok(())
    }

    #[inline]
    pub(crate) fn locked(&self) -> bool {
        self.state.load(Ordering::Relaxed) & LOCKED != 0
    }
}
