//! The deterministic simulator: run a program under a controlled schedule,
//! on virtual time, and replay any run from its seed or schedule string.
//!
//! # Running a program under the simulator
//!
//! Set `SYNC_KIT_SIM` before starting any program whose `main` uses
//! [`crate::main`]; no rebuild, no feature flag:
//!
//! ```text
//! SYNC_KIT_SIM=random:42 cargo run -p threading_lock      # uniform random schedule, seed 42
//! SYNC_KIT_SIM=pct:2:7 cargo run -p threading_lock        # PCT, depth 2, seed 7
//! SYNC_KIT_SIM=replay:2a-ab3ca12 cargo run -p threading_lock
//! ```
//!
//! A malformed value stops the program with an error before `main`'s body runs.
//! `SYNC_KIT_SIM_REPORT=FILE` makes the run write its schedule string, step
//! count and outcome to `FILE` when it ends ([`REPORT_VAR`]).
//!
//! # What the simulator does
//!
//! Every sync-kit thread is a real OS thread, but exactly one runs at a time: it
//! holds a baton. Before every sync-kit operation there is a *scheduling point*
//! where the strategy picks which runnable thread goes next: acquire, try-acquire
//! and release of every lock and semaphore, Condition wait and notify, Event
//! set, clear and wait, Barrier wait, `start`, `join`, [`crate::time::sleep`]
//! (also a zero sleep, Python's `time.sleep(0)`), every record written through
//! [`crate::logging`], and a thread's exit. Code between two points runs alone.
//!
//! **Virtual time**: [`crate::time`] reads a virtual clock that starts at 0 and
//! moves only when no thread can run: it jumps to the earliest deadline (the end
//! of a sleep or of a timeout). Threads whose deadlines fall on the same instant
//! (a 1 s timed wait and a setter that sleeps 1 s) all become runnable at once,
//! so which runs first is a scheduling choice and both outcomes are explored.
//! Under `random`, time may also move on to a deadline at most 10 ms ahead
//! while threads are still runnable (one point in 16 where that is possible,
//! recorded as `~` in the schedule): a thread the OS did not run for a moment,
//! so a timeout that races work already runnable is explored too. Longer
//! stalls are not modelled.
//! A program that sleeps for a minute finishes in milliseconds; `%(asctime)s`
//! shows virtual time from a fixed epoch. CPU work takes no virtual time.
//!
//! **Deadlock**: when no thread can run and no deadline is pending, the run
//! stops with a report on stderr naming every blocked thread and what it waits
//! for, and the program exits with status [`DEADLOCK_EXIT_CODE`].
//!
//! **Watchdog**: a thread that blocks outside sync-kit (a `std` mutex, I/O,
//! `std::thread::sleep`) cannot be controlled; when the running thread reaches
//! no scheduling point for a few seconds of real time ([`WATCHDOG_VAR`], default
//! 5 s, `0` turns it off) the run says which thread left sync-kit's control and
//! exits with [`STALL_EXIT_CODE`] instead of hanging.
//!
//! # Guarantees
//!
//! - The same `SYNC_KIT_SIM` value gives the same schedule and byte-identical
//!   output, provided the program shares state only through sync-kit and draws
//!   random values from [`crate::random`] (seeded from the simulation seed).
//!   Thread names, idents and timestamps are deterministic; object addresses are
//!   not.
//! - `random:SEED` picks uniformly among runnable threads at every point.
//!   `pct:DEPTH:SEED[:STEPS]` is PCT (Burckhardt et al., 2010): random thread
//!   priorities, the highest-priority runnable thread runs, and `DEPTH - 1`
//!   change points drawn over the first `STEPS` real choices (default
//!   [`DEFAULT_PCT_STEPS`]) demote the running thread; a bug of depth d among n
//!   threads and k real choices is found by one run with probability at least
//!   1/(n·k^(d−1)). Only steps with two or more runnable threads count.
//! - `replay:SCHEDULE` follows a schedule string printed by an earlier run; if
//!   the program does not follow it (it is not deterministic), the first
//!   divergence is reported on stderr.
//!
//! # Limits
//!
//! - Blocking outside sync-kit is not controlled (see the watchdog); threads not
//!   started through sync-kit run outside the simulation, unscheduled.
//! - Data races on memory that sync-kit does not see are not interleaved: code
//!   between two scheduling points is atomic.
//! - Daemon threads still blocked when a test run of [`run`] ends stay parked
//!   for the life of the process.
//!
//! # Tests
//!
//! [`run`] runs a closure under the simulator in the calling thread:
//!
//! ```
//! use sync_kit::sim::{self, Config};
//! use sync_kit::{Lock, Thread};
//! use std::sync::Arc;
//!
//! let run = sim::run(Config::random(1), || {
//!     let lock = Arc::new(Lock::new());
//!     let other = Arc::clone(&lock);
//!     let t = Thread::new(move || drop(other.lock()));
//!     t.start().unwrap();
//!     drop(lock.lock());
//!     t.join().unwrap();
//!     sync_kit::time::sleep(std::time::Duration::from_secs(30));
//! });
//! assert!(run.result.is_ok());
//! assert_eq!(run.virtual_time, std::time::Duration::from_secs(30));
//! ```

mod process;
mod report;
mod schedule;
mod strategy;
mod world;

use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use rand::rngs::StdRng;

pub use process::{DEADLOCK_EXIT_CODE, REPORT_VAR, STALL_EXIT_CODE, WATCHDOG_VAR};
pub(crate) use process::{end_process, init_from_env};
pub use schedule::{Config, DEFAULT_PCT_STEPS, SIM_VAR, Strategy, decode, encode};

use crate::park::Parker;
use crate::thread::Thread;
use crate::time::Deadline;
pub(crate) use world::World;

/// True once any simulated run exists in the process: the fast paths test
/// only this.
static ENABLED: AtomicBool = AtomicBool::new(false);

std::thread_local! {
    static SEAT: RefCell<Option<Seat>> = const { RefCell::new(None) };
}

/// A thread's place in a simulated run.
#[derive(Clone)]
pub(crate) struct Seat {
    world: Arc<World>,
    tid: usize,
}

impl Seat {
    /// Blocks the running thread until `parker` is granted or `deadline`
    /// passes in virtual time; returns whether it was granted.
    pub(crate) fn block(&self, parker: &crate::sync::Arc<Parker>, deadline: Deadline) -> bool {
        let at = deadline.instant().map(|at| {
            u64::try_from(at.saturating_duration_since(self.world.epoch).as_nanos())
                .unwrap_or(u64::MAX)
        });
        self.world.block(self.tid, parker, at)
    }

    /// Makes this seat's thread runnable.
    pub(crate) fn wake(&self) {
        self.world.wake(self.tid);
    }

    /// Takes the seat on a new OS thread: waits for the baton.
    pub(crate) fn enter(self) {
        let world = Arc::clone(&self.world);
        let tid = self.tid;
        SEAT.with(|slot| *slot.borrow_mut() = Some(self));
        world.enter(tid);
    }

    pub(crate) fn is_of(&self, world: &Arc<World>) -> bool {
        Arc::ptr_eq(&self.world, world)
    }
}

/// The calling thread's seat, if it runs under the simulator.
#[inline]
pub(crate) fn seat() -> Option<Seat> {
    if !ENABLED.load(Ordering::Relaxed) {
        return None;
    }
    SEAT.try_with(|slot| slot.borrow().clone()).ok().flatten()
}

/// Whether the calling thread runs under the simulator (so must not spin).
#[inline]
pub(crate) fn active() -> bool {
    ENABLED.load(Ordering::Relaxed) && seat().is_some()
}

/// A scheduling point: one predictable branch when no simulation exists.
#[inline(always)]
pub(crate) fn point() {
    if ENABLED.load(Ordering::Relaxed) {
        point_slow();
    }
}

#[cold]
fn point_slow() {
    if let Some(seat) = seat() {
        seat.world.point(seat.tid);
    }
}

/// Virtual now, for a thread under the simulator.
pub(crate) fn now() -> Option<Instant> {
    seat().map(|seat| seat.world.now())
}

/// Virtual time elapsed in the run, for a thread under the simulator.
pub(crate) fn virtual_elapsed() -> Option<Duration> {
    seat().map(|seat| Duration::from_nanos(seat.world.lock().clock))
}

/// Runs `f` on the run's random-value stream, for a thread under the simulator.
pub(crate) fn with_values<R>(f: impl FnOnce(&mut StdRng) -> R) -> Option<R> {
    seat().map(|seat| f(&mut seat.world.lock().values))
}

/// The next `Thread-N` number of the run, for a thread under the simulator.
pub(crate) fn next_name_number() -> Option<u64> {
    seat().map(|seat| {
        let mut st = seat.world.lock();
        let n = st.names;
        st.names += 1;
        n
    })
}

/// The daemon flag a new thread inherits when created by the root of a run:
/// the root stands for the main thread, which is not a daemon.
pub(crate) fn root_daemon_flag() -> Option<bool> {
    seat().filter(|seat| seat.tid == 0).map(|_| false)
}

/// Called by `start` on the parent: gives the new thread a seat in the
/// parent's run, if the parent has one.
pub(crate) fn seat_for_child(thread: &Thread) -> Option<Seat> {
    let parent = seat()?;
    let tid = parent.world.add_thread(&thread.name(), thread.daemon());
    parent.world.track(thread.clone());
    Some(Seat {
        world: parent.world,
        tid,
    })
}

/// Called last on a simulated thread, after its exit's scheduling point: the
/// baton moves on without this thread, which is no longer controlled.
pub(crate) fn leave_run() {
    if let Some(seat) = seat() {
        SEAT.with(|slot| *slot.borrow_mut() = None);
        seat.world.finish(seat.tid);
    }
}

/// How a test run of [`run`] went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// No thread could run and no timeout was pending; the report names the
    /// blocked threads.
    Deadlock(String),
    /// The body panicked; the message.
    Panic(String),
}

/// What a test run of [`run`] did.
#[derive(Debug)]
pub struct Run<T> {
    /// The body's value, or how the run failed.
    pub result: Result<T, Failure>,
    /// The schedule string that replays this run (`Config::replay`).
    pub schedule: String,
    /// Scheduling points passed.
    pub steps: u64,
    /// Scheduling points that had a real choice.
    pub choices: usize,
    /// Virtual time at the end.
    pub virtual_time: Duration,
    /// For a replay that did not follow its schedule: the first divergence.
    pub divergence: Option<String>,
}

/// Runs `body` under the simulator with `config`, on the calling thread, then
/// waits (in the simulation) for the non-daemon threads it started. The
/// calling thread stands for the main thread: threads it creates are not
/// daemons unless set so.
///
/// # Panics
///
/// If the calling thread already runs under the simulator.
pub fn run<T>(config: Config, body: impl FnOnce() -> T) -> Run<T> {
    assert!(
        seat().is_none(),
        "sim::run cannot nest inside a simulated run"
    );
    let world = Arc::new(World::new(config, &crate::current_thread().name(), false));
    crate::observe::enable(crate::observe::HOLDERS | crate::observe::LOCKDEP | crate::observe::SIM);
    ENABLED.store(true, Ordering::SeqCst);
    SEAT.with(|slot| {
        *slot.borrow_mut() = Some(Seat {
            world: Arc::clone(&world),
            tid: 0,
        })
    });
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let value = body();
        world.join_non_daemon();
        value
    }));
    SEAT.with(|slot| *slot.borrow_mut() = None);
    world.end();
    let result = outcome.map_err(|payload| {
        if payload.is::<world::Unwind>() {
            Failure::Deadlock(world.lock().dead.clone().unwrap_or_default())
        } else if let Some(text) = payload.downcast_ref::<&str>() {
            Failure::Panic((*text).to_owned())
        } else if let Some(text) = payload.downcast_ref::<String>() {
            Failure::Panic(text.clone())
        } else {
            Failure::Panic("a panic with a non-string payload".to_owned())
        }
    });
    let st = world.lock();
    Run {
        result,
        schedule: schedule::encode(world.config.seed, &st.choices),
        steps: st.steps,
        choices: st.choices.len(),
        virtual_time: Duration::from_nanos(st.clock),
        divergence: st_divergence(&world, st),
    }
}

fn st_divergence(world: &World, st: std::sync::MutexGuard<'_, world::State>) -> Option<String> {
    drop(st);
    world.divergence()
}
