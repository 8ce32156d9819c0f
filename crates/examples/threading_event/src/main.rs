//! `threading_event.py`: signal between threads with an [`Event`].
//!
//! `block` waits for the event with no timeout. `non-block` waits at most 2 s at
//! a time, doing "other work" between waits. The main thread sets the event
//! after 3 s: `non-block`'s first wait times out (`event set: False`), its second
//! returns `True`, as does `block`'s only wait.
//!
//! ```text
//! cargo run -p threading_event
//! ```
//!
//! Output: always the same ten lines, on stderr. The three `starting`/`Waiting`
//! lines at the start can come in any order; after the event is set, the
//! `Event is set` line and the two threads' `event set: True` lines can too.

use std::sync::Arc;
use std::time::Duration;

use log::debug;
use sync_kit::logging::{LevelFilter, basic_config};
use sync_kit::time::sleep;
use sync_kit::{Event, Thread};

/// Python's `str(bool)`.
fn py_bool(value: bool) -> &'static str {
    if value { "True" } else { "False" }
}

/// Wait for the event to be set before doing anything
fn wait_for_event(e: &Event) {
    debug!("wait_for_event starting");
    let event_is_set = e.wait();
    debug!("event set: {}", py_bool(event_is_set));
}

/// Wait t seconds and then timeout
fn wait_for_event_timeout(e: &Event, t: Duration) {
    while !e.is_set() {
        debug!("wait_for_event_timeout starting");
        let event_is_set = e.wait_timeout(t);
        debug!("event set: {}", py_bool(event_is_set));
        if event_is_set {
            debug!("processing event");
        } else {
            debug!("doing other work");
        }
    }
}

fn main() -> anyhow::Result<()> {
    sync_kit::main(|| {
        basic_config(LevelFilter::Debug, "(%(threadName)-10s) %(message)s")?;

        let e = Arc::new(Event::new());
        let e1 = Arc::clone(&e);
        let t1 = Thread::builder()
            .name("block")
            .target(move || wait_for_event(&e1));
        t1.start()?;

        let e2 = Arc::clone(&e);
        let t2 = Thread::builder()
            .name("non-block")
            .target(move || wait_for_event_timeout(&e2, Duration::from_secs(2)));
        t2.start()?;

        debug!("Waiting before calling Event.set()");
        sleep(Duration::from_secs(3));
        e.set();
        debug!("Event is set");
        Ok(())
    })
}
