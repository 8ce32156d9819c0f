//! Python's `queue` module: [`Queue`] (FIFO), [`LifoQueue`], [`PriorityQueue`]
//! and [`SimpleQueue`], for handing items between threads.
//!
//! | Python | sync-kit |
//! |---|---|
//! | `Queue(maxsize)`, `LifoQueue()`, `PriorityQueue()` | [`Queue::with_maxsize`], [`LifoQueue::new`], [`PriorityQueue::new`] |
//! | `q.put(x)`, `q.put(x, block=False)`, `q.put(x, timeout=t)` | [`Queue::put`], [`Queue::put_nowait`], [`Queue::put_timeout`] |
//! | `q.get()`, `q.get_nowait()`, `q.get(timeout=t)` | [`Queue::get`], [`Queue::get_nowait`], [`Queue::get_timeout`] |
//! | `queue.Empty`, `queue.Full`, `queue.ShutDown` | [`ErrorKind::Empty`], [`ErrorKind::Full`], [`ErrorKind::ShutDown`] |
//! | `q.task_done()`, `q.join()` | [`Queue::task_done`], [`Queue::join`] |
//! | `q.qsize()`, `q.empty()`, `q.full()`, `q.maxsize` | [`Queue::qsize`], [`Queue::empty`], [`Queue::full`], [`Queue::maxsize`] |
//! | `q.shutdown(immediate)` (3.13) | [`Queue::shutdown`] |
//! | a subclass overriding `_put`/`_get` | a [`Store`] of your own |
//!
//! # Guarantees (CPython's)
//!
//! - A `put` that fails gives the item back ([`PutError::into_inner`]); a `get`
//!   that fails takes nothing.
//! - `maxsize` 0 means unbounded. Timeouts are scaled by [`crate::time`], are one
//!   deadline for the whole call, and never end early; a zero timeout is a single
//!   check, like `block=False`.
//! - `task_done` called more often than items were put is an
//!   [`ErrorKind::InvalidArgument`] error (`ValueError`), and changes nothing.
//! - After `shutdown(false)`, `put` fails with `ShutDown` and `get` drains what is
//!   left, then fails with `ShutDown`; `shutdown(true)` also discards the items
//!   (counting each as done, which releases `join`). Every blocked `put` and `get`
//!   wakes up to re-check.
//! - `qsize`, `empty` and `full` are snapshots: another thread may change the
//!   queue before the answer is used, as Python's documentation warns.
//! - Fairness: a `put` or `get` wakes the oldest blocked opposite caller, but a
//!   thread arriving at that moment may take the slot or item first.
//!
//! Differences from Python: timeouts are [`Duration`]s, so the negative timeout
//! CPython rejects with `ValueError` cannot be written.
//!
//! ```
//! use std::sync::Arc;
//! use sync_kit::{Thread, queue::Queue};
//!
//! let q = Arc::new(Queue::with_maxsize(2));
//! let consumer = {
//!     let q = Arc::clone(&q);
//!     Thread::new(move || {
//!         while let Ok(item) = q.get() {
//!             println!("got {item}");
//!             q.task_done().expect("one task_done per get");
//!         }
//!     })
//! };
//! consumer.start()?;
//! for i in 0..5 {
//!     q.put(i)?; // blocks while two items wait
//! }
//! q.join(); // every item was got and marked done
//! q.shutdown(false); // the consumer's next get fails: it ends
//! consumer.join()?;
//! # Ok::<(), sync_kit::Error>(())
//! ```

mod kinds;
mod put_error;
mod simple;
mod store;

use std::collections::VecDeque;
use std::fmt;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

pub use kinds::{LifoQueue, PriorityQueue};
pub use put_error::PutError;
pub use simple::SimpleQueue;
pub use store::Store;

use crate::condition::{Condition, ConditionGuard};
use crate::error::{Error, ErrorKind, Result};
use crate::lock::Lock;

/// How long a `put` or `get` may block.
#[derive(Clone, Copy)]
enum Block {
    No,
    Forever,
    For(Duration),
}

/// What a queue holds besides its lock.
struct State<S> {
    items: S,
    maxsize: usize,
    unfinished: usize,
    shutdown: bool,
}

impl<S> State<S> {
    fn is_full<T>(&self) -> bool
    where
        S: Store<T>,
    {
        self.maxsize > 0 && self.items.len() >= self.maxsize
    }
}

/// A queue of items between threads, FIFO by default: Python's `queue.Queue`.
///
/// The store `S` sets the order (see [`Store`]): [`LifoQueue`] and
/// [`PriorityQueue`] are this type with another store. See the
/// [module documentation](crate::queue) for the guarantees.
pub struct Queue<T, S: Store<T> = VecDeque<T>> {
    // Three conditions over one lock, as in CPython.
    not_empty: Condition<Lock>,
    not_full: Condition<Lock>,
    all_tasks_done: Condition<Lock>,
    /// Invariant: locked only by a thread that holds the conditions' sync-kit
    /// lock (`state` takes that lock's guard as proof), so it is never contended
    /// and never blocks; all blocking happens in the sync-kit conditions.
    state: Mutex<State<S>>,
    _items: PhantomData<fn(T) -> T>,
}

impl<T: Send> Default for Queue<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Send> Queue<T> {
    /// An unbounded FIFO queue (Python's `Queue()`).
    pub fn new() -> Self {
        Self::with_store(0)
    }

    /// A FIFO queue that holds at most `maxsize` items; 0 means unbounded
    /// (Python's `Queue(maxsize)`).
    pub fn with_maxsize(maxsize: usize) -> Self {
        Self::with_store(maxsize)
    }
}

impl<T, S: Store<T>> Queue<T, S> {
    /// A queue over a store of type `S` (see [`Store`]) that holds at most
    /// `maxsize` items; 0 means unbounded.
    pub fn with_store(maxsize: usize) -> Self {
        let lock = Arc::new(Lock::new());
        Queue {
            not_empty: Condition::with_lock(Arc::clone(&lock)),
            not_full: Condition::with_lock(Arc::clone(&lock)),
            all_tasks_done: Condition::with_lock(lock),
            state: Mutex::new(State {
                items: S::new(),
                maxsize,
                unfinished: 0,
                shutdown: false,
            }),
            _items: PhantomData,
        }
    }

    /// The data, given the guard of the conditions' lock (see `state`'s
    /// invariant). A store that panicked leaves the data consistent (the counts
    /// are updated after it returns), so poisoning is ignored.
    fn state<'a>(&'a self, _held: &ConditionGuard<'_, Lock>) -> MutexGuard<'a, State<S>> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits on `cond` until `ready` holds, as long as `block` allows.
    fn wait(
        &self,
        cond: &Condition<Lock>,
        held: &ConditionGuard<'_, Lock>,
        block: Block,
        ready: impl Fn(&State<S>) -> bool,
    ) {
        let check = || ready(&self.state(held));
        let timeout = match block {
            Block::No => return,
            Block::Forever => None,
            Block::For(timeout) => Some(timeout),
        };
        // Cannot fail: `held` proves this thread holds the condition's lock.
        let _ = cond.wait_for(check, timeout);
    }

    fn put_with(&self, item: T, block: Block) -> Result<(), PutError<T>> {
        let held = self.not_full.lock();
        self.wait(&self.not_full, &held, block, |st| {
            st.shutdown || !st.is_full()
        });
        let mut st = self.state(&held);
        let kind = if st.shutdown {
            ErrorKind::ShutDown
        } else if st.is_full() {
            ErrorKind::Full
        } else {
            st.items.push(item);
            st.unfinished += 1;
            drop(st);
            notify_one(&self.not_empty);
            return Ok(());
        };
        Err(PutError {
            error: Error::bare(kind),
            item,
        })
    }

    /// Puts `item`, waiting for a free slot as long as it takes (Python's
    /// `put(item)`).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::ShutDown`] if the queue is or gets shut down.
    pub fn put(&self, item: T) -> Result<(), PutError<T>> {
        self.put_with(item, Block::Forever)
    }

    /// Puts `item` if a slot is free now (Python's `put_nowait(item)`).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Full`], or [`ErrorKind::ShutDown`] if the queue was shut down.
    pub fn put_nowait(&self, item: T) -> Result<(), PutError<T>> {
        self.put_with(item, Block::No)
    }

    /// Puts `item`, waiting at most `timeout` (scaled) for a free slot (Python's
    /// `put(item, timeout=t)`).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Full`] when the time ran out, [`ErrorKind::ShutDown`].
    pub fn put_timeout(&self, item: T, timeout: Duration) -> Result<(), PutError<T>> {
        self.put_with(item, Block::For(timeout))
    }

    fn get_with(&self, block: Block) -> Result<T> {
        let held = self.not_empty.lock();
        self.wait(&self.not_empty, &held, block, |st| {
            st.shutdown || !st.items.is_empty()
        });
        let mut st = self.state(&held);
        match st.items.pop() {
            Some(item) => {
                drop(st);
                notify_one(&self.not_full);
                Ok(item)
            }
            None if st.shutdown => Err(Error::bare(ErrorKind::ShutDown)),
            None => Err(Error::bare(ErrorKind::Empty)),
        }
    }

    /// Takes the next item, waiting for one as long as it takes (Python's
    /// `get()`).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::ShutDown`] once the queue is shut down and empty.
    pub fn get(&self) -> Result<T> {
        self.get_with(Block::Forever)
    }

    /// Takes the next item if there is one now (Python's `get_nowait()`).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Empty`], or [`ErrorKind::ShutDown`] once shut down and empty.
    pub fn get_nowait(&self) -> Result<T> {
        self.get_with(Block::No)
    }

    /// Takes the next item, waiting at most `timeout` (scaled) for one (Python's
    /// `get(timeout=t)`).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Empty`] when the time ran out, [`ErrorKind::ShutDown`].
    pub fn get_timeout(&self, timeout: Duration) -> Result<T> {
        self.get_with(Block::For(timeout))
    }

    /// Marks one item that was got as processed; when every item put so far is,
    /// [`join`](Self::join) returns (Python's `task_done()`).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidArgument`] (`task_done() called too many times`) if
    /// there is no unfinished item.
    pub fn task_done(&self) -> Result<()> {
        let held = self.all_tasks_done.lock();
        let mut st = self.state(&held);
        if st.unfinished == 0 {
            return Err(Error::invalid_argument("task_done() called too many times"));
        }
        st.unfinished -= 1;
        if st.unfinished == 0 {
            drop(st);
            notify_all(&self.all_tasks_done);
        }
        Ok(())
    }

    /// Blocks until every item put has been marked done with
    /// [`task_done`](Self::task_done) (Python's `join()`).
    pub fn join(&self) {
        let held = self.all_tasks_done.lock();
        self.wait(&self.all_tasks_done, &held, Block::Forever, |st| {
            st.unfinished == 0
        });
    }

    /// Shuts the queue down (Python 3.13's `shutdown(immediate)`): `put` fails
    /// from now on, `get` fails once the queue is empty. With `immediate`, the
    /// items left are discarded (dropped after the lock is released) and each
    /// counts as done. Blocked callers of `put`, `get` and `join` wake up.
    pub fn shutdown(&self, immediate: bool) {
        let mut discarded = Vec::new();
        {
            let held = self.not_empty.lock();
            let mut st = self.state(&held);
            st.shutdown = true;
            if immediate {
                while let Some(item) = st.items.pop() {
                    discarded.push(item);
                    st.unfinished = st.unfinished.saturating_sub(1);
                }
            }
            drop(st);
            if immediate {
                notify_all(&self.all_tasks_done);
            }
            notify_all(&self.not_empty);
            notify_all(&self.not_full);
        }
        drop(discarded);
    }

    fn read<R>(&self, f: impl FnOnce(&State<S>) -> R) -> R {
        let held = self.not_empty.lock();
        f(&self.state(&held))
    }

    /// Whether [`shutdown`](Self::shutdown) was called.
    pub fn is_shutdown(&self) -> bool {
        self.read(|st| st.shutdown)
    }

    /// How many items the queue holds now (Python's `qsize()`).
    pub fn qsize(&self) -> usize {
        self.read(|st| st.items.len())
    }

    /// Whether the queue holds no item now (Python's `empty()`).
    pub fn empty(&self) -> bool {
        self.read(|st| st.items.is_empty())
    }

    /// Whether a `put` would block now (Python's `full()`); never for an
    /// unbounded queue.
    pub fn full(&self) -> bool {
        self.read(State::is_full)
    }

    /// The bound given at creation (0: unbounded).
    pub fn maxsize(&self) -> usize {
        self.read(|st| st.maxsize)
    }

    /// Changes the bound (Python lets code assign `q.maxsize`). Items already
    /// in the queue stay; a larger bound does not wake blocked `put`s, as in
    /// CPython, until the next `get`.
    pub fn set_maxsize(&self, maxsize: usize) {
        let held = self.not_empty.lock();
        self.state(&held).maxsize = maxsize;
    }

    /// Items put and not yet marked done (Python's `unfinished_tasks`).
    pub fn unfinished_tasks(&self) -> usize {
        self.read(|st| st.unfinished)
    }
}

impl<T, S: Store<T>> fmt::Debug for Queue<T, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (qsize, maxsize, shutdown) = self.read(|st| (st.items.len(), st.maxsize, st.shutdown));
        f.debug_struct("Queue")
            .field("qsize", &qsize)
            .field("maxsize", &maxsize)
            .field("shutdown", &shutdown)
            .finish()
    }
}

// Cannot fail: every caller holds the condition's lock (through a guard).
fn notify_one(cond: &Condition<Lock>) {
    let _ = cond.notify();
}

fn notify_all(cond: &Condition<Lock>) {
    let _ = cond.notify_all();
}
