//! `threading_barrier_abort.py`: [`Barrier::abort`] breaks a barrier, and every
//! thread waiting at it gets a broken-barrier error.
//!
//! The barrier is for four parties but only three workers come. After starting
//! them 0.1 s apart, the main thread aborts the barrier; each worker's `wait`
//! fails with [`ErrorKind::BrokenBarrier`](sync_kit::ErrorKind::BrokenBarrier)
//! (Python's `BrokenBarrierError`) and it prints `aborting`.
//!
//! ```text
//! cargo run -p threading_barrier_abort
//! ```
//!
//! Output varies: the order of the three `aborting` lines. With the pauses, a
//! run normally shows `0`, `1`, `2` others waiting; a very slow start can
//! change the counts.

use std::sync::Arc;
use std::time::Duration;

use sync_kit::time::sleep;
use sync_kit::{Barrier, Thread, current_thread};

fn worker(barrier: &Barrier) {
    println!(
        "{} waiting for barrier with {} others",
        current_thread().name(),
        barrier.n_waiting()
    );
    match barrier.wait() {
        // The only error `wait` returns: the barrier is broken.
        Err(_) => println!("{} aborting", current_thread().name()),
        Ok(worker_id) => println!("{} after barrier {}", current_thread().name(), worker_id),
    }
}

const NUM_THREADS: usize = 3;

fn main() -> anyhow::Result<()> {
    sync_kit::main(|| {
        let barrier = Arc::new(Barrier::new(NUM_THREADS + 1)?);

        let threads: Vec<Thread> = (0..NUM_THREADS)
            .map(|i| {
                let barrier = Arc::clone(&barrier);
                Thread::builder()
                    .name(format!("worker-{i}"))
                    .target(move || worker(&barrier))
            })
            .collect();

        for t in &threads {
            println!("{} starting", t.name());
            t.start()?;
            sleep(Duration::from_millis(100));
        }

        barrier.abort();

        for t in &threads {
            t.join()?;
        }
        Ok(())
    })
}
