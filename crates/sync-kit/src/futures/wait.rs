//! [`wait`] and [`as_completed`]: block on several futures at once.
//!
//! Both register one [`Waiter`] with every future; a future that completes
//! tells it, under the future's lock, which index completed and how. Lock
//! order: a future's lock, then the waiter's; the waiter's lock is otherwise
//! taken alone.

use std::collections::{HashSet, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use super::future::Future;
use super::unscaled_remaining;
use crate::error::{Error, ErrorKind, Result};
use crate::event::Event;
use crate::lock::{Lock, LockGuard};
use crate::time::Deadline;

/// When [`wait`] returns (Python's `FIRST_COMPLETED`, `FIRST_EXCEPTION`,
/// `ALL_COMPLETED`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReturnWhen {
    /// As soon as one future finishes or is cancelled.
    FirstCompleted,
    /// As soon as one task panics; if none does, like `AllCompleted`.
    FirstException,
    /// When every future has finished or been cancelled.
    AllCompleted,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Outcome {
    Returned,
    Panicked,
    Cancelled,
}

enum Mode {
    AsCompleted,
    Wait(ReturnWhen),
}

struct Tally {
    finished: Vec<usize>,
    pending: usize,
}

/// What `wait` and `as_completed` block on (CPython's `_Waiter` family).
pub(super) struct Waiter {
    lock: Lock,
    /// Invariant: locked only while `lock` is held, so it never blocks.
    tally: Mutex<Tally>,
    event: Event,
    mode: Mode,
}

impl Waiter {
    fn new(mode: Mode, pending: usize) -> Arc<Waiter> {
        Arc::new(Waiter {
            lock: Lock::new(),
            tally: Mutex::new(Tally {
                finished: Vec::new(),
                pending,
            }),
            event: Event::new(),
            mode,
        })
    }

    fn tally<'a>(&'a self, _held: &LockGuard<'_>) -> MutexGuard<'a, Tally> {
        self.tally.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Future number `index` completed.
    pub(super) fn add(&self, index: usize, outcome: Outcome) {
        let held = self.lock.lock();
        let mut tally = self.tally(&held);
        tally.finished.push(index);
        tally.pending = tally.pending.saturating_sub(1);
        let wake = match self.mode {
            Mode::AsCompleted | Mode::Wait(ReturnWhen::FirstCompleted) => true,
            Mode::Wait(ReturnWhen::FirstException) => {
                outcome == Outcome::Panicked || tally.pending == 0
            }
            Mode::Wait(ReturnWhen::AllCompleted) => tally.pending == 0,
        };
        if wake {
            self.event.set();
        }
    }

    /// The indices reported since the last call; clears the event with them.
    fn drain(&self) -> Vec<usize> {
        let held = self.lock.lock();
        let mut tally = self.tally(&held);
        self.event.clear();
        std::mem::take(&mut tally.finished)
    }
}

/// The futures, each once (Python turns `fs` into a set).
fn distinct<'a, T: 'a>(fs: impl IntoIterator<Item = &'a Future<T>>) -> Vec<Future<T>> {
    let mut seen = HashSet::new();
    fs.into_iter()
        .filter(|f| seen.insert(f.key()))
        .cloned()
        .collect()
}

fn install<T>(fs: &[Future<T>], mode: Mode) -> Arc<Waiter> {
    let waiter = Waiter::new(mode, fs.len());
    for (index, f) in fs.iter().enumerate() {
        f.install(&waiter, index);
    }
    waiter
}

/// What [`wait`] returns: Python's `DoneAndNotDoneFutures`, each list in the
/// order the futures were given, without duplicates.
#[derive(Debug)]
pub struct DoneAndNotDone<T> {
    /// The futures that finished or were cancelled (and the executor noticed).
    pub done: Vec<Future<T>>,
    /// The others.
    pub not_done: Vec<Future<T>>,
}

/// Waits until the futures meet `return_when`, or `timeout` (scaled; `None`:
/// forever) runs out, and splits them into done and not done (Python's
/// `concurrent.futures.wait`). A future cancelled before it started counts as
/// done once the executor has dropped its task, as in CPython.
///
/// ```
/// use sync_kit::futures::{ReturnWhen, ThreadPoolExecutor, wait};
///
/// let ex = ThreadPoolExecutor::new(2)?;
/// let fs = vec![ex.submit(|| 1)?, ex.submit(|| 2)?];
/// let result = wait(&fs, None, ReturnWhen::AllCompleted);
/// assert_eq!(result.done.len(), 2);
/// assert!(result.not_done.is_empty());
/// # Ok::<(), sync_kit::Error>(())
/// ```
pub fn wait<'a, T: 'a>(
    fs: impl IntoIterator<Item = &'a Future<T>>,
    timeout: Option<Duration>,
    return_when: ReturnWhen,
) -> DoneAndNotDone<T> {
    let fs = distinct(fs);
    let waiter = install(&fs, Mode::Wait(return_when));
    if !fs.is_empty() {
        match timeout {
            None => waiter.event.wait(),
            Some(timeout) => waiter.event.wait_timeout(timeout),
        };
    }
    for f in &fs {
        f.uninstall(&waiter);
    }
    let done: HashSet<usize> = waiter.drain().into_iter().collect();
    let (done, not_done) = fs
        .into_iter()
        .enumerate()
        .partition::<Vec<_>, _>(|(index, _)| done.contains(index));
    DoneAndNotDone {
        done: done.into_iter().map(|(_, f)| f).collect(),
        not_done: not_done.into_iter().map(|(_, f)| f).collect(),
    }
}

/// The iterator of [`as_completed`] and [`as_completed_timeout`]: each future
/// once, as it completes.
pub struct AsCompleted<T> {
    fs: Vec<Future<T>>,
    waiter: Arc<Waiter>,
    ready: VecDeque<usize>,
    left: usize,
    deadline: Option<Deadline>,
    timed_out: bool,
}

/// Yields the futures as they complete (finish, or are cancelled and dropped by
/// the executor): those already complete first, then each as it completes
/// (Python's `concurrent.futures.as_completed(fs)`). A future given twice is
/// yielded once. Dropping the iterator early is fine.
///
/// ```
/// use sync_kit::futures::{ThreadPoolExecutor, as_completed};
///
/// let ex = ThreadPoolExecutor::new(3)?;
/// let fs: Vec<_> = (0..3).map(|i| ex.submit(move || i * 10)).collect::<Result<_, _>>()?;
/// let mut results: Vec<i32> = as_completed(&fs).map(|f| f.result()).collect::<Result<_, _>>()?;
/// results.sort();
/// assert_eq!(results, [0, 10, 20]);
/// # Ok::<(), sync_kit::Error>(())
/// ```
pub fn as_completed<'a, T: 'a>(fs: impl IntoIterator<Item = &'a Future<T>>) -> AsCompleted<T> {
    start(fs, None)
}

/// Like [`as_completed`], with one deadline `timeout` (scaled) from now for the
/// whole iteration: once it passes, the iterator yields one
/// [`ErrorKind::Timeout`] error (`N (of M) futures unfinished`) and ends.
pub fn as_completed_timeout<'a, T: 'a>(
    fs: impl IntoIterator<Item = &'a Future<T>>,
    timeout: Duration,
) -> TimedAsCompleted<T> {
    TimedAsCompleted(start(fs, Some(Deadline::after(Some(timeout)))))
}

fn start<'a, T: 'a>(
    fs: impl IntoIterator<Item = &'a Future<T>>,
    deadline: Option<Deadline>,
) -> AsCompleted<T> {
    let fs = distinct(fs);
    let waiter = install(&fs, Mode::AsCompleted);
    AsCompleted {
        left: fs.len(),
        fs,
        waiter,
        ready: VecDeque::new(),
        deadline,
        timed_out: false,
    }
}

impl<T> AsCompleted<T> {
    fn next_result(&mut self) -> Option<Result<Future<T>>> {
        loop {
            if let Some(index) = self.ready.pop_front() {
                self.left -= 1;
                return Some(Ok(self.fs[index].clone()));
            }
            if self.left == 0 || self.timed_out {
                return None;
            }
            let finished = self.waiter.drain();
            if !finished.is_empty() {
                self.ready.extend(finished);
                continue;
            }
            match self.deadline {
                None => {
                    self.waiter.event.wait();
                }
                Some(deadline) if deadline.expired() => {
                    self.timed_out = true;
                    return Some(Err(Error::new(
                        ErrorKind::Timeout,
                        format!("{} (of {}) futures unfinished", self.left, self.fs.len()),
                    )));
                }
                Some(deadline) => match unscaled_remaining(&deadline) {
                    Some(left) => {
                        self.waiter.event.wait_timeout(left);
                    }
                    None => {
                        self.waiter.event.wait();
                    }
                },
            }
        }
    }
}

impl<T> Iterator for AsCompleted<T> {
    type Item = Future<T>;

    fn next(&mut self) -> Option<Future<T>> {
        // Without a deadline there is no error to yield.
        self.next_result().and_then(Result::ok)
    }
}

impl<T> Drop for AsCompleted<T> {
    fn drop(&mut self) {
        for f in &self.fs {
            f.uninstall(&self.waiter);
        }
    }
}

/// The iterator of [`as_completed_timeout`].
pub struct TimedAsCompleted<T>(AsCompleted<T>);

impl<T> Iterator for TimedAsCompleted<T> {
    type Item = Result<Future<T>>;

    fn next(&mut self) -> Option<Result<Future<T>>> {
        self.0.next_result()
    }
}
