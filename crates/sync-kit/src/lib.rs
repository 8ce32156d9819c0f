//! Python's `threading` semantics for Rust.
//!
//! Rust's standard library has threads and locks, but not the behaviour a
//! Python programmer relies on: thread objects with names and daemon flags, a
//! `join` that can time out, a registry of live threads, a process exit that
//! waits for non-daemon threads, an `Event`, a reentrant lock you can release
//! explicitly, a `Condition` with `notify(n)`, thread-local objects whose
//! `__init__` runs in every thread, and log lines that name their thread.
//! sync-kit provides them, with CPython's semantics and CPython's error
//! messages.
//!
//! # Depending on it
//!
//! sync-kit is not published on crates.io; depend on it by path (inside this
//! workspace, `sync-kit.workspace = true`). The logging macros (`debug!`,
//! `info!`...) are the [`log`](https://docs.rs/log) crate's, which
//! [`logging`] only configures, so a program that logs depends on `log` too:
//!
//! ```toml
//! [dependencies]
//! sync-kit = { path = "../sync-kit" }
//! log = "0.4"
//! anyhow = "1"   # only for `fn main() -> anyhow::Result<()>`, as below
//! ```
//!
//! ```
//! use std::time::Duration;
//! use sync_kit::Thread;
//! use sync_kit::logging::{LevelFilter, basic_config};
//!
//! fn main() -> anyhow::Result<()> {
//!     // Like Python's interpreter exit: waits for non-daemon threads at the end.
//!     sync_kit::main(|| {
//!         basic_config(LevelFilter::Debug, "(%(threadName)-10s) %(message)s")?;
//!         let worker = Thread::builder().name("worker").target(|| {
//!             log::debug!("Starting");
//!             sync_kit::time::sleep(Duration::from_millis(10));
//!             log::debug!("Exiting");
//!         });
//!         worker.start()?;
//!         Ok(())
//!     })
//! }
//! ```
//!
//! | Python | sync-kit |
//! |---|---|
//! | `threading.Thread`, `current_thread`, `enumerate`, `active_count`, `main_thread` | [`thread`]; the functions also here: [`current_thread`], [`enumerate`], [`active_count`], [`main_thread`] |
//! | `get_ident`, `get_native_id`, `stack_size`, `TIMEOUT_MAX` | [`get_ident`], [`get_native_id`], [`stack_size`] / [`set_stack_size`], [`TIMEOUT_MAX`] |
//! | `threading.excepthook`, `ExceptHookArgs` | [`set_excepthook`], [`excepthook`], [`ExceptHookArgs`] |
//! | a thread's return value, its panic | [`Thread::with_result`] → [`JoinHandle`] |
//! | interpreter exit joining non-daemon threads | [`main`], [`thread::shutdown`] |
//! | `Lock`, `RLock` | [`Lock`], [`RLock`] |
//! | a lock and the data it protects | [`Lock::with_value`] (guard: `&mut T`), [`RLock::with_value`] (guard: `&T`, `Sync` for `T: Send`) |
//! | `Condition` | [`Condition`] |
//! | a `Condition` and the state it guards | [`DataCondition`] / [`Condition::with_value`]: wait and notify through the data's guard |
//! | `Semaphore`, `BoundedSemaphore` | [`Semaphore`], [`BoundedSemaphore`] |
//! | `Event` | [`Event`] |
//! | `Timer` | [`Timer`] |
//! | `Barrier`, `BrokenBarrierError` | [`Barrier`] (a `static` one: [`Barrier::const_new`]), [`ErrorKind::BrokenBarrier`] |
//! | `threading.local` | [`local`] |
//! | `logging.basicConfig(format=...)` | [`logging`] |
//! | `queue.Queue`, `LifoQueue`, `PriorityQueue`, `SimpleQueue` | [`queue`] |
//! | `concurrent.futures.ThreadPoolExecutor`, `Future`, `wait`, `as_completed` | [`futures`] |
//! | `time.sleep`, every timeout | [`time`] (scaled by `SYNC_KIT_TIME_SCALE`) |
//! | `random.random`, `random.randint` | [`random`] (seeded by the simulation seed) |
//! | a controlled, replayable run on virtual time | [`sim`] (`SYNC_KIT_SIM`) |
//! | `faulthandler.dump_traceback` | [`thread::dump`] |
//! | a timeline of the run (Perfetto, SVG) | [`trace`] (`SYNC_KIT_TRACE`) |
//! | `RuntimeError`, `ValueError`, `BrokenBarrierError` | [`Error`], [`ErrorKind`] |
//!
//! Python's `queue` module (`Queue`, `LifoQueue`, `PriorityQueue`,
//! `SimpleQueue`) lives in [`queue`], and `concurrent.futures`
//! (`ThreadPoolExecutor`) in [`futures`]; their main types are also here at
//! the root.
//!
//! Every `with x:` is `x.lock()`, for [`Lock`], [`RLock`], [`Condition`],
//! [`Semaphore`] and [`BoundedSemaphore`] alike: a guard that releases when
//! dropped, with `try_lock` and `lock_timeout` beside it. The primitives a
//! Python module keeps as globals have `const` constructors:
//!
//! ```
//! use std::cell::Cell;
//! use sync_kit::{Barrier, Condition, DataCondition, Event, Lock, RLock, Semaphore};
//!
//! static LOCK: Lock = Lock::new();
//! static RLOCK: RLock = RLock::new();
//! static COND: Condition = Condition::new();
//! static EVENT: Event = Event::new();
//! static POOL: Semaphore = Semaphore::new(2);
//! static MEET: Barrier = Barrier::const_new::<3>(); // 0 parties: a compile error
//! // ...and the data-owning forms, which need no `Arc` either:
//! static COUNTER: Lock<u64> = Lock::with_value(0);
//! static TOTAL: RLock<Cell<u64>> = RLock::with_value(Cell::new(0));
//! static ITEMS: DataCondition<Vec<u32>> = DataCondition::new(Vec::new());
//!
//! let _held = LOCK.lock();
//! let _unit = POOL.lock();
//! EVENT.set();
//! *COUNTER.lock() += 1;
//! let outer = TOTAL.lock();
//! TOTAL.lock().set(outer.get() + 1); // re-entrant, shared access
//! ITEMS.lock().push(1);
//! ```
//!
//! There is no lock poisoning anywhere: a panicking thread releases what its
//! guards hold, and the panic is reported like Python's uncaught exception.

#![deny(missing_docs)]

pub mod barrier;
pub mod condition;
pub mod error;
pub mod event;
pub mod futures;
pub mod local;
pub mod lock;
pub mod logging;
mod observe;
pub use observe::trace;
mod park;
pub mod queue;
pub mod random;
pub mod rlock;
pub mod semaphore;
pub mod sim;
mod spin;
mod sync;
pub mod thread;
pub mod time;
pub mod timer;

pub use barrier::Barrier;
pub use condition::{
    Condition, ConditionGuard, ConditionLock, DataCondition, DataConditionGuard, Truthy,
};
pub use error::{Error, ErrorKind, Result};
pub use event::Event;
pub use futures::{Future, ThreadPoolExecutor};
pub use local::Local;
pub use lock::{Lock, LockGuard};
pub use queue::{LifoQueue, PriorityQueue, Queue, SimpleQueue};
pub use rlock::{RLock, RLockGuard, RLockState};
pub use semaphore::{BoundedSemaphore, Semaphore, SemaphoreGuard};
pub use thread::{
    ExceptHookArgs, JoinHandle, TIMEOUT_MAX, Thread, active_count, current_thread, enumerate,
    excepthook, get_ident, get_native_id, main, main_thread, set_excepthook, set_stack_size,
    stack_size,
};
pub use timer::Timer;
