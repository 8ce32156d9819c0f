//! The per-thread parker: a flag the waker sets, a token it passes, and the
//! operating-system sleep (or loom's model of it) the owner waits in.

use std::time::Duration;

use super::WaitOn;
use crate::sync::Arc;
use crate::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use crate::time::Deadline;

/// One thread's parking slot; shared with the queue entry while parked.
pub(crate) struct Parker {
    /// Set (under the queue lock) by the unpark that picked this thread.
    granted: AtomicBool,
    token: AtomicUsize,
    /// The trace's flow id of the wake-up that granted this thread (0: none).
    flow: std::sync::atomic::AtomicU64,
    /// What the thread waits on while parked, for reports.
    waiting: std::sync::Mutex<Option<WaitOn>>,
    #[cfg(not(loom))]
    thread: std::thread::Thread,
    #[cfg(loom)]
    signal: (crate::sync::Mutex<bool>, crate::sync::Condvar),
}

#[cfg(not(loom))]
std::thread_local! {
    static CURRENT: Arc<Parker> = Arc::new(Parker::for_this_thread());
}
#[cfg(loom)]
loom::thread_local! {
    static CURRENT: Arc<Parker> = Arc::new(Parker::for_this_thread());
}

impl Parker {
    fn for_this_thread() -> Parker {
        Parker {
            granted: AtomicBool::new(false),
            token: AtomicUsize::new(0),
            flow: std::sync::atomic::AtomicU64::new(0),
            waiting: std::sync::Mutex::new(None),
            #[cfg(not(loom))]
            thread: std::thread::current(),
            #[cfg(loom)]
            signal: (crate::sync::Mutex::new(false), crate::sync::Condvar::new()),
        }
    }

    /// The calling thread's parker. During thread-local teardown, a fresh one.
    pub(crate) fn current() -> Arc<Parker> {
        CURRENT
            .try_with(Arc::clone)
            .unwrap_or_else(|_| Arc::new(Parker::for_this_thread()))
    }

    /// Called with the queue locked, just before the thread is queued.
    pub(super) fn prepare(&self, on: WaitOn) {
        self.granted.store(false, Ordering::Relaxed);
        *crate::sync::lock_std(&self.waiting) = Some(on);
    }

    /// Called with the queue locked by the unpark that dequeued this thread.
    pub(super) fn grant(&self, token: usize) {
        self.token.store(token, Ordering::Relaxed);
        self.flow.store(crate::observe::wake(), Ordering::Relaxed);
        self.granted.store(true, Ordering::Release);
    }

    /// Whether an unpark picked this thread since it was queued.
    pub(crate) fn is_granted(&self) -> bool {
        self.granted.load(Ordering::Acquire)
    }

    /// The trace flow id of the wake-up that granted this thread.
    pub(super) fn flow(&self) -> u64 {
        self.flow.swap(0, Ordering::Relaxed)
    }

    pub(super) fn token(&self) -> usize {
        self.token.load(Ordering::Relaxed)
    }

    /// The parked thread's wait, for reports.
    pub(crate) fn waiting(&self) -> Option<WaitOn> {
        *crate::sync::lock_std(&self.waiting)
    }

    pub(super) fn finish(&self) {
        *crate::sync::lock_std(&self.waiting) = None;
    }

    /// Waits until granted (true) or the deadline passes (false): first
    /// spinning for this thread's adaptive window ([`crate::spin::window`]),
    /// then sleeping.
    #[cfg(not(loom))]
    pub(super) fn sleep(&self, deadline: Deadline) -> bool {
        let start = std::time::Instant::now();
        if crate::spin::window::spin(deadline.instant(), || self.is_granted()) {
            return true;
        }
        let woken = if deadline == Deadline::NEVER {
            self.sleep_watched()
        } else {
            self.sleep_in_os(deadline)
        };
        crate::spin::window::learn(start.elapsed(), woken);
        woken
    }

    /// An untimed sleep, with the deadlock detector's look before it (and
    /// again every so often while its picture is unclear).
    #[cfg(not(loom))]
    fn sleep_watched(&self) -> bool {
        loop {
            match crate::observe::deadlock::before_sleep() {
                None => return self.sleep_in_os(Deadline::NEVER),
                Some(recheck) => {
                    if self.sleep_in_os(Deadline::after_unscaled(recheck)) {
                        return true;
                    }
                }
            }
        }
    }

    #[cfg(not(loom))]
    fn sleep_in_os(&self, deadline: Deadline) -> bool {
        loop {
            if self.is_granted() {
                return true;
            }
            match deadline.remaining() {
                None => std::thread::park(),
                Some(left) if left.is_zero() => return false,
                // Chunk very long waits so no platform conversion overflows.
                Some(left) => std::thread::park_timeout(left.min(Duration::from_secs(86_400))),
            }
        }
    }

    /// Wakes the thread after [`grant`](Self::grant).
    #[cfg(not(loom))]
    pub(super) fn wake(&self) {
        self.thread.unpark();
    }

    /// loom cannot model time: a timed park under loom waits as if untimed
    /// unless the deadline has already passed.
    #[cfg(loom)]
    pub(super) fn sleep(&self, deadline: Deadline) -> bool {
        let _ = Duration::ZERO;
        let (lock, signal) = &self.signal;
        let mut woken = crate::sync::lock(lock);
        loop {
            if self.is_granted() {
                *woken = false;
                return true;
            }
            if deadline.expired() {
                return false;
            }
            woken = crate::sync::wait(signal, woken);
        }
    }

    #[cfg(loom)]
    pub(super) fn wake(&self) {
        let (lock, signal) = &self.signal;
        *crate::sync::lock(lock) = true;
        signal.notify_one();
    }
}
