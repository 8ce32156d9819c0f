//! Timeouts of every primitive, beyond the CPython ports: a timed wait never
//! returns early and returns within CPython's generous bound (0.6x to 10x); a
//! zero timeout is a non-blocking check; `Duration::MAX` neither overflows nor
//! blocks when it does not need to, and can still be woken.

mod lock_helpers;

use std::sync::Arc;
use std::thread;
use std::time::Duration;

use lock_helpers::{assert_timeout, real, timed, wait_until};
use sync_kit::{Barrier, BoundedSemaphore, Condition, ErrorKind, Event, Lock, RLock, Semaphore};

const TIMEOUT: Duration = Duration::from_millis(100);
/// "Returned at once": far below any timeout used here, far above scheduling noise.
const PROMPT: Duration = Duration::from_secs(2);

#[track_caller]
fn assert_prompt(elapsed: Duration) {
    assert!(elapsed < PROMPT, "took {elapsed:?}");
}

/// Runs `f` on another thread and returns its result (the caller holds something).
fn elsewhere<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    thread::spawn(f).join().unwrap()
}

// --- Lock ------------------------------------------------------------------

#[test]
fn lock_timeouts() {
    let lock = Arc::new(Lock::new());
    assert!(lock.acquire_timeout(Duration::MAX));
    let (got, elapsed) = timed(|| lock.acquire_timeout(TIMEOUT));
    assert!(!got);
    assert_timeout(elapsed, TIMEOUT);
    let (got, elapsed) = timed(|| lock.acquire_timeout(Duration::ZERO));
    assert!(!got);
    assert_prompt(elapsed);
    assert!(lock.lock_timeout(Duration::ZERO).is_none());
    lock.release().unwrap();
    assert!(lock.lock_timeout(Duration::ZERO).is_some());
}

#[test]
fn lock_max_timeout_is_woken_by_release() {
    let lock = Arc::new(Lock::new());
    lock.acquire();
    let l = Arc::clone(&lock);
    let waiter = thread::spawn(move || l.acquire_timeout(Duration::MAX));
    thread::sleep(Duration::from_millis(20));
    lock.release().unwrap();
    assert!(waiter.join().unwrap());
}

// --- RLock -----------------------------------------------------------------

#[test]
fn rlock_timeouts() {
    let rlock = Arc::new(RLock::new());
    assert!(rlock.acquire_timeout(Duration::MAX));
    // The owner re-enters even with a zero timeout.
    assert!(rlock.acquire_timeout(Duration::ZERO));
    let r = Arc::clone(&rlock);
    let (got, elapsed) = elsewhere(move || timed(|| r.acquire_timeout(TIMEOUT)));
    assert!(!got);
    assert_timeout(elapsed, TIMEOUT);
    let r = Arc::clone(&rlock);
    let (got, elapsed) = elsewhere(move || timed(|| r.acquire_timeout(Duration::ZERO)));
    assert!(!got);
    assert_prompt(elapsed);
    rlock.release().unwrap();
    rlock.release().unwrap();
    let r = Arc::clone(&rlock);
    assert!(elsewhere(move || r.lock_timeout(Duration::MAX).is_some()));
}

// --- Condition -------------------------------------------------------------

#[test]
fn condition_timeouts() {
    let cond = Condition::new();
    let _guard = cond.lock();
    let (notified, elapsed) = timed(|| cond.wait_timeout(TIMEOUT).unwrap());
    assert!(!notified);
    assert_timeout(elapsed, TIMEOUT);
    let (notified, elapsed) = timed(|| cond.wait_timeout(Duration::ZERO).unwrap());
    assert!(!notified);
    assert_prompt(elapsed);
    // Still held after each timed-out wait.
    assert_eq!(cond.underlying().recursion_count(), 1);
    let (value, elapsed) = timed(|| cond.wait_for(|| Some(7), Some(Duration::MAX)).unwrap());
    assert_eq!(value, Some(7));
    assert_prompt(elapsed);
    let (value, elapsed) = timed(|| cond.wait_for(|| None::<u8>, Some(TIMEOUT)).unwrap());
    assert_eq!(value, None);
    assert_timeout(elapsed, TIMEOUT);
    assert!(cond.acquire_timeout(Duration::MAX));
    cond.release().unwrap();
}

#[test]
fn condition_max_timeout_is_woken_by_notify() {
    let cond = Arc::new(Condition::new());
    let c = Arc::clone(&cond);
    let waiter = thread::spawn(move || {
        let _guard = c.lock();
        c.wait_timeout(Duration::MAX).unwrap()
    });
    wait_until(|| cond.waiters() == 1);
    {
        let _guard = cond.lock();
        cond.notify().unwrap();
    }
    assert!(waiter.join().unwrap());
}

#[test]
fn condition_unacquired_timed_wait_is_an_error_at_once() {
    let cond = Condition::new();
    let err = cond.wait_timeout(Duration::MAX).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotOwner);
    // wait_for checks the predicate first and needs no lock when it holds.
    assert!(cond.wait_for(|| true, None).unwrap());
    assert!(cond.wait_for(|| false, Some(Duration::ZERO)).is_err());
}

// --- Semaphore and BoundedSemaphore ---------------------------------------

#[test]
fn semaphore_timeouts() {
    let sem = Semaphore::new(1);
    assert!(sem.acquire_timeout(Duration::MAX));
    let (got, elapsed) = timed(|| sem.acquire_timeout(TIMEOUT));
    assert!(!got);
    assert_timeout(elapsed, TIMEOUT);
    let (got, elapsed) = timed(|| sem.acquire_timeout(Duration::ZERO));
    assert!(!got);
    assert_prompt(elapsed);
    assert_eq!(sem.value(), 0);
}

#[test]
fn bounded_semaphore_timeouts() {
    let sem = BoundedSemaphore::new(1);
    assert!(sem.acquire_timeout(Duration::MAX));
    let (got, elapsed) = timed(|| sem.acquire_timeout(TIMEOUT));
    assert!(!got);
    assert_timeout(elapsed, TIMEOUT);
    let (got, elapsed) = timed(|| sem.acquire_timeout(Duration::ZERO));
    assert!(!got);
    assert_prompt(elapsed);
    sem.release().unwrap();
    assert_eq!(sem.value(), 1);
}

#[test]
fn semaphore_max_timeout_is_woken_by_release() {
    let sem = Arc::new(Semaphore::new(0));
    let s = Arc::clone(&sem);
    let waiter = thread::spawn(move || s.acquire_timeout(Duration::MAX));
    thread::sleep(Duration::from_millis(20));
    sem.release();
    assert!(waiter.join().unwrap());
    assert_eq!(sem.value(), 0);
}

#[test]
fn semaphore_release_n_wakes_exactly_the_waiters() {
    // Appendix B: Semaphore(0), 3 blocked acquirers, release(5): all get true and
    // the value ends at 2.
    let sem = Arc::new(Semaphore::new(0));
    let waiters: Vec<_> = (0..3)
        .map(|_| {
            let s = Arc::clone(&sem);
            thread::spawn(move || s.acquire_timeout(real(Duration::from_secs(30))))
        })
        .collect();
    thread::sleep(Duration::from_millis(30));
    sem.release_n(5).unwrap();
    for waiter in waiters {
        assert!(waiter.join().unwrap());
    }
    assert_eq!(sem.value(), 2);
}

// --- Event -----------------------------------------------------------------

#[test]
fn event_timeouts() {
    let event = Event::new();
    let (set, elapsed) = timed(|| event.wait_timeout(TIMEOUT));
    assert!(!set);
    assert_timeout(elapsed, TIMEOUT);
    let (set, elapsed) = timed(|| event.wait_timeout(Duration::ZERO));
    assert!(!set);
    assert_prompt(elapsed);
    event.set();
    let (set, elapsed) = timed(|| event.wait_timeout(Duration::MAX));
    assert!(set);
    assert_prompt(elapsed);
}

#[test]
fn event_max_timeout_is_woken_by_set() {
    let event = Arc::new(Event::new());
    let e = Arc::clone(&event);
    let waiter = thread::spawn(move || e.wait_timeout(Duration::MAX));
    thread::sleep(Duration::from_millis(20));
    event.set();
    assert!(waiter.join().unwrap());
}

// --- Barrier ---------------------------------------------------------------

#[test]
fn barrier_timeouts() {
    let barrier = Barrier::new(2).unwrap();
    let (result, elapsed) = timed(|| barrier.wait_timeout(TIMEOUT));
    assert_eq!(result.unwrap_err().kind(), ErrorKind::BrokenBarrier);
    assert_timeout(elapsed, TIMEOUT);
    assert!(barrier.broken());
    barrier.reset();
    // A zero timeout breaks it at once unless the caller is the last to arrive.
    let (result, elapsed) = timed(|| barrier.wait_timeout(Duration::ZERO));
    assert!(result.is_err());
    assert_prompt(elapsed);
    assert!(barrier.broken());
    // The last arrival never waits, whatever its timeout.
    let single = Barrier::new(1).unwrap();
    assert_eq!(single.wait_timeout(Duration::ZERO).unwrap(), 0);
    assert_eq!(single.wait_timeout(Duration::MAX).unwrap(), 0);
}

#[test]
fn barrier_max_timeout_is_released_by_the_last_party() {
    let barrier = Arc::new(Barrier::new(2).unwrap().with_timeout(Duration::MAX));
    let b = Arc::clone(&barrier);
    let first = thread::spawn(move || b.wait());
    wait_until(|| barrier.n_waiting() == 1);
    assert_eq!(barrier.wait_timeout(Duration::ZERO).unwrap(), 1);
    assert_eq!(first.join().unwrap().unwrap(), 0);
}
