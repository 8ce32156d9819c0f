//! `threading_subclass.py`: a thread type with its own `run`, the Rust form of
//! subclassing `Thread` and overriding `run()`.
//!
//! `MyThread` implements [`sync_kit::thread::Run`]; [`Thread::from_run`] makes
//! a thread object (named `Thread-N`, like any unnamed thread) that calls it once
//! started. Five of them each log `running`.
//!
//! ```text
//! cargo run -p threading_subclass
//! ```
//!
//! Output: five lines `(Thread-1  ) running` to `(Thread-5  ) running` on
//! stderr, in an order that can vary from run to run.

use log::debug;
use sync_kit::Thread;
use sync_kit::logging::{LevelFilter, basic_config};
use sync_kit::thread::Run;

struct MyThread;

impl Run for MyThread {
    fn run(&mut self) {
        debug!("running");
    }
}

fn main() -> anyhow::Result<()> {
    sync_kit::main(|| {
        basic_config(LevelFilter::Debug, "(%(threadName)-10s) %(message)s")?;

        for _ in 0..5 {
            let t = Thread::from_run(MyThread);
            t.start()?;
        }
        Ok(())
    })
}
