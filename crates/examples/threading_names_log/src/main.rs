//! `threading_names_log.py`: thread names in log lines, through the logging
//! format `[%(levelname)s] (%(threadName)-10s) %(message)s`.
//!
//! Two threads are named (`worker`, `my_service`); `w2` gets the default
//! `Thread-N` name. Each logs `Starting`, sleeps (2 s or 3 s) and logs
//! `Exiting`. The log records go to stderr, as Python's `logging` does.
//!
//! ```text
//! cargo run -p threading_names_log
//! ```
//!
//! Output: the three `Starting` lines and the `Exiting` lines of the two 2-second
//! workers come in any order; `my_service` exits last, a second later. Under
//! `RUST_LOG=info` nothing is printed: every record is a debug record.

use std::time::Duration;

use log::debug;
use sync_kit::Thread;
use sync_kit::logging::{LevelFilter, basic_config};
use sync_kit::time::sleep;

fn worker() {
    debug!("Starting");
    sleep(Duration::from_secs(2));
    debug!("Exiting");
}

fn my_service() {
    debug!("Starting");
    sleep(Duration::from_secs(3));
    debug!("Exiting");
}

fn main() -> anyhow::Result<()> {
    sync_kit::main(|| {
        basic_config(
            LevelFilter::Debug,
            "[%(levelname)s] (%(threadName)-10s) %(message)s",
        )?;

        let t = Thread::builder().name("my_service").target(my_service);
        let w = Thread::builder().name("worker").target(worker);
        let w2 = Thread::new(worker); // use default name

        w.start()?;
        w2.start()?;
        t.start()?;
        Ok(())
    })
}
