//! `Timer`, after CPython's `TimerTests` and the documented behaviour
//! (cpython_semantics §2). `test_init_immutable_default_args` guards against
//! Python's shared mutable default arguments; a Rust closure owns its captures,
//! so the case is ruled out by construction: the nearest check here is that two
//! timers built alike each call their own function exactly once.

mod lock_helpers;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use sync_kit::{ErrorKind, Timer};

fn counting(calls: &Arc<AtomicUsize>) -> impl FnOnce() + Send + 'static {
    let calls = Arc::clone(calls);
    move || {
        calls.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn fires_once_after_the_interval() {
    let calls = Arc::new(AtomicUsize::new(0));
    let t = Timer::new(Duration::from_millis(200), counting(&calls));
    let start = Instant::now();
    t.start().unwrap();
    t.join().unwrap();
    let elapsed = start.elapsed();
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    // The interval is scaled like every sync-kit timeout.
    let interval = sync_kit::time::scaled(Duration::from_millis(200));
    assert!(elapsed >= interval, "never early: {elapsed:?}");
    assert!(elapsed < interval + Duration::from_secs(2), "{elapsed:?}");
    assert!(t.finished().is_set());
}

#[test]
fn test_init_immutable_default_args() {
    let calls = Arc::new(AtomicUsize::new(0));
    let first = Timer::new(Duration::from_millis(10), counting(&calls));
    let second = Timer::new(Duration::from_millis(10), counting(&calls));
    first.start().unwrap();
    second.start().unwrap();
    first.join().unwrap();
    second.join().unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[test]
fn cancel_during_the_wait_prevents_the_call_and_ends_the_thread() {
    let calls = Arc::new(AtomicUsize::new(0));
    // 30 s of real time whatever the scale, so the cancel lands in the wait.
    let t = Timer::new(
        lock_helpers::real(Duration::from_secs(30)),
        counting(&calls),
    );
    t.start().unwrap();
    std::thread::sleep(Duration::from_millis(50));
    let start = Instant::now();
    t.cancel();
    t.join().unwrap();
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "join after cancel is prompt"
    );
    assert_eq!(calls.load(Ordering::SeqCst), 0);
    assert!(!t.is_alive());
}

#[test]
fn cancel_before_start_means_never() {
    let calls = Arc::new(AtomicUsize::new(0));
    let t = Timer::new(Duration::from_millis(10), counting(&calls));
    t.cancel();
    t.start().unwrap();
    t.join().unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

#[test]
fn cancel_after_firing_is_a_no_op() {
    let calls = Arc::new(AtomicUsize::new(0));
    let t = Timer::new(Duration::ZERO, counting(&calls));
    t.start().unwrap();
    t.join().unwrap();
    t.cancel();
    t.cancel();
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[test]
fn zero_interval_fires_at_once() {
    let calls = Arc::new(AtomicUsize::new(0));
    let t = Timer::new(Duration::ZERO, counting(&calls));
    let start = Instant::now();
    t.start().unwrap();
    t.join().unwrap();
    assert!(start.elapsed() < Duration::from_secs(2));
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[test]
fn a_timer_is_a_thread() {
    let t = Timer::new(Duration::ZERO, || {});
    assert!(t.name().starts_with("Thread-"), "{}", t.name());
    t.set_name("t1");
    assert_eq!(t.name(), "t1");
    t.set_daemon(true).unwrap();
    t.start().unwrap();
    assert_eq!(t.start().unwrap_err().kind(), ErrorKind::AlreadyStarted);
    t.join().unwrap();
    assert!(t.daemon());
}

#[test]
fn function_runs_on_the_timer_thread() {
    let (tx, rx) = std::sync::mpsc::channel();
    let t = Timer::new(Duration::ZERO, move || {
        tx.send(sync_kit::current_thread().name()).unwrap();
    });
    t.set_name("t1");
    t.start().unwrap();
    t.join().unwrap();
    assert_eq!(rx.recv().unwrap(), "t1");
}

#[test]
fn interval_is_the_one_given() {
    for interval in [Duration::ZERO, Duration::from_millis(1500), Duration::MAX] {
        let t = Timer::new(interval, || {});
        assert_eq!(t.interval(), interval, "unscaled, as given");
        t.cancel();
        t.start().unwrap();
        t.join().unwrap();
        assert_eq!(t.interval(), interval, "kept after the timer ended");
    }
}
