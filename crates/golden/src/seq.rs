//! Ordered matching of a sequence of line patterns, each with a count range, against
//! a sequence of lines: an NFA simulation, linear in the number of lines when counts
//! are fixed, and never greedy (`%times 0..` followed by a similar line still works).

/// How often one pattern may repeat: `min..=max` (`max == None`: unbounded).
pub(crate) type Count = (usize, Option<usize>);

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
    let mut cur = vec![false; total + 1];
    let mut list = Vec::new();
    let add = |i: usize, c: usize, cur: &mut Vec<bool>, list: &mut Vec<(usize, usize)>| {
        // Add (i, c) and its epsilon closure.
        let (mut i, mut c) = (i, c);
        loop {
            let id = if i == counts.len() {
                final_state
            } else {
                offset[i] + c
            };
            if cur[id] {
                return;
            }
            cur[id] = true;
            list.push((i, c));
            if i < counts.len() && c >= counts[i].0 {
                i += 1;
                c = 0;
            } else {
                return;
            }
        }
    };
    add(0, 0, &mut cur, &mut list);
    for j in 0..n {
        let mut next = vec![false; total + 1];
        let mut next_list = Vec::new();
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
                add(i, nc, &mut next, &mut next_list);
            }
        }
        if next_list.is_empty() {
            return Err(j);
        }
        cur = next;
        list = next_list;
    }
    if cur[final_state] { Ok(()) } else { Err(n) }
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
}
