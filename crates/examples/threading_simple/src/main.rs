//! `threading_simple.py`: the simplest use of a thread, a target function and
//! `start()`.
//!
//! Five threads each print `> Worker`. The program does not join them: like
//! Python's interpreter, [`sync_kit::main`] waits for every non-daemon thread
//! before the process exits.
//!
//! ```text
//! cargo run -p threading_simple
//! ```
//!
//! Output: always the same five lines (the threads print identical text).

use sync_kit::Thread;

/// thread worker function
fn worker() {
    println!("> Worker");
}

fn main() -> anyhow::Result<()> {
    sync_kit::main(|| {
        let mut threads = Vec::new();
        for _ in 0..5 {
            let t = Thread::new(worker);
            threads.push(t.clone());
            t.start()?;
        }
        Ok(())
    })
}
