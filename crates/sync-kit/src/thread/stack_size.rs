//! Python's `threading.stack_size([size])`: the stack size of threads started
//! from now on, for those whose [`Builder`](super::Builder) sets none.
//!
//! `0` means the platform's default (Rust's: 2 MiB, or `RUST_MIN_STACK`).
//! As in CPython, a size below 32 KiB is refused with a `ValueError`
//! ([`ErrorKind::InvalidArgument`](crate::ErrorKind::InvalidArgument)),
//! and the size is read when a thread starts, not when it is created.

use std::sync::atomic::{AtomicUsize, Ordering};

use crate::error::{Error, Result};

/// The smallest nonzero size [`set_stack_size`] accepts: 32 KiB, CPython's
/// lower bound.
pub const MIN_STACK_SIZE: usize = 32 * 1024;

static DEFAULT: AtomicUsize = AtomicUsize::new(0);

/// The stack size used for new threads, in bytes; `0` for the platform's
/// default (Python's `threading.stack_size()`).
///
/// ```
/// use sync_kit::thread::{set_stack_size, stack_size};
///
/// let previous = set_stack_size(512 * 1024)?;
/// assert_eq!(stack_size(), 512 * 1024);
/// assert!(set_stack_size(1024).is_err()); // below 32 KiB
/// set_stack_size(previous)?;
/// # Ok::<(), sync_kit::Error>(())
/// ```
pub fn stack_size() -> usize {
    DEFAULT.load(Ordering::Relaxed)
}

/// Sets the stack size of threads started from now on and returns the previous
/// one (Python's `threading.stack_size(size)`); `0` restores the platform's
/// default. A [`Builder::stack_size`](super::Builder::stack_size) overrides it
/// for one thread.
///
/// # Errors
/// [`ErrorKind::InvalidArgument`](crate::ErrorKind::InvalidArgument)
/// (`size not valid: N bytes`) for a size from 1 to 32767; the setting is left
/// unchanged.
pub fn set_stack_size(bytes: usize) -> Result<usize> {
    if bytes != 0 && bytes < MIN_STACK_SIZE {
        return Err(Error::invalid_argument(format!(
            "size not valid: {bytes} bytes"
        )));
    }
    Ok(DEFAULT.swap(bytes, Ordering::Relaxed))
}

/// The size for a thread starting now: its own, else the process default.
pub(super) fn for_start(own: Option<usize>) -> Option<usize> {
    own.or_else(|| Some(stack_size()).filter(|&bytes| bytes != 0))
}
