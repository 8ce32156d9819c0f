//! Locks that own the data they protect: `RLock::with_value` (shared access
//! through re-entrant guards, `Sync` for `Send` data) and `DataCondition`
//! (a condition whose guard derefs mutably to the data and waits through it),
//! on real threads and under the simulator.

use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use sync_kit::sim::{self, Config};
use sync_kit::time::sleep;
use sync_kit::{Condition, DataCondition, RLock, Thread};

fn spawn(f: impl FnOnce() + Send + 'static) -> Thread {
    let t = Thread::new(f);
    t.start().expect("start");
    t
}

fn assert_sync<T: Sync + Send>() {}

/// The values `body` returns over `seeds` random schedules.
fn outcomes<T: Ord + Send>(seeds: u64, body: impl Fn() -> T) -> BTreeSet<T> {
    (0..seeds)
        .map(|seed| {
            sim::run(Config::random(seed), &body)
                .result
                .expect("run completes")
        })
        .collect()
}

#[test]
fn rlocks_over_send_only_data_are_sync() {
    assert_sync::<RLock<Cell<u64>>>();
    assert_sync::<RLock<RefCell<Vec<String>>>>();
    assert_sync::<DataCondition<Vec<Cell<u8>>>>();
}

/// Python's `with lock: with lock: total += item` from several threads.
#[test]
fn a_twice_taken_rlock_guards_a_cell_across_threads() {
    let total = Arc::new(RLock::with_value(Cell::new(0_u64)));
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let total = Arc::clone(&total);
            spawn(move || {
                for item in 1..=250 {
                    let outer = total.lock();
                    let inner = total.lock();
                    assert_eq!(total.recursion_count(), 2);
                    let read = outer.get();
                    std::thread::yield_now();
                    inner.set(read + item);
                }
            })
        })
        .collect();
    for t in &threads {
        t.join().unwrap();
    }
    assert!(!total.locked());
    assert_eq!(total.lock().get(), 4 * (250 * 251 / 2));
}

#[test]
fn a_static_rlock_owns_its_counter() {
    static TOTAL: RLock<Cell<u64>> = RLock::with_value(Cell::new(0));
    let threads: Vec<_> = (0..3)
        .map(|_| {
            spawn(|| {
                for _ in 0..100 {
                    let g = TOTAL.lock();
                    g.set(g.get() + 1);
                }
            })
        })
        .collect();
    for t in &threads {
        t.join().unwrap();
    }
    assert_eq!(TOTAL.lock().get(), 300);
}

/// The owner re-enters from a function that only has the lock, not the guard.
#[test]
fn re_entrant_guards_see_the_same_data_and_release_in_any_order() {
    fn log(lock: &RLock<RefCell<Vec<&'static str>>>, what: &'static str) {
        lock.lock().borrow_mut().push(what);
    }
    let lock = RLock::with_value(RefCell::new(Vec::new()));
    let outer = lock.lock();
    outer.borrow_mut().push("outer");
    log(&lock, "inner");
    let second = lock.try_lock().expect("the owner re-enters");
    assert_eq!(lock.recursion_count(), 2);
    assert_eq!(*second.borrow(), ["outer", "inner"]);
    drop(outer); // the outer guard goes first
    assert!(lock.is_owned());
    assert_eq!(lock.recursion_count(), 1);
    second.borrow_mut().push("last");
    drop(second);
    assert!(!lock.locked());
    assert_eq!(lock.into_inner().into_inner(), ["outer", "inner", "last"]);
}

#[test]
fn another_thread_waits_for_every_level() {
    let lock = Arc::new(RLock::with_value(Cell::new(1)));
    let outer = lock.lock();
    let inner = lock.lock();
    let other = Arc::clone(&lock);
    let held = std::thread::spawn(move || other.lock_timeout(Duration::from_millis(20)).is_none())
        .join()
        .unwrap();
    assert!(held, "a thread other than the owner must not get the lock");
    drop(inner);
    let other = Arc::clone(&lock);
    let held = std::thread::spawn(move || other.try_lock().is_none())
        .join()
        .unwrap();
    assert!(held, "one level is still held");
    drop(outer);
    let other = Arc::clone(&lock);
    let got = std::thread::spawn(move || other.try_lock().map(|g| g.get()))
        .join()
        .unwrap();
    assert_eq!(got, Some(1));
}

#[test]
fn get_mut_needs_no_lock_and_debug_shows_the_data() {
    let mut lock = RLock::with_value(Cell::new(5));
    lock.get_mut().set(6);
    let guard = lock.lock();
    let shown = format!("{guard:?}");
    assert!(shown.contains("data: Cell { value: 6 }"), "{shown}");
    assert!(shown.contains("sync_kit.RLock object owner="), "{shown}");
}

#[test]
fn a_panic_under_a_data_guard_releases_the_rlock() {
    let lock = Arc::new(RLock::with_value(Cell::new(0)));
    let other = Arc::clone(&lock);
    let panicked = std::thread::spawn(move || {
        let _outer = other.lock();
        let inner = other.lock();
        inner.set(7);
        panic!("boom");
    })
    .join();
    assert!(panicked.is_err());
    assert!(!lock.locked());
    assert_eq!(
        lock.lock().get(),
        7,
        "no poisoning: the data stays reachable"
    );
}

/// Without the lock the read-yield-write would lose updates under some
/// schedules; with the re-entrant data lock it never does.
#[test]
fn rlock_data_under_simulated_schedules() {
    let totals = outcomes(100, || {
        let total = Arc::new(RLock::with_value(Cell::new(0_u64)));
        let threads: Vec<_> = (1..=3)
            .map(|item| {
                let total = Arc::clone(&total);
                spawn(move || {
                    let outer = total.lock();
                    let read = outer.get();
                    sleep(Duration::ZERO);
                    let inner = total.lock();
                    inner.set(read + item);
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        total.lock().get()
    });
    assert_eq!(totals, BTreeSet::from([6]));
}

#[test]
fn a_consumer_waits_through_the_data_guard() {
    let items = Arc::new(Condition::with_value(Vec::new()));
    let consumer = {
        let items = Arc::clone(&items);
        Thread::with_result(move || {
            let mut got = Vec::new();
            let mut queue = items.lock();
            while got.len() < 3 {
                while queue.is_empty() {
                    queue.wait();
                }
                got.extend(queue.drain(..));
            }
            got
        })
    };
    consumer.start().unwrap();
    for i in 0..3 {
        let mut queue = items.lock();
        queue.push(i);
        queue.notify();
    }
    assert_eq!(consumer.join().unwrap(), [0, 1, 2]);
    assert_eq!(items.waiters(), 0);
}

#[test]
fn a_timed_out_wait_holds_the_lock_again() {
    let cond = Arc::new(DataCondition::new(0_u32));
    let mut guard = cond.lock();
    let start = Instant::now();
    assert!(!guard.wait_timeout(Duration::from_millis(30)));
    assert!(start.elapsed() >= Duration::from_millis(30), "never early");
    let other = Arc::clone(&cond);
    let free = std::thread::spawn(move || other.try_lock().is_some())
        .join()
        .unwrap();
    assert!(!free, "the lock is held again after the wait");
    *guard += 1;
    drop(guard);
    assert_eq!(Arc::try_unwrap(cond).unwrap().into_inner(), 1);
}

#[test]
fn wait_for_returns_the_predicates_value_or_its_last_on_timeout() {
    let cond = Arc::new(DataCondition::new(None::<u32>));
    let setter = {
        let cond = Arc::clone(&cond);
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(20));
            let mut slot = cond.lock();
            *slot = Some(9);
            slot.notify_all();
        })
    };
    let mut slot = cond.lock();
    assert_eq!(slot.wait_for(|slot| *slot, None), Some(9));
    let mut calls = 0;
    let last = slot.wait_for(
        |slot| {
            calls += 1;
            slot.take()
        },
        Some(Duration::from_millis(10)),
    );
    assert_eq!(last, Some(9), "the first call finds the value");
    let last = slot.wait_for(|slot| slot.take(), Some(Duration::from_millis(10)));
    assert_eq!(last, None);
    assert_eq!(calls, 1);
    drop(slot);
    setter.join().unwrap();
}

#[test]
fn notify_n_wakes_exactly_n_oldest_waiters() {
    let cond = Arc::new(DataCondition::new(0_usize));
    let waiters: Vec<_> = (0..3)
        .map(|_| {
            let cond = Arc::clone(&cond);
            std::thread::spawn(move || {
                let mut woken = cond.lock();
                woken.wait();
                *woken += 1;
            })
        })
        .collect();
    while cond.waiters() < 3 {
        std::thread::sleep(Duration::from_millis(1));
    }
    cond.lock().notify_n(2);
    // Give the two a generous moment; the third must stay asleep.
    let deadline = Instant::now() + Duration::from_secs(10);
    while *cond.lock() < 2 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(1));
    }
    std::thread::sleep(Duration::from_millis(30));
    assert_eq!(*cond.lock(), 2);
    assert_eq!(cond.waiters(), 1);
    cond.lock().notify_all();
    for w in waiters {
        w.join().unwrap();
    }
    assert_eq!(*cond.lock(), 3);
}

#[test]
fn a_held_data_condition_refuses_try_lock_and_lock_timeout() {
    let cond = Arc::new(DataCondition::new(String::from("x")));
    let guard = cond.lock();
    assert!(cond.locked());
    let other = Arc::clone(&cond);
    let refused = std::thread::spawn(move || {
        other.try_lock().is_none() && other.lock_timeout(Duration::from_millis(10)).is_none()
    })
    .join()
    .unwrap();
    assert!(refused);
    assert_eq!(
        format!("{guard:?}").split(',').next(),
        Some("DataConditionGuard { data: \"x\"")
    );
    drop(guard);
    assert!(!cond.locked());
}

/// A bounded buffer of one slot between a producer and two consumers, under
/// the simulator: every item arrives exactly once and no schedule stalls.
#[test]
fn data_condition_under_simulated_schedules() {
    let sums = outcomes(100, || {
        let slot = Arc::new(DataCondition::new((None::<u64>, false)));
        let consumers: Vec<_> = (0..2)
            .map(|_| {
                let slot = Arc::clone(&slot);
                Thread::with_result(move || {
                    let mut sum = 0;
                    let mut state = slot.lock();
                    loop {
                        let ready = state.wait_for(|(item, done)| item.is_some() || *done, None);
                        assert!(ready, "no timeout, so only a true predicate returns");
                        match state.0.take() {
                            Some(item) => sum += item,
                            None => break sum,
                        }
                        state.notify_all();
                    }
                })
            })
            .collect();
        for c in &consumers {
            c.start().unwrap();
        }
        for item in 1..=5 {
            let mut state = slot.lock();
            while state.0.is_some() {
                state.wait();
            }
            state.0 = Some(item);
            state.notify_all();
        }
        {
            let mut state = slot.lock();
            while state.0.is_some() {
                state.wait();
            }
            state.1 = true;
            state.notify_all();
        }
        consumers
            .into_iter()
            .map(|c| c.join().unwrap())
            .sum::<u64>()
    });
    assert_eq!(sums, BTreeSet::from([15]));
}
