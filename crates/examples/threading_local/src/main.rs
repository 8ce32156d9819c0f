//! `threading_local.py`: a thread-local object, Python's `threading.local()`.
//!
//! One [`Local`] is shared by every thread, yet each thread sees only the value it
//! stored itself: the main thread's `1000` is invisible to the workers, which
//! start with no value (Python's `AttributeError`) and store a random 1 to 100.
//!
//! ```text
//! cargo run -p threading_local
//! ```
//!
//! Output: the main thread's `No value yet` and `value=1000` come first; each
//! worker then logs `No value yet` and `value=N`. The random values vary, and the
//! two workers' lines can interleave.

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

fn main() -> anyhow::Result<()> {
    sync_kit::main(|| {
        basic_config(LevelFilter::Debug, "(%(threadName)-10s) %(message)s")?;

        let local_data = Arc::new(Local::new());
        show_value(&local_data);
        local_data.set(1000);
        show_value(&local_data);

        for _ in 0..2 {
            let data = Arc::clone(&local_data);
            let t = Thread::new(move || worker(&data));
            t.start()?;
        }
        Ok(())
    })
}
