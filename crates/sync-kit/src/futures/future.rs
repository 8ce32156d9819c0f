//! [`Future`]: the pending result of a task submitted to an executor.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use super::capture;
use super::wait::{Outcome, Waiter};
use crate::condition::{Condition, ConditionGuard};
use crate::error::{Error, ErrorKind, Result};
use crate::lock::Lock;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Pending,
    Running,
    /// Cancelled; waiters (`wait`, `as_completed`) not told yet.
    Cancelled,
    /// Cancelled, and the executor told the waiters when it dropped the task.
    CancelledAndNotified,
    Finished,
}

type Callback<T> = Box<dyn FnOnce(&Future<T>) + Send>;

struct Cell<T> {
    state: State,
    outcome: Option<Result<T>>,
    callbacks: Vec<Callback<T>>,
    waiters: Vec<(Arc<Waiter>, usize)>,
}

struct Inner<T> {
    cond: Condition<Lock>,
    /// Invariant: locked only while `cond`'s sync-kit lock is held (`cell`
    /// takes its guard as proof), so it is never contended and never blocks.
    cell: Mutex<Cell<T>>,
}

/// The result of a task, some time from now: Python's
/// `concurrent.futures.Future`, as returned by
/// [`ThreadPoolExecutor::submit`](super::ThreadPoolExecutor::submit).
///
/// Cloning gives another handle to the same future; `==` compares identity.
/// A task that panics gives a future whose `result` is an
/// [`ErrorKind::Panicked`] error with the panic's message; the panic is not
/// reported on stderr, as CPython does not print an exception stored in a future.
pub struct Future<T> {
    inner: Arc<Inner<T>>,
}

impl<T> Clone for Future<T> {
    fn clone(&self) -> Self {
        Future {
            inner: Arc::clone(&self.inner),
        }
    }
}

impl<T> PartialEq for Future<T> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }
}

impl<T> Eq for Future<T> {}

impl<T> Future<T> {
    pub(super) fn new() -> Self {
        Future {
            inner: Arc::new(Inner {
                cond: Condition::with_lock(Arc::new(Lock::new())),
                cell: Mutex::new(Cell {
                    state: State::Pending,
                    outcome: None,
                    callbacks: Vec::new(),
                    waiters: Vec::new(),
                }),
            }),
        }
    }

    /// An identity key, for de-duplicating futures.
    pub(super) fn key(&self) -> usize {
        Arc::as_ptr(&self.inner) as usize
    }

    fn cell<'a>(&'a self, _held: &ConditionGuard<'_, Lock>) -> MutexGuard<'a, Cell<T>> {
        // A panic never happens halfway through an update of the cell.
        self.inner
            .cell
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn state(&self) -> State {
        let held = self.inner.cond.lock();
        self.cell(&held).state
    }

    /// Cancels the task if it has not started: `true` if the future is now
    /// cancelled (also if it already was), `false` if it runs or has finished.
    /// Done-callbacks run now, in this thread.
    pub fn cancel(&self) -> bool {
        {
            let held = self.inner.cond.lock();
            let mut cell = self.cell(&held);
            match cell.state {
                State::Running | State::Finished => return false,
                State::Cancelled | State::CancelledAndNotified => return true,
                State::Pending => cell.state = State::Cancelled,
            }
            drop(cell);
            notify_all(&self.inner.cond);
        }
        self.invoke_callbacks();
        true
    }

    /// Whether the future was cancelled.
    pub fn cancelled(&self) -> bool {
        matches!(self.state(), State::Cancelled | State::CancelledAndNotified)
    }

    /// Whether the task is running now.
    pub fn running(&self) -> bool {
        self.state() == State::Running
    }

    /// Whether the task finished (returned or panicked) or was cancelled.
    pub fn done(&self) -> bool {
        !matches!(self.state(), State::Pending | State::Running)
    }

    /// Waits (at most `timeout`, scaled; `None`: forever) until the future is
    /// done, then reads its outcome with `read`, with the lock held.
    fn outcome<R>(
        &self,
        timeout: Option<Duration>,
        read: impl FnOnce(&mut Option<Result<T>>) -> Result<R>,
    ) -> Result<R> {
        let held = self.inner.cond.lock();
        let done = || {
            matches!(
                self.cell(&held).state,
                State::Cancelled | State::CancelledAndNotified | State::Finished
            )
        };
        // Cannot fail: the lock is held.
        let _ = self.inner.cond.wait_for(done, timeout);
        let mut cell = self.cell(&held);
        match cell.state {
            State::Cancelled | State::CancelledAndNotified => {
                Err(Error::bare(ErrorKind::Cancelled))
            }
            State::Finished => read(&mut cell.outcome),
            State::Pending | State::Running => Err(Error::bare(ErrorKind::Timeout)),
        }
    }

    /// Waits for the task and returns its result (Python's `result()`).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Cancelled`], or the task's panic ([`ErrorKind::Panicked`]).
    pub fn result(&self) -> Result<T>
    where
        T: Clone,
    {
        self.outcome(None, |outcome| clone_outcome(outcome))
    }

    /// Like [`result`](Self::result), waiting at most `timeout` (scaled).
    ///
    /// # Errors
    ///
    /// As [`result`](Self::result), and [`ErrorKind::Timeout`] when the time ran
    /// out.
    pub fn result_timeout(&self, timeout: Duration) -> Result<T>
    where
        T: Clone,
    {
        self.outcome(Some(timeout), |outcome| clone_outcome(outcome))
    }

    /// Waits for the task and moves its result out: for `map`, whose futures
    /// nobody else can read.
    pub(super) fn take_result(&self, timeout: Option<Duration>) -> Result<T> {
        self.outcome(timeout, |outcome| {
            outcome
                .take()
                .unwrap_or_else(|| Err(Error::new(ErrorKind::Cancelled, "result already taken")))
        })
    }

    /// Waits for the task and returns its panic as an error, or `None` if it
    /// returned (Python's `exception()`). `timeout` is scaled; `None`: forever.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Cancelled`], [`ErrorKind::Timeout`].
    pub fn exception(&self, timeout: Option<Duration>) -> Result<Option<Error>> {
        self.outcome(timeout, |outcome| {
            Ok(match outcome {
                Some(Err(err)) => Some(err.clone()),
                _ => None,
            })
        })
    }

    /// Calls `callback` with this future once it is done (finished or
    /// cancelled): at once, in this thread, if it is done already; otherwise in
    /// the thread that completes it. Callbacks run in the order they were added;
    /// one that panics is reported on stderr and the others still run.
    pub fn add_done_callback(&self, callback: impl FnOnce(&Future<T>) + Send + 'static) {
        {
            let held = self.inner.cond.lock();
            let mut cell = self.cell(&held);
            if matches!(cell.state, State::Pending | State::Running) {
                cell.callbacks.push(Box::new(callback));
                return;
            }
        }
        self.call_back(Box::new(callback));
    }

    fn invoke_callbacks(&self) {
        let callbacks = {
            let held = self.inner.cond.lock();
            std::mem::take(&mut self.cell(&held).callbacks)
        };
        for callback in callbacks {
            self.call_back(callback);
        }
    }

    fn call_back(&self, callback: Callback<T>) {
        if let Err(err) = capture::catch(|| callback(self)) {
            // Python logs `exception calling callback for <Future ...>`.
            eprintln!("exception calling callback for {self:?}\n{err}");
        }
    }

    /// The executor's check before it runs the task: `false` (and waiters told)
    /// if the future was cancelled, else it is now running.
    pub(super) fn set_running_or_notify_cancel(&self) -> bool {
        let held = self.inner.cond.lock();
        let mut cell = self.cell(&held);
        match cell.state {
            State::Pending => {
                cell.state = State::Running;
                true
            }
            State::Cancelled => {
                cell.state = State::CancelledAndNotified;
                for (waiter, index) in &cell.waiters {
                    waiter.add(*index, Outcome::Cancelled);
                }
                false
            }
            // Only the executor calls this, once per future.
            State::Running | State::CancelledAndNotified | State::Finished => false,
        }
    }

    /// Stores the task's outcome, wakes every waiter, runs the callbacks.
    pub(super) fn set_outcome(&self, outcome: Result<T>) {
        {
            let held = self.inner.cond.lock();
            let mut cell = self.cell(&held);
            let told = match outcome {
                Ok(_) => Outcome::Returned,
                Err(_) => Outcome::Panicked,
            };
            cell.state = State::Finished;
            cell.outcome = Some(outcome);
            for (waiter, index) in &cell.waiters {
                waiter.add(*index, told);
            }
            drop(cell);
            notify_all(&self.inner.cond);
        }
        self.invoke_callbacks();
    }

    /// Registers `waiter` under `index`; if the future is complete already (as
    /// `wait` counts it: finished, or cancelled and notified), tells it at once.
    pub(super) fn install(&self, waiter: &Arc<Waiter>, index: usize) {
        let held = self.inner.cond.lock();
        let mut cell = self.cell(&held);
        match (&cell.state, &cell.outcome) {
            (State::Finished, Some(Err(_))) => waiter.add(index, Outcome::Panicked),
            (State::Finished, _) => waiter.add(index, Outcome::Returned),
            (State::CancelledAndNotified, _) => waiter.add(index, Outcome::Cancelled),
            _ => {}
        }
        cell.waiters.push((Arc::clone(waiter), index));
    }

    pub(super) fn uninstall(&self, waiter: &Arc<Waiter>) {
        let held = self.inner.cond.lock();
        self.cell(&held)
            .waiters
            .retain(|(w, _)| !Arc::ptr_eq(w, waiter));
    }
}

fn clone_outcome<T: Clone>(outcome: &mut Option<Result<T>>) -> Result<T> {
    outcome
        .clone()
        .unwrap_or_else(|| Err(Error::new(ErrorKind::Cancelled, "result already taken")))
}

// Cannot fail: every caller holds the condition's lock (through a guard).
fn notify_all(cond: &Condition<Lock>) {
    let _ = cond.notify_all();
}

/// Python's repr: `<Future at 0x7f... state=finished returned i32>`.
impl<T> fmt::Debug for Future<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let held = self.inner.cond.lock();
        let cell = self.cell(&held);
        let state = match cell.state {
            State::Pending => "pending",
            State::Running => "running",
            State::Cancelled | State::CancelledAndNotified => "cancelled",
            State::Finished => "finished",
        };
        write!(f, "<Future at {:#x} state={state}", self.key())?;
        match &cell.outcome {
            Some(Ok(_)) => write!(f, " returned {}", short_type_name::<T>())?,
            Some(Err(err)) => write!(f, " raised {:?}", err.kind())?,
            None => {}
        }
        f.write_str(">")
    }
}

/// `i32`, `String`, `(i32, f64)`: the type's name without module paths.
fn short_type_name<T>() -> String {
    let full = std::any::type_name::<T>();
    let mut out = String::new();
    for piece in full.split_inclusive(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':')) {
        let (path, tail) = piece.split_at(
            piece
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .unwrap_or(piece.len()),
        );
        out.push_str(path.rsplit("::").next().unwrap_or(path));
        out.push_str(tail);
    }
    out
}
