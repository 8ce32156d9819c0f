//! `threading_lock_reacquire.py`: a plain [`Lock`] is not reentrant.
//!
//! The main thread takes the lock, then asks for it again without blocking
//! (Python's `acquire(0)`): refused, although it is the holder. A blocking
//! second `acquire()` would wait forever.
//!
//! ```text
//! cargo run -p threading_lock_reacquire
//! ```
//!
//! Output: always `First try : True` then `Second try: False`.

use sync_kit::Lock;

/// Python's `str(bool)`.
fn py_bool(value: bool) -> &'static str {
    if value { "True" } else { "False" }
}

fn main() -> anyhow::Result<()> {
    sync_kit::main(|| {
        let lock = Lock::new();

        println!("First try : {}", py_bool(lock.acquire()));
        println!("Second try: {}", py_bool(lock.try_acquire()));
        Ok(())
    })
}
