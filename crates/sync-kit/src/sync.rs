//! The building blocks under every primitive, swappable for loom's.
//!
//! Built normally this re-exports `std`; built with `RUSTFLAGS="--cfg loom"` it
//! re-exports loom's models, so `scripts/loom.sh` explores every interleaving of
//! the primitives' non-timeout paths. Primitives import from here, never from
//! `std::sync` directly.
//!
//! sync-kit has no lock poisoning (like Python and parking_lot): the helpers here
//! take the inner guard of a poisoned mutex, because every critical section in
//! sync-kit leaves its state consistent before anything that can panic.

#![allow(unreachable_pub, unused_imports, dead_code)]

#[cfg(loom)]
pub(crate) use loom::sync::{Arc, Condvar, Mutex, MutexGuard, atomic};
#[cfg(loom)]
pub(crate) use loom::thread::yield_now;

#[cfg(not(loom))]
pub(crate) use std::sync::{Arc, Condvar, Mutex, MutexGuard, atomic};
#[cfg(not(loom))]
pub(crate) use std::thread::yield_now;

use std::time::Duration;

/// Declares a `const fn` in normal builds and a plain `fn` under loom, whose
/// atomics cannot be created in a constant context.
macro_rules! loom_const_fn {
    ($(#[$attr:meta])* $vis:vis fn $name:ident $($rest:tt)*) => {
        #[cfg(not(loom))]
        $(#[$attr])* $vis const fn $name $($rest)*
        #[cfg(loom)]
        $(#[$attr])* $vis fn $name $($rest)*
    };
}
pub(crate) use loom_const_fn;

/// Locks `mutex`, ignoring poisoning.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Locks a `std` mutex, never a loom one, ignoring poisoning: for the thread
/// registry and thread-local storage, which run on real threads even in a loom
/// build.
pub(crate) fn lock_std<T>(mutex: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Waits on `condvar`, ignoring poisoning.
pub(crate) fn wait<'a, T>(condvar: &Condvar, guard: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
    condvar
        .wait(guard)
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Waits on `condvar` for at most `timeout`, ignoring poisoning. Callers re-check
/// their own state and deadline: this may return early or spuriously.
pub(crate) fn wait_timeout<'a, T>(
    condvar: &Condvar,
    guard: MutexGuard<'a, T>,
    timeout: Duration,
) -> MutexGuard<'a, T> {
    // Chunk very long waits so no platform conversion can overflow.
    let timeout = timeout.min(Duration::from_secs(24 * 60 * 60));
    match condvar.wait_timeout(guard, timeout) {
        Ok((guard, _)) => guard,
        Err(poisoned) => poisoned.into_inner().0,
    }
}
