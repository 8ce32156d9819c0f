//! The state machine of a plain lock over the blocking layer.

use crate::error::{Error, Result};
use crate::park::{self, Park, Requeue, WaitOn};
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
        // a waiter that validates after this sees the truth. Now and then
        // (park::fair) the woken waiter gets the lock itself, still locked, so
        // a parked thread cannot lose the race for it forever.
        park::unpark_one(park::key_of(self), |woken, more| {
            let left = if more { PARKED } else { 0 };
            if woken && park::fair::due() {
                self.state.store(LOCKED | left, Ordering::Release);
                park::TOKEN_HANDOFF
            } else {
                self.state.store(left, Ordering::Release);
                park::TOKEN_NORMAL
            }
        });
        Ok(())
    }

    /// Wait morphing: moves up to `n` of the oldest waiters parked on `from`
    /// (a condition's key) onto this lock's queue, so that each release wakes
    /// one of them instead of all of them waking at once to fight for the
    /// lock. If the lock is held, all are moved and the PARKED bit is set
    /// (atomically with the check, so a racing release either sees the bit or
    /// made the lock free first); if it is free, the oldest is woken to take
    /// it and the rest wait behind it. `relabel` gives a moved waiter's new
    /// description. Returns how many waiters were taken.
    pub(crate) fn requeue_from(
        &self,
        from: usize,
        n: usize,
        relabel: impl Fn(WaitOn) -> WaitOn,
    ) -> usize {
        park::unpark_requeue(
            from,
            park::key_of(self),
            n,
            || self.requeue_decision(),
            relabel,
            |_, moved| {
                if moved > 0 {
                    self.state.fetch_or(PARKED, Ordering::Relaxed);
                }
            },
        )
    }

    /// Runs with both queues locked: a held lock gets the PARKED bit now, so
    /// its release will take the slow path (and wait for the queue lock).
    fn requeue_decision(&self) -> Requeue {
        let mut state = self.state.load(Ordering::Relaxed);
        loop {
            if state & LOCKED == 0 {
                return Requeue::UnparkOneRequeueRest;
            }
            if state & PARKED != 0 {
                return Requeue::RequeueAll;
            }
            match self.state.compare_exchange_weak(
                state,
                state | PARKED,
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => return Requeue::RequeueAll,
                Err(now) => state = now,
            }
        }
    }

    /// A waiter moved here by [`RawLock::requeue_from`] left this lock's
    /// queue at its deadline (called with the queue locked); `was_last` says
    /// whether no waiter remains, so PARKED can be cleared.
    pub(crate) fn requeued_timed_out(&self, was_last: bool) {
        if was_last {
            self.state.fetch_and(!PARKED, Ordering::Relaxed);
        }
    }

    #[inline]
    pub(crate) fn locked(&self) -> bool {
        self.state.load(Ordering::Relaxed) & LOCKED != 0
    }
}
