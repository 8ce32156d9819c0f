//! `threading_barrier.py`: a [`Barrier`] holds three threads until all three
//! have arrived, then releases them together.
//!
//! The main thread starts `worker-0` to `worker-2` 0.1 s apart. Each says how
//! many threads already wait at the barrier (`n_waiting`), waits, and prints
//! the index `wait` gave it (the order of arrival).
//!
//! ```text
//! cargo run -p threading_barrier
//! ```
//!
//! Output varies: the order of the three `after barrier` lines. With the
//! pauses, a run normally shows `0`, `1`, `2` others waiting and each worker's
//! index equal to its number; a very slow start can change both.

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
    let worker_id = barrier
        .wait()
        .expect("nothing aborts, resets or times out this barrier");
    println!("{} after barrier {}", current_thread().name(), worker_id);
}

const NUM_THREADS: usize = 3;

fn main() -> anyhow::Result<()> {
    sync_kit::main(|| {
        let barrier = Arc::new(Barrier::new(NUM_THREADS)?);

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

        for t in &threads {
            t.join()?;
        }
        Ok(())
    })
}
