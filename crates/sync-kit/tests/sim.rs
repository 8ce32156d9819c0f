//! The blocking layer under the simulator: each primitive's blocking paths,
//! virtual time, exploration finding real bugs, PCT's bound, replay.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering::SeqCst};
use std::time::Duration;

use sync_kit::sim::{self, Config, Failure};
use sync_kit::time::{now, sleep};
use sync_kit::{
    Barrier, BoundedSemaphore, Condition, Event, Lock, RLock, Semaphore, Thread, Timer,
};

const SEC: Duration = Duration::from_secs(1);

fn spawn(f: impl FnOnce() + Send + 'static) -> Thread {
    let t = Thread::new(f);
    t.start().expect("start");
    t
}

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
fn a_timed_wait_that_races_a_set_at_the_same_instant_sees_both_outcomes() {
    let seen = outcomes(100, || {
        let event = Arc::new(Event::new());
        let setter = Arc::clone(&event);
        let t = spawn(move || {
            sleep(SEC);
            setter.set();
        });
        let got = event.wait_timeout(SEC);
        t.join().unwrap();
        got
    });
    assert_eq!(seen, BTreeSet::from([false, true]));
}

#[test]
fn a_condition_timeout_that_races_a_notify_sees_both_outcomes() {
    let seen = outcomes(100, || {
        let cond = Arc::new(Condition::new());
        let other = Arc::clone(&cond);
        let t = spawn(move || {
            sleep(SEC);
            let _g = other.lock();
            other.notify().unwrap();
        });
        let notified = {
            let _g = cond.lock();
            cond.wait_timeout(SEC).unwrap()
        };
        t.join().unwrap();
        notified
    });
    assert_eq!(seen, BTreeSet::from([false, true]));
}

/// Two threads read a counter, yield (`sleep(0)`), and write it back plus one.
fn racy_increments() -> u64 {
    let counter = Arc::new(AtomicU64::new(0));
    let threads: Vec<_> = (0..2)
        .map(|_| {
            let c = Arc::clone(&counter);
            spawn(move || {
                let v = c.load(SeqCst);
                sleep(Duration::ZERO);
                c.store(v + 1, SeqCst);
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    counter.load(SeqCst)
}

#[test]
fn a_lost_update_shows_up_within_a_few_hundred_seeds() {
    let first =
        (0..300).find(|&seed| sim::run(Config::random(seed), racy_increments).result == Ok(1));
    assert!(first.is_some(), "no lost update in 300 schedules");
    // And the same program under a lock never loses one.
    let safe = outcomes(100, || {
        let counter = Arc::new(Lock::with_value(0));
        let threads: Vec<_> = (0..2)
            .map(|_| {
                let c = Arc::clone(&counter);
                spawn(move || {
                    let mut v = c.lock();
                    let read = *v;
                    sleep(Duration::ZERO);
                    *v = read + 1;
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        *counter.lock()
    });
    assert_eq!(safe, BTreeSet::from([2]));
}

/// A depth-2 ordering bug: thread B's step must fall between thread A's two
/// steps, which are far apart.
fn depth_two_bug() -> bool {
    let first = Arc::new(AtomicBool::new(false));
    let second = Arc::new(AtomicBool::new(false));
    let hit = Arc::new(AtomicBool::new(false));
    let (f, s) = (Arc::clone(&first), Arc::clone(&second));
    let a = spawn(move || {
        f.store(true, SeqCst);
        for _ in 0..20 {
            sleep(Duration::ZERO);
        }
        s.store(true, SeqCst);
    });
    let (f, s, h) = (Arc::clone(&first), Arc::clone(&second), Arc::clone(&hit));
    let b = spawn(move || {
        for _ in 0..20 {
            sleep(Duration::ZERO);
        }
        h.store(f.load(SeqCst) && !s.load(SeqCst), SeqCst);
    });
    a.join().unwrap();
    b.join().unwrap();
    hit.load(SeqCst)
}

#[test]
fn pct_finds_a_depth_two_bug_at_least_as_often_as_its_bound_promises() {
    // Learn the number of real choices k from one run, as PCT prescribes.
    let k = sim::run(Config::random(0), depth_two_bug).choices as u64;
    let threads = 3.0; // main, A and B
    let bound = 1.0 / (threads * k as f64);
    let runs = 400;
    let hits = (0..runs)
        .filter(|&seed| sim::run(Config::pct(2, k, seed), depth_two_bug).result == Ok(true))
        .count();
    let rate = hits as f64 / runs as f64;
    eprintln!("PCT depth 2: {hits}/{runs} runs hit the bug (bound 1/(n·k) = {bound:.4}, k = {k})");
    assert!(
        rate >= bound,
        "PCT depth 2 hit the bug in {hits}/{runs} runs ({rate:.4}), below its bound 1/(n·k) = {bound:.4} (k = {k})"
    );
    // Depth 1 (priorities only, no change point) can never put B between A's steps
    // unless B runs first, so it finds the bug less often than depth 2.
    let depth_one = (0..runs)
        .filter(|&seed| sim::run(Config::pct(1, k, seed), depth_two_bug).result == Ok(true))
        .count();
    let random = (0..runs)
        .filter(|&seed| sim::run(Config::random(seed), depth_two_bug).result == Ok(true))
        .count();
    eprintln!("same bug: PCT depth 1 {depth_one}/{runs}, uniform random {random}/{runs}");
    assert!(depth_one < hits, "depth 1: {depth_one}, depth 2: {hits}");
}

#[test]
fn replaying_a_schedule_repeats_the_run_exactly() {
    for seed in 0..30 {
        let body = || {
            let log = Arc::new(Lock::with_value(Vec::new()));
            let threads: Vec<_> = (0..3)
                .map(|i| {
                    let log = Arc::clone(&log);
                    spawn(move || {
                        for step in 0..3 {
                            log.lock().push((i, step, sync_kit::random::randint(0, 9)));
                        }
                    })
                })
                .collect();
            for t in threads {
                t.join().unwrap();
            }
            log.lock().clone()
        };
        let first = sim::run(Config::random(seed), body);
        let again = sim::run(Config::replay(&first.schedule).unwrap(), body);
        assert_eq!(again.result, first.result, "seed {seed}");
        assert_eq!(again.schedule, first.schedule, "seed {seed}");
        assert_eq!(again.divergence, None, "seed {seed}");
    }
}

#[test]
fn thirty_seconds_of_sleep_take_no_real_time() {
    let start = std::time::Instant::now();
    let run = sim::run(Config::random(3), || {
        let t = spawn(|| sleep(Duration::from_secs(20)));
        sleep(Duration::from_secs(10));
        t.join().unwrap();
        sleep(Duration::from_secs(10));
        now()
    });
    assert_eq!(run.virtual_time, Duration::from_secs(30));
    assert!(run.result.is_ok());
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn timeouts_end_exactly_at_their_virtual_deadline() {
    for seed in 0..20 {
        let run = sim::run(Config::random(seed), || {
            let lock = Arc::new(Lock::new());
            lock.acquire();
            let start = now();
            let got = lock.acquire_timeout(Duration::from_millis(250));
            let waited = now() - start;
            let sem = Semaphore::new(0);
            let got_sem = sem.acquire_timeout(Duration::from_millis(750));
            (got, waited, got_sem, now() - start)
        });
        let (got, waited, got_sem, total) = run.result.unwrap();
        assert!(!got && !got_sem);
        assert_eq!(waited, Duration::from_millis(250));
        assert_eq!(total, SEC);
    }
}

#[test]
fn each_primitive_blocks_and_wakes_under_every_schedule() {
    let results = outcomes(60, || {
        // Lock handed between threads, RLock re-entered.
        let rlock = Arc::new(RLock::new());
        let r = Arc::clone(&rlock);
        let t = spawn(move || {
            let _a = r.lock();
            let _b = r.lock();
            sleep(Duration::from_millis(10));
        });
        drop(rlock.lock());
        t.join().unwrap();
        // notify(2) of three waiters wakes exactly two; notify_all the third.
        let cond = Arc::new(Condition::new());
        let woke = Arc::new(AtomicUsize::new(0));
        let waiters: Vec<_> = (0..3)
            .map(|_| {
                let (c, w) = (Arc::clone(&cond), Arc::clone(&woke));
                spawn(move || {
                    let _g = c.lock();
                    if c.wait().unwrap() {
                        w.fetch_add(1, SeqCst);
                    }
                })
            })
            .collect();
        while cond.waiters() < 3 {
            sleep(Duration::from_millis(1));
        }
        {
            let _g = cond.lock();
            cond.notify_n(2).unwrap();
        }
        while woke.load(SeqCst) < 2 {
            sleep(Duration::from_millis(1));
        }
        sleep(Duration::from_millis(5));
        let after_two = woke.load(SeqCst);
        {
            let _g = cond.lock();
            cond.notify_all().unwrap();
        }
        for t in waiters {
            t.join().unwrap();
        }
        // A bounded semaphore of 2 never lets a third in.
        let sem = Arc::new(BoundedSemaphore::new(2));
        let inside = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let workers: Vec<_> = (0..4)
            .map(|_| {
                let (s, i, m) = (Arc::clone(&sem), Arc::clone(&inside), Arc::clone(&most));
                spawn(move || {
                    let _g = s.lock();
                    let now_in = i.fetch_add(1, SeqCst) + 1;
                    m.fetch_max(now_in, SeqCst);
                    sleep(Duration::from_millis(3));
                    i.fetch_sub(1, SeqCst);
                })
            })
            .collect();
        for t in workers {
            t.join().unwrap();
        }
        // A barrier of 3 with an action runs the action once per generation.
        let actions = Arc::new(AtomicUsize::new(0));
        let a = Arc::clone(&actions);
        let barrier = Arc::new(
            Barrier::with_action(3, move || {
                a.fetch_add(1, SeqCst);
            })
            .unwrap(),
        );
        let parties: Vec<_> = (0..2)
            .map(|_| {
                let b = Arc::clone(&barrier);
                spawn(move || {
                    b.wait().unwrap();
                    b.wait().unwrap();
                })
            })
            .collect();
        let mut indices = vec![barrier.wait().unwrap()];
        indices.push(barrier.wait().unwrap());
        for t in parties {
            t.join().unwrap();
        }
        // A timer fires after its interval in virtual time; a cancelled one never.
        let fired = Arc::new(AtomicUsize::new(0));
        let f = Arc::clone(&fired);
        let timer = Timer::new(SEC, move || {
            f.fetch_add(1, SeqCst);
        });
        timer.start().unwrap();
        let g = Arc::clone(&fired);
        let cancelled = Timer::new(SEC, move || {
            g.fetch_add(10, SeqCst);
        });
        cancelled.start().unwrap();
        cancelled.cancel();
        timer.join().unwrap();
        cancelled.join().unwrap();
        // join with a timeout returns while the thread still sleeps.
        let sleeper = spawn(|| sleep(Duration::from_secs(5)));
        sleeper.join_timeout(SEC).unwrap();
        let alive = sleeper.is_alive();
        sleeper.join().unwrap();
        (
            after_two,
            woke.load(SeqCst),
            most.load(SeqCst),
            actions.load(SeqCst),
            indices.iter().all(|i| *i < 3),
            fired.load(SeqCst),
            alive,
        )
    });
    assert_eq!(results, BTreeSet::from([(2, 3, 2, 2, true, 1, true)]));
}

#[test]
fn a_deadlock_ends_the_run_with_a_report_naming_the_threads() {
    let run = sim::run(Config::random(5), || {
        let a = Arc::new(Lock::new());
        let b = Arc::new(Lock::new());
        let (a2, b2) = (Arc::clone(&a), Arc::clone(&b));
        let t = Thread::builder().name("transfer").target(move || {
            let _x = b2.lock();
            sleep(SEC);
            let _y = a2.lock();
        });
        t.start().unwrap();
        let _x = a.lock();
        sleep(SEC);
        let _y = b.lock();
    });
    let Err(Failure::Deadlock(report)) = run.result else {
        panic!("expected a deadlock, got {:?}", run.result);
    };
    let first = report.lines().next().unwrap();
    assert!(first.contains("deadlock"), "{report}");
    assert!(first.contains("virtual time 1.000s"), "{report}");
    assert!(report.contains("\"transfer\" waits for Lock"), "{report}");
    assert!(report.contains("tests/sim.rs"), "{report}");
    assert!(report.contains("SYNC_KIT_SIM=replay:"), "{report}");
    // Real time is untouched once the run is over.
    let lock = Lock::new();
    assert!(lock.acquire_timeout(Duration::from_millis(1)));
}

#[test]
fn a_near_deadline_may_pass_while_a_thread_is_still_runnable() {
    let body = || {
        let event = Arc::new(Event::new());
        let waiter = Arc::clone(&event);
        let tx = Arc::new(AtomicBool::new(false));
        let got = Arc::clone(&tx);
        let t = spawn(move || got.store(waiter.wait_timeout(Duration::from_millis(5)), SeqCst));
        // Runnable all along: only a modelled stall lets the 5 ms pass first.
        for _ in 0..3 {
            sleep(Duration::ZERO);
        }
        event.set();
        t.join().unwrap();
        tx.load(SeqCst)
    };
    let seen = outcomes(200, body);
    assert_eq!(seen, BTreeSet::from([false, true]));
    // A deadline far ahead never passes while a thread can run.
    let far = outcomes(200, || {
        let event = Arc::new(Event::new());
        let waiter = Arc::clone(&event);
        let t = spawn(move || assert!(waiter.wait_timeout(SEC)));
        for _ in 0..3 {
            sleep(Duration::ZERO);
        }
        event.set();
        t.join().unwrap();
        true
    });
    assert_eq!(far, BTreeSet::from([true]));
    // Replay follows the recorded stalls.
    for seed in 0..40 {
        let first = sim::run(Config::random(seed), body);
        let again = sim::run(Config::replay(&first.schedule).unwrap(), body);
        assert_eq!(first.result, again.result);
        assert_eq!(first.schedule, again.schedule);
    }
}
