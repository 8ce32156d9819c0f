//! [`SimpleQueue`]: Python's `queue.SimpleQueue`, an unbounded FIFO queue
//! without task tracking or shutdown.

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use crate::condition::{Condition, ConditionGuard};
use crate::error::{Error, ErrorKind, Result};
use crate::lock::Lock;

/// An unbounded FIFO queue: Python's `queue.SimpleQueue`. `put` never blocks
/// and cannot fail; there is no `task_done`, `join` or `shutdown`.
///
/// ```
/// use std::time::Duration;
/// use sync_kit::ErrorKind;
/// use sync_kit::queue::SimpleQueue;
///
/// let q = SimpleQueue::new();
/// q.put("a");
/// q.put("b");
/// assert_eq!(q.get(), "a");
/// assert_eq!(q.get_nowait()?, "b");
/// assert_eq!(q.get_timeout(Duration::from_millis(1)).unwrap_err().kind(), ErrorKind::Empty);
/// # Ok::<(), sync_kit::Error>(())
/// ```
pub struct SimpleQueue<T> {
    not_empty: Condition<Lock>,
    /// Invariant: locked only while `not_empty`'s sync-kit lock is held, so it
    /// is never contended and never blocks.
    items: Mutex<VecDeque<T>>,
}

impl<T> Default for SimpleQueue<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> SimpleQueue<T> {
    /// An empty queue.
    pub fn new() -> Self {
        SimpleQueue {
            not_empty: Condition::with_lock(Arc::new(Lock::new())),
            items: Mutex::new(VecDeque::new()),
        }
    }

    fn items<'a>(&'a self, _held: &ConditionGuard<'_, Lock>) -> MutexGuard<'a, VecDeque<T>> {
        // Nothing in a critical section here can panic halfway.
        self.items.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Adds `item` at the back; never blocks.
    pub fn put(&self, item: T) {
        let held = self.not_empty.lock();
        self.items(&held).push_back(item);
        // Cannot fail: the lock is held.
        let _ = self.not_empty.notify();
    }

    fn get_with(&self, timeout: Option<Option<Duration>>) -> Option<T> {
        let held = self.not_empty.lock();
        if let Some(timeout) = timeout {
            // Cannot fail: the lock is held.
            let _ = self
                .not_empty
                .wait_for(|| !self.items(&held).is_empty(), timeout);
        }
        self.items(&held).pop_front()
    }

    /// Takes the oldest item, waiting as long as it takes.
    pub fn get(&self) -> T {
        loop {
            if let Some(item) = self.get_with(Some(None)) {
                return item;
            }
        }
    }

    /// Takes the oldest item if there is one now.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Empty`] if there is none.
    pub fn get_nowait(&self) -> Result<T> {
        self.get_with(None)
            .ok_or_else(|| Error::bare(ErrorKind::Empty))
    }

    /// Takes the oldest item, waiting at most `timeout` (scaled) for one.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Empty`] if none came in time.
    pub fn get_timeout(&self, timeout: Duration) -> Result<T> {
        self.get_with(Some(Some(timeout)))
            .ok_or_else(|| Error::bare(ErrorKind::Empty))
    }

    /// How many items the queue holds now.
    pub fn qsize(&self) -> usize {
        let held = self.not_empty.lock();
        self.items(&held).len()
    }

    /// Whether the queue holds no item now.
    pub fn empty(&self) -> bool {
        self.qsize() == 0
    }
}

impl<T> fmt::Debug for SimpleQueue<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimpleQueue")
            .field("qsize", &self.qsize())
            .finish()
    }
}
