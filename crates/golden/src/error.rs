//! Errors in a spec file: where (`file:line:col`), what, and a hint.

use std::fmt;

/// A malformed reference file: unknown directive, unclosed block, bad regex...
///
/// Displayed on one line as `FILE:LINE:COL: MESSAGE (HINT)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    /// The spec's name, as given to [`crate::Spec::parse`].
    pub file: String,
    /// 1-based line of the spec file.
    pub line: usize,
    /// 1-based column (in characters) of the offending text.
    pub col: usize,
    /// What is wrong.
    pub message: String,
    /// A suggestion, such as the nearest directive name.
    pub hint: Option<String>,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.col, self.message
        )?;
        if let Some(hint) = &self.hint {
            write!(f, " ({hint})")?;
        }
        Ok(())
    }
}

impl std::error::Error for SpecError {}

/// Levenshtein distance between two short strings, in characters.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let subst = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = subst.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The candidate nearest to `word`, if it is close enough to be a likely typo.
pub(crate) fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (edit_distance(word, c), *c))
        .filter(|(d, c)| *d <= 3.max(c.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_counts_edits() {
        assert_eq!(edit_distance("unorderd", "unordered"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }

    #[test]
    fn suggestion_is_nearest_and_close() {
        let names = ["unordered", "ordered", "interleave"];
        assert_eq!(did_you_mean("unorderd", &names), Some("unordered"));
        assert_eq!(did_you_mean("interleaved", &names), Some("interleave"));
        assert_eq!(did_you_mean("zzzzzzzzzzzzzz", &names), None);
    }
}
