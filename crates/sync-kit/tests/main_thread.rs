//! The main thread is the process's main thread, whatever thread asks first
//! and whatever other threads are named. Runs without the test harness, so
//! `main` here is the real main thread, and nothing touches sync-kit before it.

use sync_kit::thread::{Thread, current_thread, get_ident, get_native_id, main_thread};

fn main() {
    // A std thread named like the main thread is a dummy thread.
    let impostor = std::thread::Builder::new()
        .name("main".into())
        .spawn(|| (current_thread(), get_ident()))
        .expect("spawn a thread named main");
    let (impostor, impostor_ident) = impostor.join().expect("the impostor runs");
    assert!(
        impostor.name().starts_with("Dummy-"),
        "a thread named main became {impostor:?}"
    );

    // main_thread() asked first from another thread: it describes this
    // thread, not the asker.
    let (main, asker_native) = std::thread::spawn(|| (main_thread(), get_native_id()))
        .join()
        .expect("the asker runs");
    assert_eq!(main.name(), "MainThread");
    let ident = main.ident().expect("known before the main thread asks");
    assert_ne!(ident, impostor_ident);
    if cfg!(target_os = "linux") {
        assert_eq!(main.native_id(), Some(u64::from(std::process::id())));
        assert_ne!(main.native_id(), asker_native);
    }

    // Here, on the main thread itself, everything agrees.
    assert_eq!(get_ident(), ident);
    assert_eq!(current_thread(), main);
    assert_eq!(get_native_id(), main.native_id());
    assert!(sync_kit::enumerate().first() == Some(&main));
    assert!(
        !sync_kit::enumerate().contains(&impostor),
        "the impostor ended"
    );

    // Threads started from here see the same main thread.
    let seen = Thread::with_result(main_thread);
    seen.start().expect("start");
    assert_eq!(seen.join().expect("join"), main);

    // The main thread's waits are its own in the thread dump, though its
    // object was made on another thread.
    let event = std::sync::Arc::new(sync_kit::Event::new());
    let setter = std::sync::Arc::clone(&event);
    let watcher = Thread::with_result(move || {
        let started = std::time::Instant::now();
        loop {
            let dump = sync_kit::thread::dump();
            let line = dump
                .lines()
                .find(|l| l.contains("\"MainThread\""))
                .map(str::to_owned);
            if line
                .as_deref()
                .is_some_and(|l| l.contains("waits for Event"))
                || started.elapsed() > std::time::Duration::from_secs(30)
            {
                setter.set();
                return line;
            }
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
    });
    watcher.start().expect("start");
    event.wait();
    let line = watcher.join().expect("join").unwrap_or_default();
    assert!(line.contains("waits for Event"), "{line}");
    println!("main_thread: all checks passed");
}
