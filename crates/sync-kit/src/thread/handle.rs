//! A thread whose return value can be taken: [`JoinHandle`], made by
//! [`Builder::target_with_result`](super::Builder::target_with_result) or
//! [`Thread::with_result`](super::Thread::with_result).
//!
//! Python's `Thread` has no return value and `join` never says whether the
//! target raised: the exception goes to [`excepthook`](super::excepthook) and
//! `join` returns `None`. sync-kit keeps that for [`Thread`]; a
//! [`JoinHandle`] is that same thread object (it dereferences to [`Thread`],
//! so `start`, `name`, `is_alive`, `join_timeout` are all there) plus one
//! consuming [`join`](JoinHandle::join) that gives the value, or
//! [`ErrorKind::Panicked`] with the panic message if the target panicked. The
//! panic is still reported by the excepthook first, as in Python.
//!
//! Other handles to the thread (`handle.thread().clone()`) keep Python's
//! `join`: any number of threads may wait for it; only the `JoinHandle` takes
//! the value.

use std::ops::Deref;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::{Arc, Mutex};

use super::{Builder, Thread, excepthook};
use crate::error::{Error, ErrorKind, Result};
use crate::sync::lock_std as lock;

/// What the target left behind.
enum Outcome<T> {
    Returned(T),
    Panicked(String),
}

type Slot<T> = Arc<Mutex<Option<Outcome<T>>>>;

/// A thread (not started until [`start`](Thread::start)) whose target returns
/// a `T`.
///
/// ```
/// use sync_kit::{ErrorKind, Thread};
///
/// let worker = Thread::with_result(|| 6 * 7);
/// worker.start()?;
/// assert_eq!(worker.join()?, 42);
///
/// let failing = Thread::builder()
///     .name("failing")
///     .target_with_result(|| -> u32 { panic!("no answer") });
/// failing.start()?; // the excepthook reports the panic on stderr
/// let err = failing.join().unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::Panicked);
/// assert_eq!(err.message(), "no answer");
/// # Ok::<(), sync_kit::Error>(())
/// ```
#[must_use = "a thread does nothing until it is started"]
pub struct JoinHandle<T> {
    thread: Thread,
    outcome: Slot<T>,
}

impl Builder {
    /// Creates the thread (not started) that will call `f`, and a handle
    /// whose [`join`](JoinHandle::join) gives what `f` returns.
    pub fn target_with_result<F, T>(self, f: F) -> JoinHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let outcome: Slot<T> = Arc::new(Mutex::new(None));
        let slot = Arc::clone(&outcome);
        let thread = self.target(move || match catch_unwind(AssertUnwindSafe(f)) {
            Ok(value) => *lock(&slot) = Some(Outcome::Returned(value)),
            Err(payload) => {
                let message = excepthook::panic_message(&*payload).to_owned();
                *lock(&slot) = Some(Outcome::Panicked(message));
                // On with the unwinding, so the thread still ends as a
                // panicking one; the hook already reported it.
                resume_unwind(payload);
            }
        });
        JoinHandle { thread, outcome }
    }
}

impl Thread {
    /// A thread (not started) named `Thread-N` that will call `f`; the
    /// handle's [`join`](JoinHandle::join) gives what `f` returns.
    pub fn with_result<F, T>(f: F) -> JoinHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        Builder::new().target_with_result(f)
    }
}

impl<T> JoinHandle<T> {
    /// The thread object, to clone, compare or hand to others.
    pub fn thread(&self) -> &Thread {
        &self.thread
    }

    /// Waits until the thread has finished, then gives what its target
    /// returned.
    ///
    /// # Errors
    /// As [`Thread::join`] ([`ErrorKind::NotStarted`],
    /// [`ErrorKind::JoinCurrentThread`]); [`ErrorKind::Panicked`], with the
    /// panic's message, if the target panicked.
    #[track_caller]
    pub fn join(self) -> Result<T> {
        self.thread.join()?;
        match lock(&self.outcome).take() {
            Some(Outcome::Returned(value)) => Ok(value),
            Some(Outcome::Panicked(message)) => Err(Error::new(ErrorKind::Panicked, message)),
            // The body ran (the thread finished), so it left an outcome;
            // only a target cancelled before running leaves none.
            None => Err(Error::new(
                ErrorKind::Panicked,
                "the thread ended without running its target",
            )),
        }
    }
}

impl<T> Deref for JoinHandle<T> {
    type Target = Thread;

    fn deref(&self) -> &Thread {
        &self.thread
    }
}

impl<T> std::fmt::Debug for JoinHandle<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("JoinHandle").field(&self.thread).finish()
    }
}
