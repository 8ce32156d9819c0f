//! A small program for sync-kit's process-level tests: each scenario exercises
//! what only a whole process can show (exit waiting for threads, panic reports,
//! logging to stderr, the time scale).
//!
//! ```text
//! cargo run -p sync-kit --example probe -- exit_waits
//! ```

use std::time::{Duration, Instant};

use sync_kit::Thread;
use sync_kit::logging::{LevelFilter, basic_config};
use sync_kit::time::sleep;

fn exit_waits() -> sync_kit::Result<()> {
    let worker = Thread::builder().name("non-daemon").target(|| {
        sleep(Duration::from_millis(300));
        println!("non-daemon finished");
    });
    let daemon = Thread::builder().name("daemon").daemon(true).target(|| {
        sleep(Duration::from_secs(30));
        println!("daemon finished");
    });
    daemon.start()?;
    worker.start()?;
    println!("main done");
    Ok(())
}

fn thread_from_thread() -> sync_kit::Result<()> {
    let first = Thread::new(|| {
        sleep(Duration::from_millis(200));
        let second = Thread::new(|| {
            sleep(Duration::from_millis(200));
            println!("OK");
        });
        second.start().expect("start from a thread");
    });
    first.start()?;
    println!("main done");
    Ok(())
}

fn join_main() -> sync_kit::Result<()> {
    let main = sync_kit::main_thread();
    let joiner = Thread::new(move || {
        main.join().expect("any thread may join the main thread");
        println!("end of thread");
    });
    joiner.start()?;
    sleep(Duration::from_millis(100));
    println!("end of main");
    Ok(())
}

fn panics() -> sync_kit::Result<()> {
    let failing = Thread::builder()
        .name("excepthook thread")
        .target(|| panic!("run failed"));
    failing.start()?;
    failing.join()?;
    println!("joined: alive={}", failing.is_alive());
    // Not joined: shutdown must not hang on it either.
    Thread::new(|| panic!("second failure")).start()?;
    Ok(())
}

fn log_lines() -> sync_kit::Result<()> {
    basic_config(
        LevelFilter::Debug,
        "[%(levelname)s] (%(threadName)-10s) %(message)s",
    )?;
    let threads: Vec<_> = (0..4)
        .map(|i| {
            Thread::builder().name(format!("w{i}")).target(move || {
                for n in 0..200 {
                    log::debug!("debug {n} {}", "x".repeat(200));
                    log::info!("info {n}");
                }
            })
        })
        .collect();
    for t in &threads {
        t.start()?;
    }
    log::warn!("main waits");
    Ok(())
}

fn timer_at_exit() -> sync_kit::Result<()> {
    let t = sync_kit::Timer::new(Duration::from_millis(300), || println!("timer fired"));
    t.start()?;
    println!("main done");
    Ok(())
}

fn timed_sleep() -> sync_kit::Result<()> {
    let start = Instant::now();
    sleep(Duration::from_secs(2));
    println!("slept_ms {}", start.elapsed().as_millis());
    Ok(())
}

fn main() -> sync_kit::Result<()> {
    let scenario = std::env::args().nth(1).unwrap_or_default();
    sync_kit::main(|| match scenario.as_str() {
        "exit_waits" => exit_waits(),
        "thread_from_thread" => thread_from_thread(),
        "join_main" => join_main(),
        "panics" => panics(),
        "log_lines" => log_lines(),
        "timed_sleep" => timed_sleep(),
        "timer_at_exit" => timer_at_exit(),
        other => {
            eprintln!("unknown scenario {other:?}");
            std::process::exit(64);
        }
    })
}
