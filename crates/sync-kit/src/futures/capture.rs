//! Runs a task so that its panic becomes the future's error, silently, as a
//! Python exception raised in a task is stored in its future, not printed.

use std::any::Any;
use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;

use crate::error::{Error, ErrorKind, Result};

thread_local! {
    /// True while this thread runs a task or a done-callback.
    static CAPTURING: Cell<bool> = const { Cell::new(false) };
}

/// Wraps the panic hook in place so that it stays quiet for panics that
/// [`catch`] turns into errors. Called by each worker before its first task:
/// a worker is a sync-kit thread, so sync-kit's own hook is installed by then
/// and is the one wrapped (wrapping it earlier would leave it in front).
pub(super) fn install() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            // `try_with`: a panic during thread teardown must still be reported.
            if !CAPTURING.try_with(Cell::get).unwrap_or(false) {
                previous(info);
            }
        }));
    });
}

/// Calls `f`; a panic becomes an [`ErrorKind::Panicked`] error with its message.
pub(super) fn catch<R>(f: impl FnOnce() -> R) -> Result<R> {
    let outer = CAPTURING.with(|c| c.replace(true));
    let outcome = catch_unwind(AssertUnwindSafe(f));
    CAPTURING.with(|c| c.set(outer));
    outcome.map_err(|payload| Error::new(ErrorKind::Panicked, message(&*payload)))
}

/// The text of a panic payload (`panic!("...")` gives a `&str` or a `String`).
fn message(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "Box<dyn Any>".to_owned())
}
