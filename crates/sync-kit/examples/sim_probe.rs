//! Scenarios for the simulator's process-level tests (`tests/sim_process.rs`):
//! each is a small program run as a child with `SYNC_KIT_SIM` set.

use std::sync::Arc;
use std::time::Duration;

use sync_kit::logging::{LevelFilter, basic_config};
use sync_kit::{Lock, Thread};

fn main() -> anyhow::Result<()> {
    let scenario = std::env::args().nth(1).unwrap_or_default();
    sync_kit::main(|| {
        basic_config(
            LevelFilter::Debug,
            "%(asctime)s (%(threadName)s) %(message)s",
        )?;
        match scenario.as_str() {
            // 30 s of sleeping in all, across two threads.
            "sleep30" => {
                let t = Thread::new(|| sync_kit::time::sleep(Duration::from_secs(20)));
                t.start()?;
                sync_kit::time::sleep(Duration::from_secs(10));
                t.join()?;
                sync_kit::time::sleep(Duration::from_secs(10));
                log::debug!("done");
            }
            // The learner's case: a plain Lock acquired twice by its holder.
            "reacquire" => {
                let lock = Lock::new();
                lock.acquire();
                let first = if lock.try_acquire() { "True" } else { "False" };
                log::debug!("first try: {first}");
                lock.acquire();
            }
            // Two threads take two locks in opposite order.
            "inversion" | "inversion_nosleep" => {
                let pause = if scenario == "inversion" { 100 } else { 0 };
                let a = Arc::new(Lock::new());
                let b = Arc::new(Lock::new());
                let (a2, b2) = (Arc::clone(&a), Arc::clone(&b));
                let t = Thread::builder().name("other").target(move || {
                    let _b = b2.lock();
                    sync_kit::time::sleep(Duration::from_millis(pause));
                    let _a = a2.lock();
                });
                t.start()?;
                let _a = a.lock();
                sync_kit::time::sleep(Duration::from_millis(pause));
                let _b = b.lock();
                drop(_b);
                t.join()?;
            }
            // A thread that blocks outside sync-kit's control.
            "stall" => {
                let t = Thread::builder().name("blocker").target(|| {
                    std::thread::sleep(Duration::from_secs(30));
                });
                t.start()?;
                t.join()?;
            }
            // A thread waits for an Event that a std thread (unknown to
            // sync-kit) sets later: no deadlock may be reported.
            "foreign_setter" => {
                let event = Arc::new(sync_kit::Event::new());
                let setter = Arc::clone(&event);
                let helper = std::thread::spawn(move || {
                    std::thread::sleep(Duration::from_millis(1500));
                    setter.set();
                });
                event.wait();
                log::debug!("set by a foreign thread");
                let _ = helper.join();
            }
            // The std thread that could have set the Event exits without
            // setting it: the wait can then never end and must be reported.
            "foreign_quitter" => {
                let event = Arc::new(sync_kit::Event::new());
                let keeper = Arc::clone(&event);
                std::thread::spawn(move || {
                    std::thread::sleep(Duration::from_millis(300));
                    drop(keeper);
                });
                event.wait();
            }
            // The thread dump, while a worker waits for a lock main holds.
            "dump" => {
                let lock = Arc::new(Lock::new());
                let held = lock.lock();
                let other = Arc::clone(&lock);
                let t = Thread::builder()
                    .name("worker")
                    .target(move || drop(other.lock()));
                t.start()?;
                while !sync_kit::thread::dump().contains("\"worker\" waits for Lock") {
                    sync_kit::time::sleep(Duration::from_millis(5));
                }
                print!("{}", sync_kit::thread::dump());
                drop(held);
                t.join()?;
            }
            // A little of everything the trace records, for the trace tests.
            "traced" => {
                let lock = Arc::new(Lock::new());
                let ready = Arc::new(sync_kit::Event::new());
                let sem = Arc::new(sync_kit::Semaphore::new(1));
                let cond = Arc::new(sync_kit::Condition::new());
                let workers: Vec<Thread> = (0..2)
                    .map(|i| {
                        let (lock, ready, sem, cond) = (
                            Arc::clone(&lock),
                            Arc::clone(&ready),
                            Arc::clone(&sem),
                            Arc::clone(&cond),
                        );
                        Thread::builder()
                            .name(format!("worker-{i}"))
                            .target(move || {
                                ready.wait();
                                let _unit = sem.lock();
                                let _held = lock.lock();
                                log::debug!("working");
                                sync_kit::time::sleep(Duration::from_millis(20));
                                let _c = cond.lock();
                                let _ = cond.notify_all();
                            })
                    })
                    .collect();
                for w in &workers {
                    w.start()?;
                }
                sync_kit::time::sleep(Duration::from_millis(10));
                ready.set();
                for w in &workers {
                    w.join()?;
                }
            }
            other => anyhow::bail!("unknown scenario {other:?}"),
        }
        Ok(())
    })
}
