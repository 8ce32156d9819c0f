//! Starting a thread: [`Thread::start`], and the first and last things the new
//! OS thread does. `start` never panics: a refused or failed spawn leaves the
//! thread unstarted, unlisted, with its status waiters woken.

use std::panic::Location;
use std::sync::atomic::Ordering;

use super::{State, Thread, excepthook, native_id, registry, stack_size};
use crate::error::{Error, ErrorKind, Result};
use crate::sync::lock_std as lock;
use crate::time::Deadline;

impl Thread {
    /// Starts the thread. When this returns the new thread has begun running (as
    /// in CPython), is alive (unless it has already finished), is listed by
    /// [`enumerate`](super::enumerate), and has its [`ident`](Self::ident).
    ///
    /// # Errors
    /// [`ErrorKind::AlreadyStarted`] on a second call (or on the main and dummy
    /// threads, which are running already); [`ErrorKind::Spawn`] if the operating
    /// system refuses a new thread, in which case the thread is left unstarted
    /// and unlisted.
    #[track_caller]
    pub fn start(&self) -> Result<()> {
        crate::sim::point();
        {
            let mut status = lock(&self.inner.status);
            if status.state != State::Initial {
                return Err(Error::already_started());
            }
            status.state = State::Started;
            self.notify_status(status);
        }
        let ident = registry::next_ident();
        self.inner.ident.store(ident, Ordering::Relaxed);
        let seq = registry::register(self);
        self.inner.seq.store(seq, Ordering::Relaxed);
        excepthook::install();

        let mut builder = std::thread::Builder::new();
        if let Some(name) = self.with_name(os_name) {
            builder = builder.name(name);
        }
        if let Some(bytes) = stack_size::for_start(self.inner.stack_size) {
            builder = builder.stack_size(bytes);
        }
        let this = self.clone();
        let seat = crate::sim::seat_for_child(self);
        // std's spawn can panic as well as fail (an absurd stack size
        // overflows its rounding): both leave the thread unstarted.
        let spawned = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            builder.spawn(move || this.bootstrap(ident, seat))
        }));
        let err = match spawned {
            Ok(Ok(handle)) => {
                *lock(&self.inner.os_handle) = Some(handle);
                self.wait_running(Location::caller());
                return Ok(());
            }
            Ok(Err(err)) => err.to_string(),
            Err(panic) => excepthook::panic_message(&*panic).to_owned(),
        };
        registry::deregister(self);
        self.inner.ident.store(0, Ordering::Relaxed);
        let mut status = lock(&self.inner.status);
        status.state = State::Initial;
        self.notify_status(status);
        Err(Error::new(
            ErrorKind::Spawn,
            format!("can't start new thread: {err}"),
        ))
    }

    /// Like CPython's `start`, returns only once the new thread runs: threads
    /// started one after another begin in that order, and a daemon thread is
    /// really running before the program moves on.
    fn wait_running(&self, site: &'static Location<'static>) {
        // The new thread usually starts on the other core within microseconds:
        // a short spin saves the park and wake-up (never under the simulator,
        // where the new thread cannot run while we spin).
        let mut spin = crate::spin::SpinWait::new();
        while !self.inner.running.load(Ordering::Acquire) {
            if !spin.spin() {
                break;
            }
        }
        drop(self.wait_for_status(Deadline::NEVER, "start", site, |_| {
            self.inner.running.load(Ordering::Acquire)
        }));
    }

    /// Runs on the new OS thread: the body, then the bookkeeping of its end.
    fn bootstrap(self, ident: u64, seat: Option<crate::sim::Seat>) {
        if let Some(seat) = seat {
            seat.enter();
        }
        registry::install_current(self.clone(), ident);
        self.adopt_parker();
        let native = native_id::current();
        {
            let mut status = lock(&self.inner.status);
            self.inner.running.store(true, Ordering::Release);
            status.native_id = Some(native);
            self.notify_status(status);
        }
        crate::observe::thread_begin();
        // The starter may go on now, or the new thread first: a choice.
        crate::sim::point();
        let body = lock(&self.inner.body).take();
        if let Some(mut body) = body {
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| body.run()));
            // Drop what the body owns before the thread counts as finished,
            // even if dropping it panics too.
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || drop(body)));
            // A panic was already reported by the hook; the thread just ends.
            crate::observe::thread_end(outcome.is_err());
            drop(outcome);
        }
        // The exit's scheduling point comes before the thread counts as
        // finished, so that under the simulator a joiner, once woken, finds
        // this thread already out of the run.
        crate::sim::point();
        crate::local::clear_current_thread();
        registry::deregister(&self);
        self.mark_stopped();
        crate::sim::leave_run();
    }
}

/// The name the OS thread gets: up to the first NUL byte (which neither std
/// nor the OS accept), none if that leaves nothing.
fn os_name(name: &str) -> Option<String> {
    let visible = name.split('\0').next().unwrap_or_default();
    (!visible.is_empty()).then(|| visible.to_owned())
}
