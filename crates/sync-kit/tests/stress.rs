//! Stress tests: many threads hammering each primitive, with exact end counts.
//!
//! The sizes are fixed (the same in debug and release builds) and chosen to
//! finish in seconds on a loaded two-core machine.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier as StdBarrier};
use std::thread;

use sync_kit::{Barrier, Event, Lock, RLock, Semaphore};

const THREADS: usize = 16;
const INCREMENTS: usize = 100_000;

/// A counter updated with a separate load and store, which loses updates unless
/// the caller provides mutual exclusion.
#[derive(Default)]
struct Racy(AtomicUsize);

impl Racy {
    fn bump(&self) {
        let seen = self.0.load(Ordering::Relaxed);
        self.0.store(seen + 1, Ordering::Relaxed);
    }
}

/// Runs `THREADS` threads that each do `INCREMENTS` times `critical(counter)`,
/// started together, and checks that no increment was lost.
fn hammer(critical: impl Fn(&Racy) + Sync) {
    let counter = Racy::default();
    let start = StdBarrier::new(THREADS);
    thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| {
                start.wait();
                for _ in 0..INCREMENTS {
                    critical(&counter);
                }
            });
        }
    });
    assert_eq!(counter.0.load(Ordering::Relaxed), THREADS * INCREMENTS);
}

#[test]
fn lock_counter_is_exact() {
    let lock = Lock::new();
    hammer(|counter| {
        let _guard = lock.lock();
        counter.bump();
    });
    assert!(!lock.locked());
}

#[test]
fn lock_counter_with_explicit_acquire_release_is_exact() {
    let lock = Lock::new();
    hammer(|counter| {
        lock.acquire();
        counter.bump();
        lock.release().unwrap();
    });
}

#[test]
fn rlock_counter_is_exact() {
    let rlock = RLock::new();
    hammer(|counter| {
        let _outer = rlock.lock();
        counter.bump();
    });
    assert!(!rlock.locked());
}

#[test]
fn semaphore_one_counter_is_exact() {
    let sem = Semaphore::new(1);
    hammer(|counter| {
        let _unit = sem.lock();
        counter.bump();
    });
    assert_eq!(sem.value(), 1);
}

#[test]
fn semaphore_three_is_never_held_by_more_than_three() {
    const HOLDERS: usize = 64;
    const ROUNDS: usize = 2_000;
    let sem = Semaphore::new(3);
    let inside = AtomicUsize::new(0);
    let high_water = AtomicUsize::new(0);
    thread::scope(|s| {
        for _ in 0..HOLDERS {
            s.spawn(|| {
                for round in 0..ROUNDS {
                    let _unit = sem.lock();
                    let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                    high_water.fetch_max(now, Ordering::SeqCst);
                    if round % 64 == 0 {
                        thread::yield_now();
                    }
                    inside.fetch_sub(1, Ordering::SeqCst);
                }
            });
        }
    });
    let high = high_water.load(Ordering::SeqCst);
    assert!((1..=3).contains(&high), "high-water mark {high}");
    assert_eq!(sem.value(), 3);
}

#[test]
fn event_ping_pong_loses_no_wakeup() {
    const ROUNDS: usize = 100_000;
    let ping = Arc::new(Event::new());
    let pong = Arc::new(Event::new());
    let other = {
        let (ping, pong) = (Arc::clone(&ping), Arc::clone(&pong));
        thread::spawn(move || {
            for _ in 0..ROUNDS {
                assert!(ping.wait());
                ping.clear();
                pong.set();
            }
        })
    };
    for _ in 0..ROUNDS {
        ping.set();
        assert!(pong.wait());
        pong.clear();
    }
    other.join().unwrap();
    assert!(!ping.is_set());
    assert!(!pong.is_set());
}

#[test]
fn barrier_indices_are_exact_every_generation() {
    const PARTIES: usize = 8;
    const GENERATIONS: usize = 1_000;
    let barrier = Barrier::new(PARTIES).unwrap();
    let seen: Vec<AtomicUsize> = (0..GENERATIONS * PARTIES)
        .map(|_| AtomicUsize::new(0))
        .collect();
    thread::scope(|s| {
        for _ in 0..PARTIES {
            s.spawn(|| {
                for generation in 0..GENERATIONS {
                    let index = barrier.wait().unwrap();
                    assert!(index < PARTIES);
                    seen[generation * PARTIES + index].fetch_add(1, Ordering::Relaxed);
                }
            });
        }
    });
    for (slot, count) in seen.iter().enumerate() {
        let count = count.load(Ordering::Relaxed);
        assert_eq!(
            count,
            1,
            "generation {} index {} seen {count} times",
            slot / PARTIES,
            slot % PARTIES
        );
    }
    assert_eq!(barrier.n_waiting(), 0);
    assert!(!barrier.broken());
}

/// Eventual fairness: with two threads taking and releasing a `Lock` in a
/// tight loop, a third that wants it still gets it, again and again, within a
/// bound (the lock is handed to a parked waiter now and then).
#[test]
fn a_waiter_is_not_starved_by_threads_that_hammer_the_lock() {
    use std::sync::atomic::AtomicBool;
    use std::time::{Duration, Instant};
    let lock = Arc::new(Lock::new());
    let stop = Arc::new(AtomicBool::new(false));
    let hammers: Vec<_> = (0..2)
        .map(|_| {
            let (lock, stop) = (Arc::clone(&lock), Arc::clone(&stop));
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let _guard = lock.lock();
                    std::hint::spin_loop();
                }
            })
        })
        .collect();
    let mut slowest = Duration::ZERO;
    for _ in 0..50 {
        let start = Instant::now();
        drop(lock.lock());
        slowest = slowest.max(start.elapsed());
        std::thread::sleep(Duration::from_millis(1));
    }
    stop.store(true, Ordering::Relaxed);
    for hammer in hammers {
        hammer.join().unwrap();
    }
    // Generous: a loaded 2-core machine can deschedule the waiter for a while.
    assert!(
        slowest < Duration::from_secs(2),
        "slowest acquisition {slowest:?}"
    );
}
