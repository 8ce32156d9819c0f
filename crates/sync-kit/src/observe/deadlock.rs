//! The real-time deadlock detector and the thread dump.
//!
//! Go's rule, extended with names: when every live thread that sync-kit knows
//! is parked in a sync-kit wait without a timeout, no unpark has picked any of
//! them, and the process has no thread that sync-kit does not know (one could
//! still set the Event), nothing can ever wake them: the process prints a
//! report whose first line contains `deadlock` and exits with status
//! [`DEADLOCK_EXIT_CODE`](crate::sim::DEADLOCK_EXIT_CODE).
//!
//! It costs nothing on the fast paths: the check runs only when a thread that
//! parked without a timeout is about to sleep in the operating system (its
//! spin found no wake-up), and reads the process's thread count (from
//! `/proc/self/status`, so the detector works on Linux only) only when every
//! known thread is parked. A sleeping thread, a timed wait (a pending Timer)
//! or a thread blocked outside sync-kit keeps it quiet; a report is made only
//! after the same state holds again 200 ms later. `SYNC_KIT_DEADLOCK=report`
//! reports without exiting, `SYNC_KIT_DEADLOCK=off` turns it off.
//!
//! A thread unknown to sync-kit (a plain `std::thread`) makes a check
//! inconclusive: it might still wake the parked ones, or it might exit. Then
//! the file is read at most once per [`RECHECK`] (a program whose sync-kit
//! thread waits for `std` threads does not pay a file read per wait), and the
//! sleepers look again every [`RECHECK`], so a deadlock left behind when the
//! unknown thread exits is still reported, [`RECHECK`] or so late.

// Under loom the parker models no OS sleep, so the look before it is unused.
#![cfg_attr(loom, allow(dead_code))]

use std::fmt::Write;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use super::holders;
use crate::thread::Thread;

/// The environment variable that sets what the detector does.
pub const DEADLOCK_VAR: &str = "SYNC_KIT_DEADLOCK";

/// Threads parked now without a timeout, in real time.
static PARKED_FOREVER: AtomicUsize = AtomicUsize::new(0);

/// How often an inconclusive check is repeated, and how long a sleeper
/// sleeps before it looks again while the last check was inconclusive.
pub(crate) const RECHECK: Duration = Duration::from_millis(250);

/// When the last inconclusive check ran, from [`crate::time::real_micros`]
/// (0: none yet).
static UNCLEAR_AT: AtomicU64 = AtomicU64::new(0);

/// What one look at the process found.
enum Verdict {
    /// Some known thread runs or was granted: it will look again if it parks.
    Clear,
    /// Every known thread is parked, but threads unknown to sync-kit exist
    /// (or the thread count cannot be read).
    Unclear,
    /// Stuck for good: these threads.
    Stuck(crate::thread::ThreadList),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Exit,
    Report,
    Off,
}

fn mode() -> Mode {
    static MODE: OnceLock<Mode> = OnceLock::new();
    *MODE.get_or_init(
        || match std::env::var(DEADLOCK_VAR).as_deref().map(str::trim) {
            Ok("off" | "0") => Mode::Off,
            Ok("report") => Mode::Report,
            _ => Mode::Exit,
        },
    )
}

/// A real-time thread has queued itself with no deadline.
pub(crate) fn parking_forever() {
    PARKED_FOREVER.fetch_add(1, Ordering::SeqCst);
}

/// That thread is about to sleep in the operating system: runs the check if
/// every known thread is parked. Returns how long to sleep before calling
/// again (`None`: until woken).
pub(crate) fn before_sleep() -> Option<Duration> {
    if mode() == Mode::Off || PARKED_FOREVER.load(Ordering::SeqCst) < crate::thread::active_count()
    {
        return None;
    }
    let unclear_at = UNCLEAR_AT.load(Ordering::Relaxed);
    if unclear_at != 0
        && crate::time::real_micros().saturating_sub(unclear_at) < RECHECK.as_micros() as u64
    {
        return Some(RECHECK);
    }
    if check() {
        UNCLEAR_AT.store(crate::time::real_micros(), Ordering::Relaxed);
        Some(RECHECK)
    } else {
        None
    }
}

/// The thread is back from that park.
pub(crate) fn unparked() {
    PARKED_FOREVER.fetch_sub(1, Ordering::SeqCst);
}

/// Whether every known thread is parked for good and not granted, and no
/// unknown thread exists.
fn look() -> Verdict {
    let threads = crate::thread::enumerate();
    let all_parked = threads
        .iter()
        .all(|t| matches!(t.waiting(), Some((on, false)) if on.forever));
    if !all_parked {
        return Verdict::Clear;
    }
    match os_threads() {
        Some(n) if n == threads.len() => Verdict::Stuck(threads),
        _ => Verdict::Unclear,
    }
}

/// The number of threads in this process.
fn os_threads() -> Option<usize> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("Threads:"))
        .and_then(|n| n.trim().parse().ok())
}

/// Reports (and exits, unless told only to report) if the process is stuck;
/// returns whether the look was inconclusive.
#[cold]
fn check() -> bool {
    match look() {
        Verdict::Clear => return false,
        Verdict::Unclear => return true,
        Verdict::Stuck(_) => {}
    }
    // The caller is about to sleep anyway; look again a moment later so a
    // thread between "granted" and "back" is not mistaken for a stuck one.
    std::thread::sleep(Duration::from_millis(200));
    let threads = match look() {
        Verdict::Clear => return false,
        Verdict::Unclear => return true,
        Verdict::Stuck(threads) => threads,
    };
    let mut report = String::from(
        "sync-kit: deadlock: every thread is blocked in a sync-kit wait without a timeout, and no other thread can wake them\n",
    );
    report.push_str(&listing(&threads));
    eprint!("{report}");
    if mode() == Mode::Exit {
        super::finish();
        let _ = std::io::Write::flush(&mut std::io::stdout());
        std::process::exit(crate::sim::DEADLOCK_EXIT_CODE);
    }
    false
}

fn at(location: &std::panic::Location<'_>) -> String {
    format!("{}:{}", location.file(), location.line())
}

/// One line per thread: name, daemon, state, what it waits for and who holds
/// that, and what it holds (known when the holder table is on).
pub(crate) fn listing(threads: &[Thread]) -> String {
    let tracked = super::on(super::HOLDERS);
    let mut out = String::new();
    for thread in threads {
        let name = thread.name();
        let daemon = if thread.daemon() { " (daemon)" } else { "" };
        let _ = write!(out, "  {name:?}{daemon}");
        match thread.waiting() {
            Some((on, _)) => {
                let created = on
                    .created
                    .map(|c| format!(" (created at {})", at(c)))
                    .unwrap_or_default();
                let _ = write!(out, " waits for {}{created} at {}", on.kind, at(on.site));
                out.push_str(&holders::describe(&holders::of(on.object), &name, None));
            }
            None => out.push_str(" is running"),
        }
        if tracked {
            if let Some(ident) = thread.ident() {
                let held: Vec<String> = holders::held_by(ident)
                    .into_iter()
                    .map(|(_, h)| format!("{} (at {})", h.kind, at(h.site)))
                    .collect();
                if !held.is_empty() {
                    let _ = write!(out, "; holds {}", held.join(", "));
                }
            }
        }
        out.push('\n');
    }
    if !tracked {
        out.push_str(
            "  (who holds each lock is recorded under SYNC_KIT_SIM or with SYNC_KIT_LOCKDEP=1)\n",
        );
    }
    out
}
