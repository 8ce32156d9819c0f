//! Sequences with groups: `%group` ... `%end` under a `%times` repeats a
//! sequence of lines (a worker's `Trying` / `Iteration` pairs, a holder's
//! alternating `Holding` / `Not holding`).
//!
//! A sequence with groups compiles to a small automaton (Thompson's
//! construction: a line-consuming step per item copy, splits for optional
//! copies and loops for unbounded ones) simulated on all its states at once,
//! so matching is linear in the lines times the automaton's size. Group counts
//! are expanded, so they are bounded by [`MAX_GROUP_COUNT`].

use crate::fxhash::FxHashSet;
use crate::pattern::Env;
use crate::seq::{Count, seq_match};

/// Largest finite count of a group or of a line inside a group.
pub(crate) const MAX_GROUP_COUNT: usize = 1000;

/// Items `first .. first + len` repeated `min..=max` times.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Group {
    pub(crate) first: usize,
    pub(crate) len: usize,
    pub(crate) min: usize,
    pub(crate) max: Option<usize>,
}

#[derive(Debug, Clone, Copy)]
enum Op {
    /// Take one line that item `.0` matches.
    Item(usize),
    /// Continue at both.
    Split(usize, usize),
    Jump(usize),
    Accept,
}

/// Do `n` lines match the items (with their counts) and groups, in order?
/// Same result convention as [`seq_match`].
pub(crate) fn group_match(
    counts: &[Count],
    groups: &[Group],
    n: usize,
    mut m: impl FnMut(usize, usize) -> bool,
) -> Result<(), usize> {
    if groups.is_empty() {
        return seq_match(counts, n, m);
    }
    let prog = compile(counts, groups);
    let mut stamp = vec![usize::MAX; prog.len()];
    let mut list = Vec::new();
    let mut next = Vec::new();
    close(&prog, 0, 0, &mut stamp, &mut list);
    for j in 0..n {
        next.clear();
        for &pc in &list {
            if let Op::Item(i) = prog[pc] {
                if m(i, j) {
                    close(&prog, pc + 1, j + 1, &mut stamp, &mut next);
                }
            }
        }
        if next.is_empty() {
            return Err(j);
        }
        std::mem::swap(&mut list, &mut next);
    }
    if list.iter().any(|&pc| matches!(prog[pc], Op::Accept)) {
        Ok(())
    } else {
        Err(n)
    }
}

/// Match a sequence, tracking numeric variables when the spec has any (`init`
/// not empty): `m` gets their values at each step.
pub(crate) fn seq_check(
    counts: &[Count],
    groups: &[Group],
    n: usize,
    init: &Env,
    mut m: impl FnMut(usize, usize, Option<&mut Env>) -> bool,
) -> Result<(), usize> {
    if init.is_empty() {
        group_match(counts, groups, n, |i, j| m(i, j, None))
    } else {
        group_match_env(counts, groups, n, init, |i, j, env| m(i, j, Some(env)))
    }
}

/// [`group_match`] for a sequence that mentions numeric variables: each state
/// carries their values (`init` at the start), and `m` checks a line under them
/// and updates them.
pub(crate) fn group_match_env(
    counts: &[Count],
    groups: &[Group],
    n: usize,
    init: &Env,
    mut m: impl FnMut(usize, usize, &mut Env) -> bool,
) -> Result<(), usize> {
    let prog = compile(counts, groups);
    let mut seen: FxHashSet<(usize, Env)> = FxHashSet::default();
    let mut list: Vec<(usize, Env)> = Vec::new();
    let mut next: Vec<(usize, Env)> = Vec::new();
    close_env(&prog, 0, init, &mut seen, &mut list);
    for j in 0..n {
        next.clear();
        seen.clear();
        for (pc, env) in &list {
            if let Op::Item(i) = prog[*pc] {
                let mut e = env.clone();
                if m(i, j, &mut e) {
                    close_env(&prog, pc + 1, &e, &mut seen, &mut next);
                }
            }
        }
        if next.is_empty() {
            return Err(j);
        }
        std::mem::swap(&mut list, &mut next);
    }
    if list.iter().any(|(pc, _)| matches!(prog[*pc], Op::Accept)) {
        Ok(())
    } else {
        Err(n)
    }
}

fn close_env(
    prog: &[Op],
    pc: usize,
    env: &Env,
    seen: &mut FxHashSet<(usize, Env)>,
    out: &mut Vec<(usize, Env)>,
) {
    let mut stack = vec![pc];
    while let Some(pc) = stack.pop() {
        if !seen.insert((pc, env.clone())) {
            continue;
        }
        match prog[pc] {
            Op::Split(a, b) => {
                stack.push(b);
                stack.push(a);
            }
            Op::Jump(a) => stack.push(a),
            Op::Item(_) | Op::Accept => out.push((pc, env.clone())),
        }
    }
}

/// Add `pc` and every state reachable from it without a line.
fn close(prog: &[Op], pc: usize, round: usize, stamp: &mut [usize], out: &mut Vec<usize>) {
    let mut stack = vec![pc];
    while let Some(pc) = stack.pop() {
        if stamp[pc] == round {
            continue;
        }
        stamp[pc] = round;
        match prog[pc] {
            Op::Split(a, b) => {
                stack.push(b);
                stack.push(a);
            }
            Op::Jump(a) => stack.push(a),
            Op::Item(_) | Op::Accept => out.push(pc),
        }
    }
}

fn compile(counts: &[Count], groups: &[Group]) -> Vec<Op> {
    let mut prog = Vec::new();
    let mut i = 0;
    while i < counts.len() {
        match groups.iter().find(|g| g.first == i) {
            Some(g) => {
                let body: Vec<usize> = (g.first..g.first + g.len).collect();
                repeat(&mut prog, g.min, g.max, &mut |p| {
                    for &k in &body {
                        let (min, max) = counts[k];
                        repeat(p, min, max, &mut |p| p.push(Op::Item(k)));
                    }
                });
                i += g.len.max(1);
            }
            None => {
                let (min, max) = counts[i];
                repeat(&mut prog, min, max, &mut |p| p.push(Op::Item(i)));
                i += 1;
            }
        }
    }
    prog.push(Op::Accept);
    prog
}

/// Emit `body` `min` times, then `max - min` optional copies (or a loop).
fn repeat(prog: &mut Vec<Op>, min: usize, max: Option<usize>, body: &mut dyn FnMut(&mut Vec<Op>)) {
    for _ in 0..min {
        body(prog);
    }
    match max {
        None => {
            let split = prog.len();
            prog.push(Op::Split(split + 1, 0));
            body(prog);
            prog.push(Op::Jump(split));
            let after = prog.len();
            prog[split] = Op::Split(split + 1, after);
        }
        Some(max) => {
            let mut holes = Vec::new();
            for _ in min..max {
                holes.push(prog.len());
                prog.push(Op::Split(prog.len() + 1, 0));
                body(prog);
            }
            let after = prog.len();
            for h in holes {
                prog[h] = Op::Split(h + 1, after);
            }
        }
    }
}

/// Fewest and most lines a sequence with groups takes.
pub(crate) fn size_range(counts: &[Count], groups: &[Group]) -> (usize, Option<usize>) {
    let mut min = 0usize;
    let mut max = Some(0usize);
    let mut i = 0;
    while i < counts.len() {
        let (lo, hi, step) = match groups.iter().find(|g| g.first == i) {
            Some(g) => {
                let body = &counts[g.first..g.first + g.len];
                let bmin: usize = body.iter().map(|c| c.0).sum();
                let bmax = body.iter().try_fold(0usize, |a, c| c.1.map(|m| a + m));
                let hi = match (bmax, g.max) {
                    (Some(0), _) => Some(0),
                    (Some(b), Some(m)) => Some(b * m),
                    _ => None,
                };
                (bmin * g.min, hi, g.len.max(1))
            }
            None => (counts[i].0, counts[i].1, 1),
        };
        min += lo;
        max = match (max, hi) {
            (Some(a), Some(b)) => Some(a + b),
            _ => None,
        };
        i += step;
    }
    (min, max)
}

/// The groups of a block that lie inside `items` (block item indices, in
/// order), renumbered to positions in `items`.
pub(crate) fn local(groups: &[Group], items: &[usize]) -> Vec<Group> {
    groups
        .iter()
        .filter_map(|g| {
            let at = items.iter().position(|&i| i == g.first)?;
            let inside = (0..g.len).all(|k| items.get(at + k) == Some(&(g.first + k)));
            inside.then_some(Group {
                first: at,
                len: g.len,
                min: g.min,
                max: g.max,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(counts: &[Count], groups: &[Group], pats: &[&str], lines: &[&str]) -> bool {
        group_match(counts, groups, lines.len(), |i, j| pats[i] == lines[j]).is_ok()
    }

    #[test]
    fn a_group_repeats_as_a_whole() {
        // Holding, then (Not holding, Holding) any number of times.
        let counts = [(1, Some(1)); 3];
        let pats = ["H", "N", "H"];
        let g = [Group {
            first: 1,
            len: 2,
            min: 0,
            max: None,
        }];
        assert!(run(&counts, &g, &pats, &["H"]));
        assert!(run(&counts, &g, &pats, &["H", "N", "H", "N", "H"]));
        assert!(!run(&counts, &g, &pats, &["H", "N"]));
        assert!(!run(&counts, &g, &pats, &["H", "H"]));
        assert!(!run(&counts, &g, &pats, &["H", "N", "N", "H"]));
        let g = [Group {
            first: 1,
            len: 2,
            min: 1,
            max: Some(2),
        }];
        assert!(!run(&counts, &g, &pats, &["H"]));
        assert!(run(&counts, &g, &pats, &["H", "N", "H"]));
        assert!(!run(
            &counts,
            &g,
            &pats,
            &["H", "N", "H", "N", "H", "N", "H"]
        ));
        assert_eq!(size_range(&counts, &g), (3, Some(5)));
    }

    #[test]
    fn optional_lines_inside_a_looping_group_end() {
        let counts = [(0, Some(1)), (1, Some(1))];
        let g = [Group {
            first: 0,
            len: 1,
            min: 0,
            max: None,
        }];
        // A group whose body can be empty must not loop forever.
        assert!(run(&counts, &g, &["a", "b"], &["a", "a", "b"]));
        assert!(run(&counts, &g, &["a", "b"], &["b"]));
    }

    #[test]
    fn numeric_state_follows_each_path() {
        // Item 0 (0..): a line equal to the counter plus one, which it becomes;
        // item 1: the counter itself.
        let counts = [(0, None), (1, Some(1))];
        let lines = ["1", "2", "3", "3"];
        let r = group_match_env(&counts, &[], lines.len(), &vec![Some(0)], |i, j, env| {
            let v: i64 = lines[j].parse().unwrap_or(-1);
            let cur = env[0].unwrap_or(0);
            if i == 0 && v == cur + 1 {
                env[0] = Some(v);
                true
            } else {
                i == 1 && v == cur
            }
        });
        assert_eq!(r, Ok(()));
        let lines = ["1", "3", "3"];
        let r = group_match_env(&counts, &[], lines.len(), &vec![Some(0)], |i, j, env| {
            let v: i64 = lines[j].parse().unwrap_or(-1);
            let cur = env[0].unwrap_or(0);
            if i == 0 && v == cur + 1 {
                env[0] = Some(v);
                true
            } else {
                i == 1 && v == cur
            }
        });
        assert_eq!(r, Err(1));
    }

    #[test]
    fn local_groups_follow_the_items() {
        let g = [Group {
            first: 2,
            len: 2,
            min: 0,
            max: None,
        }];
        assert_eq!(
            local(&g, &[0, 2, 3, 5]),
            vec![Group {
                first: 1,
                len: 2,
                min: 0,
                max: None
            }]
        );
        assert!(local(&g, &[0, 2, 5]).is_empty());
    }
}
