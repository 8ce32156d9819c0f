//! `threading_condition.py`: consumers wait on a [`Condition`] until the
//! producer notifies them all.
//!
//! `c1` and `c2` each take the condition's lock (a guard: Python's `with cond:`)
//! and `wait()`, which releases the lock while they sleep. Started 2 s after
//! `c2`, `p` takes the lock and calls `notify_all()`; each consumer wakes up
//! holding the lock again, one after the other.
//!
//! ```text
//! cargo run -p threading_condition
//! ```
//!
//! Output varies: the timestamps (`%(asctime)s`, 2 s apart for the three
//! `Starting` lines), and the order of the two `Resource is available` lines.

use std::sync::Arc;
use std::time::Duration;

use log::debug;
use sync_kit::logging::{LevelFilter, basic_config};
use sync_kit::time::sleep;
use sync_kit::{Condition, Thread};

/// wait for the condition and use the resource
fn consumer(cond: &Condition) {
    debug!("Starting consumer thread");
    let _guard = cond.lock();
    cond.wait().expect("the guard holds the lock");
    debug!("Resource is available to consumer");
}

/// set up the resource to be used by the consumer
fn producer(cond: &Condition) {
    debug!("Starting producer thread");
    let _guard = cond.lock();
    debug!("Making resource available");
    cond.notify_all().expect("the guard holds the lock");
}

fn main() -> anyhow::Result<()> {
    sync_kit::main(|| {
        basic_config(
            LevelFilter::Debug,
            "%(asctime)s (%(threadName)-2s) %(message)s",
        )?;

        let condition = Arc::new(Condition::new());
        let thread = |name: &str, f: fn(&Condition)| {
            let cond = Arc::clone(&condition);
            Thread::builder().name(name).target(move || f(&cond))
        };
        let c1 = thread("c1", consumer);
        let c2 = thread("c2", consumer);
        let p = thread("p", producer);

        c1.start()?;
        sleep(Duration::from_secs(2));
        c2.start()?;
        sleep(Duration::from_secs(2));
        p.start()?;
        Ok(())
    })
}
