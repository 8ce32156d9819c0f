//! Token mode: output torn mid-line by unsynchronised writers.
//!
//! A token is a run of letters (or `_`), or any other single non-space character;
//! whitespace and line breaks separate nothing and count for nothing. A block in token
//! mode matches when the actual tokens are an interleaving of the reference lines'
//! tokens, each line's tokens in their order (each line is one writer's, written
//! piece by piece): `Worker: 0Worker: 1`, `Worker: Worker: 01` and `Worker: 0` +
//! `Worker: 1` agree, but `0: Worker` does not, nor `Worker: 01` + `Worker:`
//! (a digit before the `Worker:` of its own line).
//!
//! The interleaving is searched depth first over each line's progress (lines
//! with the same tokens are interchangeable, so states are counted once), with
//! a budget of [`INTERLEAVE_BUDGET`] states; beyond it only the multisets of
//! tokens are compared.

use crate::fxhash::FxHashSet;
use std::collections::BTreeMap;

/// Most search states tried for one tokens block.
pub(crate) const INTERLEAVE_BUDGET: usize = 200_000;

/// Can `actual` be cut into the token sequences of `lines`, interleaved, each in
/// order? `None` when the budget ran out (the multisets are then all that is
/// known to agree).
pub(crate) fn interleaves(lines: &[Vec<&str>], actual: &[&str]) -> Option<bool> {
    let total: usize = lines.iter().map(Vec::len).sum();
    if total != actual.len() {
        return Some(false);
    }
    // Lines with the same tokens are interchangeable: `same[i]` is the first
    // line equal to line i; their progress is kept sorted within the class.
    let same: Vec<usize> = (0..lines.len())
        .map(|i| (0..=i).find(|&k| lines[k] == lines[i]).unwrap_or(i))
        .collect();
    let canon = |p: &mut Vec<usize>| {
        let mut by_class: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for (i, &c) in same.iter().enumerate() {
            by_class.entry(c).or_default().push(p[i]);
        }
        for (c, mut v) in by_class {
            v.sort_unstable();
            let members = same
                .iter()
                .enumerate()
                .filter(|&(_, &x)| x == c)
                .map(|(i, _)| i);
            for (i, val) in members.zip(v) {
                p[i] = val;
            }
        }
    };
    let mut seen: FxHashSet<Vec<usize>> = FxHashSet::default();
    let mut stack = vec![vec![0usize; lines.len()]];
    while let Some(p) = stack.pop() {
        let at: usize = p.iter().sum();
        if at == total {
            return Some(true);
        }
        if seen.len() >= INTERLEAVE_BUDGET {
            return None;
        }
        for i in 0..lines.len() {
            if p[i] < lines[i].len() && lines[i][p[i]] == actual[at] {
                let mut q = p.clone();
                q[i] += 1;
                canon(&mut q);
                if seen.insert(q.clone()) {
                    stack.push(q);
                }
            }
        }
    }
    Some(false)
}

/// Does a tokens block with reference lines `want` match the run's lines `got`?
/// The multisets must agree, then (within the budget) the order per line.
pub(crate) fn tokens_match(want: &[&str], got: &[&str]) -> bool {
    let want_tokens: Vec<Vec<&str>> = want.iter().map(|l| tokens(l)).collect();
    let flat: Vec<&str> = want_tokens.iter().flatten().copied().collect();
    let joined = got.join("\n");
    let actual = tokens(&joined);
    let (m, x) = bag_diff(&flat, &actual);
    if !m.is_empty() || !x.is_empty() {
        return false;
    }
    interleaves(&want_tokens, &actual).unwrap_or(true)
}

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
    fn each_line_keeps_its_order() {
        let want = ["Worker: 0", "Worker: 1", "Worker: 2"];
        assert!(tokens_match(&want, &["Worker: 0Worker: Worker: 12"]));
        assert!(tokens_match(&want, &["Worker: Worker: 1", "0Worker: 2"]));
        assert!(!tokens_match(
            &want,
            &["0: Worker", "1: Worker", "2: Worker"]
        ));
        assert!(!tokens_match(
            &want,
            &["Worker: 0Worker: Worker: 1", "", "2", "x"]
        ));
        // A digit before its own line's `Worker:` cannot happen.
        assert!(!tokens_match(&want, &["0Worker: Worker: Worker: 12"]));
    }

    #[test]
    fn words_and_symbols() {
        assert_eq!(tokens("ab_c:12 x"), vec!["ab_c", ":", "1", "2", "x"]);
    }
}
