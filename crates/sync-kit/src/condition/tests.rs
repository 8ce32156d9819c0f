use crate::lock::Lock;

use super::*;

#[test]
fn wait_restores_recursion_depth() {
    let cond = std::sync::Arc::new(Condition::new());
    cond.acquire();
    cond.acquire();
    cond.acquire();
    let other = std::sync::Arc::clone(&cond);
    let notifier = std::thread::spawn(move || {
        // Only possible if wait released all three levels.
        let _guard = other.lock();
        other.notify().unwrap();
    });
    assert!(cond.wait().unwrap());
    assert_eq!(cond.underlying().recursion_count(), 3);
    notifier.join().unwrap();
    for _ in 0..3 {
        cond.release().unwrap();
    }
    assert!(cond.release().is_err());
}

#[test]
fn debug_shows_lock_and_waiters() {
    let cond = Condition::with_lock(std::sync::Arc::new(Lock::new()));
    let shown = format!("{cond:?}");
    assert!(
        shown.starts_with("<Condition(<unlocked sync_kit.Lock object at 0x"),
        "{shown}"
    );
    assert!(shown.ends_with(">, 0)>"), "{shown}");
}

#[test]
fn wait_for_zero_timeout_calls_predicate_twice() {
    let cond = Condition::new();
    let _guard = cond.lock();
    let mut calls = 0;
    let got = cond
        .wait_for(
            || {
                calls += 1;
                false
            },
            Some(Duration::ZERO),
        )
        .unwrap();
    assert!(!got);
    assert_eq!(calls, 2);
}
