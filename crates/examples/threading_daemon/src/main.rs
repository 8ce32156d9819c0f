//! `threading_daemon.py`: a daemon thread does not keep the program alive.
//!
//! The `daemon` thread sleeps 2 s between `Starting` and `Exiting`; the
//! `non-daemon` thread logs both at once. When the main body and the non-daemon
//! thread are done, [`sync_kit::main`] returns and the process exits, killing the
//! daemon in its sleep: its `Exiting` line is never printed.
//!
//! ```text
//! cargo run -p threading_daemon
//! ```
//!
//! Output: the same three lines, on stderr; the two `Starting` lines can swap
//! places, since the threads race. Nothing in the program makes the daemon log
//! `Starting` before the process exits (in Python neither): if it has not run by
//! then, a rare event, that line is missing too.

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
        Ok(())
    })
}
