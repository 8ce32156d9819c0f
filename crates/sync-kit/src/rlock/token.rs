//! The per-thread token that names an [`RLock`](super::RLock)'s owner.

/// A token for the calling thread: nonzero, and never reused within the process.
///
/// A thread-local read after the first call; it does not touch
/// [`std::thread::current`].
#[inline]
pub(crate) fn current_thread_token() -> usize {
    #[cfg(not(loom))]
    std::thread_local!(static TOKEN: std::cell::Cell<usize> = const { std::cell::Cell::new(0) });
    #[cfg(loom)]
    loom::thread_local!(static TOKEN: std::cell::Cell<usize> = std::cell::Cell::new(0));

    TOKEN.with(|token| match token.get() {
        0 => {
            let fresh = next_token();
            token.set(fresh);
            fresh
        }
        known => known,
    })
}

#[cold]
fn next_token() -> usize {
    // A plain counter, deliberately outside loom's model: it only hands out
    // distinct numbers.
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use crate::rlock::NO_OWNER;

    #[test]
    fn tokens_differ_between_threads_and_stay_fixed() {
        let mine = current_thread_token();
        assert_eq!(mine, current_thread_token());
        let theirs = std::thread::spawn(current_thread_token).join().unwrap();
        assert_ne!(mine, theirs);
        assert_ne!(theirs, NO_OWNER);
    }
}
