//! The level bookkeeping under every [`RLock`]: who owns it, how deep, and the
//! plain lock underneath. The Python-facing methods in the parent module and
//! the guards call into here.

use std::panic::Location;

use super::{NO_OWNER, RLock, current_thread_token, unacquired};
use crate::error::Result;
use crate::observe;
use crate::park::{self, WaitOn};
use crate::sync::atomic::Ordering;
use crate::time::Deadline;
use std::time::Duration;

impl<T> RLock<T> {
    pub(super) fn wait_on(&self, site: &'static Location<'static>) -> WaitOn {
        WaitOn::new("RLock", park::key_of(&self.lock), Some(self.created), site)
    }

    /// Takes the underlying lock, waiting until `deadline`.
    #[inline]
    pub(super) fn take_lock(
        &self,
        deadline: Deadline,
        site: &'static Location<'static>,
        hooked: bool,
    ) -> bool {
        if hooked {
            observe::acquiring(|| self.object(), site);
        }
        self.lock.try_acquire()
            || (!deadline.expired() && self.lock.acquire_slow(deadline, self.wait_on(site)))
    }

    #[inline]
    pub(super) fn reenter(&self, me: usize) -> bool {
        if self.owner.load(Ordering::Relaxed) == me {
            let depth = self.count.load(Ordering::Relaxed);
            self.count.store(depth + 1, Ordering::Relaxed);
            true
        } else {
            false
        }
    }

    #[inline]
    #[track_caller]
    pub(super) fn take(&self, me: usize, depth: usize, hooked: bool) {
        self.owner.store(me, Ordering::Relaxed);
        self.count.store(depth, Ordering::Relaxed);
        if hooked {
            observe::acquired(|| self.object(), Location::caller());
        }
    }

    pub(super) fn object(&self) -> observe::Object {
        observe::Object::new("RLock", park::key_of(&self.lock), self.created)
    }

    /// Gives up the underlying lock (the owner's last level).
    #[inline]
    pub(super) fn give_up(&self, hooked: bool) -> Result<()> {
        self.owner.store(NO_OWNER, Ordering::Relaxed);
        if hooked {
            observe::released(|| self.object());
        }
        self.lock.release()
    }

    #[inline]
    #[track_caller]
    pub(super) fn acquire_level(&self) -> bool {
        if observe::quiet() {
            self.acquire_as(false, Location::caller())
        } else {
            self.acquire_hooked(Location::caller())
        }
    }

    #[cold]
    fn acquire_hooked(&self, site: &'static Location<'static>) -> bool {
        crate::sim::point();
        self.acquire_as(true, site)
    }

    /// `acquire`, with the observers' hooks when `hooked` (a constant at each
    /// call, so the quiet path carries none of them).
    #[inline(always)]
    #[track_caller]
    fn acquire_as(&self, hooked: bool, site: &'static Location<'static>) -> bool {
        let me = current_thread_token();
        if !self.reenter(me) {
            self.take_lock(Deadline::NEVER, site, hooked);
            self.take(me, 1, hooked);
        }
        true
    }

    #[inline]
    #[track_caller]
    pub(super) fn try_acquire_level(&self) -> bool {
        let hooked = !observe::quiet();
        if hooked {
            crate::sim::point();
        }
        let me = current_thread_token();
        if self.reenter(me) {
            return true;
        }
        let acquired = self.lock.try_acquire();
        if acquired {
            self.take(me, 1, hooked);
        }
        acquired
    }

    #[track_caller]
    pub(super) fn acquire_timeout_level(&self, timeout: Duration) -> bool {
        let hooked = !observe::quiet();
        if hooked {
            crate::sim::point();
        }
        let me = current_thread_token();
        if self.reenter(me) {
            return true;
        }
        let acquired = self.take_lock(Deadline::after(Some(timeout)), Location::caller(), hooked);
        if acquired {
            self.take(me, 1, hooked);
        }
        acquired
    }

    #[inline]
    pub(super) fn release_level(&self) -> Result<()> {
        if observe::quiet() {
            self.release_as(false)
        } else {
            self.release_hooked()
        }
    }

    #[cold]
    fn release_hooked(&self) -> Result<()> {
        crate::sim::point();
        self.release_as(true)
    }

    #[inline(always)]
    fn release_as(&self, hooked: bool) -> Result<()> {
        let me = current_thread_token();
        if self.owner.load(Ordering::Relaxed) != me {
            return Err(unacquired());
        }
        let depth = self.count.load(Ordering::Relaxed) - 1;
        self.count.store(depth, Ordering::Relaxed);
        if depth == 0 {
            self.give_up(hooked)?;
        }
        Ok(())
    }
}
