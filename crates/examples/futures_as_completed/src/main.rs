//! `futures_as_completed.py`: [`as_completed`] yields the futures of a
//! [`ThreadPoolExecutor`] in the order their tasks finish.
//!
//! Five tasks (5 down to 1) each sleep a random fraction of a second on a pool
//! of five workers and return `(n, n / 10)`; the main thread prints each result
//! as its task completes. The program then ends; the pool's workers exit once
//! the executor is dropped, and [`sync_kit::main`] waits for them, as CPython's
//! exit joins the pool's threads.
//!
//! ```text
//! cargo run -p futures_as_completed
//! ```
//!
//! Output varies: the order of the five `main: result:` lines, set by the
//! random sleeps.

use sync_kit::ThreadPoolExecutor;
use sync_kit::futures::as_completed;
use sync_kit::random::random;
use sync_kit::time::sleep_secs;

fn task(n: u32) -> (u32, f64) {
    sleep_secs(random());
    (n, f64::from(n) / 10.0)
}

fn main() -> anyhow::Result<()> {
    sync_kit::main(|| {
        let ex = ThreadPoolExecutor::new(5)?;
        println!("main: starting");

        let wait_for = (1..=5)
            .rev()
            .map(|i| ex.submit(move || task(i)))
            .collect::<Result<Vec<_>, _>>()?;

        for f in as_completed(&wait_for) {
            // Python's repr of the tuple: `(3, 0.3)`.
            let (n, value) = f.result()?;
            println!("main: result: ({n}, {value})");
        }
        Ok(())
    })
}
