//! `threading_daemon_join_timeout.py`: `join` with a timeout returns when the
//! time is up, even though the thread still runs.
//!
//! The daemon sleeps 2 s; the main thread joins it for only 1 s, then asks
//! `is_alive()`: still `True`. Joining the non-daemon thread returns at once (it
//! finished long ago), so the second question, a moment later, still gets
//! `True`. The program then exits without waiting for the daemon.
//!
//! ```text
//! cargo run -p threading_daemon_join_timeout
//! ```
//!
//! Output: always the same. The log lines go to stderr (the two `Starting` lines
//! can swap places), the two `d.isAlive() True` lines to stdout. The printed label
//! is the script's text, `d.isAlive()`, though Python 3 calls the method
//! `is_alive()`.

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

/// Python's `str(bool)`.
fn py_bool(value: bool) -> &'static str {
    if value { "True" } else { "False" }
}

fn main() -> anyhow::Result<()> {
    sync_kit::main(|| {
        basic_config(LevelFilter::Debug, "(%(threadName)-10s) %(message)s")?;

        let d = Thread::builder().name("daemon").target(daemon);
        d.set_daemon(true)?;

        let t = Thread::builder().name("non-daemon").target(non_daemon);

        d.start()?;
        t.start()?;

        d.join_timeout(Duration::from_secs(1))?;
        println!("d.isAlive() {}", py_bool(d.is_alive()));
        t.join()?;
        println!("d.isAlive() {}", py_bool(d.is_alive()));
        Ok(())
    })
}
