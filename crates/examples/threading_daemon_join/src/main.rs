//! `threading_daemon_join.py`: `join()` waits for a daemon thread too.
//!
//! Same threads as `threading_daemon`, but the main thread joins both, so the
//! daemon gets to finish its 2-second sleep and log `Exiting` before the program
//! ends.
//!
//! ```text
//! cargo run -p threading_daemon_join
//! ```
//!
//! Output: always the same four lines, on stderr. The two `Starting` lines can
//! swap places; `(daemon    ) Exiting` is always last, 2 s after it started.

use std::time::Duration;

use log::debug;
use sync_kit::Thread;
use sync_kit::logging::{LevelFilter, basic_config};
use sync_kit::time::sleep;

fn daemon() {
    debug!("Starting");
    sleep(Duration::from_secs(2));
    debug!("Exiting");
}

fn non_daemon() {
    debug!("Starting");
    debug!("Exiting");
}

fn main() -> anyhow::Result<()> {
    sync_kit::main(|| {
        basic_config(LevelFilter::Debug, "(%(threadName)-10s) %(message)s")?;

        let d = Thread::builder().name("daemon").target(daemon);
        d.set_daemon(true)?;

        let t = Thread::builder().name("non-daemon").target(non_daemon);

        d.start()?;
        t.start()?;

        d.join()?;
        t.join()?;
        Ok(())
    })
}
