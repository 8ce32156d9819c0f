//! [`ThreadList`]: what [`enumerate`](super::enumerate) returns, a shared,
//! immutable snapshot of the live threads; and [`dump`], what they are doing.

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use super::{Thread, enumerate};

/// The live threads at one moment, in start order: Python's list from
/// `threading.enumerate()`.
///
/// The registry keeps one such snapshot and hands out references to it, so
/// [`enumerate`](super::enumerate) costs one reference-count increment however
/// many threads live; a thread's start or end makes the registry build a new
/// one at the next call (work proportional to the live threads, once per
/// change). The list never changes after it is made: a thread that ends
/// stays in it.
///
/// It derefs to `[Thread]` (`len`, `iter`, `contains`, `first`, indexing) and
/// iterates by reference or, yielding clones, by value.
///
/// ```
/// use sync_kit::thread::{enumerate, main_thread};
/// let threads = enumerate();
/// assert_eq!(threads.first(), Some(&main_thread()));
/// for thread in &threads {
///     assert!(thread.is_alive());
/// }
/// let owned: Vec<_> = threads.into_iter().collect();
/// assert!(!owned.is_empty());
/// ```
#[derive(Clone)]
pub struct ThreadList(Arc<[Thread]>);

impl ThreadList {
    pub(super) fn new(threads: Arc<[Thread]>) -> Self {
        ThreadList(threads)
    }

    /// The threads, copied into a `Vec`.
    pub fn to_vec(&self) -> Vec<Thread> {
        self.0.to_vec()
    }
}

impl Deref for ThreadList {
    type Target = [Thread];

    fn deref(&self) -> &[Thread] {
        &self.0
    }
}

impl fmt::Debug for ThreadList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.0.iter()).finish()
    }
}

impl<'a> IntoIterator for &'a ThreadList {
    type Item = &'a Thread;
    type IntoIter = std::slice::Iter<'a, Thread>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl IntoIterator for ThreadList {
    type Item = Thread;
    type IntoIter = IntoIter;

    fn into_iter(self) -> IntoIter {
        IntoIter {
            list: self.0,
            next: 0,
        }
    }
}

impl From<ThreadList> for Vec<Thread> {
    fn from(list: ThreadList) -> Vec<Thread> {
        list.to_vec()
    }
}

/// The by-value iterator of a [`ThreadList`]: clones of its threads.
#[derive(Debug)]
pub struct IntoIter {
    list: Arc<[Thread]>,
    next: usize,
}

impl Iterator for IntoIter {
    type Item = Thread;

    fn next(&mut self) -> Option<Thread> {
        let thread = self.list.get(self.next)?.clone();
        self.next += 1;
        Some(thread)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.list.len() - self.next;
        (left, Some(left))
    }
}

impl ExactSizeIterator for IntoIter {}

/// What every live thread is doing, one line each (Python's
/// `faulthandler.dump_traceback`, Java's `jstack`): name, daemon flag, what
/// it waits for (kind, where the object was created, where the wait was
/// called) and who holds that, and what it holds. Holders are known under the
/// simulator and with `SYNC_KIT_LOCKDEP=1`; otherwise the listing says so.
///
/// ```
/// let listing = sync_kit::thread::dump();
/// assert!(listing.contains("\"MainThread\" is running"));
/// ```
pub fn dump() -> String {
    let threads = enumerate();
    format!(
        "sync-kit: {} thread(s)\n{}",
        threads.len(),
        crate::observe::deadlock::listing(&threads)
    )
}
