//! Helpers shared by the conformance tests: Rust versions of the helpers in
//! CPython's `Lib/test/lock_tests.py` (`Bunch`, `wait_threads_blocked`,
//! `sleeping_retry`, `assertTimeout`).
//!
//! They use only `std`, never the primitives under test.

#![allow(dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// CPython's `support.SHORT_TIMEOUT`: how long a polling helper waits before it
/// declares the test failed.
pub(crate) const SHORT_TIMEOUT: Duration = Duration::from_secs(30);

/// CPython's `Bunch(func, n, wait_before_exit)`: `n` threads running `func`.
///
/// `new` returns once every thread has started; `join` waits for all to finish
/// and re-raises the first panic of a worker in the caller.
pub(crate) struct Bunch {
    started: Arc<AtomicUsize>,
    finished: Arc<AtomicUsize>,
    exit_gate: Arc<(Mutex<bool>, Condvar)>,
    handles: Vec<JoinHandle<()>>,
}

impl Bunch {
    pub(crate) fn new(n: usize, func: impl Fn() + Send + Sync + 'static) -> Bunch {
        Bunch::spawn(n, false, func)
    }

    /// Workers stay alive after `func` returns until `do_finish` is called
    /// (keeps a thread that holds an RLock alive).
    pub(crate) fn wait_before_exit(n: usize, func: impl Fn() + Send + Sync + 'static) -> Bunch {
        Bunch::spawn(n, true, func)
    }

    fn spawn(n: usize, wait_before_exit: bool, func: impl Fn() + Send + Sync + 'static) -> Bunch {
        let func = Arc::new(func);
        let started = Arc::new(AtomicUsize::new(0));
        let finished = Arc::new(AtomicUsize::new(0));
        let exit_gate = Arc::new((Mutex::new(!wait_before_exit), Condvar::new()));
        let handles = (0..n)
            .map(|_| {
                let (func, started, finished, gate) = (
                    Arc::clone(&func),
                    Arc::clone(&started),
                    Arc::clone(&finished),
                    Arc::clone(&exit_gate),
                );
                std::thread::spawn(move || {
                    started.fetch_add(1, Ordering::SeqCst);
                    // Count the thread as finished even if `func` panics, so that
                    // the caller's assertions report the panic, not a timeout.
                    struct Finish(Arc<AtomicUsize>);
                    impl Drop for Finish {
                        fn drop(&mut self) {
                            self.0.fetch_add(1, Ordering::SeqCst);
                        }
                    }
                    {
                        let _finish = Finish(finished);
                        func();
                    }
                    let (open, cv) = &*gate;
                    let mut open = open.lock().unwrap();
                    while !*open {
                        open = cv.wait(open).unwrap();
                    }
                })
            })
            .collect();
        let bunch = Bunch {
            started,
            finished,
            exit_gate,
            handles,
        };
        wait_until(|| bunch.started.load(Ordering::SeqCst) >= n);
        bunch
    }

    /// How many workers have returned from `func`.
    pub(crate) fn finished(&self) -> usize {
        self.finished.load(Ordering::SeqCst)
    }

    /// Lets `wait_before_exit` workers exit.
    pub(crate) fn do_finish(&self) {
        let (open, cv) = &*self.exit_gate;
        *open.lock().unwrap() = true;
        cv.notify_all();
    }

    /// Waits for every worker; a worker's panic is resumed here.
    pub(crate) fn join(self) {
        self.do_finish();
        let mut panic = None;
        for handle in self.handles {
            if let Err(payload) = handle.join() {
                panic.get_or_insert(payload);
            }
        }
        if let Some(payload) = panic {
            std::panic::resume_unwind(payload);
        }
    }
}

/// Runs `func` in `n` threads and waits for all of them (`with Bunch(f, n): pass`).
pub(crate) fn run_threads(n: usize, func: impl Fn() + Send + Sync + 'static) {
    Bunch::new(n, func).join();
}

/// CPython's `wait_threads_blocked(n)`: a guess that `n` threads are now blocked,
/// by sleeping 10 ms per thread.
pub(crate) fn wait_threads_blocked(n: usize) {
    std::thread::sleep(Duration::from_millis(10 * n as u64));
}

/// CPython's `sleeping_retry(SHORT_TIMEOUT)` loop: polls `done` with exponential
/// backoff and fails the test after 30 s.
pub(crate) fn wait_until(mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + SHORT_TIMEOUT;
    let mut delay = Duration::from_millis(1);
    while !done() {
        assert!(
            Instant::now() < deadline,
            "condition not reached in {SHORT_TIMEOUT:?}"
        );
        std::thread::sleep(delay);
        delay = (delay * 2).min(Duration::from_millis(100));
    }
}

/// CPython's `assertTimeout(actual, expected)`: `0.6 * expected <= actual <
/// 10 * expected`, with `expected` scaled like every sync-kit timeout. The
/// upper bound gets [`LATE_SLACK`] on top, so that a tiny time scale (where
/// `10 * expected` is microseconds) measures the timeout, not the scheduler.
#[track_caller]
pub(crate) fn assert_timeout(actual: Duration, expected: Duration) {
    let expected = sync_kit::time::scaled(expected);
    assert!(
        actual >= expected.mul_f64(0.6),
        "returned early: {actual:?} for a timeout of {expected:?}"
    );
    assert!(
        actual < expected.saturating_mul(10).saturating_add(LATE_SLACK),
        "returned late: {actual:?} for a timeout of {expected:?}"
    );
}

/// What a loaded machine may add to any wait before it counts as late.
pub(crate) const LATE_SLACK: Duration = Duration::from_millis(500);

/// The timeout to pass to sync-kit for a wait of `duration` in real time,
/// whatever `SYNC_KIT_TIME_SCALE` the caller's environment holds: for tests
/// whose timeouts stand for "long enough" or race real-time events, and whose
/// subject is not the scale.
pub(crate) fn real(duration: Duration) -> Duration {
    Duration::try_from_secs_f64(duration.as_secs_f64() / sync_kit::time::scale())
        .unwrap_or(Duration::MAX)
}

/// Times `f`.
pub(crate) fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let value = f();
    (value, start.elapsed())
}

/// A list shared between threads (Python's plain lists in the tests).
#[derive(Clone)]
pub(crate) struct Shared<T>(Arc<Mutex<Vec<T>>>);

impl<T: Clone> Shared<T> {
    pub(crate) fn new() -> Self {
        Shared(Arc::new(Mutex::new(Vec::new())))
    }
    pub(crate) fn push(&self, value: T) {
        self.0.lock().unwrap().push(value);
    }
    pub(crate) fn len(&self) -> usize {
        self.0.lock().unwrap().len()
    }
    pub(crate) fn get(&self) -> Vec<T> {
        self.0.lock().unwrap().clone()
    }
    pub(crate) fn clear(&self) {
        self.0.lock().unwrap().clear();
    }
}
