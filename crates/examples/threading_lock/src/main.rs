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

use log::debug;
use sync_kit::logging::{LevelFilter, basic_config};
use sync_kit::random::random;
use sync_kit::time::sleep_secs;
use sync_kit::{Lock, Thread, current_thread, enumerate};

/// The script's `self.lock` and `self.value`, as one lock that owns the value.
struct Counter {
    value: Lock<u32>,
}

impl Counter {
    fn new(start: u32) -> Self {
        Counter {
            value: Lock::with_value(start),
        }
    }

    fn increment(&self) {
        debug!("Waiting for lock");
        let mut value = self.value.lock(); // acquire(); released when `value` drops
        debug!("Acquired lock");
        *value += 1;
    }
}

fn worker(c: &Counter) {
    for _ in 0..2 {
        let pause = random();
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
        debug!("Counter: {}", *counter.value.lock());
        Ok(())
    })
}
