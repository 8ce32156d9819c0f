//! The contended counter: `threads` threads increment one shared counter under
//! one lock for a fixed time window; each thread counts its own acquisitions.
//!
//! Between two acquisitions a thread does a little thread-local arithmetic
//! ([`OUTSIDE_WORK`] steps, some tens of ns), so the lock changes hands
//! instead of one thread re-acquiring it back to back. Throughput is reported
//! as ns per acquisition (window / total acquisitions: lower is better) and
//! fairness as the spread of the per-thread counts.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Barrier, Mutex};
use std::time::{Duration, Instant};

use sync_kit::Lock;

use crate::measure::local_work;

/// Steps of [`local_work`] between two acquisitions.
pub const OUTSIDE_WORK: u32 = 20;

/// A counter behind a lock.
pub trait Counter: Sync {
    /// Takes the lock, adds one, releases the lock.
    fn increment(&self);
    /// The counter's value (no other thread may be running).
    fn total(&self) -> u64;
}

/// sync-kit: a [`Lock`] and the count it protects.
#[derive(Default)]
pub struct LockCounter {
    lock: Lock,
    // Read and written only while `lock` is held (a load and a store, not an
    // atomic add): the lock alone keeps the count exact.
    count: AtomicU64,
}

impl Counter for LockCounter {
    #[inline]
    fn increment(&self) {
        let _guard = self.lock.lock();
        let n = self.count.load(Ordering::Relaxed);
        self.count.store(n + 1, Ordering::Relaxed);
    }
    fn total(&self) -> u64 {
        self.count.load(Ordering::Relaxed)
    }
}

/// Baseline: [`std::sync::Mutex<u64>`].
#[derive(Default)]
pub struct StdCounter(Mutex<u64>);

impl Counter for StdCounter {
    #[inline]
    fn increment(&self) {
        *self.0.lock().unwrap() += 1;
    }
    fn total(&self) -> u64 {
        *self.0.lock().unwrap()
    }
}

/// Reference: [`parking_lot::Mutex<u64>`].
#[derive(Default)]
pub struct ParkingLotCounter(parking_lot::Mutex<u64>);

impl Counter for ParkingLotCounter {
    #[inline]
    fn increment(&self) {
        *self.0.lock() += 1;
    }
    fn total(&self) -> u64 {
        *self.0.lock()
    }
}

/// What one time window measured.
#[derive(Clone, Debug)]
pub struct Window {
    /// Acquisitions made by each thread.
    pub per_thread: Vec<u64>,
    /// From the start signal to the stop signal.
    pub elapsed: Duration,
}

impl Window {
    /// All threads' acquisitions.
    pub fn total(&self) -> u64 {
        self.per_thread.iter().sum()
    }

    /// Nanoseconds per acquisition, all threads together (lower is better).
    pub fn ns_per_acquisition(&self) -> f64 {
        self.elapsed.as_nanos() as f64 / self.total().max(1) as f64
    }

    /// The least-served thread's count over the most-served one's (1 = fair).
    pub fn min_over_max(&self) -> f64 {
        let min = self.per_thread.iter().copied().min().unwrap_or(0);
        let max = self.per_thread.iter().copied().max().unwrap_or(0);
        min as f64 / max.max(1) as f64
    }

    /// Standard deviation of the per-thread counts over their mean (0 = fair).
    pub fn coefficient_of_variation(&self) -> f64 {
        let n = self.per_thread.len() as f64;
        let mean = self.total() as f64 / n;
        if mean == 0.0 {
            return 0.0;
        }
        let var = self
            .per_thread
            .iter()
            .map(|&c| (c as f64 - mean).powi(2))
            .sum::<f64>()
            / n;
        var.sqrt() / mean
    }
}

/// Runs `threads` threads on a fresh `C` for `window` and checks the count.
///
/// # Panics
///
/// If the counter's total differs from the acquisitions counted: the lock
/// failed to exclude.
pub fn run_window<C: Counter + Default>(threads: usize, window: Duration) -> Window {
    let counter = C::default();
    let stop = AtomicBool::new(false);
    let start = Barrier::new(threads + 1);
    let (per_thread, elapsed) = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    start.wait();
                    let mut mine = 0u64;
                    while !stop.load(Ordering::Relaxed) {
                        counter.increment();
                        mine += 1;
                        local_work(OUTSIDE_WORK);
                    }
                    mine
                })
            })
            .collect();
        start.wait();
        let began = Instant::now();
        std::thread::sleep(window);
        stop.store(true, Ordering::Relaxed);
        let elapsed = began.elapsed();
        let per_thread: Vec<u64> = workers.into_iter().map(|w| w.join().unwrap()).collect();
        (per_thread, elapsed)
    });
    let window = Window {
        per_thread,
        elapsed,
    };
    assert_eq!(counter.total(), window.total(), "the lock did not exclude");
    window
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_add_up() {
        let w = run_window::<LockCounter>(3, Duration::from_millis(20));
        assert_eq!(w.per_thread.len(), 3);
        assert!(w.total() > 0);
        run_window::<StdCounter>(2, Duration::from_millis(5));
        run_window::<ParkingLotCounter>(2, Duration::from_millis(5));
    }
}
