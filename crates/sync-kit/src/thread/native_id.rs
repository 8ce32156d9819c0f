//! The operating system's id of the calling thread (Python's `native_id`).
//!
//! On Linux this is the TID, read from `/proc/thread-self` (a symlink to
//! `<pid>/task/<tid>`), which needs no `unsafe`; elsewhere there is none.

/// The calling thread's OS id, if the platform exposes one.
pub(super) fn current() -> Option<u64> {
    #[cfg(target_os = "linux")]
    {
        let link = std::fs::read_link("/proc/thread-self").ok()?;
        link.file_name()?.to_str()?.parse().ok()
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
}
