//! `sync_kit::queue`, after CPython 3.13's `Lib/test/test_queue.py`.
//!
//! Ported: `BaseQueueTestMixin` for `Queue`, `LifoQueue` and `PriorityQueue`
//! (basic, join, task_done, nowait, shrinking queue and every `shutdown` case),
//! `FailingQueueTest` (a store that panics on demand stands for `_put`/`_get`
//! raising) and `BaseSimpleQueueTest`.
//!
//! Ruled out, and why:
//! - `test_negative_timeout_raises_exception`: timeouts are `Duration`s, which
//!   cannot be negative, so the `ValueError` case cannot be written.
//! - `test_shutdown_allowed_transitions` reads `is_shutdown`, ported; the C
//!   and Python variants of each class are one implementation here.
//! - `CSimpleQueueTest.test_reentrancy`: it needs a `__del__` run by the garbage
//!   collector in the middle of `put`; Rust drops values at known points and
//!   `put` drops nothing, so there is no reentrant call to test.
//! - `test_references` uses weak references to see that items leave the queue;
//!   ported with `Arc::strong_count`.
//!
//! `_shutdown_all_methods_in_many_threads` puts 8 Ki messages instead of 64 Ki
//! so the test stays quick on a loaded 2-core machine; the interleavings it
//! exercises are the same.

use std::sync::atomic::{AtomicBool, AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use sync_kit::queue::{PutError, Queue, SimpleQueue, Store};
use sync_kit::{Barrier, ErrorKind, Event, LifoQueue, PriorityQueue};

const QUEUE_SIZE: usize = 5;

fn secs(s: f64) -> Duration {
    Duration::from_secs_f64(s)
}

/// CPython's `_TriggerThread` + `do_blocking_test`: runs `block` here while
/// another thread, after 0.1 s, runs `trigger`; `block` must not return before
/// the trigger thread started its work.
fn do_blocking_test<R>(block: impl FnOnce() -> R, trigger: impl FnOnce() + Send) -> R {
    let started = AtomicBool::new(false);
    std::thread::scope(|s| {
        s.spawn(|| {
            sync_kit::time::sleep(secs(0.1));
            started.store(true, Ordering::SeqCst);
            trigger();
        });
        let result = block();
        assert!(
            started.load(Ordering::SeqCst),
            "blocking function appeared not to block"
        );
        result
    })
}

macro_rules! base_queue_tests {
    ($module:ident, $store:ident, $order:expr) => {
        mod $module {
            use super::*;

            type QueueOf<T> = Queue<T, $store<T>>;

            fn new_queue<T: Ord + Send>(maxsize: usize) -> Arc<QueueOf<T>> {
                Arc::new(Queue::with_store(maxsize))
            }

            fn basic_queue_test(q: &QueueOf<i64>) {
                assert_eq!(q.qsize(), 0, "call this function with an empty queue");
                assert!(q.empty());
                assert!(!q.full());
                for item in [111, 333, 222] {
                    q.put(item).unwrap();
                }
                let actual: Vec<i64> = (0..3).map(|_| q.get().unwrap()).collect();
                assert_eq!(actual, $order, "didn't seem to queue the correct data");
                for i in 0..QUEUE_SIZE as i64 - 1 {
                    q.put(i).unwrap();
                    assert!(q.qsize() > 0, "queue should not be empty");
                }
                assert!(!q.full(), "queue should not be full");
                let last = 2 * QUEUE_SIZE as i64;
                let full = 3 * 2 * QUEUE_SIZE as i64;
                q.put(last).unwrap();
                assert!(q.full(), "queue should be full");
                assert!(!q.empty());
                let err = q.put_nowait(full).unwrap_err();
                assert_eq!(err.kind(), ErrorKind::Full);
                assert_eq!(err.into_inner(), full, "a failed put gives the item back");
                assert_eq!(
                    q.put_timeout(full, secs(0.01)).unwrap_err().kind(),
                    ErrorKind::Full
                );
                // Blocking puts.
                do_blocking_test(
                    || q.put(full).unwrap(),
                    || {
                        q.get().unwrap();
                    },
                );
                do_blocking_test(
                    || q.put_timeout(full, secs(10.0)).unwrap(),
                    || {
                        q.get().unwrap();
                    },
                );
                for _ in 0..QUEUE_SIZE {
                    q.get().unwrap();
                }
                assert_eq!(q.qsize(), 0, "queue should be empty");
                assert_eq!(q.get_nowait().unwrap_err().kind(), ErrorKind::Empty);
                assert_eq!(
                    q.get_timeout(secs(0.01)).unwrap_err().kind(),
                    ErrorKind::Empty
                );
                // Blocking gets.
                assert_eq!(
                    do_blocking_test(|| q.get().unwrap(), || q.put(-7).unwrap()),
                    -7
                );
                assert_eq!(
                    do_blocking_test(|| q.get_timeout(secs(10.0)).unwrap(), || q.put(-8).unwrap()),
                    -8
                );
            }

            #[test]
            fn test_basic() {
                let q = new_queue(QUEUE_SIZE);
                basic_queue_test(&q);
                basic_queue_test(&q);
            }

            fn queue_join_test(q: &Arc<QueueOf<i64>>) {
                let cum = Arc::new(AtomicI64::new(0));
                let workers: Vec<_> = (0..2)
                    .map(|_| {
                        let (q, cum) = (Arc::clone(q), Arc::clone(&cum));
                        std::thread::spawn(move || {
                            loop {
                                let x = q.get().unwrap();
                                if x < 0 {
                                    q.task_done().unwrap();
                                    return;
                                }
                                cum.fetch_add(x, Ordering::SeqCst);
                                q.task_done().unwrap();
                            }
                        })
                    })
                    .collect();
                for i in 0..100 {
                    q.put(i).unwrap();
                }
                q.join();
                assert_eq!(
                    cum.load(Ordering::SeqCst),
                    (0..100).sum::<i64>(),
                    "join did not block until all tasks were done"
                );
                for _ in 0..2 {
                    q.put(-1).unwrap();
                }
                q.join(); // joining twice works
                for w in workers {
                    w.join().unwrap();
                }
            }

            #[test]
            fn test_queue_task_done() {
                let q = new_queue::<i64>(0);
                let err = q.task_done().unwrap_err();
                assert_eq!(err.kind(), ErrorKind::InvalidArgument);
                assert_eq!(err.to_string(), "task_done() called too many times");
            }

            #[test]
            fn test_queue_join() {
                let q = new_queue(0);
                queue_join_test(&q);
                queue_join_test(&q);
                assert_eq!(
                    q.task_done().unwrap_err().kind(),
                    ErrorKind::InvalidArgument
                );
                assert_eq!(
                    q.unfinished_tasks(),
                    0,
                    "a failed task_done changes nothing"
                );
            }

            #[test]
            fn test_nowait() {
                let q = new_queue(QUEUE_SIZE);
                for _ in 0..QUEUE_SIZE {
                    q.put_nowait(1).unwrap();
                }
                assert_eq!(q.put_nowait(1).unwrap_err().kind(), ErrorKind::Full);
                for _ in 0..QUEUE_SIZE {
                    q.get_nowait().unwrap();
                }
                assert_eq!(q.get_nowait().unwrap_err().kind(), ErrorKind::Empty);
            }

            #[test]
            fn test_shrinking_queue() {
                let q = new_queue(3);
                for i in 1..=3 {
                    q.put(i).unwrap();
                }
                assert_eq!(q.put_nowait(4).unwrap_err().kind(), ErrorKind::Full);
                assert_eq!(q.qsize(), 3);
                q.set_maxsize(2);
                assert_eq!(q.put_nowait(4).unwrap_err().kind(), ErrorKind::Full);
            }

            #[test]
            fn test_shutdown_empty() {
                let q = new_queue::<&str>(0);
                q.shutdown(false);
                assert_eq!(q.put("data").unwrap_err().kind(), ErrorKind::ShutDown);
                assert_eq!(q.get().unwrap_err().kind(), ErrorKind::ShutDown);
            }

            #[test]
            fn test_shutdown_nonempty() {
                let q = new_queue(0);
                q.put("data").unwrap();
                q.shutdown(false);
                assert_eq!(q.get().unwrap(), "data");
                assert_eq!(q.get().unwrap_err().kind(), ErrorKind::ShutDown);
            }

            #[test]
            fn test_shutdown_immediate() {
                let q = new_queue(0);
                q.put("data").unwrap();
                q.shutdown(true);
                assert_eq!(q.get().unwrap_err().kind(), ErrorKind::ShutDown);
            }

            #[test]
            fn test_shutdown_allowed_transitions() {
                let q = new_queue::<i64>(0);
                assert!(!q.is_shutdown());
                q.shutdown(false);
                assert!(q.is_shutdown());
                q.shutdown(true);
                assert!(q.is_shutdown());
                q.shutdown(false);
                assert!(q.is_shutdown());
            }

            fn shutdown_all_methods_in_one_thread(immediate: bool) {
                let q = new_queue(2);
                q.put("L").unwrap();
                q.put_nowait("O").unwrap();
                q.shutdown(immediate);
                assert_eq!(q.put("E").unwrap_err().kind(), ErrorKind::ShutDown);
                assert_eq!(q.put_nowait("W").unwrap_err().kind(), ErrorKind::ShutDown);
                if immediate {
                    assert_eq!(q.get().unwrap_err().kind(), ErrorKind::ShutDown);
                    assert_eq!(q.get_nowait().unwrap_err().kind(), ErrorKind::ShutDown);
                    assert_eq!(
                        q.task_done().unwrap_err().kind(),
                        ErrorKind::InvalidArgument
                    );
                    q.join();
                } else {
                    assert!("LO".contains(q.get().unwrap()));
                    q.task_done().unwrap();
                    assert!("LO".contains(q.get().unwrap()));
                    q.task_done().unwrap();
                    q.join();
                    assert_eq!(q.get().unwrap_err().kind(), ErrorKind::ShutDown);
                    assert_eq!(q.get_nowait().unwrap_err().kind(), ErrorKind::ShutDown);
                    assert_eq!(
                        q.get_timeout(secs(1.0)).unwrap_err().kind(),
                        ErrorKind::ShutDown
                    );
                }
            }

            #[test]
            fn test_shutdown_all_methods_in_one_thread() {
                shutdown_all_methods_in_one_thread(false);
            }

            #[test]
            fn test_shutdown_immediate_all_methods_in_one_thread() {
                shutdown_all_methods_in_one_thread(true);
            }

            fn shutdown_all_methods_in_many_threads(immediate: bool) {
                let q = new_queue::<(usize, &str)>(0);
                let (write_threads, read_threads, join_threads) = (4, 6, 2);
                let nb_msgs_w = 1024 * 8 / write_threads;
                let when_exec_shutdown = nb_msgs_w / 2;
                let parties =
                    write_threads + read_threads + if immediate { join_threads } else { 0 };
                let barrier = Barrier::new(parties).unwrap();
                let ev_exec_shutdown = Event::new();
                let res_puts = Mutex::new(Vec::new());
                let res_gets = AtomicUsize::new(0);
                let res_shutdown = Mutex::new(Vec::new());
                std::thread::scope(|s| {
                    for _ in 0..write_threads {
                        s.spawn(|| {
                            for i in 0..when_exec_shutdown / 2 {
                                q.put((i, "LOYD")).unwrap();
                            }
                            barrier.wait().unwrap();
                            for i in when_exec_shutdown / 2..nb_msgs_w {
                                if q.put((i, "YDLO")).is_err() {
                                    res_puts.lock().unwrap().push(false);
                                    break;
                                }
                                if i == when_exec_shutdown && !ev_exec_shutdown.is_set() {
                                    ev_exec_shutdown.set();
                                    res_puts.lock().unwrap().push(true);
                                }
                            }
                        });
                    }
                    for _ in 0..read_threads {
                        s.spawn(|| {
                            q.get().unwrap();
                            q.task_done().unwrap();
                            barrier.wait().unwrap();
                            loop {
                                match q.get_nowait() {
                                    Ok(_) => q.task_done().unwrap(),
                                    Err(e) if e.kind() == ErrorKind::ShutDown => {
                                        res_gets.fetch_add(1, Ordering::SeqCst);
                                        break;
                                    }
                                    Err(_) => std::thread::yield_now(),
                                }
                            }
                        });
                    }
                    s.spawn(|| {
                        ev_exec_shutdown.wait();
                        q.shutdown(immediate);
                        res_shutdown.lock().unwrap().push(q.qsize() == 0);
                    });
                    if immediate {
                        for _ in 0..join_threads {
                            s.spawn(|| {
                                barrier.wait().unwrap();
                                q.join();
                            });
                        }
                    }
                });
                assert!(res_puts.lock().unwrap().contains(&true));
                assert_eq!(res_gets.load(Ordering::SeqCst), read_threads);
                if immediate {
                    assert_eq!(*res_shutdown.lock().unwrap(), [true]);
                    assert!(q.empty());
                }
            }

            #[test]
            fn test_shutdown_all_methods_in_many_threads() {
                shutdown_all_methods_in_many_threads(false);
            }

            #[test]
            fn test_shutdown_immediate_all_methods_in_many_threads() {
                shutdown_all_methods_in_many_threads(true);
            }

            fn shutdown_get(immediate: bool) {
                let q = new_queue(2);
                q.put("Y").unwrap();
                q.put("D").unwrap();
                let go = Event::new();
                // Immediate: both gets fail. Otherwise two of three succeed.
                let getters = if immediate { 2 } else { 3 };
                let results = Mutex::new(Vec::new());
                std::thread::scope(|s| {
                    for _ in 0..getters {
                        s.spawn(|| {
                            go.wait();
                            let got = q.get().is_ok();
                            results.lock().unwrap().push(got);
                        });
                    }
                    q.shutdown(immediate);
                    go.set();
                });
                let mut results = results.into_inner().unwrap();
                results.sort();
                if immediate {
                    assert_eq!(results, [false, false]);
                } else {
                    assert_eq!(results, [false, true, true]);
                }
            }

            #[test]
            fn test_shutdown_get() {
                shutdown_get(false);
            }

            #[test]
            fn test_shutdown_immediate_get() {
                shutdown_get(true);
            }

            fn shutdown_put(immediate: bool) {
                let q = new_queue(2);
                q.put("Y").unwrap();
                q.put("D").unwrap();
                let go = Event::new();
                let results = Mutex::new(Vec::new());
                std::thread::scope(|s| {
                    for msg in ["E", "W"] {
                        let (q, go, results) = (&q, &go, &results);
                        s.spawn(move || {
                            go.wait();
                            let err = q.put(msg).unwrap_err();
                            results
                                .lock()
                                .unwrap()
                                .push(err.kind() == ErrorKind::ShutDown);
                        });
                    }
                    q.shutdown(immediate);
                    go.set();
                });
                assert_eq!(*results.lock().unwrap(), [true, true]);
            }

            #[test]
            fn test_shutdown_put() {
                shutdown_put(false);
            }

            #[test]
            fn test_shutdown_immediate_put() {
                shutdown_put(true);
            }

            fn shutdown_join(immediate: bool) {
                let q = new_queue(0);
                q.put("Y").unwrap();
                let go = Event::new();
                let joined = AtomicUsize::new(0);
                std::thread::scope(|s| {
                    for _ in 0..2 {
                        s.spawn(|| {
                            q.join();
                            joined.fetch_add(1, Ordering::SeqCst);
                        });
                    }
                    if !immediate {
                        s.spawn(|| {
                            go.wait();
                            q.get().unwrap();
                            q.task_done().unwrap();
                        });
                    }
                    q.shutdown(immediate);
                    go.set();
                });
                assert_eq!(joined.load(Ordering::SeqCst), 2);
            }

            #[test]
            fn test_shutdown_immediate_join() {
                shutdown_join(true);
            }

            #[test]
            fn test_shutdown_join() {
                shutdown_join(false);
            }

            fn shutdown_put_join(immediate: bool) {
                let q = new_queue(2);
                q.put("Y").unwrap();
                let go = Event::new();
                let results = Mutex::new(Vec::new());
                std::thread::scope(|s| {
                    s.spawn(|| {
                        go.wait();
                        let shut = q.put("E").map_err(|e| e.kind()) == Err(ErrorKind::ShutDown);
                        results.lock().unwrap().push(shut);
                    });
                    s.spawn(|| {
                        q.join();
                        results.lock().unwrap().push(true);
                    });
                    assert_eq!(q.unfinished_tasks(), 1);
                    q.shutdown(immediate);
                    go.set();
                    if immediate {
                        assert_eq!(q.get_nowait().unwrap_err().kind(), ErrorKind::ShutDown);
                    } else {
                        assert_eq!(q.get().unwrap(), "Y");
                        q.task_done().unwrap();
                    }
                });
                assert_eq!(*results.lock().unwrap(), [true, true]);
            }

            #[test]
            fn test_shutdown_immediate_put_join() {
                shutdown_put_join(true);
            }

            #[test]
            fn test_shutdown_put_join() {
                shutdown_put_join(false);
            }

            #[test]
            fn test_shutdown_get_task_done_join() {
                let q = new_queue(2);
                q.put("Y").unwrap();
                q.put("D").unwrap();
                assert_eq!(q.unfinished_tasks(), q.qsize());
                let go = Event::new();
                let results = Mutex::new(Vec::new());
                std::thread::scope(|s| {
                    for _ in 0..2 {
                        s.spawn(|| {
                            go.wait();
                            let ok = q.get().is_ok();
                            if ok {
                                q.task_done().unwrap();
                            }
                            results.lock().unwrap().push(ok);
                        });
                    }
                    for _ in 0..2 {
                        s.spawn(|| {
                            q.join();
                            results.lock().unwrap().push(true);
                        });
                    }
                    go.set();
                    q.shutdown(false);
                });
                assert_eq!(*results.lock().unwrap(), [true; 4]);
            }

            #[test]
            fn test_shutdown_pending_get() {
                let q = new_queue::<i64>(0);
                let result = std::thread::scope(|s| {
                    let getter = s.spawn(|| q.get());
                    q.shutdown(false);
                    getter.join().unwrap()
                });
                assert_eq!(result.unwrap_err().kind(), ErrorKind::ShutDown);
            }
        }
    };
}

type Fifo<T> = VecDeque<T>;
type Lifo<T> = Vec<T>;
type Prio<T> = BinaryHeap<Reverse<T>>;

base_queue_tests!(fifo, Fifo, [111, 333, 222]);
base_queue_tests!(lifo, Lifo, [222, 333, 111]);
base_queue_tests!(priority, Prio, [111, 222, 333]);

#[test]
fn named_kinds_are_these_stores() {
    let lifo = LifoQueue::with_maxsize(2);
    let prio = PriorityQueue::new();
    let fifo = Queue::new();
    for i in [2, 1, 3] {
        let _ = lifo.put_nowait(i);
        prio.put(i).unwrap();
        fifo.put(i).unwrap();
    }
    assert_eq!(lifo.maxsize(), 2);
    assert_eq!([lifo.get().unwrap(), lifo.get().unwrap()], [1, 2]);
    assert_eq!(
        [
            prio.get().unwrap(),
            prio.get().unwrap(),
            prio.get().unwrap()
        ],
        [1, 2, 3]
    );
    assert_eq!(
        [
            fifo.get().unwrap(),
            fifo.get().unwrap(),
            fifo.get().unwrap()
        ],
        [2, 1, 3]
    );
}

#[test]
fn a_failed_put_converts_to_an_error_with_cpythons_kind() {
    let q = Queue::with_maxsize(1);
    q.put(1).unwrap();
    let err: PutError<i32> = q.put_nowait(2).unwrap_err();
    let err: sync_kit::Error = err.into();
    assert_eq!(err.kind(), ErrorKind::Full);
    assert_eq!(err.to_string(), "Full");
}

#[test]
fn timeouts_are_not_early() {
    let q: Queue<i32> = Queue::with_maxsize(1);
    let timeout = secs(0.2);
    let start = std::time::Instant::now();
    assert_eq!(q.get_timeout(timeout).unwrap_err().kind(), ErrorKind::Empty);
    assert!(
        start.elapsed() >= sync_kit::time::scaled(timeout),
        "{:?}",
        start.elapsed()
    );
    q.put(1).unwrap();
    let start = std::time::Instant::now();
    assert_eq!(
        q.put_timeout(2, timeout).unwrap_err().kind(),
        ErrorKind::Full
    );
    assert!(
        start.elapsed() >= sync_kit::time::scaled(timeout),
        "{:?}",
        start.elapsed()
    );
}

/// CPython's `FailingQueue`: `_put`/`_get` raise on demand. Here the store
/// panics on demand; the queue must stay consistent.
struct FailingStore {
    items: VecDeque<String>,
}

static FAIL_NEXT_PUT: AtomicBool = AtomicBool::new(false);
static FAIL_NEXT_GET: AtomicBool = AtomicBool::new(false);

impl Store<String> for FailingStore {
    fn new() -> Self {
        FailingStore {
            items: VecDeque::new(),
        }
    }
    fn len(&self) -> usize {
        self.items.len()
    }
    fn push(&mut self, item: String) {
        if FAIL_NEXT_PUT.swap(false, Ordering::SeqCst) {
            panic!("You Lose");
        }
        self.items.push_back(item);
    }
    fn pop(&mut self) -> Option<String> {
        if FAIL_NEXT_GET.swap(false, Ordering::SeqCst) {
            panic!("You Lose");
        }
        self.items.pop_front()
    }
}

fn fails<R>(f: impl FnOnce() -> R) -> bool {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).is_err()
}

fn failing_queue_test(q: &Queue<String, FailingStore>) {
    assert_eq!(q.qsize(), 0, "call this function with an empty queue");
    for i in 0..QUEUE_SIZE - 1 {
        q.put(i.to_string()).unwrap();
    }
    FAIL_NEXT_PUT.store(true, Ordering::SeqCst);
    assert!(
        fails(|| q.put_nowait("oops".into())),
        "the queue didn't fail when it should have"
    );
    FAIL_NEXT_PUT.store(true, Ordering::SeqCst);
    assert!(fails(|| q.put_timeout("oops".into(), secs(0.1))));
    q.put("last".into()).unwrap();
    assert!(q.full(), "queue should be full");
    // A failing blocking put: the get in the other thread succeeds.
    FAIL_NEXT_PUT.store(true, Ordering::SeqCst);
    assert!(fails(|| do_blocking_test(
        || q.put("full".into()),
        || {
            q.get().unwrap();
        }
    )));
    q.put("last".into()).unwrap();
    FAIL_NEXT_PUT.store(true, Ordering::SeqCst);
    assert!(fails(|| do_blocking_test(
        || q.put_timeout("full".into(), secs(10.0)),
        || {
            q.get().unwrap();
        }
    )));
    q.put("last".into()).unwrap();
    assert!(q.full(), "queue should be full");
    q.get().unwrap();
    assert!(!q.full(), "queue should not be full");
    q.put("last".into()).unwrap();
    assert!(q.full());
    do_blocking_test(
        || q.put("full".into()).unwrap(),
        || {
            q.get().unwrap();
        },
    );
    for _ in 0..QUEUE_SIZE {
        q.get().unwrap();
    }
    assert_eq!(q.qsize(), 0, "queue should be empty");
    q.put("first".into()).unwrap();
    FAIL_NEXT_GET.store(true, Ordering::SeqCst);
    assert!(fails(|| q.get()));
    assert!(q.qsize() > 0, "queue should not be empty");
    FAIL_NEXT_GET.store(true, Ordering::SeqCst);
    assert!(fails(|| q.get_timeout(secs(0.1))));
    assert!(q.qsize() > 0);
    q.get().unwrap();
    assert_eq!(q.qsize(), 0);
    FAIL_NEXT_GET.store(true, Ordering::SeqCst);
    assert!(fails(|| do_blocking_test(
        || q.get(),
        || q.put("empty".into()).unwrap()
    )));
    assert!(q.qsize() > 0, "put succeeded, but get failed");
    q.get().unwrap();
    assert_eq!(q.qsize(), 0);
}

#[test]
fn test_failing_queue() {
    let q = Queue::with_store(QUEUE_SIZE);
    failing_queue_test(&q);
    failing_queue_test(&q);
    // Only the puts that succeeded count: 2 x (4 + 7), no task_done.
    assert_eq!(q.unfinished_tasks(), 2 * 11);
}

// BaseSimpleQueueTest.

fn run_threads(
    n_threads: usize,
    inputs: &[i64],
    consume: fn(&SimpleQueue<Option<i64>>) -> Vec<i64>,
) -> Vec<i64> {
    let q = SimpleQueue::new();
    let seq = Mutex::new(inputs.iter().rev().copied().collect::<Vec<_>>());
    let results = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..n_threads {
            s.spawn(|| {
                loop {
                    let next = seq.lock().unwrap().pop();
                    match next {
                        Some(val) => q.put(Some(val)),
                        None => return q.put(None),
                    }
                    if rand_bit() {
                        std::thread::sleep(Duration::from_micros(100));
                    }
                }
            });
            s.spawn(|| {
                let got = consume(&q);
                results.lock().unwrap().extend(got);
            });
        }
    });
    assert!(q.empty());
    assert_eq!(q.qsize(), 0);
    results.into_inner().unwrap()
}

/// A cheap pseudo-random bit (the tests only need some irregularity).
fn rand_bit() -> bool {
    static STATE: AtomicUsize = AtomicUsize::new(42);
    let x = STATE.fetch_add(0x9E37_79B9, Ordering::Relaxed);
    (x.wrapping_mul(0x2545_F491) >> 13) & 1 == 1
}

fn consume(q: &SimpleQueue<Option<i64>>) -> Vec<i64> {
    std::iter::from_fn(|| q.get()).collect()
}

fn consume_nonblock(q: &SimpleQueue<Option<i64>>) -> Vec<i64> {
    let mut results = Vec::new();
    loop {
        match q.get_nowait() {
            Ok(Some(val)) => results.push(val),
            Ok(None) => return results,
            Err(e) => {
                assert_eq!(e.kind(), ErrorKind::Empty);
                std::thread::yield_now();
            }
        }
    }
}

fn consume_timeout(q: &SimpleQueue<Option<i64>>) -> Vec<i64> {
    let mut results = Vec::new();
    loop {
        match q.get_timeout(Duration::from_micros(10)) {
            Ok(Some(val)) => results.push(val),
            Ok(None) => return results,
            Err(e) => assert_eq!(e.kind(), ErrorKind::Empty),
        }
    }
}

#[test]
fn simple_test_basic() {
    let q = SimpleQueue::new();
    assert!(q.empty());
    assert_eq!(q.qsize(), 0);
    q.put(1);
    assert!(!q.empty());
    assert_eq!(q.qsize(), 1);
    q.put(2);
    q.put(3);
    q.put(4);
    assert_eq!(q.qsize(), 4);
    assert_eq!(q.get(), 1);
    assert_eq!(q.qsize(), 3);
    assert_eq!(q.get_nowait().unwrap(), 2);
    assert_eq!(q.get_nowait().unwrap(), 3);
    assert_eq!(q.get_timeout(secs(0.1)).unwrap(), 4);
    assert!(q.empty());
    assert_eq!(q.get_nowait().unwrap_err().kind(), ErrorKind::Empty);
    assert_eq!(
        q.get_timeout(secs(1e-3)).unwrap_err().kind(),
        ErrorKind::Empty
    );
    assert_eq!(q.qsize(), 0);
}

#[test]
fn simple_test_order() {
    let inputs: Vec<i64> = (0..100).collect();
    assert_eq!(run_threads(1, &inputs, consume), inputs);
}

#[test]
fn simple_test_many_threads() {
    let inputs: Vec<i64> = (0..10_000).collect();
    let mut results = run_threads(50, &inputs, consume);
    results.sort();
    assert_eq!(results, inputs);
}

#[test]
fn simple_test_many_threads_nonblock() {
    let inputs: Vec<i64> = (0..10_000).collect();
    let mut results = run_threads(50, &inputs, consume_nonblock);
    results.sort();
    assert_eq!(results, inputs);
}

#[test]
fn simple_test_many_threads_timeout() {
    let inputs: Vec<i64> = (0..1000).collect();
    let mut results = run_threads(50, &inputs, consume_timeout);
    results.sort();
    assert_eq!(results, inputs);
}

#[test]
fn simple_test_references() {
    let q = SimpleQueue::new();
    let items: Vec<Arc<()>> = (0..20).map(|_| Arc::new(())).collect();
    for item in &items {
        q.put(Arc::clone(item));
    }
    for item in &items {
        drop(q.get());
        assert_eq!(Arc::strong_count(item), 1, "the queue let go of the item");
    }
}

#[test]
fn immediate_shutdown_drops_the_items_it_discards() {
    let q = Queue::new();
    let item = Arc::new(());
    q.put(Arc::clone(&item)).unwrap();
    q.shutdown(true);
    assert_eq!(Arc::strong_count(&item), 1);
    assert_eq!(q.unfinished_tasks(), 0);
}

/// The 39-line Python program of issue 12 (below), ported with this API: a
/// bounded queue between a producer and three consumers that stop after
/// 0.1 s without an item, an RLock taken twice around the addition, a
/// BoundedSemaphore(2), a Barrier(3) with an action, a Timer. The port is
/// 62 lines without its test (57 not blank; the Python, 39 and 32), no
/// `unwrap()`. The total lives in the RLock that guards it
/// (`RLock<Cell<u64>>`: a re-entrant guard gives shared access, so the
/// addition goes through a `Cell`).
///
/// ```python
/// import queue
/// import threading
///
/// q = queue.Queue(maxsize=3)
/// lock = threading.RLock()
/// pool = threading.BoundedSemaphore(2)
/// barrier = threading.Barrier(3, action=lambda: print('all consumers done'))
/// total = 0
///
///
/// def add(item):
///     global total
///     with lock:
///         with lock:
///             total += item
///
///
/// def consumer():
///     while True:
///         try:
///             item = q.get(timeout=0.1)
///         except queue.Empty:
///             break
///         with pool:
///             add(item)
///         q.task_done()
///     barrier.wait()
///
///
/// threading.Timer(0.05, lambda: print('timer fired')).start()
/// threads = [threading.Thread(target=consumer) for _ in range(3)]
/// for t in threads:
///     t.start()
/// for i in range(1, 11):
///     q.put(i)
/// q.join()
/// for t in threads:
///     t.join()
/// print('total', total)
/// ```
mod issue_program {
    use std::cell::Cell;
    use std::sync::Arc;
    use std::time::Duration;

    use sync_kit::{Barrier, BoundedSemaphore, ErrorKind, Queue, RLock, Thread, Timer};

    struct Shared {
        q: Queue<u64>,
        total: RLock<Cell<u64>>,
        pool: BoundedSemaphore,
        barrier: Barrier,
    }

    fn add(s: &Shared, item: u64) {
        let _outer = s.total.lock();
        let total = s.total.lock();
        total.set(total.get() + item);
    }

    fn consumer(s: &Shared) -> sync_kit::Result<()> {
        loop {
            let item = match s.q.get_timeout(Duration::from_millis(100)) {
                Err(e) if e.kind() == ErrorKind::Empty => break,
                item => item?,
            };
            let _slot = s.pool.lock();
            add(s, item);
            s.q.task_done()?;
        }
        s.barrier.wait()?;
        Ok(())
    }

    pub(crate) fn program() -> anyhow::Result<u64> {
        let s = Arc::new(Shared {
            q: Queue::with_maxsize(3),
            total: RLock::with_value(Cell::new(0)),
            pool: BoundedSemaphore::new(2),
            barrier: Barrier::with_action(3, || println!("all consumers done"))?,
        });
        Timer::new(Duration::from_millis(50), || println!("timer fired")).start()?;
        let threads: Vec<Thread> = (0..3)
            .map(|_| {
                let s = Arc::clone(&s);
                Thread::new(move || consumer(&s).unwrap_or_else(|e| eprintln!("consumer: {e}")))
            })
            .collect();
        for t in &threads {
            t.start()?;
        }
        for i in 1..=10 {
            s.q.put(i)?;
        }
        s.q.join();
        for t in &threads {
            t.join()?;
        }
        let total = s.total.lock().get();
        println!("total {total}");
        Ok(total)
    }

    #[test]
    fn the_issue_program_adds_every_item_once() {
        assert_eq!(program().unwrap(), 55);
    }
}

/// The issue's program under the simulator: every blocking call of the queue
/// goes through sync-kit's layer, so each schedule runs to the end (no
/// deadlock, no stall) with the same total, on virtual time.
#[test]
fn the_issue_program_under_simulated_schedules() {
    use sync_kit::sim::{self, Config, DEFAULT_PCT_STEPS};
    for seed in 0..40 {
        for config in [
            Config::random(seed),
            Config::pct(2, DEFAULT_PCT_STEPS, seed),
        ] {
            let run = sim::run(config, || {
                issue_program::program().map_err(|e| e.to_string())
            });
            assert_eq!(run.result, Ok(Ok(55)), "seed {seed}: {}", run.schedule);
            // The consumers stop after 0.1 s without an item, in virtual time.
            assert!(
                run.virtual_time >= Duration::from_millis(100),
                "{:?}",
                run.virtual_time
            );
        }
    }
}

/// Bounded queue, blocking puts and gets, join and shutdown under the
/// simulator: every item arrives once and the shutdown releases the consumers.
#[test]
fn producer_consumer_under_simulated_schedules() {
    use sync_kit::Thread;
    use sync_kit::sim::{self, Config};
    for seed in 0..100 {
        let run = sim::run(Config::random(seed), || {
            let q = Arc::new(Queue::with_maxsize(2));
            let got = Arc::new(AtomicI64::new(0));
            let consumers: Vec<Thread> = (0..3)
                .map(|_| {
                    let (q, got) = (Arc::clone(&q), Arc::clone(&got));
                    Thread::new(move || {
                        while let Ok(item) = q.get() {
                            got.fetch_add(item, Ordering::SeqCst);
                            q.task_done().unwrap();
                        }
                    })
                })
                .collect();
            for t in &consumers {
                t.start().unwrap();
            }
            for i in 1..=20 {
                q.put(i).unwrap();
            }
            q.join();
            q.shutdown(false);
            for t in &consumers {
                t.join().unwrap();
            }
            got.load(Ordering::SeqCst)
        });
        assert_eq!(run.result, Ok(210), "seed {seed}: {}", run.schedule);
    }
}
