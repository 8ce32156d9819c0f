//! Deliberately broken programs that exploration must find, each within a
//! stated number of schedules, and replay from the schedule it printed.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::time::Duration;

use sync_kit::sim::{self, Config, Failure, Run};
use sync_kit::{Condition, Event, Lock, Thread};

fn spawn(f: impl FnOnce() + Send + 'static) -> Thread {
    let t = Thread::new(f);
    t.start().expect("start");
    t
}

/// The first of `seeds` random schedules on which `is_bug` holds, and its run.
fn find<T>(
    seeds: u64,
    body: impl Fn() -> T,
    is_bug: impl Fn(&Run<T>) -> bool,
) -> Option<(u64, Run<T>)> {
    (0..seeds).find_map(|seed| {
        let run = sim::run(Config::random(seed), &body);
        is_bug(&run).then_some((seed, run))
    })
}

/// Replays `run`'s schedule and checks that it fails the same way.
fn replays<T: PartialEq + std::fmt::Debug>(run: &Run<T>, body: impl Fn() -> T) {
    let again = sim::run(
        Config::replay(&run.schedule).expect("schedule string"),
        body,
    );
    assert_eq!(again.divergence, None);
    assert_eq!(again.schedule, run.schedule);
    match (&again.result, &run.result) {
        (Err(Failure::Deadlock(a)), Err(Failure::Deadlock(b))) => {
            assert_eq!(a.lines().next(), b.lines().next());
        }
        (a, b) => assert_eq!(a, b),
    }
}

/// Two threads increment a counter without a lock, yielding between the
/// read and the write.
fn lost_update() -> usize {
    let counter = Arc::new(AtomicUsize::new(0));
    let workers: Vec<_> = (0..2)
        .map(|_| {
            let c = Arc::clone(&counter);
            spawn(move || {
                for _ in 0..3 {
                    let v = c.load(SeqCst);
                    sync_kit::time::sleep(Duration::ZERO);
                    c.store(v + 1, SeqCst);
                }
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    counter.load(SeqCst)
}

#[test]
fn a_lost_update_is_found_within_50_schedules_and_replays() {
    let (seed, run) = find(50, lost_update, |r| r.result != Ok(6)).expect("found within 50");
    eprintln!("lost update: seed {seed}, total {:?}", run.result);
    replays(&run, lost_update);
}

/// Two threads take two locks in opposite order, with no pause: only a rare
/// interleaving deadlocks.
fn lock_order() {
    let a = Arc::new(Lock::new());
    let b = Arc::new(Lock::new());
    let (a2, b2) = (Arc::clone(&a), Arc::clone(&b));
    let t = Thread::builder().name("transfer-b-a").target(move || {
        let _b = b2.lock();
        let _a = a2.lock();
    });
    t.start().unwrap();
    {
        let _a = a.lock();
        let _b = b.lock();
    }
    t.join().unwrap();
}

#[test]
fn a_rare_lock_order_deadlock_is_found_within_200_schedules_with_its_report() {
    let is_deadlock = |r: &Run<()>| matches!(r.result, Err(Failure::Deadlock(_)));
    let (seed, run) = find(200, lock_order, is_deadlock).expect("found within 200");
    let Err(Failure::Deadlock(report)) = &run.result else {
        unreachable!()
    };
    eprintln!("lock-order deadlock: seed {seed}\n{report}");
    assert!(
        report.contains("\"transfer-b-a\" waits for Lock"),
        "{report}"
    );
    assert!(report.contains("last acquired by"), "{report}");
    assert!(report.contains("cycle:"), "{report}");
    replays(&run, lock_order);
    // It is rare: most schedules complete.
    let completed = (0..50)
        .filter(|&s| sim::run(Config::random(s), lock_order).result.is_ok())
        .count();
    assert!(completed > 25, "{completed}/50 completed");
}

/// A consumer waits on a Condition without checking a predicate first: if
/// the producer notifies before the consumer waits, the wake-up is lost.
fn missed_wakeup() -> bool {
    let cond = Arc::new(Condition::new());
    let ready = Arc::new(AtomicBool::new(false));
    let (c, r) = (Arc::clone(&cond), Arc::clone(&ready));
    let consumer = spawn(move || {
        let _g = c.lock();
        c.wait().unwrap(); // the bug: no `while !ready { wait }`
        assert!(r.load(SeqCst));
    });
    {
        let _g = cond.lock();
        ready.store(true, SeqCst);
        cond.notify().unwrap();
    }
    consumer.join().unwrap();
    true
}

#[test]
fn a_missed_wakeup_is_found_within_50_schedules_as_a_deadlock_on_the_condition() {
    let is_deadlock = |r: &Run<bool>| matches!(r.result, Err(Failure::Deadlock(_)));
    let (seed, run) = find(50, missed_wakeup, is_deadlock).expect("found within 50");
    let Err(Failure::Deadlock(report)) = &run.result else {
        unreachable!()
    };
    eprintln!("missed wake-up: seed {seed}\n{report}");
    assert!(report.contains("waits for Condition"), "{report}");
    replays(&run, missed_wakeup);
}

/// Two threads "claim" a job by checking an Event and then setting it: both
/// can see it clear before either sets it.
fn check_then_act() -> usize {
    let claimed = Arc::new(Event::new());
    let claims = Arc::new(AtomicUsize::new(0));
    let workers: Vec<_> = (0..2)
        .map(|_| {
            let (e, n) = (Arc::clone(&claimed), Arc::clone(&claims));
            spawn(move || {
                if !e.is_set() {
                    sync_kit::time::sleep(Duration::ZERO);
                    e.set();
                    n.fetch_add(1, SeqCst);
                }
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    claims.load(SeqCst)
}

#[test]
fn a_check_then_act_race_on_an_event_is_found_within_50_schedules() {
    let (seed, run) = find(50, check_then_act, |r| r.result == Ok(2)).expect("found within 50");
    eprintln!("check-then-act: seed {seed}");
    replays(&run, check_then_act);
    // Some schedules are fine: the race is real, not constant.
    assert!((0..50).any(|s| sim::run(Config::random(s), check_then_act).result == Ok(1)));
}
