//! Python's `threading` semantics for Rust.
//!
//! PLACEHOLDER crate docs (rewritten once the modules land).

#![deny(missing_docs)]

pub mod error;
mod sync;
pub mod time;

pub use error::{Error, ErrorKind, Result};
