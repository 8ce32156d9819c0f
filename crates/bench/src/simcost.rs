//! The simulator's own cost: what one scheduling point costs when it hands
//! the baton to another simulated thread, and when it keeps it.
//!
//! Both run `sync_kit::time::sleep(Duration::ZERO)` (one scheduling point and
//! nothing else) under [`sync_kit::sim::run`] with a random schedule. The
//! figures include `run`'s set-up and the starting of the simulated threads,
//! spread over many points.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use sync_kit::Thread;
use sync_kit::sim::{self, Config};

/// ns per point of one simulated thread passing `points` points alone: the
/// baton never changes hands.
pub fn keep_ns(points: u64, seed: u64) -> f64 {
    let began = Instant::now();
    let run = sim::run(Config::random(seed), || {
        for _ in 0..points {
            sync_kit::time::sleep(Duration::ZERO);
        }
    });
    let took = began.elapsed();
    assert!(run.result.is_ok(), "simulated run failed: {:?}", run.result);
    took.as_nanos() as f64 / points.max(1) as f64
}

/// Two simulated threads each passing `points` points: total time divided by
/// the hand-offs between them (a point after which the other thread ran).
pub fn hand_off_ns(points: u64, seed: u64) -> f64 {
    let last = Arc::new(AtomicUsize::new(usize::MAX));
    let hand_offs = Arc::new(AtomicU64::new(0));
    let began = Instant::now();
    let run = sim::run(Config::random(seed), || {
        let threads: Vec<Thread> = (0..2)
            .map(|id| {
                let (last, hand_offs) = (Arc::clone(&last), Arc::clone(&hand_offs));
                let thread = Thread::builder().target(move || {
                    for _ in 0..points {
                        sync_kit::time::sleep(Duration::ZERO);
                        // Only one simulated thread runs at a time.
                        if last.swap(id, Ordering::Relaxed) != id {
                            hand_offs.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                });
                thread.start().expect("start a simulated thread");
                thread
            })
            .collect();
        for thread in &threads {
            thread.join().expect("join a simulated thread");
        }
    });
    let took = began.elapsed();
    assert!(run.result.is_ok(), "simulated run failed: {:?}", run.result);
    took.as_nanos() as f64 / hand_offs.load(Ordering::Relaxed).max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_costs_are_measured() {
        assert!(keep_ns(100, 1) > 0.0);
        assert!(hand_off_ns(100, 1) > 0.0);
    }
}
