//! `threading_local_defaults.py`: a thread-local object with defaults, Python's
//! subclass of `threading.local` whose `__init__` sets `value`.
//!
//! [`Local::with_init`] runs the initialiser once in each thread, the first time
//! that thread touches the object, on the same object (the same address in every
//! `Initializing` line). So every thread starts from `value=1000`; a worker's
//! random 1 to 100 stays its own, and the main thread still sees 1000 at the end.
//!
//! ```text
//! cargo run -p threading_local_defaults
//! ```
//!
//! Output: the address (`0x...`) and the workers' random values vary from run to
//! run. The main thread's `Initializing` and `value=1000` come first; each worker
//! logs `Initializing`, `value=1000`, `value=N` in that order, but the workers'
//! lines and the main thread's last `value=1000` can interleave.

use std::sync::Arc;

use log::debug;
use sync_kit::logging::{LevelFilter, basic_config};
use sync_kit::random::randint;
use sync_kit::{Local, Thread};

fn show_value(data: &Local<i64>) {
    match data.get() {
        None => debug!("No value yet"),
        Some(val) => debug!("value={val}"),
    }
}

fn worker(data: &Local<i64>) {
    show_value(data);
    data.set(randint(1, 100));
    show_value(data);
}

/// `MyLocal(value)`: `__init__` runs once per thread, logging the object's repr.
fn my_local(value: i64) -> Local<i64> {
    Local::with_init(move |me| {
        debug!("Initializing <__main__.MyLocal object at {:#x}>", me.id());
        value
    })
}

fn main() -> anyhow::Result<()> {
    sync_kit::main(|| {
        basic_config(LevelFilter::Debug, "(%(threadName)-10s) %(message)s")?;

        let local_data = Arc::new(my_local(1000));
        show_value(&local_data);

        for _ in 0..2 {
            let data = Arc::clone(&local_data);
            let t = Thread::new(move || worker(&data));
            t.start()?;
        }

        show_value(&local_data);
        Ok(())
    })
}
