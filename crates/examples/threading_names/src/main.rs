//! `threading_names.py`: a thread finds out who it is with
//! `current_thread().name()`.
//!
//! `w` and `t` are named (`worker`, `my_service`); `w2` and `w3` get the default
//! names `Thread-1` and `Thread-2`. Each prints its name glued to `Starting`
//! (the script concatenates without a space), sleeps 2 s (`worker`) or 3 s
//! (`my_service`), and prints its name glued to `Exiting`.
//!
//! ```text
//! cargo run -p threading_names
//! ```
//!
//! Output: the four `Starting` lines come in any order, then the three workers'
//! `Exiting` lines in any order, then `my_serviceExiting` a second later.

use std::time::Duration;

use sync_kit::time::sleep;
use sync_kit::{Thread, current_thread};

fn worker() {
    println!("{}Starting", current_thread().name());
    sleep(Duration::from_secs(2));
    println!("{}Exiting", current_thread().name());
}

fn my_service() {
    println!("{}Starting", current_thread().name());
    sleep(Duration::from_secs(3));
    println!("{}Exiting", current_thread().name());
}

fn main() -> anyhow::Result<()> {
    sync_kit::main(|| {
        let t = Thread::builder().name("my_service").target(my_service);
        let w = Thread::builder().name("worker").target(worker);
        let w2 = Thread::new(worker); // use default name
        let w3 = Thread::new(worker); // use default name

        w.start()?;
        w2.start()?;
        w3.start()?;
        t.start()?;
        Ok(())
    })
}
