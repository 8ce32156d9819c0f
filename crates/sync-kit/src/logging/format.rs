//! Parsing and rendering a Python logging format string: `%(key)` fields with
//! the printf modifiers of Python's `%` operator.

use std::iter::Peekable;
use std::str::CharIndices;

use super::repr::str_repr;
use crate::error::{Error, ErrorKind, Result};
use log::Level;

/// A record attribute a format can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Key {
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

/// The largest width or precision a format may ask for: far beyond any real
/// format, small enough that a typo cannot make every record huge.
const MAX_WIDTH: usize = 65_535;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Conversion {
    Str,
    Repr,
    Int,
}

/// The modifiers between `%(key)` and the conversion.
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

/// One value of a record, before formatting.
pub(super) enum Value<'a> {
    Text(&'a str),
    Owned(String),
    Number(i64),
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

type Chars<'a> = Peekable<CharIndices<'a>>;

impl Format {
    /// Parses `format`. An empty format means `%(message)s`, as in Python.
    ///
    /// # Errors
    /// [`ErrorKind::LogFormat`] for a format that names no field at all (Python's
    /// `ValueError: Invalid format`), an unknown key, a `%` not followed by
    /// `(key)` or `%`, an unclosed `(`, a missing or unsupported conversion, a
    /// numeric conversion on a text key, or a width or precision above 65535.
    ///
    /// ```
    /// use sync_kit::logging::Format;
    /// assert!(Format::parse("%(threadName)-10s %(message)s").is_ok());
    /// let err = Format::parse("%(thread_name)s").unwrap_err();
    /// assert!(err.message().contains("thread_name"));
    /// let err = Format::parse("no field here").unwrap_err();
    /// assert!(err.message().contains("Invalid format"));
    /// ```
    pub fn parse(format: &str) -> Result<Format> {
        if format.is_empty() {
            return Format::parse("%(message)s");
        }
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
            let field = parse_field(format, column, &mut chars)?;
            if !text.is_empty() {
                pieces.push(Piece::Text(std::mem::take(&mut text)));
            }
            pieces.push(field);
        }
        if !text.is_empty() {
            pieces.push(Piece::Text(text));
        }
        if !pieces.iter().any(|p| matches!(p, Piece::Field { .. })) {
            return Err(Error::new(
                ErrorKind::LogFormat,
                format!(
                    "bad logging format {format:?}: it names no field, so every record \
                     would print the same text (Python: Invalid format {format:?} for '%' \
                     style); add one such as %(message)s"
                ),
            ));
        }
        Ok(Format { pieces })
    }

    /// Renders `value_of` each field into one line (no trailing newline).
    pub(super) fn render_with<'a>(&self, mut value_of: impl FnMut(Key) -> Value<'a>) -> String {
        let mut out = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Text(text) => out.push_str(text),
                Piece::Field {
                    key,
                    spec,
                    conversion,
                } => render_field(&mut out, spec, *conversion, value_of(*key)),
            }
        }
        out
    }

    /// Whether the format names `wanted`.
    pub(super) fn uses(&self, wanted: Key) -> bool {
        self.pieces
            .iter()
            .any(|p| matches!(p, Piece::Field { key, .. } if *key == wanted))
    }

    /// Renders a message at `level` as if logged by the thread named
    /// `thread_name` from a logger named `root` (handy in tests and docs).
    ///
    /// ```
    /// use sync_kit::logging::{Format, Level};
    /// let format = Format::parse("%(levelno).3d %(message)r")?;
    /// assert_eq!(format.render_parts(Level::Debug, "bell\x07", "t"), r"010 'bell\x07'");
    /// # Ok::<(), sync_kit::Error>(())
    /// ```
    pub fn render_parts(&self, level: Level, message: &str, thread_name: &str) -> String {
        self.render_with(|key| match key {
            Key::Message => Value::Text(message),
            Key::ThreadName => Value::Text(thread_name),
            Key::Name => Value::Text("root"),
            other => super::common_value(other, level, None),
        })
    }
}

/// Parses what follows `%(`: the key, flags, width, precision, an optional
/// length modifier (`h`, `l` or `L`, ignored as Python does) and the conversion.
fn parse_field(format: &str, column: usize, chars: &mut Chars<'_>) -> Result<Piece> {
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
            '#' => {} // no effect on s, r, d or i
            _ => break,
        }
        chars.next();
    }
    let too_big = |what| format_error(format, column, format!("{what} above {MAX_WIDTH}"));
    spec.width = take_number(chars).ok_or_else(|| too_big("width"))?;
    if chars.peek().is_some_and(|&(_, c)| c == '.') {
        chars.next();
        spec.precision = Some(take_number(chars).ok_or_else(|| too_big("precision"))?);
    }
    if chars
        .peek()
        .is_some_and(|&(_, c)| matches!(c, 'h' | 'l' | 'L'))
    {
        chars.next();
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
    Ok(Piece::Field {
        key,
        spec,
        conversion,
    })
}

/// A run of digits (0 if none); `None` if it exceeds [`MAX_WIDTH`].
fn take_number(chars: &mut Chars<'_>) -> Option<usize> {
    let mut number = 0usize;
    while let Some(digit) = chars.peek().and_then(|&(_, c)| c.to_digit(10)) {
        number = number.saturating_mul(10).saturating_add(digit as usize);
        chars.next();
    }
    (number <= MAX_WIDTH).then_some(number)
}

/// One field as Python's `%` operator formats it.
fn render_field(out: &mut String, spec: &Spec, conversion: Conversion, value: Value<'_>) {
    let text = match (&value, conversion) {
        (Value::Number(n), Conversion::Int) => return render_int(out, spec, *n),
        (Value::Number(n), _) => n.to_string(),
        (Value::Text(text), Conversion::Repr) => str_repr(text),
        (Value::Owned(text), Conversion::Repr) => str_repr(text),
        (Value::Text(text), _) => (*text).to_owned(),
        (Value::Owned(text), _) => text.clone(),
    };
    // Precision truncates `%s` and `%r` (after repr); width pads with spaces
    // (the `0` flag applies to numbers only), counting characters.
    let text: &str = match spec.precision {
        Some(limit) => text
            .char_indices()
            .nth(limit)
            .map_or(&text, |(end, _)| &text[..end]),
        None => &text,
    };
    pad(out, spec, "", text, false);
}

/// `%d`: precision is the minimum number of digits; the `0` flag pads to the
/// width after the sign; `+` or space sign positive numbers; `-` left-aligns.
fn render_int(out: &mut String, spec: &Spec, n: i64) {
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
    let min_digits = spec.precision.unwrap_or(0);
    let digits = format!(
        "{}{digits}",
        "0".repeat(min_digits.saturating_sub(digits.len()))
    );
    pad(out, spec, sign, &digits, spec.zero);
}

fn pad(out: &mut String, spec: &Spec, sign: &str, body: &str, zero_fill: bool) {
    let len = sign.len() + body.chars().count();
    let fill = spec.width.saturating_sub(len);
    if spec.left {
        out.push_str(sign);
        out.push_str(body);
        out.extend(std::iter::repeat_n(' ', fill));
    } else if zero_fill {
        out.push_str(sign);
        out.extend(std::iter::repeat_n('0', fill));
        out.push_str(body);
    } else {
        out.extend(std::iter::repeat_n(' ', fill));
        out.push_str(sign);
        out.push_str(body);
    }
}
