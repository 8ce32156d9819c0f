//! Python's `threading` semantics for Rust.
//!
//! PLACEHOLDER crate docs (rewritten once the modules land).

#![deny(missing_docs)]

pub mod barrier;
pub mod condition;
// The thread-related constructors in `error` are used by the thread module, which
// lands from another branch; drop this allow once it has.
#[allow(dead_code)]
pub mod error;
pub mod event;
pub mod lock;
pub mod rlock;
pub mod semaphore;
mod sync;
pub mod time;

pub use barrier::Barrier;
pub use condition::{Condition, ConditionGuard, ConditionLock, Truthy};
pub use error::{Error, ErrorKind, Result};
pub use event::Event;
pub use lock::{Lock, LockGuard};
pub use rlock::{RLock, RLockGuard, RLockState};
pub use semaphore::{BoundedSemaphore, Semaphore, SemaphoreGuard};
