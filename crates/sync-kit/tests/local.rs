//! `Local`, after CPython's `test_threading_local.py` (cpython_semantics §9b),
//! run on threads started through sync-kit and on plain `std` threads.
//!
//! Not applicable to Rust: `test_arguments` (the init function is a closure
//! that captures what it needs), `test_dict_attribute*` (a `Local<T>` holds one
//! typed value, not an attribute dict), `__slots__` sharing, and
//! `test_cycle_collection` (no reference cycles through a `Local`: it owns
//! nothing but the values, which `local_drop_releases_every_thread` covers).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Weak, mpsc};
use std::time::Duration;

use sync_kit::{Local, Thread};

/// test_local_refs: a value stored by a thread is dropped when the thread ends.
fn local_refs(n: usize) {
    let local: Arc<Local<Arc<()>>> = Arc::new(Local::new());
    let mut weaks: Vec<Weak<()>> = Vec::new();
    for _ in 0..n {
        let value = Arc::new(());
        weaks.push(Arc::downgrade(&value));
        let local = Arc::clone(&local);
        let t = Thread::new(move || {
            local.set(value);
        });
        t.start().unwrap();
        t.join().unwrap();
    }
    let dead = weaks.iter().filter(|w| w.upgrade().is_none()).count();
    assert_eq!(dead, n, "every thread's value is dropped when it ends");
    // Setting a value in main afterwards brings none back.
    local.set(Arc::new(()));
    assert_eq!(weaks.iter().filter(|w| w.upgrade().is_none()).count(), n);
}

#[test]
fn test_local_refs_20() {
    local_refs(20);
}

#[test]
fn test_local_refs_50() {
    local_refs(50);
}

#[test]
fn test_local_refs_100() {
    local_refs(100);
}

#[test]
fn test_derived() {
    // An init that sleeps (a thread switch in the middle of it) must not lose
    // the first write of any thread (CPython issue 3088).
    let local = Arc::new(Local::with_init(|_| {
        std::thread::sleep(Duration::from_millis(10));
        usize::MAX
    }));
    let threads: Vec<_> = (0..10)
        .map(|i| {
            let local = Arc::clone(&local);
            Thread::new(move || {
                local.set(i);
                std::thread::sleep(Duration::from_millis(1));
                assert_eq!(local.get(), Some(i));
            })
        })
        .collect();
    for t in &threads {
        t.start().unwrap();
    }
    for t in &threads {
        t.join().unwrap();
    }
}

#[test]
fn test_derived_cycle_dealloc() {
    // Stale per-thread data is never handed to a later thread or object.
    for _ in 0..10 {
        let local: Arc<Local<&'static str>> = Arc::new(Local::new());
        let l = Arc::clone(&local);
        let t = Thread::new(move || {
            l.set("foo");
        });
        t.start().unwrap();
        t.join().unwrap();
        let fresh: Local<&'static str> = Local::new();
        assert_eq!(fresh.get(), None);
        assert_eq!(local.get(), None, "main never saw the worker's value");
    }
}

#[test]
fn test_threading_local() {
    // Thread 1 sets a value and stays alive; thread 2 must not see it.
    let local: Arc<Local<&'static str>> = Arc::new(Local::new());
    let (set_tx, set_rx) = mpsc::channel();
    let (done_tx, done_rx) = mpsc::channel::<()>();
    let l = Arc::clone(&local);
    let first = Thread::new(move || {
        l.set("foo");
        set_tx.send(()).unwrap();
        done_rx.recv().unwrap();
        assert_eq!(l.get(), Some("foo"));
    });
    first.start().unwrap();
    set_rx.recv().unwrap();
    let l = Arc::clone(&local);
    let second = Thread::new(move || assert_eq!(l.get(), None));
    second.start().unwrap();
    second.join().unwrap();
    done_tx.send(()).unwrap();
    first.join().unwrap();
}

#[test]
fn init_runs_once_per_thread_with_the_same_defaults() {
    // The seed's MyLocal(1000): every thread starts from 1000, changes stay
    // local, and __init__ runs once in each thread that touches the object.
    let inits = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&inits);
    let local = Arc::new(Local::with_init(move |_| {
        counter.fetch_add(1, Ordering::SeqCst);
        7
    }));
    assert_eq!(local.get(), Some(7));
    let l = Arc::clone(&local);
    let t = Thread::new(move || {
        assert_eq!(l.get(), Some(7));
        l.set(99);
        assert_eq!(l.get(), Some(99));
    });
    t.start().unwrap();
    t.join().unwrap();
    assert_eq!(local.get(), Some(7));
    assert_eq!(inits.load(Ordering::SeqCst), 2);
}

#[test]
fn local_drop_releases_every_thread() {
    // Values of threads still alive are dropped with the object.
    let value = Arc::new(());
    let weak = Arc::downgrade(&value);
    let local = Arc::new(Local::new());
    let gate = Arc::new(Barrier::new(2));
    let (l, g) = (Arc::clone(&local), Arc::clone(&gate));
    let t = Thread::new(move || {
        l.set(value);
        drop(l);
        g.wait(); // value stored, handle dropped
        g.wait(); // main dropped the object
    });
    t.start().unwrap();
    gate.wait();
    assert!(weak.upgrade().is_some());
    drop(local);
    assert!(
        weak.upgrade().is_none(),
        "dropping the Local drops the live thread's value"
    );
    gate.wait();
    t.join().unwrap();
}

#[test]
fn test_threading_local_clear_race() {
    // Creating and dropping many locals while threads with values end must not
    // crash or leak into each other.
    let shared = Arc::new(Local::new());
    let threads: Vec<_> = (0..8)
        .map(|i| {
            let shared = Arc::clone(&shared);
            Thread::new(move || {
                shared.set(i);
            })
        })
        .collect();
    for t in &threads {
        t.start().unwrap();
    }
    for _ in 0..1000 {
        let local = Local::new();
        local.set(1u8);
        assert_eq!(local.get(), Some(1));
    }
    for t in &threads {
        t.join().unwrap();
    }
    assert_eq!(shared.get(), None);
}

#[test]
fn plain_std_threads_drop_their_values_at_exit() {
    let value = Arc::new(());
    let weak = Arc::downgrade(&value);
    let local = Arc::new(Local::new());
    let l = Arc::clone(&local);
    std::thread::spawn(move || {
        l.set(value);
    })
    .join()
    .unwrap();
    assert!(weak.upgrade().is_none());
}
