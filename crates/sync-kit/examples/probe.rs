//! A small program for sync-kit's process-level tests: each scenario exercises
//! what only a whole process can show (exit waiting for threads, panic reports,
//! logging to stderr, the time scale, thread-local values dropped as threads
//! and the process end).
//!
//! ```text
//! cargo run -p sync-kit --example probe -- exit_waits
//! ```

use std::time::{Duration, Instant};

use sync_kit::logging::{LevelFilter, basic_config};
use sync_kit::time::sleep;
use sync_kit::{Local, Thread};

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

/// A thread-local value whose destructor asks which thread it is on and logs,
/// as a Python `__del__` that logs would.
struct Reporter(&'static str);

impl Drop for Reporter {
    fn drop(&mut self) {
        println!("{}: dropping", self.0);
        let name = sync_kit::current_thread().name();
        println!("{}: dropped in {name}", self.0);
        log::info!("{} logged from its destructor", self.0);
    }
}

static REPORTERS: std::sync::LazyLock<Local<Reporter>> = std::sync::LazyLock::new(Local::new);

fn log_thread_names() -> sync_kit::Result<()> {
    basic_config(LevelFilter::Info, "(%(threadName)s) %(message)s")
}

/// Without `sync_kit::main`: the main thread's value is dropped by thread-local
/// teardown at process exit, after the thread touched sync-kit for the first
/// time only once the value was stored.
fn local_drop_at_exit() -> sync_kit::Result<()> {
    log_thread_names()?;
    REPORTERS.set(Reporter("main value"));
    let _ = sync_kit::current_thread();
    log::info!("main returns");
    Ok(())
}

fn local_drop_in_threads() -> sync_kit::Result<()> {
    log_thread_names()?;
    let worker = Thread::builder().name("worker").target(|| {
        REPORTERS.set(Reporter("worker value"));
        log::info!("worker ends");
    });
    worker.start()?;
    worker.join()?;
    // A thread sync-kit did not start, known to sync-kit before its value.
    std::thread::spawn(|| {
        log::info!("std thread starts");
        REPORTERS.set(Reporter("std value"));
    })
    .join()
    .expect("std thread");
    // The same thread order reversed: the value first, sync-kit afterwards.
    std::thread::spawn(|| {
        REPORTERS.set(Reporter("late value"));
        log::info!("late thread starts");
    })
    .join()
    .expect("late std thread");
    // Value first, then an explicit `current_thread()`: the destructor cannot
    // learn its thread at teardown (a documented limit) but must not abort.
    std::thread::spawn(|| {
        REPORTERS.set(Reporter("explicit value"));
        let _ = sync_kit::current_thread();
    })
    .join()
    .expect("explicit std thread");
    println!("main done");
    Ok(())
}

/// Messages with control characters, escape sequences and invisible
/// characters, as CPython writes them with `%(message)s` and `%(message)r`.
fn log_raw() -> sync_kit::Result<()> {
    basic_config(LevelFilter::Debug, "%(levelno).3d|%(message)s|%(message)r")?;
    log::debug!("bell\x07 \x1b[31mred\x1b[0m zw\u{200b} cr\r tab\t");
    log::warn!("it's");
    Ok(())
}

fn main() -> sync_kit::Result<()> {
    let scenario = std::env::args().nth(1).unwrap_or_default();
    if scenario == "local_drop_at_exit" {
        return local_drop_at_exit();
    }
    sync_kit::main(|| match scenario.as_str() {
        "exit_waits" => exit_waits(),
        "thread_from_thread" => thread_from_thread(),
        "join_main" => join_main(),
        "panics" => panics(),
        "log_lines" => log_lines(),
        "timed_sleep" => timed_sleep(),
        "timer_at_exit" => timer_at_exit(),
        "local_drop_in_threads" => local_drop_in_threads(),
        "log_raw" => log_raw(),
        other => {
            eprintln!("unknown scenario {other:?}");
            std::process::exit(64);
        }
    })
}
