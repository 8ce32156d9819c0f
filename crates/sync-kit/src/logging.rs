//! Python's `logging.basicConfig(level=..., format=...)` for the `log` crate.
//!
//! [`basic_config`] installs an `env_logger` logger that writes each record to
//! stderr in a Python logging format, e.g. `(%(threadName)-10s) %(message)s`:
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
//! Each `%(key)` takes Python's printf modifiers: flags `-` (left-align), `0`,
//! `+` and space, a width, a `.precision` (truncates strings) and a conversion
//! `s`, `r`, `d` or `i` (`d`/`i` only for numbers). `%%` is a literal `%`.
//!
//! Guarantees:
//! - a format with an unknown key or a malformed `%` is an error from
//!   [`Format::parse`] / [`basic_config`] naming the column, never garbage later;
//! - each record is written with one `write` call as one whole line, so lines
//!   from different threads never tear;
//! - `RUST_LOG` still overrides the level given in code.

use std::fmt::Write as _;
use std::io::Write as _;

pub use log::{Level, LevelFilter};

use crate::error::{Error, ErrorKind, Result};

/// A record attribute a format can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Key {
    Message,
    LevelName,
    LevelNo,
    ThreadName,
    Thread,
    Process,
    Name,
    Module,
    Filename,
    LineNo,
    AscTime,
}

const KEYS: &[(&str, Key)] = &[
    ("message", Key::Message),
    ("levelname", Key::LevelName),
    ("levelno", Key::LevelNo),
    ("threadName", Key::ThreadName),
    ("thread", Key::Thread),
    ("process", Key::Process),
    ("name", Key::Name),
    ("module", Key::Module),
    ("filename", Key::Filename),
    ("lineno", Key::LineNo),
    ("asctime", Key::AscTime),
];

impl Key {
    fn is_numeric(self) -> bool {
        matches!(
            self,
            Key::LevelNo | Key::Thread | Key::Process | Key::LineNo
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Conversion {
    Str,
    Repr,
    Int,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Spec {
    left: bool,
    zero: bool,
    plus: bool,
    space: bool,
    width: usize,
    precision: Option<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Piece {
    Text(String),
    Field {
        key: Key,
        spec: Spec,
        conversion: Conversion,
    },
}

/// A parsed Python logging format string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Format {
    pieces: Vec<Piece>,
}

/// The values a record is rendered from.
struct Values<'a> {
    level: Level,
    message: &'a str,
    thread_name: &'a str,
    target: &'a str,
    module: Option<&'a str>,
    file: Option<&'a str>,
    line: Option<u32>,
}

fn format_error(format: &str, column: usize, why: impl std::fmt::Display) -> Error {
    Error::new(
        ErrorKind::LogFormat,
        format!("bad logging format {format:?} at column {column}: {why}"),
    )
}

fn nearest_key(unknown: &str) -> Option<&'static str> {
    let lower = unknown.to_ascii_lowercase();
    KEYS.iter()
        .map(|(name, _)| *name)
        .find(|name| name.to_ascii_lowercase() == lower || name.starts_with(&lower))
}

impl Format {
    /// Parses `format`.
    ///
    /// # Errors
    /// [`ErrorKind::LogFormat`] for an unknown key, a `%` not followed by
    /// `(key)` or `%`, an unclosed `(`, a missing or unsupported conversion, or a
    /// numeric conversion on a text key.
    ///
    /// ```
    /// use sync_kit::logging::Format;
    /// assert!(Format::parse("%(threadName)-10s %(message)s").is_ok());
    /// let err = Format::parse("%(thread_name)s").unwrap_err();
    /// assert!(err.message().contains("thread_name"));
    /// ```
    pub fn parse(format: &str) -> Result<Format> {
        let mut pieces = Vec::new();
        let mut text = String::new();
        let mut chars = format.char_indices().peekable();
        while let Some((at, c)) = chars.next() {
            if c != '%' {
                text.push(c);
                continue;
            }
            let column = at + 1;
            match chars.next() {
                Some((_, '%')) => {
                    text.push('%');
                    continue;
                }
                Some((_, '(')) => {}
                _ => {
                    return Err(format_error(
                        format,
                        column,
                        "expected `%(key)s` or `%%` after `%`",
                    ));
                }
            }
            let mut name = String::new();
            loop {
                match chars.next() {
                    Some((_, ')')) => break,
                    Some((_, c)) => name.push(c),
                    None => return Err(format_error(format, column, "unclosed `%(`")),
                }
            }
            let key = KEYS
                .iter()
                .find(|(known, _)| *known == name)
                .map(|(_, key)| *key)
                .ok_or_else(|| {
                    let hint = nearest_key(&name)
                        .map(|k| format!("; did you mean `{k}`?"))
                        .unwrap_or_default();
                    format_error(format, column, format!("unknown key `{name}`{hint}"))
                })?;
            let mut spec = Spec::default();
            while let Some(&(_, flag)) = chars.peek() {
                match flag {
                    '-' => spec.left = true,
                    '0' => spec.zero = true,
                    '+' => spec.plus = true,
                    ' ' => spec.space = true,
                    '#' => {}
                    _ => break,
                }
                chars.next();
            }
            spec.width = take_number(&mut chars);
            if chars.peek().is_some_and(|&(_, c)| c == '.') {
                chars.next();
                spec.precision = Some(take_number(&mut chars));
            }
            let conversion = match chars.next() {
                Some((_, 's')) => Conversion::Str,
                Some((_, 'r')) => Conversion::Repr,
                Some((_, 'd' | 'i')) if key.is_numeric() => Conversion::Int,
                Some((_, c @ ('d' | 'i'))) => {
                    return Err(format_error(
                        format,
                        column,
                        format!("`%{c}` needs a number, but `{name}` is text"),
                    ));
                }
                Some((_, c)) => {
                    return Err(format_error(
                        format,
                        column,
                        format!("unsupported conversion `{c}` (use s, r, d or i)"),
                    ));
                }
                None => {
                    return Err(format_error(
                        format,
                        column,
                        "missing conversion after `%(key)`",
                    ));
                }
            };
            if !text.is_empty() {
                pieces.push(Piece::Text(std::mem::take(&mut text)));
            }
            pieces.push(Piece::Field {
                key,
                spec,
                conversion,
            });
        }
        if !text.is_empty() {
            pieces.push(Piece::Text(text));
        }
        Ok(Format { pieces })
    }

    /// Renders a record the way [`basic_config`]'s logger writes it, without the
    /// trailing newline.
    pub fn render(&self, record: &log::Record<'_>) -> String {
        let message = record.args().to_string();
        let thread = crate::thread::current_thread();
        thread.with_name(|thread_name| {
            self.render_values(&Values {
                level: record.level(),
                message: &message,
                thread_name,
                target: record.target(),
                module: record.module_path(),
                file: record.file(),
                line: record.line(),
            })
        })
    }

    /// Renders a message at `level` as if logged by the thread named
    /// `thread_name` (handy in tests and docs).
    pub fn render_parts(&self, level: Level, message: &str, thread_name: &str) -> String {
        self.render_values(&Values {
            level,
            message,
            thread_name,
            target: "root",
            module: None,
            file: None,
            line: None,
        })
    }

    fn render_values(&self, values: &Values<'_>) -> String {
        let mut out = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Text(text) => out.push_str(text),
                Piece::Field {
                    key,
                    spec,
                    conversion,
                } => render_field(&mut out, *key, spec, *conversion, values),
            }
        }
        out
    }

    /// Whether the format mentions `%(asctime)s`.
    fn uses(&self, wanted: Key) -> bool {
        self.pieces
            .iter()
            .any(|p| matches!(p, Piece::Field { key, .. } if *key == wanted))
    }
}

fn take_number(chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>) -> usize {
    let mut number = 0usize;
    while let Some(digit) = chars.peek().and_then(|&(_, c)| c.to_digit(10)) {
        number = number.saturating_mul(10).saturating_add(digit as usize);
        chars.next();
    }
    number
}

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

fn render_field(out: &mut String, key: Key, spec: &Spec, conversion: Conversion, v: &Values<'_>) {
    let number = |n: i64| Field::Number(n);
    let value = match key {
        Key::Message => Field::Text(v.message.into()),
        Key::LevelName => Field::Text(level_name(v.level).into()),
        Key::LevelNo => number(level_number(v.level)),
        Key::ThreadName => Field::Text(v.thread_name.into()),
        Key::Thread => number(crate::thread::get_ident() as i64),
        Key::Process => number(i64::from(std::process::id())),
        Key::Name => Field::Text(v.target.into()),
        Key::Module => Field::Text(
            v.module
                .and_then(|m| m.rsplit("::").next())
                .unwrap_or("")
                .into(),
        ),
        Key::Filename => Field::Text(
            v.file
                .and_then(|f| f.rsplit(['/', '\\']).next())
                .unwrap_or("")
                .into(),
        ),
        Key::LineNo => number(v.line.map_or(0, i64::from)),
        Key::AscTime => Field::Text(asctime()),
    };
    let body = match (value, conversion) {
        (Field::Number(n), Conversion::Int) => {
            let sign = if n < 0 {
                "-"
            } else if spec.plus {
                "+"
            } else if spec.space {
                " "
            } else {
                ""
            };
            let digits = n.unsigned_abs().to_string();
            if spec.zero && !spec.left {
                let fill = spec.width.saturating_sub(sign.len() + digits.len());
                format!("{sign}{}{digits}", "0".repeat(fill))
            } else {
                format!("{sign}{digits}")
            }
        }
        (Field::Number(n), _) => n.to_string(),
        (Field::Text(text), Conversion::Repr) => python_repr(&text),
        (Field::Text(text), _) => text,
    };
    let body: String = match spec.precision {
        Some(limit) if conversion != Conversion::Int => body.chars().take(limit).collect(),
        _ => body,
    };
    let pad = spec.width.saturating_sub(body.chars().count());
    if spec.left {
        let _ = write!(out, "{body}{:pad$}", "");
    } else {
        let _ = write!(out, "{:pad$}{body}", "");
    }
}

enum Field {
    Text(String),
    Number(i64),
}

/// Python's `repr()` of a str: single quotes unless the text has one and no
/// double quote.
fn python_repr(text: &str) -> String {
    let quote = if text.contains('\'') && !text.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::from(quote);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// Python's `logging.basicConfig(level=level, format=format)`: installs the
/// global logger, writing to stderr. `RUST_LOG`, when set, overrides `level`.
///
/// # Errors
/// [`ErrorKind::LogFormat`] if `format` does not parse;
/// [`ErrorKind::LoggerInstalled`] if a logger is already installed.
pub fn basic_config(level: LevelFilter, format: &str) -> Result<()> {
    let format = Format::parse(format)?;
    // Touch the clock's time zone now, so a slow first lookup or a broken zone
    // database shows up at configuration, not in the middle of a run.
    if format.uses(Key::AscTime) {
        let _ = asctime();
    }
    env_logger::Builder::new()
        .filter_level(level)
        .parse_default_env()
        .write_style(env_logger::WriteStyle::Never)
        .target(env_logger::Target::Stderr)
        .format(move |buf, record| {
            // Every record is a scheduling point of the simulator.
            crate::sim::point();
            crate::observe::log_line(|| record.args().to_string());
            let mut line = format.render(record);
            line.push('\n');
            // One write per record: whole lines, never torn between threads.
            buf.write_all(line.as_bytes())
        })
        .try_init()
        .map_err(|err| {
            Error::new(
                ErrorKind::LoggerInstalled,
                format!("cannot install the logger: {err}"),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(format: &str, level: Level, message: &str, thread: &str) -> String {
        Format::parse(format)
            .unwrap()
            .render_parts(level, message, thread)
    }

    #[test]
    fn width_and_alignment_modifiers() {
        let f = "(%(threadName)-10s) %(message)s";
        assert_eq!(
            render(f, Level::Debug, "Starting", "worker"),
            "(worker    ) Starting"
        );
        assert_eq!(render(f, Level::Debug, "x", "my_service"), "(my_service) x");
        // Longer than the width: never truncated by a width alone.
        assert_eq!(
            render(f, Level::Debug, "x", "non-blocking"),
            "(non-blocking) x"
        );
        assert_eq!(render("(%(threadName)-2s)", Level::Debug, "", "0"), "(0 )");
        assert_eq!(render("(%(threadName)-2s)", Level::Debug, "", "c1"), "(c1)");
        assert_eq!(
            render("[%(threadName)8s]", Level::Debug, "", "w"),
            "[       w]"
        );
    }

    #[test]
    fn precision_truncates_text() {
        assert_eq!(render("%(levelname).1s", Level::Warn, "", "t"), "W");
        assert_eq!(
            render("%(threadName)-5.3s|", Level::Info, "", "worker"),
            "wor  |"
        );
    }

    #[test]
    fn level_names_and_numbers_are_pythons() {
        let f = "%(levelname)s %(levelno)d";
        assert_eq!(render(f, Level::Warn, "", "t"), "WARNING 30");
        assert_eq!(render(f, Level::Debug, "", "t"), "DEBUG 10");
        assert_eq!(render(f, Level::Error, "", "t"), "ERROR 40");
    }

    #[test]
    fn numeric_flags() {
        assert_eq!(render("%(levelno)05d", Level::Info, "", "t"), "00020");
        assert_eq!(render("%(levelno)+d", Level::Info, "", "t"), "+20");
        assert_eq!(render("%(levelno)-4d|", Level::Info, "", "t"), "20  |");
        let pid = std::process::id().to_string();
        assert_eq!(render("%(process)d", Level::Info, "", "t"), pid);
    }

    #[test]
    fn repr_and_percent_escape() {
        assert_eq!(render("%(message)r", Level::Info, "it's", "t"), "\"it's\"");
        assert_eq!(render("%(message)r", Level::Info, "a", "t"), "'a'");
        assert_eq!(
            render("100%% %(message)s", Level::Info, "done", "t"),
            "100% done"
        );
    }

    #[test]
    fn asctime_looks_like_pythons() {
        let line = render("%(asctime)s", Level::Info, "", "t");
        let re = |s: &str| {
            let b = s.as_bytes();
            s.len() == 23
                && b[4] == b'-'
                && b[7] == b'-'
                && b[10] == b' '
                && b[13] == b':'
                && b[16] == b':'
                && b[19] == b','
                && s.chars().filter(char::is_ascii_digit).count() == 17
        };
        assert!(re(&line), "{line:?}");
    }

    #[test]
    fn malformed_formats_are_errors_with_a_column() {
        for (format, needle) in [
            ("%(nope)s", "unknown key `nope`"),
            ("%(threadname)s", "did you mean `threadName`"),
            ("%(message)", "missing conversion"),
            ("%(message", "unclosed"),
            ("%d", "expected `%(key)s`"),
            ("%(message)d", "needs a number"),
            ("%(message)q", "unsupported conversion"),
            ("trailing %", "expected `%(key)s`"),
        ] {
            let err = Format::parse(format).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::LogFormat);
            assert!(err.message().contains(needle), "{format}: {err}");
            assert!(err.message().contains("column"), "{format}: {err}");
        }
    }

    #[test]
    fn thread_name_comes_from_the_registry() {
        let format = Format::parse("%(threadName)s: %(message)s").unwrap();
        let t = crate::thread::Thread::builder()
            .name("logger-test")
            .target(move || {
                let record = log::Record::builder()
                    .args(format_args!("hello"))
                    .level(Level::Info)
                    .build();
                assert_eq!(format.render(&record), "logger-test: hello");
            });
        t.start().unwrap();
        t.join().unwrap();
    }
}
