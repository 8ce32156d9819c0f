//! `threading_timer.py`: a [`Timer`] is a thread that calls its function after
//! a delay, unless cancelled first.
//!
//! Two 3-second timers start together; after 2 s the main thread cancels `t2`,
//! so only `t1` runs `delayed`. `t1` is not a daemon, so the program waits for
//! it after the main body logs `done`.
//!
//! ```text
//! cargo run -p threading_timer
//! ```
//!
//! Output: always the same five lines, on stderr; `(t1        ) worker running`
//! comes last, 3 s after the start. `cancaling` is the tutorial's spelling.

use std::time::Duration;

use log::debug;
use sync_kit::Timer;
use sync_kit::logging::{LevelFilter, basic_config};
use sync_kit::time::sleep;

fn delayed() {
    debug!("worker running");
}

fn main() -> anyhow::Result<()> {
    sync_kit::main(|| {
        basic_config(LevelFilter::Debug, "(%(threadName)-10s) %(message)s")?;

        let t1 = Timer::new(Duration::from_secs(3), delayed);
        t1.set_name("t1");
        let t2 = Timer::new(Duration::from_secs(3), delayed);
        t2.set_name("t2");

        debug!("starting timers");
        t1.start()?;
        t2.start()?;

        debug!("waiting before canceling {}", t2.name());
        sleep(Duration::from_secs(2));
        debug!("cancaling {}", t2.name());
        t2.cancel(); // 1 s before it would fire: `delayed` never runs in t2
        debug!("done");
        Ok(())
    })
}
