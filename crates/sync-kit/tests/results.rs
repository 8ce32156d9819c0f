//! A thread's return value and its panic: [`JoinHandle`], and Python's
//! `threading.excepthook` (after CPython's `ExceptHookTests` in
//! `test_threading.py`). The hook is process-wide, so every test here holds
//! one lock, a `static` sync-kit `Lock`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};

use sync_kit::thread::{self, ExceptHookArgs, Thread, default_excepthook, reset_excepthook};
use sync_kit::{ErrorKind, Lock, current_thread, enumerate, excepthook, set_excepthook};

static HOOK_IN_USE: Lock = Lock::new();

/// What a recording hook saw: name, message, location, alive, listed.
type Seen = Arc<Mutex<Vec<(String, String, Option<String>, bool, bool)>>>;

fn recording_hook() -> Seen {
    let seen: Seen = Arc::default();
    let log = Arc::clone(&seen);
    set_excepthook(move |args: &ExceptHookArgs| {
        log.lock().unwrap().push((
            args.thread.name(),
            args.message.clone(),
            args.location.clone(),
            args.thread.is_alive(),
            enumerate().contains(&args.thread),
        ));
    });
    seen
}

#[test]
fn join_gives_the_return_value() {
    let handle = Thread::with_result(|| vec![String::from("moved"), String::from("out")]);
    assert!(handle.name().starts_with("Thread-"));
    assert!(!handle.is_alive());
    handle.start().unwrap();
    assert_eq!(handle.join().unwrap(), ["moved", "out"]);
}

#[test]
fn the_builder_names_a_thread_with_a_result() {
    let handle = Thread::builder()
        .name("adder")
        .daemon(true)
        .target_with_result(|| (current_thread().name(), 2 + 2));
    assert!(handle.daemon());
    handle.start().unwrap();
    assert_eq!(handle.join().unwrap(), (String::from("adder"), 4));
}

#[test]
fn join_before_start_is_python_s_error() {
    let handle = Thread::with_result(|| 1);
    assert_eq!(handle.join().unwrap_err().kind(), ErrorKind::NotStarted);
}

#[test]
fn other_handles_keep_python_s_join() {
    let (go_tx, go_rx) = mpsc::channel::<()>();
    let handle = Thread::with_result(move || {
        let _ = go_rx.recv();
        "done"
    });
    handle.start().unwrap();
    let plain = handle.thread().clone();
    let joiner = Thread::with_result(move || plain.join());
    joiner.start().unwrap();
    handle
        .join_timeout(std::time::Duration::from_millis(5))
        .unwrap();
    assert!(handle.is_alive(), "join_timeout through the handle returns");
    drop(go_tx);
    assert_eq!(handle.join().unwrap(), "done");
    joiner.join().unwrap().unwrap();
}

#[test]
fn a_panic_is_an_error_of_join_and_goes_to_the_hook() {
    let _one = HOOK_IN_USE.lock();
    let seen = recording_hook();
    let handle = Thread::builder()
        .name("failing")
        .target_with_result(|| -> u8 { panic!("no value for {}", "you") });
    handle.start().unwrap();
    let thread = handle.thread().clone();
    let err = handle.join().unwrap_err();
    reset_excepthook();
    assert_eq!(err.kind(), ErrorKind::Panicked);
    assert_eq!(err.message(), "no value for you");
    assert!(!thread.is_alive());
    assert!(!enumerate().contains(&thread));
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1, "{seen:?}");
    let (name, message, location, alive, listed) = &seen[0];
    assert_eq!(name, "failing");
    assert_eq!(message, "no value for you");
    let location = location.as_deref().unwrap();
    assert!(
        location.starts_with("crates/sync-kit/tests/results.rs:")
            || location.starts_with("tests/results.rs:"),
        "{location}"
    );
    assert!(
        *alive && *listed,
        "the hook runs while the thread is still alive"
    );
}

#[test]
fn a_plain_thread_s_panic_goes_to_the_hook_and_join_succeeds() {
    let _one = HOOK_IN_USE.lock();
    let seen = recording_hook();
    let t = Thread::builder().name("plain").target(|| panic!("boom"));
    t.start().unwrap();
    t.join().unwrap();
    let other = Thread::builder()
        .name("any")
        .target(|| std::panic::panic_any(42_u32));
    other.start().unwrap();
    other.join().unwrap();
    reset_excepthook();
    let seen = seen.lock().unwrap();
    let got: Vec<_> = seen.iter().map(|s| (s.0.as_str(), s.1.as_str())).collect();
    assert_eq!(got, [("plain", "boom"), ("any", "Box<dyn Any>")]);
}

#[test]
fn reset_restores_the_default_and_excepthook_returns_the_one_in_force() {
    let _one = HOOK_IN_USE.lock();
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    set_excepthook(move |_| {
        counter.fetch_add(1, Ordering::SeqCst);
    });
    // A hook that wraps the one in force, as Python code saves
    // `threading.excepthook` before replacing it.
    let previous = excepthook();
    let wrapped = Arc::new(AtomicUsize::new(0));
    let outer = Arc::clone(&wrapped);
    set_excepthook(move |args| {
        outer.fetch_add(1, Ordering::SeqCst);
        previous(args);
    });
    let t = Thread::new(|| panic!("first"));
    t.start().unwrap();
    t.join().unwrap();
    assert_eq!(wrapped.load(Ordering::SeqCst), 1);
    assert_eq!(
        calls.load(Ordering::SeqCst),
        1,
        "the previous hook was called"
    );

    reset_excepthook();
    // The default writes to stderr (tests/process.rs reads it); the
    // replaced hooks are not called any more.
    let t = Thread::new(|| panic!("second, reported by the default hook"));
    t.start().unwrap();
    t.join().unwrap();
    assert_eq!(wrapped.load(Ordering::SeqCst), 1);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[test]
fn a_hook_may_replace_itself_and_panics_elsewhere_are_not_its_business() {
    let _one = HOOK_IN_USE.lock();
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    set_excepthook(move |args| {
        counter.fetch_add(1, Ordering::SeqCst);
        // Python's default, then back to it: no deadlock inside the hook.
        default_excepthook(args);
        thread::reset_excepthook();
    });
    // A thread sync-kit did not start goes to Rust's own hook.
    let raw = std::thread::spawn(|| panic!("not a sync-kit thread"));
    assert!(raw.join().is_err());
    assert_eq!(calls.load(Ordering::SeqCst), 0);
    for _ in 0..2 {
        let t = Thread::new(|| panic!("reported once by the custom hook"));
        t.start().unwrap();
        t.join().unwrap();
    }
    assert_eq!(calls.load(Ordering::SeqCst), 1, "the hook removed itself");
}

#[test]
fn results_and_the_hook_under_the_simulator() {
    use sync_kit::sim::{self, Config};
    let _one = HOOK_IN_USE.lock();
    let seen = recording_hook();
    for seed in 0..50 {
        let run = sim::run(Config::random(seed), || {
            let workers: Vec<_> = (0..3_u64)
                .map(|i| {
                    Thread::with_result(move || {
                        sync_kit::time::sleep(std::time::Duration::from_secs(i));
                        if i == 1 {
                            panic!("worker {i} failed");
                        }
                        i * 10
                    })
                })
                .collect();
            for w in &workers {
                w.start().unwrap();
            }
            workers
                .into_iter()
                .map(|w| w.join().map_err(|e| e.message().to_owned()))
                .collect::<Vec<_>>()
        });
        let got = run.result.expect("the run completes");
        assert_eq!(got, [Ok(0), Err("worker 1 failed".to_owned()), Ok(20)]);
    }
    reset_excepthook();
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 50, "one report per run");
    assert!(seen.iter().all(|s| s.1 == "worker 1 failed" && s.3 && s.4));
}
