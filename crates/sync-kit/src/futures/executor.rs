//! [`ThreadPoolExecutor`]: Python's `concurrent.futures.ThreadPoolExecutor`.

use std::collections::VecDeque;
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use super::capture;
use super::future::Future;
use super::map::Map;
use crate::error::{Error, ErrorKind, Result};
use crate::lock::{Lock, LockGuard};
use crate::queue::SimpleQueue;
use crate::semaphore::Semaphore;
use crate::thread::Thread;
use crate::time::Deadline;

/// A queued task, whatever its result type.
trait Work: Send {
    fn run(self: Box<Self>);
    fn cancel(&self);
}

struct Item<F, T> {
    future: Future<T>,
    f: F,
}

impl<F, T> Work for Item<F, T>
where
    F: FnOnce() -> T + Send,
    T: Send,
{
    fn run(self: Box<Self>) {
        let Item { future, f } = *self;
        if future.set_running_or_notify_cancel() {
            future.set_outcome(capture::catch(f));
        }
    }

    fn cancel(&self) {
        self.future.cancel();
    }
}

/// `None` tells a worker to exit (and pass the word on).
type Message = Option<Box<dyn Work>>;

struct Shared {
    max_workers: usize,
    prefix: String,
    work: SimpleQueue<Message>,
    /// Released by each worker that finds no work: a submit takes one instead
    /// of starting a thread.
    idle: Semaphore,
    shutdown: AtomicBool,
    shutdown_lock: Lock,
    /// Invariant: locked only while `shutdown_lock` is held, so it never blocks.
    threads: Mutex<Vec<Thread>>,
}

impl Shared {
    fn threads<'a>(&'a self, _held: &LockGuard<'_>) -> MutexGuard<'a, Vec<Thread>> {
        self.threads.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A pool of worker threads that run submitted tasks: Python's
/// `concurrent.futures.ThreadPoolExecutor`.
///
/// - Workers start on demand, one per `submit` that finds no idle worker, up
///   to `max_workers` (default `min(32, cpu_count + 4)`, as CPython 3.13).
/// - They are sync-kit threads named `ThreadPoolExecutor-N_M` (N counts the
///   executors created without a prefix, M the executor's workers) or
///   `PREFIX_M`, with the daemon flag of the thread that started them. So
///   [`crate::main`] waits for them, as CPython's exit does.
/// - Dropping the executor is Python's garbage collection of it:
///   `shutdown(false, false)`. The workers finish the tasks already queued,
///   then exit. Python's `with` block is [`shutdown`](Self::shutdown)`(true, false)`.
///
/// ```
/// use sync_kit::ThreadPoolExecutor;
///
/// let ex = ThreadPoolExecutor::builder().max_workers(2).thread_name_prefix("pool").build()?;
/// let f = ex.submit(|| sync_kit::current_thread().name())?;
/// assert_eq!(f.result()?, "pool_0");
/// let squares: Vec<u32> = ex.map(|n| n * n, 1..4)?.collect::<Result<_, _>>()?;
/// assert_eq!(squares, [1, 4, 9]);
/// ex.shutdown(true, false)?;
/// # Ok::<(), sync_kit::Error>(())
/// ```
pub struct ThreadPoolExecutor {
    shared: Arc<Shared>,
}

/// Configures a [`ThreadPoolExecutor`]: Python's constructor arguments.
#[derive(Debug, Default)]
#[must_use = "a builder does nothing until `build`"]
pub struct Builder {
    max_workers: Option<usize>,
    prefix: String,
}

impl Builder {
    /// At most this many worker threads (Python's `max_workers`).
    pub fn max_workers(mut self, n: usize) -> Self {
        self.max_workers = Some(n);
        self
    }

    /// Names the workers `PREFIX_0`, `PREFIX_1`... (Python's
    /// `thread_name_prefix`); empty means `ThreadPoolExecutor-N`.
    pub fn thread_name_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// The executor. No thread starts until the first `submit`.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidArgument`] (`max_workers must be greater than 0`).
    pub fn build(self) -> Result<ThreadPoolExecutor> {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let max_workers = match self.max_workers {
            Some(0) => {
                return Err(Error::invalid_argument(
                    "max_workers must be greater than 0",
                ));
            }
            Some(n) => n,
            None => default_max_workers(),
        };
        let prefix = if self.prefix.is_empty() {
            format!(
                "ThreadPoolExecutor-{}",
                COUNTER.fetch_add(1, Ordering::Relaxed)
            )
        } else {
            self.prefix
        };
        Ok(ThreadPoolExecutor {
            shared: Arc::new(Shared {
                max_workers,
                prefix,
                work: SimpleQueue::new(),
                idle: Semaphore::new(0),
                shutdown: AtomicBool::new(false),
                shutdown_lock: Lock::new(),
                threads: Mutex::new(Vec::new()),
            }),
        })
    }
}

/// CPython's default: `min(32, cpu_count + 4)`.
pub fn default_max_workers() -> usize {
    let cpus = std::thread::available_parallelism().map_or(1, usize::from);
    (cpus + 4).min(32)
}

impl Default for ThreadPoolExecutor {
    /// An executor with the default `max_workers` and names.
    fn default() -> Self {
        ThreadPoolExecutor::builder()
            .build()
            .unwrap_or_else(|_| unreachable!("the default max_workers is at least 5"))
    }
}

impl ThreadPoolExecutor {
    /// An executor with at most `max_workers` threads (Python's
    /// `ThreadPoolExecutor(max_workers)`).
    ///
    /// # Errors
    ///
    /// As [`Builder::build`].
    pub fn new(max_workers: usize) -> Result<Self> {
        Self::builder().max_workers(max_workers).build()
    }

    /// A [`Builder`] for the other options.
    pub fn builder() -> Builder {
        Builder::default()
    }

    /// The most worker threads this executor starts.
    pub fn max_workers(&self) -> usize {
        self.shared.max_workers
    }

    /// How many workers have announced that they are idle and not been given
    /// a task since (a snapshot, like Python's `_idle_semaphore` value).
    pub fn idle_workers(&self) -> usize {
        self.shared.idle.value()
    }

    /// The worker threads started so far (Python's `_threads`).
    pub fn workers(&self) -> Vec<Thread> {
        let held = self.shared.shutdown_lock.lock();
        self.shared.threads(&held).clone()
    }

    /// Schedules `f` to run on a worker and returns its [`Future`] (Python's
    /// `submit(fn)`).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::ExecutorShutdown`] after [`shutdown`](Self::shutdown);
    /// [`ErrorKind::Spawn`] if a needed worker could not start (the task stays
    /// queued for the workers there are, as in CPython).
    pub fn submit<F, T>(&self, f: F) -> Result<Future<T>>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let held = self.shared.shutdown_lock.lock();
        if self.shared.shutdown.load(Ordering::Acquire) {
            return Err(Error::new(
                ErrorKind::ExecutorShutdown,
                "cannot schedule new futures after shutdown",
            ));
        }
        let future = Future::new();
        self.shared.work.put(Some(Box::new(Item {
            future: future.clone(),
            f,
        })));
        self.adjust_thread_count(&held)?;
        Ok(future)
    }

    fn adjust_thread_count(&self, held: &LockGuard<'_>) -> Result<()> {
        if self.shared.idle.try_acquire() {
            return Ok(());
        }
        let mut threads = self.shared.threads(held);
        if threads.len() < self.shared.max_workers {
            let shared = Arc::clone(&self.shared);
            let thread = Thread::builder()
                .name(format!("{}_{}", self.shared.prefix, threads.len()))
                .target(move || worker(&shared));
            thread.start()?;
            threads.push(thread);
        }
        Ok(())
    }

    /// Submits `f(item)` for every item now, and returns an iterator over the
    /// results in the order of the items, each waited for when asked for
    /// (Python's `map(fn, items)`). After the first error (a task's panic) the
    /// iterator cancels the remaining tasks and ends; dropping it early cancels
    /// those not started.
    ///
    /// # Errors
    ///
    /// As [`submit`](Self::submit).
    pub fn map<I, F, T>(&self, f: F, items: I) -> Result<Map<T>>
    where
        I: IntoIterator,
        I::Item: Send + 'static,
        F: Fn(I::Item) -> T + Send + Sync + 'static,
        T: Send + 'static,
    {
        self.map_until(f, items, None)
    }

    /// Like [`map`](Self::map), with one deadline `timeout` (scaled) from now
    /// for all the results: past it, the next result is an
    /// [`ErrorKind::Timeout`] error.
    ///
    /// # Errors
    ///
    /// As [`submit`](Self::submit).
    pub fn map_timeout<I, F, T>(&self, f: F, items: I, timeout: Duration) -> Result<Map<T>>
    where
        I: IntoIterator,
        I::Item: Send + 'static,
        F: Fn(I::Item) -> T + Send + Sync + 'static,
        T: Send + 'static,
    {
        self.map_until(f, items, Some(Deadline::after(Some(timeout))))
    }

    fn map_until<I, F, T>(&self, f: F, items: I, deadline: Option<Deadline>) -> Result<Map<T>>
    where
        I: IntoIterator,
        I::Item: Send + 'static,
        F: Fn(I::Item) -> T + Send + Sync + 'static,
        T: Send + 'static,
    {
        let f = Arc::new(f);
        let mut futures = VecDeque::new();
        for item in items {
            let f = Arc::clone(&f);
            match self.submit(move || f(item)) {
                Ok(future) => futures.push_back(future),
                Err(err) => {
                    // Dropping the results cancels what was submitted.
                    drop(Map::new(futures, deadline));
                    return Err(err);
                }
            }
        }
        Ok(Map::new(futures, deadline))
    }

    /// Stops accepting tasks; the workers exit once the queued tasks are done
    /// (Python's `shutdown(wait, cancel_futures=...)`). With `cancel_futures`,
    /// the tasks not started are cancelled instead. With `wait`, returns once
    /// every worker has exited. Calling it again is harmless.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::JoinCurrentThread`] if `wait` is asked from a worker.
    pub fn shutdown(&self, wait: bool, cancel_futures: bool) -> Result<()> {
        let mut cancelled = Vec::new();
        let threads = {
            let held = self.shared.shutdown_lock.lock();
            self.shared.shutdown.store(true, Ordering::Release);
            if cancel_futures {
                while let Ok(message) = self.shared.work.get_nowait() {
                    cancelled.extend(message);
                }
            }
            self.shared.work.put(None);
            self.shared.threads(&held).clone()
        };
        // Outside the lock: a done-callback may call back into the executor,
        // and the tasks' closures are dropped here.
        for work in cancelled {
            work.cancel();
        }
        if wait {
            for thread in threads {
                thread.join()?;
            }
        }
        Ok(())
    }
}

impl Drop for ThreadPoolExecutor {
    fn drop(&mut self) {
        // Without wait, shutdown cannot fail.
        let _ = self.shutdown(false, false);
    }
}

impl fmt::Debug for ThreadPoolExecutor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ThreadPoolExecutor")
            .field("prefix", &self.shared.prefix)
            .field("max_workers", &self.shared.max_workers)
            .field("workers", &self.workers().len())
            .finish()
    }
}

/// A worker: runs tasks until told to exit.
fn worker(shared: &Shared) {
    capture::install();
    loop {
        let message = match shared.work.get_nowait() {
            Ok(message) => message,
            Err(_) => {
                shared.idle.release();
                shared.work.get()
            }
        };
        match message {
            Some(work) => work.run(),
            None if shared.shutdown.load(Ordering::Acquire) => {
                // Pass the word on to the next worker.
                shared.work.put(None);
                return;
            }
            None => {}
        }
    }
}
