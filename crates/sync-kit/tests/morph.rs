//! Wait morphing: `notify_all` and `notify_n(n > 1)` move the waiters onto the
//! lock's queue instead of waking them all. The bug to fear is a lost
//! wake-up, so every test here checks that every waiter returns (a watchdog
//! turns a hang into a failure) and that the counts add up.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use sync_kit::{Condition, ConditionLock, Lock, RLock};

/// Far above any honest run on a loaded 2-core machine.
const WATCHDOG: Duration = Duration::from_secs(60);
const STOP: u64 = u64::MAX;

/// Shared by the notifier and the waiters; every field is read and written
/// with the condition's lock held.
struct Stage<L: ConditionLock> {
    cond: Condition<L>,
    generation: AtomicU64,
    /// Untimed waiters that are waiting for the current generation.
    asleep: AtomicUsize,
    stop: AtomicBool,
}

/// Starts `f` on a thread that reports its result on `done`.
fn spawn<T: Send + 'static>(
    done: &mpsc::Sender<T>,
    f: impl FnOnce() -> T + Send + 'static,
) -> std::thread::JoinHandle<()> {
    let done = done.clone();
    std::thread::spawn(move || {
        let _ = done.send(f());
    })
}

/// A small per-thread pseudo-random sequence (xorshift), for timeouts.
fn next(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

/// `untimed` waiters must see every generation, each wait returning `true`;
/// `timed` waiters with random short timeouts run alongside, and a `true`
/// from them must mean the generation moved. Returns the timed waiters'
/// (notified, timed out) totals.
fn broadcast_rounds<L: ConditionLock + 'static>(
    cond: Condition<L>,
    untimed: usize,
    timed: usize,
    rounds: u64,
) -> (usize, usize) {
    let stage = Arc::new(Stage {
        cond,
        generation: AtomicU64::new(0),
        asleep: AtomicUsize::new(0),
        stop: AtomicBool::new(false),
    });
    let (untimed_done, untimed_results) = mpsc::channel();
    let (timed_done, timed_results) = mpsc::channel();
    let mut threads = Vec::new();
    for _ in 0..untimed {
        let stage = Arc::clone(&stage);
        threads.push(spawn(&untimed_done, move || {
            let _guard = stage.cond.lock();
            let mut seen = 0;
            let mut woken = 0u64;
            while seen != STOP {
                stage.asleep.fetch_add(1, Ordering::Relaxed);
                while stage.generation.load(Ordering::Relaxed) == seen {
                    assert!(stage.cond.wait().unwrap(), "an untimed wait returned false");
                    woken += 1;
                }
                let now = stage.generation.load(Ordering::Relaxed);
                assert!(
                    now == STOP || now == seen + 1,
                    "skipped from {seen} to {now}"
                );
                assert!(stage.cond.is_owned());
                seen = now;
            }
            woken
        }));
    }
    for i in 0..timed {
        let stage = Arc::clone(&stage);
        threads.push(spawn(&timed_done, move || {
            let mut seed = 0x9E37_79B9_7F4A_7C15 ^ (i as u64 + 1);
            let (mut notified, mut timed_out) = (0, 0);
            while !stage.stop.load(Ordering::Relaxed) {
                let _guard = stage.cond.lock();
                let before = stage.generation.load(Ordering::Relaxed);
                let timeout = Duration::from_micros(next(&mut seed) % 3_000);
                if stage.cond.wait_timeout(timeout).unwrap() {
                    let now = stage.generation.load(Ordering::Relaxed);
                    assert_ne!(now, before, "notified without a notify");
                    notified += 1;
                } else {
                    timed_out += 1;
                }
                assert!(stage.cond.is_owned());
            }
            (notified, timed_out)
        }));
    }
    drop((untimed_done, timed_done));

    for round in (1..=rounds).chain([STOP]) {
        loop {
            let guard = stage.cond.lock();
            if stage.asleep.load(Ordering::Relaxed) == untimed {
                stage.asleep.store(0, Ordering::Relaxed);
                stage.generation.store(round, Ordering::Relaxed);
                if round == STOP {
                    stage.stop.store(true, Ordering::Relaxed);
                }
                stage.cond.notify_all().unwrap();
                break;
            }
            drop(guard);
            std::thread::sleep(Duration::from_micros(50));
        }
    }

    for n in 0..untimed {
        let woken = untimed_results
            .recv_timeout(WATCHDOG)
            .unwrap_or_else(|_| panic!("{} untimed waiters never returned", untimed - n));
        assert_eq!(woken, rounds + 1, "an untimed waiter missed a notify");
    }
    let mut totals = (0, 0);
    for n in 0..timed {
        let (notified, timed_out) = timed_results
            .recv_timeout(WATCHDOG)
            .unwrap_or_else(|_| panic!("{} timed waiters never returned", timed - n));
        totals.0 += notified;
        totals.1 += timed_out;
    }
    for thread in threads {
        thread.join().unwrap();
    }
    assert_eq!(stage.cond.waiters(), 0);
    // Nothing is left queued on the lock either: it is free and takes the
    // fast path.
    assert!(stage.cond.try_acquire());
    stage.cond.release().unwrap();
    totals
}

#[test]
fn notify_all_over_rlock_reaches_every_waiter() {
    let (notified, timed_out) = broadcast_rounds(Condition::new(), 12, 12, 300);
    assert!(notified + timed_out > 0);
}

#[test]
fn notify_all_over_lock_reaches_every_waiter() {
    let (notified, timed_out) = broadcast_rounds(Condition::from_lock(Lock::new()), 12, 12, 300);
    assert!(notified + timed_out > 0);
}

#[test]
fn notify_all_untimed_only_many_waiters() {
    broadcast_rounds(Condition::new(), 64, 0, 50);
}

/// Waits until `cond` has `n` waiters.
fn until_waiters<L: ConditionLock>(cond: &Condition<L>, n: usize) {
    for _ in 0..60_000 {
        if cond.waiters() == n {
            return;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    panic!("expected {n} waiters, have {}", cond.waiters());
}

#[test]
fn notify_n_moves_exactly_n_oldest_first() {
    let cond = Arc::new(Condition::new());
    let (done, returned) = mpsc::channel();
    let mut threads = Vec::new();
    for i in 0..6 {
        let c = Arc::clone(&cond);
        threads.push(spawn(&done, move || {
            let _guard = c.lock();
            assert!(c.wait().unwrap());
            i
        }));
        until_waiters(&cond, i + 1);
    }
    {
        let _guard = cond.lock();
        cond.notify_n(4).unwrap();
        // Moved onto the lock, not woken: none can return while it is held.
        assert_eq!(cond.waiters(), 2);
        std::thread::sleep(Duration::from_millis(20));
        assert!(returned.try_recv().is_err());
    }
    let mut first: Vec<_> = (0..4)
        .map(|_| {
            returned
                .recv_timeout(WATCHDOG)
                .expect("a moved waiter never returned")
        })
        .collect();
    first.sort_unstable();
    assert_eq!(first, [0, 1, 2, 3]);
    std::thread::sleep(Duration::from_millis(20));
    assert!(returned.try_recv().is_err(), "more than 4 returned");
    assert_eq!(cond.waiters(), 2);
    {
        let _guard = cond.lock();
        cond.notify_all().unwrap();
    }
    for _ in 0..2 {
        returned
            .recv_timeout(WATCHDOG)
            .expect("a waiter never returned");
    }
    for thread in threads {
        thread.join().unwrap();
    }
}

#[test]
fn timeout_after_the_move_counts_as_notified_and_leaves_the_lock_queue() {
    let cond = Arc::new(Condition::new());
    let c = Arc::clone(&cond);
    let (done, result) = mpsc::channel();
    let waiter = sync_kit::Thread::builder().name("morphed").target(move || {
        c.acquire();
        c.acquire();
        let notified = c.wait_timeout(Duration::from_millis(100)).unwrap();
        let depth = c.underlying().recursion_count();
        c.release().unwrap();
        c.release().unwrap();
        let _ = done.send((notified, depth));
    });
    waiter.start().unwrap();
    until_waiters(&cond, 1);
    {
        let _guard = cond.lock();
        cond.notify_all().unwrap();
        assert_eq!(cond.waiters(), 0);
        // The waiter now waits on the RLock, and the reports say so.
        let dump = sync_kit::thread::dump();
        let line = dump
            .lines()
            .find(|l| l.contains("morphed"))
            .unwrap_or_else(|| panic!("no line for the waiter in:\n{dump}"));
        assert!(line.contains("waits for RLock"), "{line}");
        // Its deadline passes while it is queued on the held lock.
        std::thread::sleep(Duration::from_millis(300));
    }
    let (notified, depth) = result
        .recv_timeout(WATCHDOG)
        .expect("the waiter never got the lock back");
    assert!(notified, "moved onto the lock, so notified");
    assert_eq!(depth, 2);
    waiter.join_timeout(WATCHDOG).unwrap();
    assert!(!cond.underlying().locked());
    // The lock's queue is empty again: acquire and release take the fast path
    // and a later waiter is notified normally.
    assert!(cond.try_acquire());
    cond.release().unwrap();
}

#[test]
fn notify_all_while_another_thread_holds_a_plain_lock() {
    // Over a plain Lock, "owned" means locked by anyone: the notifier may not
    // be the holder, and the waiters must get the lock when the holder lets go.
    let cond = Arc::new(Condition::from_lock(Lock::new()));
    let (done, returned) = mpsc::channel();
    let threads: Vec<_> = (0..3)
        .map(|_| {
            let c = Arc::clone(&cond);
            spawn(&done, move || {
                let _guard = c.lock();
                c.wait().unwrap()
            })
        })
        .collect();
    until_waiters(&cond, 3);
    assert!(cond.acquire());
    let c = Arc::clone(&cond);
    std::thread::spawn(move || c.notify_all().unwrap())
        .join()
        .unwrap();
    assert_eq!(cond.waiters(), 0);
    assert!(returned.try_recv().is_err());
    cond.release().unwrap();
    for _ in 0..3 {
        assert!(
            returned
                .recv_timeout(WATCHDOG)
                .expect("a waiter never returned")
        );
    }
    for thread in threads {
        thread.join().unwrap();
    }
    // With the lock free, notify is refused as before.
    assert!(cond.notify_all().is_err());
}

#[test]
fn conditions_sharing_one_lock_morph_onto_it() {
    let lock = Arc::new(RLock::new());
    let a = Arc::new(Condition::with_lock(Arc::clone(&lock)));
    let b = Arc::new(Condition::with_lock(Arc::clone(&lock)));
    let (done, returned) = mpsc::channel();
    let mut threads = Vec::new();
    for cond in [&a, &b, &a, &b] {
        let c = Arc::clone(cond);
        threads.push(spawn(&done, move || {
            let _guard = c.lock();
            c.wait().unwrap()
        }));
    }
    until_waiters(&a, 2);
    until_waiters(&b, 2);
    {
        let _guard = a.lock();
        a.notify_all().unwrap();
        b.notify_all().unwrap();
    }
    for _ in 0..4 {
        assert!(
            returned
                .recv_timeout(WATCHDOG)
                .expect("a waiter never returned")
        );
    }
    for thread in threads {
        thread.join().unwrap();
    }
    assert!(!lock.locked());
}
