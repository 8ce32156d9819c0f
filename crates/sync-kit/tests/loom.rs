//! loom models of the primitives' non-timeout paths: mutual exclusion, no lost
//! wake-up, no deadlock, exact counts. loom explores every interleaving (up to
//! `LOOM_MAX_PREEMPTIONS`) of at most three threads per model.
//!
//! Run with `scripts/loom.sh`. Built only with `RUSTFLAGS="--cfg loom"`, which
//! swaps sync-kit's atomics, mutexes and condition variables for loom's. loom
//! cannot model timeouts (its `wait_timeout` never times out), so the timed paths
//! are covered by the real-time tests instead.

#![cfg(loom)]

use std::sync::Arc;

use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::thread;
use sync_kit::{Barrier, BoundedSemaphore, Condition, ErrorKind, Event, Lock, RLock, Semaphore};

/// A counter bumped with a separate load and store: only correct under mutual
/// exclusion, and loom reports the lost update otherwise.
struct Racy(AtomicUsize);

impl Racy {
    fn new() -> Self {
        Racy(AtomicUsize::new(0))
    }
    fn bump(&self) {
        let seen = self.0.load(Ordering::Relaxed);
        thread::yield_now();
        self.0.store(seen + 1, Ordering::Relaxed);
    }
    fn get(&self) -> usize {
        self.0.load(Ordering::Relaxed)
    }
}

/// Spins (yielding to loom) until `done`.
fn spin_until(mut done: impl FnMut() -> bool) {
    while !done() {
        thread::yield_now();
    }
}

#[test]
fn lock_mutual_exclusion() {
    loom::model(|| {
        let lock = Arc::new(Lock::new());
        let counter = Arc::new(Racy::new());
        let workers: Vec<_> = (0..2)
            .map(|_| {
                let (lock, counter) = (Arc::clone(&lock), Arc::clone(&counter));
                thread::spawn(move || {
                    let _guard = lock.lock();
                    counter.bump();
                })
            })
            .collect();
        workers.into_iter().for_each(|w| w.join().unwrap());
        assert_eq!(counter.get(), 2);
        assert!(!lock.locked());
    });
}

#[test]
fn lock_released_by_another_thread_wakes_the_waiter() {
    loom::model(|| {
        let lock = Arc::new(Lock::new());
        lock.acquire();
        let waiter = {
            let lock = Arc::clone(&lock);
            thread::spawn(move || {
                lock.acquire();
                lock.release().unwrap();
            })
        };
        let releaser = {
            let lock = Arc::clone(&lock);
            thread::spawn(move || lock.release().unwrap())
        };
        waiter.join().unwrap();
        releaser.join().unwrap();
        assert!(!lock.locked());
        assert_eq!(
            lock.release().unwrap_err().kind(),
            ErrorKind::ReleaseUnlocked
        );
    });
}

#[test]
fn rlock_mutual_exclusion_and_counts() {
    loom::model(|| {
        let rlock = Arc::new(RLock::new());
        let counter = Arc::new(Racy::new());
        let workers: Vec<_> = (0..2)
            .map(|_| {
                let (rlock, counter) = (Arc::clone(&rlock), Arc::clone(&counter));
                thread::spawn(move || {
                    let _outer = rlock.lock();
                    let _inner = rlock.lock();
                    assert_eq!(rlock.recursion_count(), 2);
                    counter.bump();
                })
            })
            .collect();
        workers.into_iter().for_each(|w| w.join().unwrap());
        assert_eq!(counter.get(), 2);
        assert!(!rlock.locked());
        assert_eq!(rlock.recursion_count(), 0);
    });
}

#[test]
fn rlock_non_owner_cannot_release() {
    loom::model(|| {
        let rlock = Arc::new(RLock::new());
        let holder = {
            let rlock = Arc::clone(&rlock);
            thread::spawn(move || {
                rlock.acquire();
                rlock.release().unwrap();
            })
        };
        // Whatever the interleaving, main never owns it, so it cannot release it.
        assert_eq!(rlock.release().unwrap_err().kind(), ErrorKind::NotOwner);
        holder.join().unwrap();
        assert!(!rlock.locked());
    });
}

#[test]
fn condition_wait_notify_no_lost_wakeup() {
    loom::model(|| {
        let cond = Arc::new(Condition::new());
        let ready = Arc::new(AtomicUsize::new(0));
        let waiter = {
            let (cond, ready) = (Arc::clone(&cond), Arc::clone(&ready));
            thread::spawn(move || {
                let _guard = cond.lock();
                let seen = cond
                    .wait_for(|| ready.load(Ordering::Relaxed) == 1, None)
                    .unwrap();
                assert!(seen);
            })
        };
        {
            let _guard = cond.lock();
            ready.store(1, Ordering::Relaxed);
            cond.notify().unwrap();
        }
        waiter.join().unwrap();
    });
}

#[test]
fn condition_over_lock_restores_the_lock() {
    loom::model(|| {
        let lock = Arc::new(Lock::new());
        let cond = Arc::new(Condition::with_lock(Arc::clone(&lock)));
        let waiter = {
            let cond = Arc::clone(&cond);
            thread::spawn(move || {
                let _guard = cond.lock();
                // Only returns true: no spurious wake-ups.
                assert!(cond.wait().unwrap());
                assert!(cond.underlying().locked());
            })
        };
        spin_until(|| cond.waiters() == 1);
        {
            let _guard = cond.lock();
            cond.notify_all().unwrap();
        }
        waiter.join().unwrap();
        assert!(!lock.locked());
    });
}

/// Wait morphing: notify_all moves both waiters onto the held lock; each
/// release must wake the next, whether or not a waiter had begun to wait.
#[test]
fn condition_notify_all_requeues_onto_the_lock() {
    loom::model(|| {
        let cond = Arc::new(Condition::new());
        let ready = Arc::new(AtomicUsize::new(0));
        let counter = Arc::new(Racy::new());
        let waiters: Vec<_> = (0..2)
            .map(|_| {
                let (cond, ready, counter) =
                    (Arc::clone(&cond), Arc::clone(&ready), Arc::clone(&counter));
                thread::spawn(move || {
                    let _guard = cond.lock();
                    let seen = cond
                        .wait_for(|| ready.load(Ordering::Relaxed) == 1, None)
                        .unwrap();
                    assert!(seen);
                    // Each woken waiter holds the lock alone.
                    counter.bump();
                })
            })
            .collect();
        {
            let _guard = cond.lock();
            ready.store(1, Ordering::Relaxed);
            cond.notify_all().unwrap();
        }
        waiters.into_iter().for_each(|w| w.join().unwrap());
        assert_eq!(counter.get(), 2);
        assert!(!cond.underlying().locked());
        assert_eq!(cond.waiters(), 0);
    });
}

/// Over a plain Lock the notifier need not hold it: a notify_all racing the
/// holder's release either moves the waiter onto the still-held lock (the
/// release then wakes it) or finds it free and wakes the waiter directly.
#[test]
fn condition_notify_all_racing_the_holders_release() {
    loom::model(|| {
        let cond = Arc::new(Condition::from_lock(Lock::new()));
        let ready = Arc::new(AtomicUsize::new(0));
        let waiter = {
            let (cond, ready) = (Arc::clone(&cond), Arc::clone(&ready));
            thread::spawn(move || {
                let _guard = cond.lock();
                while ready.load(Ordering::Relaxed) == 0 {
                    assert!(cond.wait().unwrap());
                }
            })
        };
        spin_until(|| cond.waiters() == 1);
        cond.acquire();
        ready.store(1, Ordering::Relaxed);
        let notifier = {
            let cond = Arc::clone(&cond);
            thread::spawn(move || {
                if cond.notify_all().is_err() {
                    // The holder let go first: notify as its owner.
                    let _guard = cond.lock();
                    cond.notify_all().unwrap();
                }
            })
        };
        cond.release().unwrap();
        notifier.join().unwrap();
        waiter.join().unwrap();
        assert!(!cond.underlying().locked());
    });
}

#[test]
fn condition_notify_n_wakes_exactly_n() {
    loom::model(|| {
        let cond = Arc::new(Condition::new());
        let woken = Arc::new(AtomicUsize::new(0));
        let waiters: Vec<_> = (0..2)
            .map(|_| {
                let (cond, woken) = (Arc::clone(&cond), Arc::clone(&woken));
                thread::spawn(move || {
                    let _guard = cond.lock();
                    assert!(cond.wait().unwrap());
                    woken.fetch_add(1, Ordering::SeqCst);
                })
            })
            .collect();
        spin_until(|| cond.waiters() == 2);
        {
            let _guard = cond.lock();
            cond.notify().unwrap();
        }
        spin_until(|| woken.load(Ordering::SeqCst) == 1);
        // notify() took exactly one waiter off the queue.
        assert_eq!(cond.waiters(), 1);
        {
            let _guard = cond.lock();
            cond.notify_n(5).unwrap();
        }
        waiters.into_iter().for_each(|w| w.join().unwrap());
        assert_eq!(woken.load(Ordering::SeqCst), 2);
    });
}

#[test]
fn semaphore_mutual_exclusion() {
    loom::model(|| {
        let sem = Arc::new(Semaphore::new(1));
        let counter = Arc::new(Racy::new());
        let workers: Vec<_> = (0..2)
            .map(|_| {
                let (sem, counter) = (Arc::clone(&sem), Arc::clone(&counter));
                thread::spawn(move || {
                    let _unit = sem.lock();
                    counter.bump();
                })
            })
            .collect();
        workers.into_iter().for_each(|w| w.join().unwrap());
        assert_eq!(counter.get(), 2);
        assert_eq!(sem.value(), 1);
    });
}

#[test]
fn semaphore_release_n_wakes_every_waiter() {
    loom::model(|| {
        let sem = Arc::new(Semaphore::new(0));
        let waiters: Vec<_> = (0..2)
            .map(|_| {
                let sem = Arc::clone(&sem);
                thread::spawn(move || assert!(sem.acquire()))
            })
            .collect();
        sem.release_n(3).unwrap();
        waiters.into_iter().for_each(|w| w.join().unwrap());
        assert_eq!(sem.value(), 1);
    });
}

#[test]
fn semaphore_single_releases_no_lost_wakeup() {
    loom::model(|| {
        let sem = Arc::new(Semaphore::new(0));
        let releasers: Vec<_> = (0..2)
            .map(|_| {
                let sem = Arc::clone(&sem);
                thread::spawn(move || sem.release())
            })
            .collect();
        assert!(sem.acquire());
        assert!(sem.acquire());
        releasers.into_iter().for_each(|r| r.join().unwrap());
        assert_eq!(sem.value(), 0);
    });
}

#[test]
fn bounded_semaphore_counts_and_bound() {
    loom::model(|| {
        let sem = Arc::new(BoundedSemaphore::new(1));
        let counter = Arc::new(Racy::new());
        let workers: Vec<_> = (0..2)
            .map(|_| {
                let (sem, counter) = (Arc::clone(&sem), Arc::clone(&counter));
                thread::spawn(move || {
                    assert!(sem.acquire());
                    counter.bump();
                    sem.release().unwrap();
                })
            })
            .collect();
        workers.into_iter().for_each(|w| w.join().unwrap());
        assert_eq!(counter.get(), 2);
        assert_eq!(sem.value(), 1);
        assert_eq!(
            sem.release().unwrap_err().kind(),
            ErrorKind::TooManyReleases
        );
        assert_eq!(sem.value(), 1);
    });
}

#[test]
fn event_set_wakes_waiter() {
    loom::model(|| {
        let event = Arc::new(Event::new());
        let waiter = {
            let event = Arc::clone(&event);
            thread::spawn(move || assert!(event.wait()))
        };
        event.set();
        waiter.join().unwrap();
        assert!(event.is_set());
    });
}

#[test]
fn event_set_then_clear_still_wakes_waiters() {
    loom::model(|| {
        let event = Arc::new(Event::new());
        let waiters: Vec<_> = (0..2)
            .map(|_| {
                let event = Arc::clone(&event);
                thread::spawn(move || assert!(event.wait()))
            })
            .collect();
        event.set();
        event.clear();
        // A waiter that arrives after the clear blocks until the next set: set
        // once more so every interleaving ends.
        event.set();
        waiters.into_iter().for_each(|w| w.join().unwrap());
    });
}

#[test]
fn barrier_two_generations_exact_indices() {
    loom::model(|| {
        let actions = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&actions);
        let barrier = Arc::new(
            Barrier::with_action(2, move || {
                counted.fetch_add(1, Ordering::SeqCst);
            })
            .unwrap(),
        );
        let other = {
            let barrier = Arc::clone(&barrier);
            thread::spawn(move || [barrier.wait().unwrap(), barrier.wait().unwrap()])
        };
        let mine = [barrier.wait().unwrap(), barrier.wait().unwrap()];
        let theirs = other.join().unwrap();
        for generation in 0..2 {
            let mut indices = [mine[generation], theirs[generation]];
            indices.sort();
            assert_eq!(indices, [0, 1]);
        }
        assert_eq!(actions.load(Ordering::SeqCst), 2);
        assert_eq!(barrier.n_waiting(), 0);
        assert!(!barrier.broken());
    });
}

#[test]
fn barrier_abort_releases_waiter() {
    loom::model(|| {
        let barrier = Arc::new(Barrier::new(2).unwrap());
        let waiter = {
            let barrier = Arc::clone(&barrier);
            thread::spawn(move || barrier.wait())
        };
        barrier.abort();
        let err = waiter.join().unwrap().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::BrokenBarrier);
        assert!(barrier.broken());
        barrier.reset();
        assert!(!barrier.broken());
    });
}
