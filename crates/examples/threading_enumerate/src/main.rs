//! `threading_enumerate.py`: wait for every thread without keeping handles, by
//! joining what [`sync_kit::enumerate`] lists, skipping the main thread (a thread
//! cannot join itself).
//!
//! Three daemon workers each sleep a random 1 to 5 s. The main thread lists the
//! running threads and joins each in turn, so the program waits for the daemons
//! even though shutdown would not.
//!
//! ```text
//! cargo run -p threading_enumerate
//! ```
//!
//! Output varies: each worker's pause (`sleeping N`), the order of the lines, and
//! so when each `ending` comes. Always three `sleeping`, three `joining Thread-N`
//! (in start order: the list is taken while all three still sleep) and three
//! `ending` lines, and the program ends after the longest pause.

use std::time::Duration;

use log::debug;
use sync_kit::logging::{LevelFilter, basic_config};
use sync_kit::random::randint;
use sync_kit::time::sleep;
use sync_kit::{Thread, current_thread, enumerate};

/// thread worker function
fn worker() {
    let pause = randint(1, 5);
    debug!("sleeping {pause}");
    sleep(Duration::from_secs(pause as u64));
    debug!("ending");
}

fn main() -> anyhow::Result<()> {
    sync_kit::main(|| {
        basic_config(LevelFilter::Debug, "(%(threadName)-10s) %(message)s")?;

        for _ in 0..3 {
            let t = Thread::new(worker);
            t.set_daemon(true)?;
            t.start()?;
        }

        let main_thread = current_thread();
        for t in enumerate() {
            if t == main_thread {
                continue;
            }
            debug!("joining {}", t.name());
            t.join()?;
        }
        Ok(())
    })
}
