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

// --- Re-entrant use: user code that touches the same Local ----------------
//
// Each case would deadlock if sync-kit ran user code (a `with` closure, an
// init function, `Clone`, `Drop`) while holding the object's lock; each runs
// on its own thread so a regression fails the test instead of hanging it.

/// Runs `f` on a sync-kit thread and fails if it does not finish in 30 s.
fn finishes(f: impl FnOnce() + Send + 'static) {
    let (tx, rx) = mpsc::channel();
    let t = Thread::new(move || {
        f();
        tx.send(()).unwrap();
    });
    t.start().unwrap();
    rx.recv_timeout(Duration::from_secs(30))
        .expect("finished (a deadlock or a panic otherwise)");
    t.join().unwrap();
}

#[test]
fn with_closure_may_read_the_same_local() {
    finishes(|| {
        let local = Local::with_init(|_| 5u32);
        let seen_inside = local.with(|value| {
            *value.unwrap() += 1;
            // The value is lent to the closure: the object reads as empty.
            (local.get(), local.with(|nested| nested.is_some()))
        });
        assert_eq!(seen_inside, (None, false));
        assert_eq!(local.get(), Some(6), "the lent value, changed, is put back");
    });
}

#[test]
fn a_write_inside_with_is_the_newer_one_and_wins() {
    finishes(|| {
        let local: Local<String> = Local::new();
        local.with(|value| {
            assert!(value.is_none());
            assert_eq!(local.set("set inside".into()), None);
            assert_eq!(local.get().as_deref(), Some("set inside"));
        });
        assert_eq!(local.get().as_deref(), Some("set inside"));

        local.with(|value| {
            value.unwrap().push_str(", changed by the closure");
            local.set("newer".into());
        });
        assert_eq!(local.get().as_deref(), Some("newer"));

        local.with(|_| local.take());
        assert_eq!(local.get(), None, "a take inside is a write too");
    });
}

#[test]
fn nested_with_sees_what_was_written_inside_the_outer_one() {
    finishes(|| {
        let local = Local::with_init(|_| 1u32);
        local.with(|outer| {
            assert_eq!(outer.copied(), Some(1));
            local.set(10);
            local.with(|inner| *inner.unwrap() += 1);
            assert_eq!(local.get(), Some(11));
        });
        assert_eq!(local.get(), Some(11));
    });
}

#[test]
fn a_panic_in_the_closure_puts_the_value_back() {
    finishes(|| {
        let local = Local::with_init(|_| 3u32);
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            local.with(|value| {
                *value.unwrap() = 4;
                panic!("closure failed");
            })
        }));
        assert!(outcome.is_err());
        assert_eq!(local.get(), Some(4));
        assert_eq!(local.with(|v| v.copied()), Some(4), "usable afterwards");
    });
}

/// A value whose `Clone` and `Drop` read the `Local` that holds it.
struct Reentrant {
    home: Arc<Local<Reentrant>>,
    seen: Arc<AtomicUsize>,
}

impl Clone for Reentrant {
    fn clone(&self) -> Self {
        let _ = self.home.with(|v| v.is_some());
        self.seen.fetch_add(1, Ordering::SeqCst);
        Reentrant {
            home: Arc::clone(&self.home),
            seen: Arc::clone(&self.seen),
        }
    }
}

impl Drop for Reentrant {
    fn drop(&mut self) {
        let _ = self.home.with(|v| v.is_some());
        self.seen.fetch_add(100, Ordering::SeqCst);
    }
}

#[test]
fn clone_and_drop_may_touch_the_local_that_holds_the_value() {
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&seen);
    finishes(move || {
        let home: Arc<Local<Reentrant>> = Arc::new(Local::new());
        let make = || Reentrant {
            home: Arc::clone(&home),
            seen: Arc::clone(&counter),
        };
        home.set(make());
        let copy = home.get().expect("a value"); // Clone runs: +1
        drop(copy); // +100
        drop(home.set(make())); // the replaced value drops: +100
        drop(home.take()); // +100
        home.set(make()); // dropped when the thread ends: +100
    });
    assert_eq!(seen.load(Ordering::SeqCst), 401);
}

#[test]
fn values_stored_by_destructors_at_thread_end_are_dropped_before_join() {
    // A value's destructor stores a value in another Local: that one is dropped
    // too before `join` returns.
    struct Chain(Arc<Local<Chain>>, Arc<AtomicUsize>, u32);
    impl Drop for Chain {
        fn drop(&mut self) {
            self.1.fetch_add(1, Ordering::SeqCst);
            if self.2 > 0 {
                self.0
                    .set(Chain(Arc::clone(&self.0), Arc::clone(&self.1), self.2 - 1));
            }
        }
    }
    let drops = Arc::new(AtomicUsize::new(0));
    let (d, local) = (Arc::clone(&drops), Arc::new(Local::new()));
    let l = Arc::clone(&local);
    let t = Thread::new(move || {
        l.set(Chain(Arc::clone(&l), d, 3));
    });
    t.start().unwrap();
    t.join().unwrap();
    assert_eq!(drops.load(Ordering::SeqCst), 4);
}

#[test]
fn a_panicking_destructor_does_not_stop_the_thread_from_finishing() {
    struct Bomb(Arc<AtomicUsize>);
    impl Drop for Bomb {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::SeqCst);
            panic!("destructor failed");
        }
    }
    let drops = Arc::new(AtomicUsize::new(0));
    let (first, second) = (Arc::new(Local::new()), Arc::new(Local::new()));
    let (a, b, d) = (Arc::clone(&first), Arc::clone(&second), Arc::clone(&drops));
    let t = Thread::builder().name("bomb").target(move || {
        a.set(Bomb(Arc::clone(&d)));
        b.set(Bomb(d));
    });
    t.start().unwrap();
    t.join().unwrap();
    assert!(!t.is_alive());
    assert_eq!(drops.load(Ordering::SeqCst), 2, "both destructors ran");
}
