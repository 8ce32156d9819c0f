//! `futures_thread_pool_map.py`: [`ThreadPoolExecutor::map`] runs a task per
//! item on a pool of two workers and yields the results in the items' order.
//!
//! `map` submits all five tasks (5 down to 1) at once and returns an iterator
//! without waiting (Python's generator, printed as such); each task sleeps
//! `n / 10` s on a worker named `ThreadPoolExecutor-0_0` or `_1`, as CPython
//! names them. Collecting the iterator waits for each result in turn.
//!
//! ```text
//! cargo run -p futures_thread_pool_map
//! ```
//!
//! Output varies: which worker runs which task (usually `_0` runs 5 and `_1`
//! runs 4; the tasks that follow go to whichever is free first, and 2 and 3
//! end at the same moment), the interleaving of the workers' lines and the
//! main thread's two middle lines, and the generator's address.

use sync_kit::time::sleep_secs;
use sync_kit::{ThreadPoolExecutor, current_thread};

fn task(n: u32) -> f64 {
    println!("{}: sleeping {}", current_thread().name(), n);
    sleep_secs(f64::from(n) / 10.0);
    println!("{}: done with {}", current_thread().name(), n);
    f64::from(n) / 10.0
}

fn main() -> anyhow::Result<()> {
    sync_kit::main(|| {
        let ex = ThreadPoolExecutor::new(2)?;
        println!("main: starting");
        let results = ex.map(task, (1..=5).rev())?;
        println!("main: unprocessed results {results:?}");
        println!("main: waiting for real results");
        let real_results: Vec<f64> = results.collect::<Result<_, _>>()?;
        println!("main: results: {real_results:?}");
        Ok(())
    })
}
