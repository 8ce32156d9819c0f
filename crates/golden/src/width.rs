//! The width of the key column (`%(threadName)-10s`): which spaces after a key
//! are padding, and the one width a spec's lines agree on.
//!
//! Padding is told from a separator by the `%key` regex itself: the spaces after
//! the key that the regex can do without (it still finds the same key with them
//! removed) are padding; spaces it requires (`/^(\S+) /`) are text. Spaces inside
//! group 1 are always padding. A key that fills or overflows its column has no
//! padding, so it only says that the width is at most its length: the width is
//! the one that the padded lines show (or `%width N`), and every line must agree.

use crate::error::SpecError;
use crate::keys::{KeyFinder, KeySpan};

/// Longest run of spaces for which every length is tried.
const EXHAUSTIVE: usize = 256;

/// How many of the spaces after the key in `line` are column padding.
pub(crate) fn padding(key: &mut KeyFinder, line: &str, s: KeySpan) -> usize {
    let total = s.pad_end - s.end;
    let inside = s.group_end.saturating_sub(s.end).min(total);
    let at = s.end + inside;
    let want = &line[s.start..s.end];
    let mut same_key = |r: usize| key.same_key_without(line, at, r, s.start, want);
    let spare = total - inside;
    if spare == 0 {
        return inside;
    }
    if same_key(spare) {
        return inside + spare;
    }
    if spare > EXHAUSTIVE {
        return inside;
    }
    (1..spare)
        .rev()
        .find(|&r| same_key(r))
        .map_or(inside, |r| inside + r)
}

/// One reference line's key column: spec line, key length, padding.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Column {
    pub(crate) line: usize,
    pub(crate) key: usize,
    pub(crate) pad: usize,
}

/// The spec's key width: `declared` (value, line), else the width of the padded
/// lines; an error when a line disagrees.
pub(crate) fn infer(
    file: &str,
    declared: Option<(usize, usize)>,
    cols: &[Column],
) -> Result<usize, SpecError> {
    let err = |line: usize, message: String| SpecError {
        file: file.to_owned(),
        line,
        col: 1,
        message,
        hint: Some(
            "declare the format's width with `%width N` (for `%-Ns`) in the header".to_owned(),
        ),
    };
    let (width, source) = match declared {
        Some((w, line)) => (w, line),
        None => match cols.iter().find(|c| c.pad > 0) {
            Some(c) => (c.key + c.pad, c.line),
            None => return Ok(0),
        },
    };
    for c in cols {
        if c.key + c.pad != width.max(c.key) {
            return Err(err(
                c.line,
                format!(
                    "the key column is {} characters wide here but {width} on line {source}",
                    c.key + c.pad
                ),
            ));
        }
    }
    Ok(width)
}
