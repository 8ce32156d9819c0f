//! Python's `threading.excepthook`: what happens to a panic in a thread that
//! sync-kit started.
//!
//! The default hook ([`default_excepthook`], Python's
//! `threading.__excepthook__`) writes, in one piece so it does not interleave
//! with other threads' output:
//!
//! ```text
//! Exception in thread worker:
//! panicked at src/main.rs:12:5:
//! run failed
//! ```
//!
//! followed by a backtrace when `RUST_BACKTRACE` asks for one.
//! [`set_excepthook`] replaces it for every thread (Python's
//! `threading.excepthook = f`), [`excepthook`] returns the one in force, so a
//! hook can wrap the previous one, and [`reset_excepthook`] restores the
//! default.
//!
//! Limits: the hook runs inside Rust's panic hook, on the panicking thread,
//! before the stack unwinds (so [`std::backtrace::Backtrace::capture`] works
//! in it); a hook that panics itself aborts the process, as any panic inside
//! a panic hook does. Panics on threads sync-kit did not start (the main
//! thread, `Dummy-N` threads) go to the panic hook that was installed before
//! sync-kit's, as Python's `sys.excepthook` handles the main thread.

use std::io::Write;
use std::sync::{Arc, Once, RwLock};

use super::{Kind, Thread};

/// What a hook learns about a panic: Python's `ExceptHookArgs`, with Rust's
/// panic message and location in place of the exception and its traceback.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ExceptHookArgs {
    /// The thread that panicked (Python's `args.thread`); its name is
    /// [`Thread::name`].
    pub thread: Thread,
    /// The panic message (Python's `args.exc_value`), or `Box<dyn Any>` when
    /// the payload is not a string.
    pub message: String,
    /// Where the panic happened, `file:line:column`, if known.
    pub location: Option<String>,
}

/// A hook as [`excepthook`] returns it.
pub type ExceptHook = Arc<dyn Fn(&ExceptHookArgs) + Send + Sync>;

/// The hook in force; `None` means the default.
static HOOK: RwLock<Option<ExceptHook>> = RwLock::new(None);

/// Replaces the hook called when a sync-kit thread panics (Python's
/// `threading.excepthook = hook`). It is called on the panicking thread,
/// with the thread still alive and listed.
///
/// ```
/// use std::sync::{Arc, Mutex};
/// use sync_kit::thread::{self, Thread};
///
/// let seen = Arc::new(Mutex::new(Vec::new()));
/// let log = Arc::clone(&seen);
/// thread::set_excepthook(move |args| {
///     log.lock().unwrap().push(format!("{}: {}", args.thread.name(), args.message));
/// });
/// let t = Thread::builder().name("worker").target(|| panic!("run failed"));
/// t.start()?;
/// t.join()?;
/// thread::reset_excepthook();
/// assert_eq!(*seen.lock().unwrap(), ["worker: run failed"]);
/// # Ok::<(), sync_kit::Error>(())
/// ```
pub fn set_excepthook(hook: impl Fn(&ExceptHookArgs) + Send + Sync + 'static) {
    install();
    *write_hook() = Some(Arc::new(hook));
}

/// The hook in force: the one last given to [`set_excepthook`], or
/// [`default_excepthook`]. Keep it to call it from a new hook.
pub fn excepthook() -> ExceptHook {
    read_hook()
        .clone()
        .unwrap_or_else(|| Arc::new(default_excepthook))
}

/// Restores [`default_excepthook`] (Python's
/// `threading.excepthook = threading.__excepthook__`).
pub fn reset_excepthook() {
    *write_hook() = None;
}

/// Python's `threading.__excepthook__`: writes `Exception in thread NAME:`,
/// the location, the message and, if `RUST_BACKTRACE` asks for one, a
/// backtrace to stderr in one write.
pub fn default_excepthook(args: &ExceptHookArgs) {
    let mut text = format!("Exception in thread {}:\n", args.thread.name());
    if let Some(location) = &args.location {
        text.push_str(&format!("panicked at {location}:\n"));
    }
    text.push_str(&args.message);
    text.push('\n');
    let backtrace = std::backtrace::Backtrace::capture();
    if backtrace.status() == std::backtrace::BacktraceStatus::Captured {
        text.push_str(&format!("{backtrace}\n"));
    }
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// Installs the reporting panic hook once per process, keeping the previous
/// hook for threads sync-kit did not start.
pub(super) fn install() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(
            move |info| match super::registry::current_if_known() {
                Some(thread) if thread.inner.kind == Kind::Spawned => {
                    let args = ExceptHookArgs {
                        thread,
                        message: panic_message(info.payload()).to_owned(),
                        location: info.location().map(ToString::to_string),
                    };
                    // Cloned out so a hook may call `set_excepthook`.
                    let hook = read_hook().clone();
                    match hook {
                        Some(hook) => hook(&args),
                        None => default_excepthook(&args),
                    }
                }
                _ => previous(info),
            },
        ));
    });
}

/// The text of a panic payload: what `panic!` was given.
pub(super) fn panic_message(payload: &(dyn std::any::Any + Send)) -> &str {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("Box<dyn Any>")
}

fn read_hook() -> std::sync::RwLockReadGuard<'static, Option<ExceptHook>> {
    // Only whole `Option`s are ever stored: a poisoned value is still whole.
    HOOK.read()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn write_hook() -> std::sync::RwLockWriteGuard<'static, Option<ExceptHook>> {
    HOOK.write()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
