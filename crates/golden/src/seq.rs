//! Ordered matching of a sequence of line patterns, each with a count range, against
//! a sequence of lines: an NFA simulation, linear in the number of lines when counts
//! are fixed, and never greedy (`%times 0..` followed by a similar line still works).

use crate::fxhash::FxHashMap;

/// How often one pattern may repeat: `min..=max` (`max == None`: unbounded).
pub(crate) type Count = (usize, Option<usize>);

/// Up to this many states, membership marks are a vector; beyond, a map.
const DENSE_STATES: usize = 1 << 20;

/// The round in which each state was last added.
enum Stamps {
    Dense(Vec<usize>),
    Sparse(FxHashMap<usize, usize>),
}

impl Stamps {
    fn get(&self, id: usize) -> usize {
        match self {
            Stamps::Dense(v) => v[id],
            Stamps::Sparse(m) => m.get(&id).copied().unwrap_or(usize::MAX),
        }
    }

    fn set(&mut self, id: usize, round: usize) {
        match self {
            Stamps::Dense(v) => v[id] = round,
            Stamps::Sparse(m) => {
                m.insert(id, round);
            }
        }
    }
}

/// Do `lines` (0..n) match `counts` in order? `m(item, line)` tests one line.
///
/// On failure returns the index of the first line that no live state could take
/// (`n` when the lines ran out before the patterns did).
pub(crate) fn seq_match(
    counts: &[Count],
    n: usize,
    mut m: impl FnMut(usize, usize) -> bool,
) -> Result<(), usize> {
    // Fast path: every pattern exactly once.
    if counts.iter().all(|c| *c == (1, Some(1))) {
        for j in 0..n.min(counts.len()) {
            if !m(j, j) {
                return Err(j);
            }
        }
        return if n == counts.len() {
            Ok(())
        } else {
            Err(n.min(counts.len()))
        };
    }
    // State (i, c): patterns before i done, c copies of pattern i taken (c capped at
    // min for unbounded patterns, where more copies change nothing).
    let caps: Vec<usize> = counts
        .iter()
        .map(|&(min, max)| max.unwrap_or(min))
        .collect();
    let mut offset = Vec::with_capacity(counts.len() + 1);
    let mut total = 0;
    for cap in &caps {
        offset.push(total);
        total += cap + 1;
    }
    offset.push(total);
    let final_state = total;
    // Sparse state sets: `stamp[id] == round` marks membership in the current set,
    // so no set is cleared or allocated per line. Memory follows the states that
    // are ever live, not the sum of the counts (`%times 1..100000` on every line).
    let mut stamp: Stamps = if total <= DENSE_STATES {
        Stamps::Dense(vec![usize::MAX; total + 1])
    } else {
        Stamps::Sparse(FxHashMap::default())
    };
    let add =
        |i: usize, c: usize, round: usize, stamp: &mut Stamps, list: &mut Vec<(usize, usize)>| {
            // Add (i, c) and its epsilon closure.
            let (mut i, mut c) = (i, c);
            loop {
                let id = if i == counts.len() {
                    final_state
                } else {
                    offset[i] + c
                };
                if stamp.get(id) == round {
                    return;
                }
                stamp.set(id, round);
                list.push((i, c));
                if i < counts.len() && c >= counts[i].0 {
                    i += 1;
                    c = 0;
                } else {
                    return;
                }
            }
        };
    let mut list = Vec::new();
    let mut next_list = Vec::new();
    add(0, 0, 0, &mut stamp, &mut list);
    for j in 0..n {
        next_list.clear();
        for &(i, c) in &list {
            if i == counts.len() {
                continue;
            }
            let (min, max) = counts[i];
            let room = max.is_none_or(|mx| c < mx);
            if room && m(i, j) {
                let nc = if max.is_none() {
                    (c + 1).min(min)
                } else {
                    c + 1
                };
                add(i, nc, j + 1, &mut stamp, &mut next_list);
            }
        }
        if next_list.is_empty() {
            return Err(j);
        }
        std::mem::swap(&mut list, &mut next_list);
    }
    if stamp.get(final_state) == n {
        Ok(())
    } else {
        Err(n)
    }
}

/// The same automaton, advanced one line at a time by the caller (used to run
/// many threads' projections side by side in one pass over the output).
pub(crate) struct Stepper<'c> {
    counts: &'c [Count],
}

/// A set of states `(i, c)`: patterns before `i` done, `c` copies of pattern `i`.
pub(crate) type States = Vec<(usize, usize)>;

impl<'c> Stepper<'c> {
    pub(crate) fn new(counts: &'c [Count]) -> Self {
        Stepper { counts }
    }

    /// The states before any line.
    pub(crate) fn start(&self) -> States {
        let mut out = Vec::new();
        self.close(0, 0, &mut out);
        out
    }

    /// Add `(i, c)` and the states reachable from it without a line.
    fn close(&self, mut i: usize, mut c: usize, out: &mut States) {
        loop {
            if out.contains(&(i, c)) {
                return;
            }
            out.push((i, c));
            if i < self.counts.len() && c >= self.counts[i].0 {
                i += 1;
                c = 0;
            } else {
                return;
            }
        }
    }

    /// The states after one more line; `m(item)` tests the line against a pattern.
    pub(crate) fn step(&self, states: &States, mut m: impl FnMut(usize) -> bool) -> States {
        let mut out = Vec::new();
        for &(i, c) in states {
            let Some(&(min, max)) = self.counts.get(i) else {
                continue;
            };
            if max.is_none_or(|mx| c < mx) && m(i) {
                let nc = if max.is_none() {
                    (c + 1).min(min)
                } else {
                    c + 1
                };
                self.close(i, nc, &mut out);
            }
        }
        out
    }

    /// Do the lines so far complete the sequence?
    pub(crate) fn accepts(&self, states: &States) -> bool {
        states.iter().any(|&(i, _)| i == self.counts.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(counts: &[Count], pats: &[&str], lines: &[&str]) -> Result<(), usize> {
        seq_match(counts, lines.len(), |i, j| {
            pats[i] == "*" || pats[i] == lines[j]
        })
    }

    #[test]
    fn exact_sequence() {
        let c = [(1, Some(1)); 2];
        assert_eq!(run(&c, &["a", "b"], &["a", "b"]), Ok(()));
        assert_eq!(run(&c, &["a", "b"], &["b", "a"]), Err(0));
        assert_eq!(run(&c, &["a", "b"], &["a"]), Err(1));
        assert_eq!(run(&c, &["a", "b"], &["a", "b", "b"]), Err(2));
    }

    #[test]
    fn ranges_are_not_greedy() {
        // "*" 0.. then "a" exactly once: the wildcard must leave the last "a".
        let c = [(0, None), (1, Some(1))];
        assert_eq!(run(&c, &["*", "a"], &["a", "x", "a"]), Ok(()));
        assert_eq!(run(&c, &["*", "a"], &["a", "x"]), Err(2));
        let c = [(1, Some(3)), (1, Some(1))];
        assert_eq!(run(&c, &["a", "b"], &["a", "a", "a", "b"]), Ok(()));
        assert_eq!(run(&c, &["a", "b"], &["a", "a", "a", "a", "b"]), Err(3));
        assert_eq!(run(&c, &["a", "b"], &["b"]), Err(0));
    }

    #[test]
    fn stepper_agrees_with_seq_match() {
        let counts = [(1, Some(1)), (0, None), (1, Some(2)), (1, Some(1))];
        let pats = ["s", "*", "a", "e"];
        for lines in [
            &["s", "x", "a", "e"][..],
            &["s", "a", "a", "e"],
            &["s", "e"],
            &["s", "a", "a", "a", "e"],
            &["s", "a", "e", "e"],
        ] {
            let st = Stepper::new(&counts);
            let mut states = st.start();
            for l in lines {
                states = st.step(&states, |i| pats[i] == "*" || pats[i] == *l);
            }
            assert_eq!(
                st.accepts(&states),
                run(&counts, &pats, lines).is_ok(),
                "{lines:?}"
            );
        }
    }
}
