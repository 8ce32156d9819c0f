//! The one error type of sync-kit.
//!
//! Python raises `RuntimeError`, `ValueError` or `BrokenBarrierError` when a thread
//! or a lock is misused; sync-kit returns an [`Error`] whose [`ErrorKind`] says which
//! misuse it was. The `Display` text is CPython's message for the same case, so a
//! port prints what the Python program would have printed.

use std::fmt;

/// What went wrong. Each variant names the Python exception it stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// `start()` on a thread that was already started (`RuntimeError`).
    AlreadyStarted,
    /// `join()` on a thread that was never started (`RuntimeError`).
    NotStarted,
    /// A thread tried to join itself (`RuntimeError`).
    JoinCurrentThread,
    /// `join()` on a thread that sync-kit did not start (`RuntimeError`).
    JoinDummyThread,
    /// Changing the daemon flag of a started thread (`RuntimeError`).
    DaemonAfterStart,
    /// The operating system refused to start a thread.
    Spawn,
    /// `release()` of a `Lock` that is not locked (`RuntimeError`).
    ReleaseUnlocked,
    /// An owned lock (`RLock`, or the lock of a `Condition`) used by a thread that
    /// does not hold it (`RuntimeError`).
    NotOwner,
    /// An argument out of range, such as `Semaphore::new(-1)` (`ValueError`).
    InvalidArgument,
    /// A `BoundedSemaphore` released past its initial value (`ValueError`).
    TooManyReleases,
    /// A `Barrier` was broken, aborted or reset while waiting (`BrokenBarrierError`).
    BrokenBarrier,
    /// A Python logging format string that cannot be used (`ValueError`/`KeyError`).
    LogFormat,
    /// The logger was already configured, by sync-kit or someone else.
    LoggerInstalled,
    /// An environment variable sync-kit reads holds a value it cannot use.
    Environment,
    /// A non-blocking or timed `get` found the queue empty (`queue.Empty`).
    Empty,
    /// A non-blocking or timed `put` found the queue full (`queue.Full`).
    Full,
    /// A queue was shut down (`queue.ShutDown`, Python 3.13).
    ShutDown,
    /// A future was cancelled (`concurrent.futures.CancelledError`).
    Cancelled,
    /// A future's result, `as_completed` or `map` ran out of time (`TimeoutError`).
    Timeout,
    /// The task behind a future panicked (the exception a Python task raised),
    /// or the target of a [`JoinHandle`](crate::thread::JoinHandle)'s thread;
    /// the message is the panic's.
    Panicked,
    /// `submit` on an executor that was shut down (`RuntimeError`).
    ExecutorShutdown,
}

/// A sync-kit error: a [`kind`](Error::kind) and a message.
#[derive(Clone, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    message: String,
}

impl Error {
    /// Builds an error of `kind` with its message.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
        }
    }

    /// Which misuse this error reports.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The message, CPython's text where CPython has one.
    pub fn message(&self) -> &str {
        &self.message
    }

    pub(crate) fn already_started() -> Self {
        Self::new(
            ErrorKind::AlreadyStarted,
            "threads can only be started once",
        )
    }

    pub(crate) fn not_started() -> Self {
        Self::new(
            ErrorKind::NotStarted,
            "cannot join thread before it is started",
        )
    }

    pub(crate) fn join_current() -> Self {
        Self::new(ErrorKind::JoinCurrentThread, "cannot join current thread")
    }

    pub(crate) fn join_dummy() -> Self {
        Self::new(ErrorKind::JoinDummyThread, "cannot join a dummy thread")
    }

    pub(crate) fn daemon_after_start() -> Self {
        Self::new(
            ErrorKind::DaemonAfterStart,
            "cannot set daemon status of active thread",
        )
    }

    /// `release unlocked lock`, CPython's text for `Lock().release()`.
    pub fn release_unlocked() -> Self {
        Self::new(ErrorKind::ReleaseUnlocked, "release unlocked lock")
    }

    /// `cannot release un-acquired lock`, CPython's text for an `RLock` released by
    /// a thread that does not own it.
    pub fn not_owner(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotOwner, message)
    }

    /// A `ValueError` with CPython's message.
    pub fn invalid_argument(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidArgument, message)
    }

    /// `Semaphore released too many times`.
    pub fn too_many_releases() -> Self {
        Self::new(
            ErrorKind::TooManyReleases,
            "Semaphore released too many times",
        )
    }

    /// An error of `kind` with an empty message, as CPython's `queue.Empty`,
    /// `queue.Full`, `queue.ShutDown`, `CancelledError` and a future's
    /// `TimeoutError` have.
    pub fn bare(kind: ErrorKind) -> Self {
        Self::new(kind, "")
    }

    /// A broken barrier; CPython's `BrokenBarrierError` has an empty message.
    pub fn broken_barrier() -> Self {
        Self::new(ErrorKind::BrokenBarrier, "")
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.message.is_empty() {
            write!(f, "{:?}", self.kind)
        } else {
            f.write_str(&self.message)
        }
    }
}

/// `Kind: message`, which is what `fn main() -> Result<...>` prints on failure.
impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}: {}", self.kind, self.message)
    }
}

impl std::error::Error for Error {}

/// The result type of every fallible sync-kit call.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_cpythons_message() {
        assert_eq!(
            Error::already_started().to_string(),
            "threads can only be started once"
        );
        assert_eq!(
            Error::release_unlocked().to_string(),
            "release unlocked lock"
        );
    }

    #[test]
    fn empty_message_falls_back_to_kind() {
        let err = Error::broken_barrier();
        assert_eq!(err.kind(), ErrorKind::BrokenBarrier);
        assert_eq!(err.to_string(), "BrokenBarrier");
    }
}
