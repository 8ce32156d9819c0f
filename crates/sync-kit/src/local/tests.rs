//! Unit tests of `Local` that look inside: the per-thread records.

use super::*;
use std::sync::atomic::AtomicUsize;

struct CountsDrops(Arc<AtomicUsize>);

impl Drop for CountsDrops {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// How many `Local`s the calling thread's record lists.
fn held_here() -> usize {
    current_record().map_or(0, |record| lock(&record.locals).len())
}

#[test]
fn values_drop_when_their_thread_ends() {
    let drops = Arc::new(AtomicUsize::new(0));
    let local = Arc::new(Local::new());
    for _ in 0..20 {
        let (local, drops) = (Arc::clone(&local), Arc::clone(&drops));
        std::thread::spawn(move || {
            local.set(CountsDrops(drops));
        })
        .join()
        .unwrap();
    }
    assert_eq!(drops.load(Ordering::SeqCst), 20);
    assert!(lock(&local.slots.by_thread).is_empty());
}

#[test]
fn dropping_the_object_drops_every_threads_value() {
    let drops = Arc::new(AtomicUsize::new(0));
    let local = Arc::new(Local::new());
    local.set(CountsDrops(Arc::clone(&drops)));
    let (there, counter) = (Arc::clone(&local), Arc::clone(&drops));
    // Joined (not scoped): join waits for thread-local teardown too.
    std::thread::spawn(move || there.set(CountsDrops(counter)))
        .join()
        .unwrap();
    // The other thread's value went with the thread.
    assert_eq!(drops.load(Ordering::SeqCst), 1);
    assert_eq!(Arc::strong_count(&local), 1, "last handle");
    drop(local);
    assert_eq!(drops.load(Ordering::SeqCst), 2);
}

#[test]
fn dropped_locals_leave_no_trace_in_a_long_lived_thread() {
    std::thread::spawn(|| {
        let keeper: Local<u8> = Local::new();
        keeper.set(1);
        for i in 0..10_000u32 {
            let short = Local::new();
            short.set(i);
            if i % 3 == 0 {
                // Dropped from another thread: it still leaves this one's record.
                std::thread::scope(|s| {
                    s.spawn(move || drop(short));
                });
            }
        }
        assert_eq!(held_here(), 1, "only the live Local is remembered");
        drop(keeper);
        assert_eq!(held_here(), 0);
    })
    .join()
    .unwrap();
}

#[test]
fn a_thread_ending_leaves_no_trace_in_a_long_lived_local() {
    let local = Arc::new(Local::new());
    for i in 0..200 {
        let l = Arc::clone(&local);
        std::thread::spawn(move || l.set(i)).join().unwrap();
    }
    assert!(lock(&local.slots.by_thread).is_empty());
}

#[test]
fn init_does_not_run_again_after_take() {
    let inits = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&inits);
    let local = Local::with_init(move |_| counter.fetch_add(1, Ordering::SeqCst));
    assert_eq!(local.take(), Some(0));
    assert_eq!(local.get(), None);
    assert_eq!(inits.load(Ordering::SeqCst), 1);
}

#[test]
fn init_that_reads_itself_sees_no_value_and_runs_once() {
    let local: Local<u8> = Local::with_init(|me| {
        assert_eq!(me.get(), None);
        7
    });
    assert_eq!(local.get(), Some(7));
}

#[test]
fn a_value_init_stores_itself_wins_over_its_result() {
    let local: Local<u8> = Local::with_init(|me| {
        me.set(1);
        assert_eq!(me.get(), Some(1), "a write during init is visible at once");
        2
    });
    assert_eq!(local.get(), Some(1));
}

#[test]
fn id_is_stable_across_moves_and_threads() {
    let local: Local<u8> = Local::new();
    let before = local.id();
    let moved = [local];
    assert_eq!(moved[0].id(), before);
    let there = std::thread::scope(|s| s.spawn(|| moved[0].id()).join().unwrap());
    assert_eq!(there, before);
    assert!(format!("{:?}", moved[0]).ends_with(&format!("{before:#x}>")));
}
