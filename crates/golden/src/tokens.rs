//! Token mode: output torn mid-line by unsynchronised writers.
//!
//! A token is a run of letters (or `_`), or any other single non-space character;
//! whitespace and line breaks separate nothing and count for nothing. A block in token
//! mode matches when the actual lines hold the same multiset of tokens as the
//! reference lines: `Worker: 0Worker: 1` and `Worker: 0` + `Worker: 1` agree.

use std::collections::BTreeMap;

/// The tokens of a text.
pub(crate) fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c.is_whitespace() {
            continue;
        }
        if is_word(c) {
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = chars.peek() {
                if !is_word(d) {
                    break;
                }
                end = j + d.len_utf8();
                chars.next();
            }
            out.push(&text[i..end]);
        } else {
            out.push(&text[i..i + c.len_utf8()]);
        }
    }
    out
}

fn is_word(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

/// Tokens in `expected` missing from `actual`, and tokens of `actual` not expected.
pub(crate) fn bag_diff<'a>(
    expected: &[&'a str],
    actual: &[&'a str],
) -> (Vec<&'a str>, Vec<&'a str>) {
    let mut count: BTreeMap<&str, i64> = BTreeMap::new();
    for t in expected {
        *count.entry(t).or_default() += 1;
    }
    for t in actual {
        *count.entry(t).or_default() -= 1;
    }
    let mut missing = Vec::new();
    let mut extra = Vec::new();
    for (t, c) in count {
        for _ in 0..c.max(0) {
            missing.push(t);
        }
        for _ in 0..(-c).max(0) {
            extra.push(t);
        }
    }
    (missing, extra)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn torn_and_whole_lines_have_the_same_tokens() {
        let whole = "Worker: 0\nWorker: 1\nWorker: 2\nWorker: 3\nWorker: 4";
        let torn = "Worker: 0\nWorker:Worker:Worker:   Worker:312 \n\n\n4";
        let (m, e) = bag_diff(&tokens(whole), &tokens(torn));
        assert!(m.is_empty() && e.is_empty(), "{m:?} {e:?}");
        let wrong = "Worker: 0\nWorker: 1\nWorker: 2\nWorker: 3\nWorker: 5";
        let (m, e) = bag_diff(&tokens(whole), &tokens(wrong));
        assert_eq!((m, e), (vec!["4"], vec!["5"]));
    }

    #[test]
    fn words_and_symbols() {
        assert_eq!(tokens("ab_c:12 x"), vec!["ab_c", ":", "1", "2", "x"]);
    }
}
