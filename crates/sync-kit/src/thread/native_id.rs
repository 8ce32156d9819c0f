//! The operating system's id of the calling thread (Python's `native_id`).
//!
//! On Linux this is the TID, from `gettid` through rustix's safe wrapper (the
//! crate forbids `unsafe`, and reading `/proc/thread-self` instead cost about
//! 3 µs per thread start); elsewhere there is none.
//!
//! It also tells which thread is the process's main thread. On Linux that is
//! exact: the main thread is the one whose TID equals the process id, whatever
//! its name and whichever thread asks first. Elsewhere std offers no such
//! test, and sync-kit falls back to the name the Rust runtime gives the thread
//! that runs `main`, `"main"`: there a std thread spawned with that name is
//! taken for the main thread if it touches sync-kit before the real one does.

/// The calling thread's OS id, if the platform exposes one.
pub(super) fn current() -> Option<u64> {
    #[cfg(target_os = "linux")]
    {
        let tid = rustix::thread::gettid().as_raw_nonzero().get();
        u64::try_from(tid).ok()
    }
    #[cfg(not(target_os = "linux"))]
    {
        None
    }
}

/// Python's `threading.get_native_id()`: the calling thread's operating-system
/// id (the Linux TID), or `None` on platforms without one. Equals
/// [`Thread::native_id`](super::Thread::native_id) of
/// [`current_thread`](super::current_thread).
///
/// ```
/// use sync_kit::thread::{current_thread, get_native_id};
/// assert_eq!(get_native_id(), current_thread().native_id());
/// ```
pub fn get_native_id() -> Option<u64> {
    crate::sim::point();
    current()
}

/// Whether the calling thread is the process's main thread (see the module
/// docs for how that is known).
pub(crate) fn is_process_main() -> bool {
    #[cfg(target_os = "linux")]
    {
        current() == main_native_id()
    }
    #[cfg(not(target_os = "linux"))]
    {
        std::thread::current().name() == Some("main")
    }
}

/// The main thread's OS id, known from any thread: on Linux the process id.
pub(super) fn main_native_id() -> Option<u64> {
    #[cfg(target_os = "linux")]
    {
        Some(u64::from(std::process::id()))
    }
    #[cfg(not(target_os = "linux"))]
    {
        None
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    #[test]
    fn threads_have_distinct_native_ids() {
        let here = super::current().expect("Linux exposes a TID");
        let there = std::thread::spawn(super::current).join().unwrap().unwrap();
        assert_ne!(here, there);
        assert_eq!(Some(here), super::current());
    }

    #[test]
    fn tid_names_a_task_of_this_process() {
        // The test harness runs tests on other threads, so compare through
        // /proc: the TID of this thread appears under the process's tasks.
        let tid = super::current().unwrap();
        assert!(std::path::Path::new(&format!("/proc/self/task/{tid}")).exists());
    }

    #[test]
    fn the_main_thread_is_known_from_any_thread() {
        // Test threads are not the process's main thread, whatever their name.
        assert!(!super::is_process_main());
        let named_main = std::thread::Builder::new().name("main".into());
        let seen = named_main.spawn(super::is_process_main).unwrap();
        assert!(
            !seen.join().unwrap(),
            "a thread named main is not the main thread"
        );
        let pid = super::main_native_id().unwrap();
        assert!(std::path::Path::new(&format!("/proc/self/task/{pid}")).exists());
    }
}
