//! `threading_lock.py`: a [`Lock`] guards a counter that two threads increment.
//!
//! Each worker sleeps a random fraction of a second, then increments the shared
//! `Counter` under its lock, twice. The increment is a separate read and write,
//! like Python's `self.value = self.value + 1`; only the lock keeps the two
//! threads from interleaving them and losing an update. The main thread joins
//! every other thread it finds with `enumerate()`, then logs the total.
//!
//! ```text
//! cargo run -p threading_lock
//! ```
//!
//! Output varies: the pauses (`Sleeping 0.63`) and so the order of the workers'
//! lines. Each worker logs `Waiting for lock` then `Acquired lock` per
//! increment, and `Done`; `Counter: 4` is always the last line.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering::Relaxed};

use log::debug;
use sync_kit::logging::{LevelFilter, basic_config};
use sync_kit::time::sleep_secs;
use sync_kit::{Lock, Thread, current_thread, enumerate};

struct Counter {
    lock: Lock,
    value: AtomicU32,
}

impl Counter {
    fn new(start: u32) -> Self {
        Counter {
            lock: Lock::new(),
            value: AtomicU32::new(start),
        }
    }

    fn increment(&self) {
        debug!("Waiting for lock");
        self.lock.acquire();
        debug!("Acquired lock");
        // Read, then write: safe only because the lock is held.
        let value = self.value.load(Relaxed);
        self.value.store(value + 1, Relaxed);
        self.lock
            .release()
            .expect("this thread acquired the lock above");
    }
}

fn worker(c: &Counter) {
    for _ in 0..2 {
        let pause: f64 = rand::random();
        debug!("Sleeping {pause:.2}");
        sleep_secs(pause);
        c.increment();
    }
    debug!("Done");
}

fn main() -> anyhow::Result<()> {
    sync_kit::main(|| {
        basic_config(LevelFilter::Debug, "(%(threadName)-10s) %(message)s")?;

        let counter = Arc::new(Counter::new(0));
        for _ in 0..2 {
            let c = Arc::clone(&counter);
            let t = Thread::new(move || worker(&c));
            t.start()?;
        }

        debug!("Waiting for worker threads");
        let main_thread = current_thread();
        for t in enumerate() {
            if t != main_thread {
                t.join()?;
            }
        }
        debug!("Counter: {}", counter.value.load(Relaxed));
        Ok(())
    })
}
