//! A `start` the operating system refuses, and the stack-size setting that
//! can cause one (Python's `threading.stack_size`). The setting is
//! process-wide, so every test here holds one lock, a `static` sync-kit `Lock`.

mod lock_helpers;

use std::sync::mpsc;
use std::time::Duration;

use sync_kit::thread::{MIN_STACK_SIZE, Thread, set_stack_size, stack_size};
use sync_kit::{ErrorKind, Lock, Timer, enumerate};

static SETTING: Lock = Lock::new();

/// A stack no machine can give: std accepts the size, the OS refuses it.
const HUGE: usize = 1 << 62;

/// Restores the default stack size even if the test fails.
struct DefaultStack;

impl Drop for DefaultStack {
    fn drop(&mut self) {
        set_stack_size(0).unwrap();
    }
}

#[test]
fn a_refused_start_leaves_the_thread_unstarted_and_unlisted() {
    let _one = SETTING.lock();
    for size in [HUGE, usize::MAX, usize::MAX - 4095] {
        let t = Thread::builder().stack_size(size).target(|| {});
        let err = t.start().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Spawn, "{err:?}");
        assert!(
            err.message().starts_with("can't start new thread: "),
            "{err}"
        );
        assert!(!t.is_alive());
        assert_eq!(t.ident(), None);
        assert_eq!(t.native_id(), None, "a waiter sees the thread unstarted");
        assert!(!enumerate().contains(&t));
        assert!(format!("{t:?}").contains("initial"), "{t:?}");
        assert_eq!(t.join().unwrap_err().kind(), ErrorKind::NotStarted);
        // Still startable: refused again, the same way.
        assert_eq!(t.start().unwrap_err().kind(), ErrorKind::Spawn);
    }
}

#[test]
fn every_status_change_wakes_a_native_id_waiter() {
    let _one = SETTING.lock();
    // Each round, one thread starts the thread (and fails to) while another
    // asks for its native id. The answer comes at once (unstarted), or, if the
    // question lands while the start is under way, when the failure puts the
    // thread back to "initial": that change must wake the asker, or it waits
    // forever, since the next round only begins once it has answered.
    let t = Thread::builder().stack_size(HUGE).target(|| {});
    let (go_tx, go_rx) = mpsc::channel::<()>();
    let (answer_tx, answer_rx) = mpsc::channel();
    let asker = t.clone();
    std::thread::spawn(move || {
        for () in go_rx {
            answer_tx.send(asker.native_id()).unwrap();
        }
    });
    for round in 0..2000 {
        go_tx.send(()).unwrap();
        assert_eq!(t.start().unwrap_err().kind(), ErrorKind::Spawn);
        let answer = answer_rx.recv_timeout(Duration::from_secs(10));
        assert_eq!(
            answer,
            Ok(None),
            "round {round}: native_id() did not return"
        );
    }
}

#[test]
fn a_timer_whose_start_fails_can_start_later() {
    let _one = SETTING.lock();
    let _restore = DefaultStack;
    let (tx, rx) = mpsc::channel();
    let timer = Timer::new(Duration::ZERO, move || tx.send("fired").unwrap());
    set_stack_size(HUGE).unwrap();
    assert_eq!(timer.start().unwrap_err().kind(), ErrorKind::Spawn);
    assert!(!timer.is_alive());
    assert_eq!(timer.native_id(), None);
    assert!(!timer.finished().is_set());
    set_stack_size(0).unwrap();
    timer.start().unwrap();
    timer
        .join_timeout(lock_helpers::real(Duration::from_secs(30)))
        .unwrap();
    assert_eq!(rx.try_recv(), Ok("fired"));
}

#[test]
fn stack_size_is_python_s_setting_with_its_errors() {
    let _one = SETTING.lock();
    let _restore = DefaultStack;
    assert_eq!(stack_size(), 0, "the platform's default");
    assert_eq!(set_stack_size(MIN_STACK_SIZE).unwrap(), 0);
    assert_eq!(stack_size(), 32 * 1024);
    for bad in [1, 4096, MIN_STACK_SIZE - 1] {
        let err = set_stack_size(bad).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument);
        assert_eq!(err.to_string(), format!("size not valid: {bad} bytes"));
        assert_eq!(stack_size(), MIN_STACK_SIZE, "unchanged after an error");
    }
    assert_eq!(set_stack_size(0).unwrap(), MIN_STACK_SIZE);
    assert_eq!(stack_size(), 0);
}

/// Uses 8 MiB of stack: more than the 2 MiB default, so the process would
/// die of a stack overflow unless the thread got the larger stack it asked for.
fn deep() -> usize {
    let buf = std::hint::black_box([1u8; 8 << 20]);
    buf.iter().map(|&b| usize::from(b)).sum()
}

#[test]
fn new_threads_get_the_set_stack_size_unless_their_builder_says_otherwise() {
    let _one = SETTING.lock();
    let _restore = DefaultStack;
    // Read at start, not at creation, as in CPython.
    let big = Thread::with_result(deep);
    set_stack_size(64 << 20).unwrap();
    big.start().unwrap();
    assert_eq!(big.join().unwrap(), 8 << 20);
    // A builder's own size wins over the setting, even an impossible one.
    set_stack_size(HUGE).unwrap();
    let own = Thread::builder()
        .stack_size(256 * 1024)
        .target_with_result(|| 7);
    own.start().unwrap();
    assert_eq!(own.join().unwrap(), 7);
    assert_eq!(
        Thread::new(|| {}).start().unwrap_err().kind(),
        ErrorKind::Spawn
    );
}
