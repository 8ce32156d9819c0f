//! `threading_lock_with.py`: two equivalent ways to hold a [`Lock`]: a guard
//! (Python's `with lock:`) and explicit `acquire`/`release`.
//!
//! `worker_with` holds the lock through the guard `lock.lock()` returns, released
//! when it goes out of scope; `worker_no_with` calls `acquire` and `release`. The
//! two threads take turns: the second runs only once the first has released.
//!
//! ```text
//! cargo run -p threading_lock_with
//! ```
//!
//! Output: two lines on stderr, `(Thread-1  ) Lock acquired via with` and
//! `(Thread-2  ) Lock acquired directly`, usually in that order; whichever thread
//! wins the lock first prints first. The program runs 5 s (3 s + 2 s of holding).

use std::sync::Arc;
use std::time::Duration;

use log::debug;
use sync_kit::logging::{LevelFilter, basic_config};
use sync_kit::time::sleep;
use sync_kit::{Lock, Thread};

fn worker_with(lock: &Lock) {
    let _guard = lock.lock();
    debug!("Lock acquired via with");
    sleep(Duration::from_secs(3));
}

fn worker_no_with(lock: &Lock) {
    lock.acquire();
    debug!("Lock acquired directly");
    sleep(Duration::from_secs(2));
    lock.release().expect("this thread acquired the lock above");
}

fn main() -> anyhow::Result<()> {
    sync_kit::main(|| {
        basic_config(LevelFilter::Debug, "(%(threadName)-10s) %(message)s")?;

        let lock = Arc::new(Lock::new());
        let l = Arc::clone(&lock);
        let w = Thread::new(move || worker_with(&l));
        let nw = Thread::new(move || worker_no_with(&lock));

        w.start()?;
        nw.start()?;
        Ok(())
    })
}
