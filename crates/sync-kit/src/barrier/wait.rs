//! The waiting side of [`Barrier`]: arriving, running the action, leaving, and
//! parking until the barrier's state changes.

use std::panic::{self, AssertUnwindSafe, Location};

use super::{Barrier, Phase, State};
use crate::error::{Error, Result};
use crate::park::{self, Park, WaitOn};
use crate::sync;
use crate::sync::atomic::Ordering;
use crate::time::Deadline;

impl Barrier {
    pub(super) fn wait_until(
        &self,
        deadline: Deadline,
        site: &'static Location<'static>,
    ) -> Result<usize> {
        crate::sim::point();
        let mut state = sync::lock(&self.state);
        // Hold back arrivals for the next generation until this one has left.
        // Like CPython, this part ignores the timeout.
        while matches!(
            state.phase,
            Phase::Acting | Phase::Draining | Phase::Resetting
        ) {
            state = self.wait_changed(state, Deadline::NEVER, site);
        }
        if state.phase == Phase::Broken {
            return Err(Error::broken_barrier());
        }
        let index = state.count;
        state.count += 1;
        if state.count == self.parties {
            self.release_generation(state, index)
        } else {
            self.wait_release(state, index, deadline, site)
        }
    }

    /// The last arrival: run the action, then let the generation go.
    fn release_generation<'a>(
        &'a self,
        mut state: sync::MutexGuard<'a, State>,
        index: usize,
    ) -> Result<usize> {
        let mut panicked = None;
        if let Some(action) = &self.action {
            state.phase = Phase::Acting;
            drop(state);
            panicked = panic::catch_unwind(AssertUnwindSafe(action)).err();
            state = sync::lock(&self.state);
        }
        let result = if panicked.is_some() {
            self.break_locked(&mut state);
            Err(Error::broken_barrier())
        } else if matches!(state.phase, Phase::Filling | Phase::Acting) {
            crate::observe::instant("barrier", "trip", || {
                crate::observe::Object::new("Barrier", park::key_of(self), self.created)
            });
            state.phase = Phase::Draining;
            state.generation = state.generation.wrapping_add(1);
            self.changed();
            Ok(index)
        } else {
            // The action aborted or reset the barrier.
            Err(Error::broken_barrier())
        };
        self.leave(&mut state);
        drop(state);
        if let Some(payload) = panicked {
            panic::resume_unwind(payload);
        }
        result
    }

    fn wait_release<'a>(
        &'a self,
        mut state: sync::MutexGuard<'a, State>,
        index: usize,
        deadline: Deadline,
        site: &'static Location<'static>,
    ) -> Result<usize> {
        let generation = state.generation;
        let result = loop {
            if state.generation != generation {
                break Ok(index);
            }
            match state.phase {
                Phase::Filling | Phase::Acting => {}
                Phase::Draining => break Ok(index),
                Phase::Resetting | Phase::Broken => break Err(Error::broken_barrier()),
            }
            state = match deadline.remaining() {
                None => self.wait_changed(state, Deadline::NEVER, site),
                Some(left) if !left.is_zero() => self.wait_changed(state, deadline, site),
                // Out of time. Once the last party is running the action the
                // generation is complete: wait for it rather than break it.
                Some(_) if state.phase == Phase::Acting => {
                    self.wait_changed(state, Deadline::NEVER, site)
                }
                Some(_) => {
                    self.break_locked(&mut state);
                    break Err(Error::broken_barrier());
                }
            };
        };
        self.leave(&mut state);
        result
    }

    /// CPython's `_exit`: one party leaves; the last to leave a completed or reset
    /// generation opens the barrier for the next.
    fn leave(&self, state: &mut State) {
        state.count -= 1;
        if state.count == 0 && matches!(state.phase, Phase::Draining | Phase::Resetting) {
            state.phase = Phase::Filling;
            self.changed();
        }
    }

    pub(super) fn break_locked(&self, state: &mut State) {
        state.phase = Phase::Broken;
        self.changed();
    }

    /// Parks until the state changes or `deadline` passes; the state is
    /// unlocked meanwhile and locked again on return.
    fn wait_changed<'a>(
        &'a self,
        state: sync::MutexGuard<'a, State>,
        deadline: Deadline,
        site: &'static Location<'static>,
    ) -> sync::MutexGuard<'a, State> {
        let seen = self.epoch.load(Ordering::Relaxed);
        drop(state);
        let key = park::key_of(self);
        let on = WaitOn::new("Barrier", key, Some(self.created), site);
        let _: Park = park::park(
            key,
            || self.epoch.load(Ordering::Relaxed) == seen,
            || {},
            |_| {},
            deadline,
            on,
        );
        sync::lock(&self.state)
    }

    /// Wakes every parked party; called with `state` locked, after changing it.
    pub(super) fn changed(&self) {
        self.epoch.fetch_add(1, Ordering::Relaxed);
        park::unpark_all(park::key_of(self));
    }
}
