//! Python's `threading.Timer`: a thread that calls a function once, after an
//! interval, unless it is cancelled first.
//!
//! A [`Timer`] *is* a thread: it dereferences to [`Thread`], so it has a name
//! (`Thread-N` unless set), a daemon flag copied from its creator, `start`,
//! `join` and `is_alive`. Being a non-daemon thread by default, a pending timer
//! keeps the process alive at exit under [`crate::main`], as in Python.
//!
//! Guarantees, as in CPython:
//! - the function runs at most once, never before the interval (scaled by
//!   [`crate::time`]) has passed, on the timer's own thread;
//! - [`cancel`](Timer::cancel) before the interval ends means the function never
//!   runs and the thread ends at once; cancelling before `start` makes the
//!   started thread end without calling it; cancelling after it fired does
//!   nothing;
//! - a zero interval fires at once;
//! - a failed `start` leaves the timer unstarted, as it leaves any thread.
//!
//! Python's `interval` is [`Timer::interval`]. Python's `function` and
//! `args`/`kwargs` have no counterpart: the function is an `FnOnce` moved into
//! the timer's thread, which calls it at most once, so there is nothing a
//! caller could be handed to call or inspect; its arguments are what the
//! closure captures.
//!
//! ```
//! use std::sync::Arc;
//! use std::sync::atomic::{AtomicBool, Ordering};
//! use std::time::Duration;
//! use sync_kit::Timer;
//!
//! let fired = Arc::new(AtomicBool::new(false));
//! let flag = Arc::clone(&fired);
//! let t = Timer::new(Duration::from_secs(30), move || flag.store(true, Ordering::SeqCst));
//! t.set_name("t2");
//! t.start()?;
//! t.cancel();
//! t.join()?; // returns promptly: the wait was cut short
//! assert!(!fired.load(Ordering::SeqCst));
//! # Ok::<(), sync_kit::Error>(())
//! ```

use std::ops::Deref;
use std::sync::Arc;
use std::time::Duration;

use crate::event::Event;
use crate::thread::{Run, Thread};

/// A thread that calls a function after an interval unless cancelled.
///
/// ```
/// use std::sync::mpsc;
/// use std::time::Duration;
/// use sync_kit::Timer;
///
/// let (tx, rx) = mpsc::channel();
/// let t = Timer::new(Duration::from_millis(10), move || tx.send("fired").unwrap());
/// assert_eq!(t.interval(), Duration::from_millis(10));
/// t.start()?;
/// t.join()?;
/// assert_eq!(rx.try_recv(), Ok("fired"));
/// assert!(t.finished().is_set());
/// # Ok::<(), sync_kit::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Timer {
    thread: Thread,
    finished: Arc<Event>,
    interval: Duration,
}

/// The timer thread's body: wait on `finished` for the interval, then fire.
struct Fire<F> {
    interval: Duration,
    function: Option<F>,
    finished: Arc<Event>,
}

impl<F: FnOnce() + Send + 'static> Run for Fire<F> {
    fn run(&mut self) {
        self.finished.wait_timeout(self.interval);
        // Re-check, as CPython does: a cancel that lands as the interval ends
        // still wins.
        if !self.finished.is_set() {
            crate::observe::instant("timer", "fire", || self.finished.as_object("Event"));
            if let Some(function) = self.function.take() {
                function();
            }
        }
        self.finished.set();
    }
}

impl Timer {
    /// A timer (not started) that will call `function` `interval` after `start`.
    pub fn new<F>(interval: Duration, function: F) -> Timer
    where
        F: FnOnce() + Send + 'static,
    {
        let finished = Arc::new(Event::new());
        let thread = Thread::from_run(Fire {
            interval,
            function: Some(function),
            finished: Arc::clone(&finished),
        });
        Timer {
            thread,
            finished,
            interval,
        }
    }

    /// Python's `interval`: how long after `start` the function runs, as
    /// given (before [`crate::time`]'s scaling).
    pub fn interval(&self) -> Duration {
        self.interval
    }

    /// Stops the timer if it has not fired yet; does nothing afterwards.
    pub fn cancel(&self) {
        crate::observe::instant("timer", "cancel", || self.finished.as_object("Event"));
        self.finished.set();
    }

    /// Python's `finished` event: set once the timer fired or was cancelled.
    pub fn finished(&self) -> &Event {
        &self.finished
    }

    /// The timer's thread.
    pub fn thread(&self) -> &Thread {
        &self.thread
    }
}

impl Deref for Timer {
    type Target = Thread;

    fn deref(&self) -> &Thread {
        &self.thread
    }
}
