//! Python's `threading` semantics for Rust.
//!
//! PLACEHOLDER crate docs (rewritten once the modules land).

#![deny(missing_docs)]

pub mod error;
pub mod local;
pub mod logging;
mod sync;
pub mod thread;
pub mod time;

pub use error::{Error, ErrorKind, Result};
pub use local::Local;
pub use thread::{Thread, current_thread, enumerate, main, main_thread};
