//! Ordered matching when every line pattern occurs at most once (`%optional`
//! or exactly once), with plain-text patterns looked up by their text: the
//! live states are intervals of patterns, and each interval needs only its
//! first pattern that takes the line, so a chain of a million `%optional`
//! lines is checked in time about linear in the lines (the general automaton
//! keeps every optional pattern ahead alive: quadratic).

use crate::fxhash::FxHashMap;
use crate::seq::Count;

/// Patterns of one sequence for [`chain_match`]: counts (each max 1), and each
/// pattern's text when it is plain text (borrowed from the spec's templates).
pub(crate) struct Chain<'t> {
    counts: Vec<Count>,
    /// Plain-text patterns by text: a range of `ids`, which holds their indices
    /// (sorted within each range). Flat, so a million patterns cost a few
    /// allocations, not a million.
    by_text: FxHashMap<&'t str, (u32, u32)>,
    ids: Vec<u32>,
    /// Patterns that are not plain text, sorted.
    other: Vec<usize>,
    /// For each index, the first required pattern at or after it (or the end).
    next_req: Vec<usize>,
}

impl<'t> Chain<'t> {
    /// `None` unless every count is at most one.
    pub(crate) fn new(counts: &[Count], text: &[Option<&'t str>]) -> Option<Self> {
        if counts.iter().any(|c| c.1 != Some(1)) {
            return None;
        }
        // Sized once: regrowing (and rehashing) a million-entry table costs
        // more than the slack of repeated texts.
        let mut by_text: FxHashMap<&'t str, (u32, u32)> = FxHashMap::default();
        by_text.reserve(text.iter().filter(|t| t.is_some()).count());
        let mut sizes: Vec<u32> = Vec::new();
        let mut group: Vec<u32> = vec![u32::MAX; text.len()];
        let mut other = Vec::new();
        for (i, t) in text.iter().enumerate() {
            match t {
                Some(t) => {
                    let fresh = u32::try_from(sizes.len()).unwrap_or(u32::MAX);
                    let g = by_text.entry(*t).or_insert((fresh, 0)).0;
                    if g == fresh {
                        sizes.push(0);
                    }
                    sizes[g as usize] += 1;
                    group[i] = g;
                }
                None => other.push(i),
            }
        }
        let mut start: Vec<u32> = Vec::with_capacity(sizes.len() + 1);
        let mut total = 0u32;
        for s in &sizes {
            start.push(total);
            total += s;
        }
        start.push(total);
        let mut fill = start.clone();
        let mut ids = vec![0u32; total as usize];
        for (i, &g) in group.iter().enumerate() {
            if g != u32::MAX {
                ids[fill[g as usize] as usize] = u32::try_from(i).unwrap_or(u32::MAX);
                fill[g as usize] += 1;
            }
        }
        for v in by_text.values_mut() {
            let g = v.0 as usize;
            *v = (start[g], start[g + 1]);
        }
        let mut next_req = vec![counts.len(); counts.len() + 1];
        for i in (0..counts.len()).rev() {
            next_req[i] = if counts[i].0 > 0 { i } else { next_req[i + 1] };
        }
        Some(Chain {
            counts: counts.to_vec(),
            by_text,
            ids,
            other,
            next_req,
        })
    }

    /// Indices of the plain-text patterns equal to `line`, sorted.
    fn same_text(&self, line: &str) -> &[u32] {
        self.by_text
            .get(line)
            .map_or(&[], |&(a, b)| &self.ids[a as usize..b as usize])
    }

    /// The first pattern in `lo..hi` that takes the line.
    fn first_match(
        &self,
        lo: usize,
        hi: usize,
        line: &str,
        m: &mut impl FnMut(usize) -> bool,
    ) -> Option<usize> {
        let v = self.same_text(line);
        let at = v.partition_point(|&i| (i as usize) < lo);
        let lit = v.get(at).map(|&i| i as usize).filter(|&i| i < hi);
        let stop = lit.unwrap_or(hi);
        let from = self.other.partition_point(|&i| i < lo);
        self.other[from..]
            .iter()
            .copied()
            .take_while(|&i| i < stop)
            .find(|&i| m(i))
            .or(lit)
    }

    /// Do `n` lines match the patterns in order? `line(j)` is line j's text and
    /// `m(i, j)` tests a pattern that is not plain text. Same result convention
    /// as `seq_match`.
    pub(crate) fn matches<'l>(
        &self,
        n: usize,
        line: impl Fn(usize) -> &'l str,
        mut m: impl FnMut(usize, usize) -> bool,
    ) -> Result<(), usize> {
        let len = self.counts.len();
        // Intervals [a, b]: ready to take any pattern a..=b (those before b
        // optional); b == len means the sequence may also end here.
        let mut live: Vec<(usize, usize)> = vec![(0, self.next_req[0])];
        for j in 0..n {
            let text = line(j);
            let mut next: Vec<(usize, usize)> = Vec::new();
            for &(a, b) in &live {
                // An optional pattern in a..b: only the first that takes the
                // line matters (later ones leave a smaller interval).
                if let Some(k) = self.first_match(a, b.min(len), text, &mut |i| m(i, j)) {
                    next.push((k + 1, self.next_req[k + 1]));
                }
                // The required pattern at b.
                if b < len {
                    let same = self.same_text(text);
                    let takes = same.binary_search(&(b as u32)).is_ok()
                        || (self.other.binary_search(&b).is_ok() && m(b, j));
                    if takes {
                        next.push((b + 1, self.next_req[b + 1]));
                    }
                }
            }
            if next.is_empty() {
                return Err(j);
            }
            next.sort_unstable();
            live.clear();
            for (a, b) in next {
                match live.last_mut() {
                    Some(last) if a <= last.1 => last.1 = last.1.max(b),
                    _ => live.push((a, b)),
                }
            }
        }
        if live.iter().any(|&(_, b)| b == len) {
            Ok(())
        } else {
            Err(n)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seq::seq_match;

    #[test]
    fn agrees_with_the_general_automaton() {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut rnd = |k: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % k) as usize
        };
        let alphabet = ["a", "b", "c"];
        for _ in 0..3000 {
            let np = 1 + rnd(8);
            let counts: Vec<Count> = (0..np)
                .map(|_| {
                    if rnd(2) == 0 {
                        (0, Some(1))
                    } else {
                        (1, Some(1))
                    }
                })
                .collect();
            // A pattern is a letter (plain text) or `*` (anything).
            let pats: Vec<&str> = (0..np)
                .map(|_| if rnd(4) == 0 { "*" } else { alphabet[rnd(3)] })
                .collect();
            let lines: Vec<&str> = (0..rnd(8)).map(|_| alphabet[rnd(3)]).collect();
            let text: Vec<Option<&str>> = pats.iter().map(|p| (*p != "*").then_some(*p)).collect();
            let chain =
                Chain::new(&counts, &text).unwrap_or_else(|| panic!("counts are at most one"));
            let got = chain.matches(lines.len(), |j| lines[j], |i, _| pats[i] == "*");
            let want = seq_match(&counts, lines.len(), |i, j| {
                pats[i] == "*" || pats[i] == lines[j]
            });
            assert_eq!(got.is_ok(), want.is_ok(), "{counts:?} {pats:?} {lines:?}");
        }
    }
}
