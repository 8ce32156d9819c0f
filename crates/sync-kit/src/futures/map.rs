//! [`Map`]: the lazily waited results of [`ThreadPoolExecutor::map`](super::ThreadPoolExecutor::map).

use std::collections::VecDeque;
use std::fmt;
use std::time::Duration;

use super::future::Future;
use super::unscaled_remaining;
use crate::error::Result;
use crate::time::Deadline;

/// The results of [`ThreadPoolExecutor::map`](super::ThreadPoolExecutor::map), in the order of the items.
pub struct Map<T> {
    futures: VecDeque<Future<T>>,
    deadline: Option<Deadline>,
}

impl<T> Iterator for Map<T> {
    type Item = Result<T>;

    fn next(&mut self) -> Option<Result<T>> {
        let future = self.futures.pop_front()?;
        let timeout = self
            .deadline
            .map(|deadline| unscaled_remaining(&deadline).unwrap_or(Duration::MAX));
        let result = future.take_result(timeout);
        // Python's `_result_or_cancel`: a task not started after a timeout is
        // cancelled.
        future.cancel();
        if result.is_err() {
            // Like the generator after it raised: nothing more comes.
            self.cancel_rest();
        }
        Some(result)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, Some(self.futures.len()))
    }
}

impl<T> Map<T> {
    pub(super) fn new(futures: VecDeque<Future<T>>, deadline: Option<Deadline>) -> Self {
        Map { futures, deadline }
    }

    fn cancel_rest(&mut self) {
        for future in self.futures.drain(..) {
            future.cancel();
        }
    }
}

impl<T> Drop for Map<T> {
    fn drop(&mut self) {
        self.cancel_rest();
    }
}

/// What Python prints for `ex.map(...)`, which returns a generator:
/// `<generator object Executor.map.<locals>.result_iterator at 0x7f...>`.
impl<T> fmt::Debug for Map<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "<generator object Executor.map.<locals>.result_iterator at {:#x}>",
            std::ptr::from_ref(self) as usize
        )
    }
}
