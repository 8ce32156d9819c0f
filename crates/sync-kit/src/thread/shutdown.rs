//! Interpreter exit, Rust edition: when `main` is done, wait for every live
//! non-daemon thread (including ones started while waiting); daemon threads die
//! with the process.
//!
//! A Rust process ends when `main` returns, killing every other thread, as if all
//! were Python daemons. [`main`] restores Python's rule.

use std::io::Write;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};

use super::{Kind, current_thread, enumerate};
use crate::error::Error;

/// Runs `body` as the program's main thread, then waits like Python's interpreter
/// exit: every non-daemon thread is joined, daemon threads are left to die with
/// the process.
///
/// It first reads `SYNC_KIT_TIME_SCALE` (see [`crate::time`]) and
/// `SYNC_KIT_SIM` (see [`crate::sim`]: with it set, the whole program runs
/// under the simulator) and returns an error if a value is unusable. If `body` returns an error or panics, the
/// non-daemon threads are still waited for, then the error is returned or the
/// panic resumed.
///
/// ```
/// use sync_kit::thread::Thread;
///
/// fn main() -> anyhow::Result<()> {
///     sync_kit::main(|| {
///         let t = Thread::new(|| println!("still printed after main's body ends"));
///         t.start()?;
///         Ok(())
///     })
/// }
/// ```
pub fn main<T, E>(body: impl FnOnce() -> Result<T, E>) -> Result<T, E>
where
    E: From<Error>,
{
    crate::time::init()?;
    current_thread();
    crate::sim::init_from_env()?;
    crate::observe::init_from_env();
    let outcome = catch_unwind(AssertUnwindSafe(body));
    shutdown();
    crate::observe::finish();
    crate::sim::end_process();
    match outcome {
        Ok(result) => result,
        Err(panic) => resume_unwind(panic),
    }
}

/// Waits for every live non-daemon thread started by sync-kit, again and again
/// until none is left, then flushes stdout. Called from the main thread it also
/// marks the main thread finished first, so threads joining it wake up.
///
/// Call it at the very end of `main` (or use [`main`], which does).
///
/// ```
/// use sync_kit::thread::{Thread, shutdown};
///
/// fn main() {
///     let worker = Thread::new(|| sync_kit::time::sleep(std::time::Duration::from_millis(20)));
///     worker.start().expect("a thread to start");
///     shutdown(); // waits for `worker`, as Python's exit would
///     assert!(!worker.is_alive());
/// }
/// ```
pub fn shutdown() {
    let me = current_thread();
    if me.is_main() {
        me.mark_stopped();
    }
    loop {
        let pending: Vec<_> = enumerate()
            .into_iter()
            .filter(|t| t.inner.kind == Kind::Spawned && !t.daemon() && *t != me)
            .collect();
        if pending.is_empty() {
            break;
        }
        for thread in pending {
            // Cannot fail: started, not the current thread, not a dummy.
            let _ = thread.join();
        }
    }
    let _ = std::io::stdout().flush();
}
