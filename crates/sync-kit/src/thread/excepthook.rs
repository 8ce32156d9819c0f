//! Python's default `threading.excepthook`: a panic in a thread started by
//! sync-kit is reported on stderr as
//!
//! ```text
//! Exception in thread worker:
//! panicked at src/main.rs:12:5:
//! run failed
//! ```
//!
//! written in one piece so it does not interleave with other threads' output.
//! Panics on other threads go to the hook that was installed before.

use std::io::Write;
use std::panic::PanicHookInfo;
use std::sync::Once;

use super::Kind;

/// Installs the reporting hook once per process, keeping the previous hook for
/// threads sync-kit did not start.
pub(super) fn install() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(
            move |info| match super::registry::current_if_known() {
                Some(thread) if thread.inner.kind == Kind::Spawned => {
                    report(&thread.name(), info);
                }
                _ => previous(info),
            },
        ));
    });
}

fn report(name: &str, info: &PanicHookInfo<'_>) {
    let payload = info.payload();
    let message = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("Box<dyn Any>");
    let mut text = format!("Exception in thread {name}:\n");
    if let Some(location) = info.location() {
        text.push_str(&format!("panicked at {location}:\n"));
    }
    text.push_str(message);
    text.push('\n');
    let backtrace = std::backtrace::Backtrace::capture();
    if backtrace.status() == std::backtrace::BacktraceStatus::Captured {
        text.push_str(&format!("{backtrace}\n"));
    }
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}
