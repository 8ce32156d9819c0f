//! Python's `logging.basicConfig(level=..., format=...)` for the `log` crate.
//!
//! [`basic_config`] installs a logger that writes each record to stderr in a
//! Python logging format, e.g. `(%(threadName)-10s) %(message)s`:
//!
//! ```
//! use sync_kit::logging::{Format, LevelFilter};
//!
//! // In a program: sync_kit::logging::basic_config(LevelFilter::Debug, "...")?;
//! let format = Format::parse("[%(levelname)s] (%(threadName)-10s) %(message)s")?;
//! let line = format.render_parts(log::Level::Debug, "Starting", "worker");
//! assert_eq!(line, "[DEBUG] (worker    ) Starting");
//! # Ok::<(), sync_kit::Error>(())
//! ```
//!
//! Supported keys: `message`, `levelname`, `levelno`, `threadName` (from
//! [`current_thread`](crate::thread::current_thread)), `thread` (its ident),
//! `process`, `name` (the record's target, Python's logger name), `module`,
//! `filename`, `lineno`, `asctime` (local time, Python's `2015-06-27 17:07:55,552`).
//! Each `%(key)` takes the printf modifiers of Python's `%` operator, with its
//! semantics: flags `-` (left-align), `0` (zero-fill numbers to the width), `+`
//! and space (sign of numbers), `#` (no effect here); a width; a `.precision`
//! (truncates `%s` and `%r`, the minimum number of digits of `%d`: `%(levelno).3d`
//! is `010`); an ignored length modifier `h`, `l` or `L`; and a conversion `s`,
//! `r` (Python's `repr()` of a str: `'bell\x07'`) or `d`/`i` (numbers only).
//! `%%` is a literal `%`. An empty format means `%(message)s`.
//!
//! Guarantees:
//! - a format that names no field, has an unknown key or a malformed `%` is an
//!   error from [`Format::parse`] / [`basic_config`] naming the problem (and the
//!   column), never garbage later (CPython raises `ValueError` for the first,
//!   and prints a traceback per record for the others);
//! - messages are written as they are, as CPython writes them: control
//!   characters and ANSI escape sequences pass through untouched;
//! - each record is written with one `write` call, so records from different
//!   threads never tear;
//! - `RUST_LOG`, when set and not blank, replaces the level given in code, as
//!   with env_logger: its directives are the whole filter (`RUST_LOG=info`,
//!   `RUST_LOG=my_crate=debug`). A directive that is a word but not a level,
//!   such as `RUST_LOG=bogus`, is a module name, so that value shows only
//!   records of a module `bogus`: nothing from the program. A directive that
//!   cannot be parsed (`RUST_LOG=my_crate=loud`) is reported on stderr and
//!   ignored, and a `RUST_LOG` left with no directive shows errors only.
//!   These are env_logger's own rules; sync-kit uses its parser.

mod format;
mod printable;
mod repr;

use std::io::Write as _;

pub use format::Format;
use format::{Key, Value};
pub use log::{Level, LevelFilter};

use crate::error::{Error, ErrorKind, Result};

/// The environment variable whose directives replace the level given in code.
pub const FILTER_VAR: &str = "RUST_LOG";

fn level_name(level: Level) -> &'static str {
    match level {
        Level::Error => "ERROR",
        Level::Warn => "WARNING",
        Level::Info => "INFO",
        Level::Debug => "DEBUG",
        Level::Trace => "TRACE",
    }
}

fn level_number(level: Level) -> i64 {
    match level {
        Level::Error => 40,
        Level::Warn => 30,
        Level::Info => 20,
        Level::Debug => 10,
        Level::Trace => 5,
    }
}

/// Python's `%(asctime)s`: local time as `2015-06-27 17:07:55,552`.
fn asctime() -> String {
    // The simulator's virtual wall clock, or the real one.
    let now = jiff::Timestamp::try_from(crate::time::wall_now())
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .to_zoned_datetime(jiff::tz::TimeZone::system());
    format!(
        "{},{:03}",
        now.strftime("%Y-%m-%d %H:%M:%S"),
        now.millisecond()
    )
}

/// The values that do not come from the record's text fields.
fn common_value(key: Key, level: Level, line: Option<u32>) -> Value<'static> {
    match key {
        Key::LevelName => Value::Text(level_name(level)),
        Key::LevelNo => Value::Number(level_number(level)),
        Key::Thread => Value::Number(crate::thread::get_ident() as i64),
        Key::Process => Value::Number(i64::from(std::process::id())),
        Key::LineNo => Value::Number(line.map_or(0, i64::from)),
        Key::AscTime => Value::Owned(asctime()),
        Key::Message | Key::ThreadName | Key::Name | Key::Module | Key::Filename => Value::Text(""),
    }
}

impl Format {
    /// Renders a record the way [`basic_config`]'s logger writes it, without the
    /// trailing newline.
    pub fn render(&self, record: &log::Record<'_>) -> String {
        let message = record.args().to_string();
        let thread = crate::thread::current_thread();
        // The thread object exists now: thread-local values stored earlier must
        // be dropped before it goes (see `local::thread_known`).
        crate::local::thread_known();
        thread.with_name(|thread_name| {
            self.render_with(|key| match key {
                Key::Message => Value::Text(&message),
                Key::ThreadName => Value::Text(thread_name),
                Key::Name => Value::Text(record.target()),
                Key::Module => Value::Text(
                    record
                        .module_path()
                        .and_then(|m| m.rsplit("::").next())
                        .unwrap_or(""),
                ),
                Key::Filename => Value::Text(
                    record
                        .file()
                        .and_then(|f| f.rsplit(['/', '\\']).next())
                        .unwrap_or(""),
                ),
                other => common_value(other, record.level(), record.line()),
            })
        })
    }
}

/// The filter for `level` and the value of `RUST_LOG` (`None` when unset).
fn build_filter(level: LevelFilter, rust_log: Option<&str>) -> env_logger::Logger {
    let mut builder = env_logger::Builder::new();
    match rust_log {
        // env_logger's convention: the variable is the whole filter.
        Some(spec) if !spec.trim().is_empty() => builder.parse_filters(spec),
        _ => builder.filter_level(level),
    };
    builder.build()
}

/// The installed logger: env_logger's filter, sync-kit's format, raw stderr.
struct PythonLogger {
    filter: env_logger::Logger,
    format: Format,
}

impl log::Log for PythonLogger {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        log::Log::enabled(&self.filter, metadata)
    }

    fn log(&self, record: &log::Record<'_>) {
        if !self.filter.matches(record) {
            return;
        }
        // Every record is a scheduling point of the simulator.
        crate::sim::point();
        crate::observe::log_line(|| record.args().to_string());
        let mut line = self.format.render(record);
        line.push('\n');
        // One write per record: whole records, never torn between threads.
        // Straight to stderr, byte for byte (env_logger's writer would strip
        // control characters and escape sequences, which CPython writes).
        let _ = std::io::stderr().lock().write_all(line.as_bytes());
    }

    fn flush(&self) {
        let _ = std::io::stderr().flush();
    }
}

/// Python's `logging.basicConfig(level=level, format=format)`: installs the
/// global logger, writing to stderr. `RUST_LOG`, when set, replaces `level`
/// (see the [module docs](self) for its rules).
///
/// ```
/// use sync_kit::logging::{LevelFilter, basic_config};
/// use sync_kit::{ErrorKind, Thread};
///
/// // Python: logging.basicConfig(level=logging.DEBUG,
/// //                             format='(%(threadName)-10s) %(message)s')
/// basic_config(LevelFilter::Debug, "(%(threadName)-10s) %(message)s")?;
/// let worker = Thread::builder().name("worker").target(|| {
///     log::debug!("Starting"); // stderr: "(worker    ) Starting"
/// });
/// worker.start()?;
/// worker.join()?;
///
/// // One logger per process, as Python configures the root logger once.
/// let again = basic_config(LevelFilter::Info, "%(message)s").unwrap_err();
/// assert_eq!(again.kind(), ErrorKind::LoggerInstalled);
/// // A bad format is an error before anything is installed or logged.
/// let bad = basic_config(LevelFilter::Info, "no field").unwrap_err();
/// assert_eq!(bad.kind(), ErrorKind::LogFormat);
/// # Ok::<(), sync_kit::Error>(())
/// ```
///
/// # Errors
/// [`ErrorKind::LogFormat`] if `format` does not parse;
/// [`ErrorKind::Environment`] if `RUST_LOG` is not valid UTF-8;
/// [`ErrorKind::LoggerInstalled`] if a logger is already installed.
pub fn basic_config(level: LevelFilter, format: &str) -> Result<()> {
    let format = Format::parse(format)?;
    let rust_log = match std::env::var(FILTER_VAR) {
        Ok(spec) => Some(spec),
        Err(std::env::VarError::NotPresent) => None,
        Err(std::env::VarError::NotUnicode(_)) => {
            return Err(Error::new(
                ErrorKind::Environment,
                format!("{FILTER_VAR} is not valid UTF-8"),
            ));
        }
    };
    // Touch the clock's time zone now, so a slow first lookup or a broken zone
    // database shows up at configuration, not in the middle of a run.
    if format.uses(Key::AscTime) {
        let _ = asctime();
    }
    let filter = build_filter(level, rust_log.as_deref());
    let max_level = filter.filter();
    log::set_boxed_logger(Box::new(PythonLogger { filter, format })).map_err(|err| {
        Error::new(
            ErrorKind::LoggerInstalled,
            format!("cannot install the logger: {err}"),
        )
    })?;
    log::set_max_level(max_level);
    Ok(())
}

#[cfg(test)]
mod tests;
