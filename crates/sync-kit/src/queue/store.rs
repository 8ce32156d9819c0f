//! The order a [`Queue`](super::Queue) hands out its items in: Python's
//! `_put`/`_get` overrides, as a trait.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

/// Where a [`Queue`](super::Queue) keeps its items, and so the order `get`
/// returns them in. Python's `Queue` subclasses override `_put` and `_get`; here
/// the queue is generic over its store:
///
/// | Python | store |
/// |---|---|
/// | `Queue` (FIFO) | [`VecDeque<T>`] |
/// | `LifoQueue` | [`Vec<T>`] |
/// | `PriorityQueue` (lowest first, like `heapq`) | [`BinaryHeap<Reverse<T>>`] |
///
/// A store of your own gives another order. Its methods run with the queue's
/// lock held, so they must not touch the queue. If one panics, the queue stays
/// usable and its counts unchanged (CPython's `FailingQueueTest`).
///
/// ```
/// use sync_kit::queue::{Queue, Store};
///
/// /// Hands out the largest item first.
/// #[derive(Default)]
/// struct MaxFirst(Vec<u32>);
///
/// impl Store<u32> for MaxFirst {
///     fn new() -> Self { MaxFirst::default() }
///     fn len(&self) -> usize { self.0.len() }
///     fn push(&mut self, item: u32) { self.0.push(item); self.0.sort(); }
///     fn pop(&mut self) -> Option<u32> { self.0.pop() }
/// }
///
/// let q: Queue<u32, MaxFirst> = Queue::with_store(0);
/// for i in [2, 9, 4] {
///     q.put(i)?;
/// }
/// assert_eq!(q.get()?, 9);
/// # Ok::<(), sync_kit::Error>(())
/// ```
pub trait Store<T>: Send {
    /// An empty store.
    fn new() -> Self;
    /// How many items it holds.
    fn len(&self) -> usize;
    /// Whether it holds none.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Adds an item (Python's `_put`).
    fn push(&mut self, item: T);
    /// Removes the next item (Python's `_get`); `None` only when empty.
    fn pop(&mut self) -> Option<T>;
}

/// First in, first out: Python's `Queue`.
impl<T: Send> Store<T> for VecDeque<T> {
    fn new() -> Self {
        VecDeque::new()
    }
    fn len(&self) -> usize {
        VecDeque::len(self)
    }
    fn push(&mut self, item: T) {
        self.push_back(item);
    }
    fn pop(&mut self) -> Option<T> {
        self.pop_front()
    }
}

/// Last in, first out: Python's `LifoQueue`.
impl<T: Send> Store<T> for Vec<T> {
    fn new() -> Self {
        Vec::new()
    }
    fn len(&self) -> usize {
        Vec::len(self)
    }
    fn push(&mut self, item: T) {
        Vec::push(self, item);
    }
    fn pop(&mut self) -> Option<T> {
        Vec::pop(self)
    }
}

/// Lowest item first: Python's `PriorityQueue` (a `heapq`, a min-heap). Like
/// `heapq`, equal items come out in no guaranteed order.
impl<T: Ord + Send> Store<T> for BinaryHeap<Reverse<T>> {
    fn new() -> Self {
        BinaryHeap::new()
    }
    fn len(&self) -> usize {
        BinaryHeap::len(self)
    }
    fn push(&mut self, item: T) {
        BinaryHeap::push(self, Reverse(item));
    }
    fn pop(&mut self) -> Option<T> {
        BinaryHeap::pop(self).map(|Reverse(item)| item)
    }
}
