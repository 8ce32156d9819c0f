//! `threading_semaphore.py`: a [`Semaphore`] limits how many threads use a
//! resource at once.
//!
//! Four threads (`0` to `3`) ask to join a pool that a `Semaphore(2)` keeps to
//! two members. Inside, each adds its name to `ActivePool`'s list, logs the
//! list in Python's repr (`['0', '1']`), works 0.1 s and removes itself. The
//! list never holds more than two names.
//!
//! ```text
//! cargo run -p threading_semaphore
//! ```
//!
//! Output varies: the timestamps (`%(asctime)s`), which two threads get in
//! first, and so the order of the lines and the lists shown.

use std::sync::Arc;
use std::time::Duration;

use log::debug;
use sync_kit::logging::{LevelFilter, basic_config};
use sync_kit::time::sleep;
use sync_kit::{Lock, Semaphore, Thread, current_thread};

/// The names of the threads in the pool, owned by the script's `self.lock`.
struct ActivePool {
    active: Lock<Vec<String>>,
}

impl ActivePool {
    fn make_active(&self, name: &str) {
        let mut active = self.active.lock();
        active.push(name.to_owned());
        debug!("Running: {}", repr_list(&active));
    }

    fn make_inactive(&self, name: &str) {
        let mut active = self.active.lock();
        active.retain(|n| n != name);
        debug!("Running: {}", repr_list(&active));
    }
}

/// Python's `repr()` of a list of plain strings: `['0', '1']`.
fn repr_list(names: &[String]) -> String {
    let items: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
    format!("[{}]", items.join(", "))
}

fn worker(s: &Semaphore, pool: &ActivePool) {
    debug!("Waiting to join the pool");
    let _guard = s.lock(); // Python's `with s:`; at most two threads past here
    let name = current_thread().name();
    pool.make_active(&name);
    sleep(Duration::from_millis(100));
    pool.make_inactive(&name);
}

fn main() -> anyhow::Result<()> {
    sync_kit::main(|| {
        basic_config(
            LevelFilter::Debug,
            "%(asctime)s (%(threadName)-2s) %(message)s",
        )?;

        let pool = Arc::new(ActivePool {
            active: Lock::with_value(Vec::new()),
        });
        let s = Arc::new(Semaphore::new(2));
        for i in 0..4 {
            let (s, pool) = (Arc::clone(&s), Arc::clone(&pool));
            let t = Thread::builder()
                .name(i.to_string())
                .target(move || worker(&s, &pool));
            t.start()?;
        }
        Ok(())
    })
}
