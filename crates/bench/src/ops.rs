//! The single-threaded operations, one function per measured call sequence, so
//! the table's harness and the divan benches time exactly the same code.
//!
//! Each function takes the primitive by reference through [`black_box`], so
//! the compiler cannot hoist the lock out of a loop.

use std::hint::black_box;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use sync_kit::{Event, Lock, RLock, Semaphore};

/// sync-kit [`Lock`]: acquire + release through the guard (`with lock:`).
#[inline]
pub fn lock(lock: &Lock) {
    drop(black_box(lock).lock());
}

/// Baseline: [`std::sync::Mutex<()>`] lock + unlock.
#[inline]
pub fn std_mutex(mutex: &Mutex<()>) {
    drop(black_box(mutex).lock());
}

/// Baseline: [`parking_lot::Mutex<()>`] lock + unlock.
#[inline]
pub fn parking_lot_mutex(mutex: &parking_lot::Mutex<()>) {
    drop(black_box(mutex).lock());
}

/// sync-kit [`RLock`] acquire + release, taking it from free (depth 0 → 1).
#[inline]
pub fn rlock(rlock: &RLock) {
    drop(black_box(rlock).lock());
}

/// Baseline: [`parking_lot::ReentrantMutex`] lock + unlock from free.
#[inline]
pub fn reentrant_mutex(mutex: &parking_lot::ReentrantMutex<()>) {
    drop(black_box(mutex).lock());
}

/// sync-kit [`Semaphore`] acquire + release of one unit (value stays ≥ 1).
#[inline]
pub fn semaphore(sem: &Semaphore) {
    drop(black_box(sem).lock());
}

/// sync-kit [`Event`]: `set()`, `is_set()`, `clear()`.
#[inline]
pub fn event(event: &Event) {
    let event = black_box(event);
    event.set();
    black_box(event.is_set());
    event.clear();
}

/// Baseline: a hand-rolled flag as [`std::sync::Mutex<bool>`], set, read and
/// cleared under the lock (no waiters to wake, so no condition variable).
#[inline]
pub fn std_mutex_flag(flag: &Mutex<bool>) {
    let flag = black_box(flag);
    *flag.lock().unwrap() = true;
    black_box(*flag.lock().unwrap());
    *flag.lock().unwrap() = false;
}

/// Reference only: an [`AtomicBool`] store, load, store (the floor).
#[inline]
pub fn atomic_flag(flag: &AtomicBool) {
    let flag = black_box(flag);
    flag.store(true, Ordering::Release);
    black_box(flag.load(Ordering::Acquire));
    flag.store(false, Ordering::Release);
}

/// sync-kit `Thread::new(..).start()` then `join()` of an empty body.
pub fn thread_start_join() {
    let thread = sync_kit::Thread::new(|| {
        black_box(());
    });
    thread.start().expect("start");
    thread.join().expect("join");
}

/// Baseline: [`std::thread::spawn`] then `join()` of an empty closure.
pub fn std_spawn_join() {
    std::thread::spawn(|| {
        black_box(());
    })
    .join()
    .expect("join");
}
