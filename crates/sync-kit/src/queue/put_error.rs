//! [`PutError`]: a failed `put`, which gives the item back.

use std::fmt;

use crate::error::{Error, ErrorKind};

/// A failed `put`: why, and the item, given back.
pub struct PutError<T> {
    pub(super) error: Error,
    pub(super) item: T,
}

impl<T> PutError<T> {
    /// Why the item was not put: [`ErrorKind::Full`] or [`ErrorKind::ShutDown`].
    pub fn error(&self) -> &Error {
        &self.error
    }

    /// Shorthand for `error().kind()`.
    pub fn kind(&self) -> ErrorKind {
        self.error.kind()
    }

    /// The item that was not put.
    pub fn into_inner(self) -> T {
        self.item
    }
}

impl<T> fmt::Debug for PutError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.error, f)
    }
}

impl<T> fmt::Display for PutError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.error, f)
    }
}

impl<T> std::error::Error for PutError<T> {}

/// Drops the item, keeping the error: lets `?` turn a failed `put` into an
/// [`Error`].
impl<T> From<PutError<T>> for Error {
    fn from(err: PutError<T>) -> Error {
        err.error
    }
}
