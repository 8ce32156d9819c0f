//! The counter and its waiters under both semaphore types: one atomic word
//! and the blocking layer.

use std::panic::Location;
use std::time::Duration;

use super::MAX_VALUE;
use crate::error::{Error, Result};
use crate::observe;
use crate::park::{self, Park, WaitOn};
use crate::sync::atomic::{AtomicUsize, Ordering};
use crate::time::Deadline;

/// Low bit of the state word: some thread may be parked for a unit.
const PARKED: usize = 1;
/// One unit of value, above the PARKED bit.
const UNIT: usize = 2;

/// The counter and its waiters, shared by both semaphore types.
pub(super) struct RawSemaphore {
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
        pub(super) fn new(value: usize, kind: &'static str) -> Self {
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
    pub(super) fn try_acquire(&self) -> bool {
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
    pub(super) fn acquire(&self, timeout: Option<Duration>) -> bool {
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
    pub(super) fn release(&self, n: usize, bound: Option<usize>) -> Result<()> {
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

    pub(super) fn value(&self) -> usize {
        self.state.load(Ordering::Relaxed) / UNIT
    }
}
