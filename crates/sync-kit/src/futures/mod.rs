//! Python's `concurrent.futures` for threads: [`ThreadPoolExecutor`],
//! [`Future`], [`wait`] and [`as_completed`].
//!
//! | Python | sync-kit |
//! |---|---|
//! | `ThreadPoolExecutor(max_workers, thread_name_prefix)` | [`ThreadPoolExecutor::new`], [`ThreadPoolExecutor::builder`] |
//! | `ex.submit(fn, *args)` | [`ThreadPoolExecutor::submit`]`(move \|\| fn(args))` |
//! | `ex.map(fn, items, timeout=t)` | [`ThreadPoolExecutor::map`], [`ThreadPoolExecutor::map_timeout`] |
//! | `ex.shutdown(wait, cancel_futures=c)`, `with ex:` | [`ThreadPoolExecutor::shutdown`] |
//! | `f.result(t)`, `f.exception(t)` | [`Future::result`], [`Future::result_timeout`], [`Future::exception`] |
//! | `f.done()`, `f.running()`, `f.cancel()`, `f.cancelled()` | same names |
//! | `f.add_done_callback(fn)` | [`Future::add_done_callback`] |
//! | an exception raised by the task | its panic: [`ErrorKind::Panicked`](crate::ErrorKind::Panicked) |
//! | `CancelledError`, `TimeoutError` | [`ErrorKind::Cancelled`](crate::ErrorKind::Cancelled), [`ErrorKind::Timeout`](crate::ErrorKind::Timeout) |
//! | `wait(fs, timeout, return_when)` | [`wait`] with [`ReturnWhen`] |
//! | `as_completed(fs, timeout)` | [`as_completed`], [`as_completed_timeout`] |
//!
//! # Guarantees (CPython's)
//!
//! - A future's state goes pending → running → finished, or pending →
//!   cancelled; `cancel` succeeds only while pending. `result` waits, then
//!   returns the value, the task's panic as an error, or `Cancelled`.
//! - A task's panic is caught: the worker lives on, the panic is the future's
//!   error and is not printed (CPython stores a task's exception silently).
//! - Done-callbacks run exactly once, in the order added, in the thread that
//!   completed or cancelled the future (or at once, if it was done already).
//! - `map` submits every item at once and yields the results in the order of
//!   the items; `as_completed` yields in completion order.
//! - Timeouts are scaled by [`crate::time`]; those of `map_timeout` and
//!   `as_completed_timeout` are one deadline for the whole iteration.
//! - Every wait is on sync-kit primitives; no thread spins.
//!
//! Differences from Python: tasks are closures, so `submit(fn, *args)` and
//! `map` over several iterables are `move || fn(args)` and a `zip`; there is
//! no `initializer` (a closure can run its own set-up) and no
//! `ProcessPoolExecutor`. `result` clones the value (Python returns the same
//! object each time); `map` moves each result out.
//!
//! ```
//! use sync_kit::ThreadPoolExecutor;
//! use sync_kit::futures::as_completed;
//!
//! let ex = ThreadPoolExecutor::new(5)?;
//! let fs: Vec<_> = (1..=5).map(|n| ex.submit(move || n * 2)).collect::<Result<_, _>>()?;
//! let mut total = 0;
//! for f in as_completed(&fs) {
//!     total += f.result()?;
//! }
//! assert_eq!(total, 30);
//! # Ok::<(), sync_kit::Error>(())
//! ```

mod capture;
mod executor;
mod future;
mod map;
mod wait;

use std::time::Duration;

pub use executor::{Builder, ThreadPoolExecutor, default_max_workers};
pub use future::Future;
pub use map::Map;
pub use wait::{
    AsCompleted, DoneAndNotDone, ReturnWhen, TimedAsCompleted, as_completed, as_completed_timeout,
    wait,
};

use crate::time::Deadline;

/// The time left before `deadline`, unscaled, for a primitive whose
/// `*_timeout` method scales its argument again: the inverse of
/// [`crate::time::scaled`] (which the simulator makes the identity). `None`: no
/// deadline.
fn unscaled_remaining(deadline: &Deadline) -> Option<Duration> {
    // Measured on a long span so that tiny scales keep their precision.
    let span = 1_000_000.0;
    let factor = crate::time::scaled(Duration::from_secs_f64(span)).as_secs_f64() / span;
    deadline.remaining().map(|left| {
        Duration::try_from_secs_f64(left.as_secs_f64() / factor).unwrap_or(Duration::MAX)
    })
}
