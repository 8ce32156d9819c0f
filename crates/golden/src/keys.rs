//! Finding the key (thread name) column of a line with the `%key` regex.
//!
//! Capture groups need the regex crate's slower engines (about half a microsecond
//! per line); the overall match only needs its DFA. When the regex has no
//! end-sensitive assertion (`$`, `\b`, `\B`, `\z`), the groups found in the matched
//! prefix are the groups of the whole line, so they are computed once per distinct
//! prefix: log lines share a handful of prefixes (`[DEBUG] (Thread-7  )`).

use crate::fxhash::FxHashMap;
use regex::{CaptureLocations, Regex};

/// Most distinct prefixes remembered.
const CACHE_LIMIT: usize = 1 << 16;

/// Where the key column of a line is: `[start, end)` is the trimmed key, `pad_end`
/// the end of the spaces after it, `group_end` the end of group 1 (byte offsets).
#[derive(Debug, Clone, Copy)]
pub(crate) struct KeySpan {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) pad_end: usize,
    pub(crate) group_end: usize,
}

/// Key extraction with a prefix cache.
pub(crate) struct KeyFinder {
    re: Regex,
    locs: CaptureLocations,
    prefix_safe: bool,
    cache: FxHashMap<Box<str>, Option<(usize, usize)>>,
    /// Reused for the padding test's line with spaces cut out.
    scratch: String,
}

impl KeyFinder {
    /// A finder for `re` (group 1 is the key).
    pub(crate) fn new(re: &Regex) -> Self {
        let src = re.as_str();
        let prefix_safe = !(src.contains('$')
            || src.contains("\\b")
            || src.contains("\\B")
            || src.contains("\\z"));
        KeyFinder {
            re: re.clone(),
            locs: re.capture_locations(),
            prefix_safe,
            cache: FxHashMap::default(),
            scratch: String::new(),
        }
    }

    /// The key column of `line`, if the regex matches and group 1 is not blank.
    pub(crate) fn span(&mut self, line: &str) -> Option<KeySpan> {
        let (gs, ge) = self.group(line)?;
        let raw = &line[gs..ge];
        let start = gs + (raw.len() - raw.trim_start().len());
        let end = ge - (raw.len() - raw.trim_end().len());
        if start >= end {
            return None;
        }
        let pad_end = end
            + line.as_bytes()[end..]
                .iter()
                .take_while(|c| **c == b' ')
                .count();
        Some(KeySpan {
            start,
            end,
            pad_end,
            group_end: ge,
        })
    }

    /// The byte range of group 1 of the key regex's match in `line`. Captures
    /// (a slower engine than a plain find) run once per distinct matched prefix.
    pub(crate) fn group(&mut self, line: &str) -> Option<(usize, usize)> {
        if !self.prefix_safe {
            return self.groups(line);
        }
        let m = self.re.find(line)?;
        let prefix = &line[..m.end()];
        match self.cache.get(prefix) {
            Some(hit) => *hit,
            None => {
                let found = self.groups(prefix);
                if self.cache.len() < CACHE_LIMIT {
                    self.cache.insert(prefix.into(), found);
                }
                found
            }
        }
    }

    /// Does `line` with the `r` bytes at `at` cut out have group 1 starting at
    /// or before `start` and holding `want` (trimmed)? The cut line is built in
    /// a reused buffer, not allocated per test.
    pub(crate) fn same_key_without(
        &mut self,
        line: &str,
        at: usize,
        r: usize,
        start: usize,
        want: &str,
    ) -> bool {
        let mut cut = std::mem::take(&mut self.scratch);
        cut.clear();
        cut.push_str(&line[..at]);
        cut.push_str(&line[at + r..]);
        let same = self
            .group(&cut)
            .is_some_and(|(a, b)| a <= start && cut[a..b].trim() == want);
        self.scratch = cut;
        same
    }

    fn groups(&mut self, hay: &str) -> Option<(usize, usize)> {
        self.re.captures_read(&mut self.locs, hay)?;
        self.locs.get(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_measures_padding() {
        let re = Regex::new(r"^\[\w+\] \((.*?) *\)").unwrap_or_else(|e| panic!("{e}"));
        let mut k = KeyFinder::new(&re);
        for _ in 0..2 {
            let s = k
                .span("[DEBUG] (Thread-1  ) Starting")
                .unwrap_or_else(|| panic!("no key"));
            assert_eq!((s.start, s.end, s.pad_end), (9, 17, 19));
        }
        assert!(k.span("no key here").is_none());
        assert!(k.span("[DEBUG] (   ) blank").is_none());
    }

    #[test]
    fn end_sensitive_regexes_skip_the_cache() {
        let re = Regex::new(r"^(\w+)\b").unwrap_or_else(|e| panic!("{e}"));
        let mut k = KeyFinder::new(&re);
        assert!(!k.prefix_safe);
        let s = k.span("abc def").unwrap_or_else(|| panic!("no key"));
        assert_eq!((s.start, s.end, s.pad_end), (0, 3, 4));
    }
}
