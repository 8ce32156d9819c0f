//! `threading_rlock.py`: an [`RLock`] can be acquired again by the thread that
//! holds it.
//!
//! The same program as `threading_lock_reacquire` with `RLock` for `Lock`: the
//! second, non-blocking acquire succeeds, and the lock now counts two levels.
//!
//! ```text
//! cargo run -p threading_rlock
//! ```
//!
//! Output: always `First try : True` then `Second try: True` (Python 3; the
//! tutorial's `Second try: 1` came from Python 2, whose `acquire(0)` returned 1).

use sync_kit::RLock;

/// Python's `str(bool)`.
fn py_bool(value: bool) -> &'static str {
    if value { "True" } else { "False" }
}

fn main() -> anyhow::Result<()> {
    sync_kit::main(|| {
        let lock = RLock::new();

        println!("First try : {}", py_bool(lock.acquire()));
        println!("Second try: {}", py_bool(lock.try_acquire()));
        Ok(())
    })
}
