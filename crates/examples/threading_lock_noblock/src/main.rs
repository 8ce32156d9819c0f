//! `threading_lock_noblock.py`: ask for a lock without waiting for it
//! ([`Lock::try_acquire`], Python's `acquire(0)`).
//!
//! `LockHolder`, a daemon, loops forever: hold the lock 0.5 s, leave it free
//! 0.5 s. `Worker` tries once a second, without blocking, until it has had the
//! lock three times. The program ends when `Worker` does, killing `LockHolder`.
//!
//! ```text
//! cargo run -p threading_lock_noblock
//! ```
//!
//! Output varies: both threads run on a 1-second beat, so whether a try lands
//! while the lock is held is a race. The number of iterations (3 or more), which
//! of them print `Not acquired`, and how the two threads' lines interleave change
//! from run to run; `LockHolder` may log once more after `Done after N iterations`.

use std::sync::Arc;
use std::time::Duration;

use log::debug;
use sync_kit::logging::{LevelFilter, basic_config};
use sync_kit::time::sleep;
use sync_kit::{Lock, Thread};

fn lock_holder(lock: &Lock) {
    debug!("Starting");
    loop {
        lock.acquire();
        debug!("Holding");
        sleep(Duration::from_millis(500));
        debug!("Not holding");
        lock.release().expect("this thread acquired the lock above");
        sleep(Duration::from_millis(500));
    }
}

fn worker(lock: &Lock) {
    debug!("Starting");
    let mut num_tries = 0;
    let mut num_acquires = 0;
    while num_acquires < 3 {
        sleep(Duration::from_secs(1));
        debug!("Trying to acquire");
        let have_it = lock.try_acquire();
        num_tries += 1;
        if have_it {
            debug!("Iteration {num_tries}: Acquired");
            num_acquires += 1;
            lock.release().expect("try_acquire just took the lock");
        } else {
            debug!("Iteration {num_tries}: Not acquired");
        }
    }
    debug!("Done after {num_tries} iterations");
}

fn main() -> anyhow::Result<()> {
    sync_kit::main(|| {
        basic_config(LevelFilter::Debug, "(%(threadName)-10s) %(message)s")?;

        let lock = Arc::new(Lock::new());
        let l = Arc::clone(&lock);
        let holder = Thread::builder()
            .name("LockHolder")
            .target(move || lock_holder(&l));
        holder.set_daemon(true)?;
        holder.start()?;

        let worker = Thread::builder()
            .name("Worker")
            .target(move || worker(&lock));
        worker.start()?;
        Ok(())
    })
}
