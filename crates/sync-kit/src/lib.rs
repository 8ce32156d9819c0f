//! Python's `threading` semantics for Rust.
//!
//! PLACEHOLDER crate docs (rewritten once the modules land).

#![deny(missing_docs)]

// The thread-related constructors in `error` are used by the thread module, which
// lands from another branch; drop this allow once it has.
#[allow(dead_code)]
pub mod error;
pub mod lock;
pub mod rlock;
mod sync;
pub mod time;

pub use error::{Error, ErrorKind, Result};
pub use lock::{Lock, LockGuard};
pub use rlock::{RLock, RLockGuard, RLockState};
