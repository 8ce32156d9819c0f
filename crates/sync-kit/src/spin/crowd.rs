//! Whether the machine is oversubscribed: more runnable threads than cores.
//!
//! Spinning only pays while the thread that will wake the spinner is running.
//! When more threads are runnable than there are cores, the waker may well be
//! waiting for the very core the spinner burns, so every primitive parks at
//! once instead. On Linux the answer comes from the kernel's count of runnable
//! threads (the fourth field of `/proc/loadavg`), read at most once per
//! [`REFRESH`] by whichever waiter finds the cached answer stale; elsewhere, or
//! if the file cannot be read, the machine counts as crowded, so spinning stays
//! short.
//!
//! The count is machine-wide (a container sees its host's), and it is a sample:
//! a burst of load shorter than [`REFRESH`] may be missed or outlive its
//! moment. Either way only speed changes, never behaviour.

// Under loom nothing spins.
#![cfg_attr(loom, allow(dead_code))]

use std::io::Read;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// How long one sample of the runnable count is trusted.
const REFRESH: Duration = Duration::from_millis(10);

/// The last sample: bit 0 says crowded, the rest is its time in microseconds
/// from [`crate::time::real_micros`] (0: never sampled).
static SAMPLE: AtomicU64 = AtomicU64::new(0);

fn cores() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, usize::from))
}

/// Whether more threads are runnable than there are cores (as of a sample at
/// most [`REFRESH`] old).
pub(crate) fn crowded() -> bool {
    let now = crate::time::real_micros() << 1;
    let sample = SAMPLE.load(Ordering::Relaxed);
    let fresh = sample != 0 && now.saturating_sub(sample & !1) < (REFRESH.as_micros() as u64) << 1;
    if fresh {
        return sample & 1 != 0;
    }
    // One thread refreshes; the others keep the stale answer meanwhile.
    if SAMPLE
        .compare_exchange(
            sample,
            now | (sample & 1),
            Ordering::Relaxed,
            Ordering::Relaxed,
        )
        .is_err()
    {
        return sample & 1 != 0;
    }
    let crowded = runnable().is_none_or(|runnable| runnable > cores());
    SAMPLE.store(now | u64::from(crowded), Ordering::Relaxed);
    crowded
}

/// The kernel's count of runnable threads, the caller included.
fn runnable() -> Option<usize> {
    let mut buf = [0u8; 128];
    let mut file = std::fs::File::open("/proc/loadavg").ok()?;
    let len = file.read(&mut buf).ok()?;
    parse_runnable(&buf[..len])
}

/// The `R` of `/proc/loadavg`'s "0.00 0.01 0.05 R/T PID".
fn parse_runnable(text: &[u8]) -> Option<usize> {
    let field = std::str::from_utf8(text).ok()?.split_whitespace().nth(3)?;
    field.split_once('/')?.0.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn parses_the_runnable_count() {
        assert_eq!(parse_runnable(b"0.52 0.58 0.59 3/1043 12345\n"), Some(3));
        assert_eq!(parse_runnable(b"0.52 0.58 0.59 17/98 1\n"), Some(17));
        assert_eq!(parse_runnable(b"0.52 0.58\n"), None);
        assert_eq!(parse_runnable(b"0.52 0.58 0.59 x/98 1"), None);
        assert_eq!(parse_runnable(&[0xff, 0xfe]), None);
    }

    #[test]
    fn busy_threads_make_the_machine_crowded() {
        if runnable().is_none() {
            assert!(crowded(), "unknown load must count as crowded");
            return;
        }
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let busy: Vec<_> = (0..cores() * 4 + 4)
            .map(|_| {
                let stop = std::sync::Arc::clone(&stop);
                std::thread::spawn(move || {
                    while !stop.load(Ordering::Relaxed) {
                        std::hint::spin_loop();
                    }
                })
            })
            .collect();
        // Generous: the busy threads need a moment to be scheduled, and a
        // sample may be up to REFRESH old.
        let start = Instant::now();
        let mut seen = false;
        while !seen && start.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(REFRESH * 2);
            seen = crowded();
        }
        stop.store(true, Ordering::Relaxed);
        for thread in busy {
            thread.join().unwrap();
        }
        assert!(
            seen,
            "{} busy threads on {} cores never counted as crowded",
            cores() * 4 + 4,
            cores()
        );
    }
}
