//! Reading a trace file: the errors that make it unusable as input (exit status 2
//! in the binary), as opposed to schema problems ([`crate::check`], exit 1).

use serde_json::Value;
use std::fmt;
use std::path::Path;

/// Why a trace could not be read at all.
#[derive(Debug)]
pub enum InputError {
    /// The file could not be read.
    Read {
        /// The path as given.
        path: String,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// The bytes are not JSON (or not UTF-8).
    NotJson {
        /// Where the input came from (a path, or `<input>`).
        origin: String,
        /// Line (1-based) of the first error.
        line: usize,
        /// Column (1-based) of the first error.
        column: usize,
        /// The parser's description.
        message: String,
    },
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputError::Read { path, source } => write!(f, "cannot read {path}: {source}"),
            InputError::NotJson {
                origin,
                line,
                column,
                message,
            } => write!(f, "{origin}:{line}:{column}: not JSON: {message}"),
        }
    }
}

impl std::error::Error for InputError {}

/// Parses JSON bytes (any JSON value: whether it is a trace is [`crate::check`]'s job).
pub fn parse_json(bytes: &[u8]) -> Result<Value, InputError> {
    parse_named(bytes, "<input>")
}

fn parse_named(bytes: &[u8], origin: &str) -> Result<Value, InputError> {
    serde_json::from_slice(bytes).map_err(|e| InputError::NotJson {
        origin: origin.to_owned(),
        line: e.line(),
        column: e.column(),
        message: strip_position(&e.to_string()),
    })
}

/// serde_json appends " at line L column C"; the position is printed in front.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

/// Reads and parses a trace file.
pub fn read_trace(path: &Path) -> Result<Value, InputError> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| InputError::Read {
        path: shown.clone(),
        source,
    })?;
    parse_named(&bytes, &shown)
}

/// Reads a trace file and checks it: `Ok` holds the problems found (empty when
/// the trace is valid), `Err` means the file could not be read or is not JSON.
///
/// Meant for tests of programs that write traces:
/// `assert_eq!(timeline::check_file(path)?, vec![])`.
pub fn check_file(path: &Path) -> Result<Vec<crate::Problem>, InputError> {
    read_trace(path).map(|v| crate::check(&v))
}

/// Parses and checks a trace held in memory (e.g. one a test just wrote):
/// `Ok` holds the problems found (empty when valid), `Err` means not JSON.
pub fn check_json(bytes: &[u8]) -> Result<Vec<crate::Problem>, InputError> {
    parse_json(bytes).map(|v| crate::check(&v))
}
