//! Every primitive a Python module commonly keeps as a global works as a
//! `static`, shared by threads without an `Arc`; and every `with x:` is
//! `x.lock()`, with `try_lock` and `lock_timeout` beside it.

use std::time::Duration;

use sync_kit::{BoundedSemaphore, Condition, ErrorKind, Event, Lock, RLock, Semaphore, Thread};

static LOCK: Lock = Lock::new();
static RLOCK: RLock = RLock::new();
static EVENT: Event = Event::new();
static POOL: Semaphore = Semaphore::new(2);
static BOUNDED: BoundedSemaphore = BoundedSemaphore::new(1);
static COND: Condition = Condition::new();
static PLAIN_COND: Condition<Lock> = Condition::from_lock(Lock::new());
static COUNTER: Lock<u64> = Lock::with_value(0);

fn run_all(n: usize, f: fn()) {
    let threads: Vec<_> = (0..n).map(|_| Thread::new(f)).collect();
    for t in &threads {
        t.start().unwrap();
    }
    for t in &threads {
        t.join().unwrap();
    }
}

#[test]
fn a_static_lock_and_rlock_exclude_threads() {
    run_all(4, || {
        for _ in 0..250 {
            let _outer = RLOCK.lock();
            let _inner = RLOCK.lock(); // re-entrant, as Python's RLock
            let _held = LOCK.lock();
            *COUNTER.lock() += 1;
        }
    });
    assert_eq!(*COUNTER.lock(), 1000);
    assert!(!LOCK.locked() && !RLOCK.locked());
}

#[test]
fn a_static_event_wakes_a_thread() {
    let waiter = Thread::with_result(|| EVENT.wait_timeout(Duration::from_secs(60)));
    waiter.start().unwrap();
    EVENT.set();
    assert!(waiter.join().unwrap());
}

#[test]
fn static_semaphores_count_across_threads() {
    static INSIDE: Lock<(usize, usize)> = Lock::with_value((0, 0));
    run_all(6, || {
        let _unit = POOL.lock();
        {
            let mut inside = INSIDE.lock();
            inside.0 += 1;
            inside.1 = inside.1.max(inside.0);
        }
        sync_kit::time::sleep(Duration::from_millis(2));
        INSIDE.lock().0 -= 1;
    });
    let (now, most) = *INSIDE.lock();
    assert_eq!(now, 0);
    assert!(
        (1..=2).contains(&most),
        "{most} threads at once in a Semaphore(2)"
    );
    assert_eq!(POOL.value(), 2);

    let unit = BOUNDED.lock();
    assert!(BOUNDED.try_lock().is_none());
    drop(unit);
    assert_eq!(
        BOUNDED.release().unwrap_err().kind(),
        ErrorKind::TooManyReleases
    );
}

#[test]
fn static_conditions_wait_and_notify() {
    static READY: Lock<bool> = Lock::with_value(false);
    for cond_is_plain in [false, true] {
        *READY.lock() = false;
        let waiter = Thread::with_result(move || {
            let check = || *READY.lock();
            if cond_is_plain {
                let _held = PLAIN_COND.lock();
                PLAIN_COND.wait_for(check, Some(Duration::from_secs(60)))
            } else {
                let _held = COND.lock();
                COND.wait_for(check, Some(Duration::from_secs(60)))
            }
        });
        waiter.start().unwrap();
        *READY.lock() = true;
        if cond_is_plain {
            let _held = PLAIN_COND.lock();
            PLAIN_COND.notify().unwrap();
        } else {
            let _held = COND.lock();
            COND.notify().unwrap();
        }
        assert_eq!(waiter.join().unwrap(), Ok(true));
    }
}

#[test]
fn notify_wakes_one_and_notify_n_wakes_n() {
    static GATE: Condition = Condition::new();
    static WOKEN: Lock<usize> = Lock::with_value(0);
    let waiters: Vec<_> = (0..4)
        .map(|_| {
            Thread::new(|| {
                let _held = GATE.lock();
                assert!(GATE.wait().unwrap());
                *WOKEN.lock() += 1;
            })
        })
        .collect();
    for t in &waiters {
        t.start().unwrap();
    }
    let until = |n: usize| {
        let start = std::time::Instant::now();
        while GATE.waiters() != n {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "stuck at {}",
                GATE.waiters()
            );
            std::thread::sleep(Duration::from_millis(1));
        }
    };
    until(4);
    {
        let _held = GATE.lock();
        GATE.notify().unwrap();
    }
    until(3);
    {
        let _held = GATE.lock();
        GATE.notify_n(2).unwrap();
    }
    until(1);
    {
        let _held = GATE.lock();
        GATE.notify_all().unwrap();
    }
    for t in &waiters {
        t.join().unwrap();
    }
    assert_eq!(*WOKEN.lock(), 4);
}

#[test]
fn one_guard_name_for_every_with() {
    let lock = Lock::new();
    let rlock = RLock::new();
    let cond = Condition::new();
    let sem = Semaphore::new(1);
    let bounded = BoundedSemaphore::new(1);
    let short = Duration::from_millis(1);
    {
        let _a = lock.lock();
        let _b = rlock.lock();
        let _c = cond.lock();
        let _d = sem.lock();
        let _e = bounded.lock();
        assert!(lock.try_lock().is_none() && lock.lock_timeout(short).is_none());
        assert!(sem.try_lock().is_none() && sem.lock_timeout(short).is_none());
        assert!(bounded.try_lock().is_none() && bounded.lock_timeout(short).is_none());
        // An RLock (and a Condition over one) re-enters for its owner.
        assert!(rlock.try_lock().is_some() && rlock.lock_timeout(short).is_some());
        assert!(cond.try_lock().is_some() && cond.lock_timeout(short).is_some());
    }
    assert!(sem.lock_timeout(short).is_some());
    assert!(bounded.lock_timeout(short).is_some());
    // The older semaphore names are aliases.
    drop(sem.guard());
    drop(bounded.try_guard());
    assert_eq!((sem.value(), bounded.value()), (1, 1));
    let plain = Condition::from_lock(Lock::new());
    let held = plain.lock();
    assert!(plain.underlying().locked());
    assert!(plain.lock_timeout(short).is_none());
    drop(held);
    assert!(!plain.underlying().locked());
}

#[test]
fn a_static_barrier_meets_its_parties_round_after_round() {
    static MEET: sync_kit::Barrier = sync_kit::Barrier::const_new::<3>();
    static ARRIVALS: Lock<[usize; 3]> = Lock::with_value([0; 3]);
    run_all(3, || {
        for _ in 0..5 {
            let index = MEET.wait().unwrap();
            ARRIVALS.lock()[index] += 1;
        }
    });
    // Each round hands out the indices 0, 1 and 2 once.
    assert_eq!(*ARRIVALS.lock(), [5, 5, 5]);
    assert_eq!(MEET.parties(), 3);
    assert!(!MEET.broken());
}
