//! Scenarios for the simulator's process-level tests (`tests/sim_process.rs`):
//! each is a small program run as a child with `SYNC_KIT_SIM` set.

use std::sync::Arc;
use std::time::Duration;

use sync_kit::logging::{LevelFilter, basic_config};
use sync_kit::{Lock, Thread};

fn main() -> anyhow::Result<()> {
    let scenario = std::env::args().nth(1).unwrap_or_default();
    sync_kit::main(|| {
        basic_config(
            LevelFilter::Debug,
            "%(asctime)s (%(threadName)s) %(message)s",
        )?;
        match scenario.as_str() {
            // 30 s of sleeping in all, across two threads.
            "sleep30" => {
                let t = Thread::new(|| sync_kit::time::sleep(Duration::from_secs(20)));
                t.start()?;
                sync_kit::time::sleep(Duration::from_secs(10));
                t.join()?;
                sync_kit::time::sleep(Duration::from_secs(10));
                log::debug!("done");
            }
            // The learner's case: a plain Lock acquired twice by its holder.
            "reacquire" => {
                let lock = Lock::new();
                lock.acquire();
                let first = if lock.try_acquire() { "True" } else { "False" };
                log::debug!("first try: {first}");
                lock.acquire();
            }
            // Two threads take two locks in opposite order.
            "inversion" => {
                let a = Arc::new(Lock::new());
                let b = Arc::new(Lock::new());
                let (a2, b2) = (Arc::clone(&a), Arc::clone(&b));
                let t = Thread::builder().name("other").target(move || {
                    let _b = b2.lock();
                    sync_kit::time::sleep(Duration::from_millis(100));
                    let _a = a2.lock();
                });
                t.start()?;
                let _a = a.lock();
                sync_kit::time::sleep(Duration::from_millis(100));
                let _b = b.lock();
                drop(_b);
                t.join()?;
            }
            // A thread that blocks outside sync-kit's control.
            "stall" => {
                let t = Thread::builder().name("blocker").target(|| {
                    std::thread::sleep(Duration::from_secs(30));
                });
                t.start()?;
                t.join()?;
            }
            other => anyhow::bail!("unknown scenario {other:?}"),
        }
        Ok(())
    })
}
