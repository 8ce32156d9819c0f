//! Checking one run against a spec.
//!
//! 1. The output is cut into lines (trailing whitespace and trailing blank lines are
//!    not significant) and, when the spec has a `%key`, each line's key is found.
//! 2. Identity labels and captures are variables. Each gets a domain of candidate
//!    values from the blocks whose place in the output is known (for an interleave
//!    block: the actual threads whose projection matches the reference thread).
//! 3. A search assigns values (one-to-one within an identity class): it starts from
//!    a maximum bipartite matching of labels to values, then backtracks over the
//!    domains (with a budget) until an assignment makes every block match.
//! 4. With an assignment fixed, the blocks are placed on the output in order (a DP
//!    over block boundaries) and each is checked by its own rule.
//!
//! Interleave blocks are checked per key: threads with the same reference lines (up
//! to their own name) form a class, actual threads with the same lines a shape, and
//! each (class, shape) pair is compared once, so a million lines from a thousand
//! threads cost one pass.

use crate::chain::Chain;
use crate::fxhash::FxHashMap;
use crate::group::seq_check;
use crate::pattern::Template;
use crate::pattern::{Bind, matches, matches_opt};
use crate::plan::{Class, Plan};
use crate::report::Failure;
use crate::spec::{Kind, Spec};
use crate::tokens::tokens_match;
use std::collections::BTreeSet;

mod actual;
mod diagnose;
mod first_bad;
mod interleave;
mod search;
mod unordered;

pub(crate) use actual::Actual;
use interleave::Proj;

/// Up to this many distinct reference threads, each is compared with all actual
/// threads in one sequential pass over the output; beyond, pair by pair.
const SWEEP_CLASSES: usize = 8;

/// Beyond this many variables only one assignment is tried (the search recurses
/// once per variable).
const SEARCH_MAX_VARS: usize = 4096;

/// How many complete assignments the search may try before giving up.
const LEAF_BUDGET: usize = 20_000;

/// The result of a check.
pub(crate) struct Verdict {
    pub(crate) failure: Option<Failure>,
}

pub(crate) fn check(spec: &Spec, text: &str) -> Verdict {
    let actual = Actual::new(text, spec);
    let mut c = Checker::new(spec, &actual);
    // File-wide forbidden lines do not depend on any assignment.
    for (j, line) in actual.lines.iter().enumerate() {
        if let Some(f) = spec.forbids.iter().find(|f| f.re.is_match(line)) {
            return Verdict {
                failure: Some(Failure::forbidden(spec, None, f.line, j, line)),
            };
        }
    }
    let (found, mut best) = c.search();
    if found {
        return Verdict { failure: None };
    }
    c.fill_for_report(&mut best);
    let mut failure = c.diagnose(&best);
    failure.notes.extend(c.gave_up.take());
    Verdict {
        failure: Some(failure),
    }
}

/// The assignment under which `text` matches, if it does (for the self-test).
#[cfg(test)]
pub(crate) fn mapping(spec: &Spec, text: &str) -> Option<Vec<Option<String>>> {
    let actual = Actual::new(text, spec);
    let mut c = Checker::new(spec, &actual);
    let (found, sigma) = c.search();
    found.then_some(sigma)
}

struct Checker<'s, 'a> {
    spec: &'s Spec,
    actual: &'a Actual<'a>,
    plans: &'s [Option<Plan>],
    classes: &'s [Class],
    projs: FxHashMap<(usize, usize, usize), Proj<'a>>,
    leaf_memo: FxHashMap<(usize, usize, usize), bool>,
    /// Ordered blocks whose counts are all at most one, indexed (see `chain`).
    chains: FxHashMap<usize, Option<Chain<'s>>>,
    values: Vec<String>,
    value_ids: FxHashMap<String, u32>,
    /// Values in the whole output by a variable's regex (shared by the labels of
    /// a class): the output is scanned once per regex, not once per variable.
    output_values: FxHashMap<String, std::rc::Rc<Vec<u32>>>,
    /// Why the search over mappings stopped before trying them all.
    gave_up: Option<String>,
}

impl<'s, 'a> Checker<'s, 'a> {
    fn new(spec: &'s Spec, actual: &'a Actual<'a>) -> Self {
        Checker {
            spec,
            actual,
            plans: &spec.plans,
            classes: &spec.classes,
            projs: FxHashMap::default(),
            leaf_memo: FxHashMap::default(),
            chains: FxHashMap::default(),
            values: Vec::new(),
            value_ids: FxHashMap::default(),
            output_values: FxHashMap::default(),
            gave_up: None,
        }
    }

    fn tpl(&self, id: u32) -> &'s Template {
        &self.spec.templates[id as usize]
    }

    // ----- one assignment -----

    /// Place all blocks under assignment `sigma`. Returns (matched, blocks placed).
    fn leaf(&mut self, sigma: &[Option<String>]) -> (bool, usize) {
        let n = self.actual.lines.len();
        let nb = self.spec.blocks.len();
        let mut reach: BTreeSet<usize> = BTreeSet::from([0]);
        for b in 0..nb {
            let next = self.step(b, &reach, sigma);
            if next.is_empty() {
                return (false, b);
            }
            reach = next;
        }
        (reach.contains(&n), nb)
    }

    /// One step of the segmentation: the output positions where block `b` can
    /// end, matched, when it starts at any position in `reach`.
    fn step(
        &mut self,
        b: usize,
        reach: &BTreeSet<usize>,
        sigma: &[Option<String>],
    ) -> BTreeSet<usize> {
        let mut next = BTreeSet::new();
        for &s in reach {
            for e in self.ends(b, s) {
                if !next.contains(&e) && self.block_ok(b, s, e, sigma) {
                    next.insert(e);
                }
            }
        }
        next
    }

    fn ends(&self, b: usize, s: usize) -> Vec<usize> {
        let n = self.actual.lines.len();
        let (min, max) = self.spec.blocks[b].size_range();
        if b + 1 == self.spec.blocks.len() {
            let fits = n >= s + min && max.is_none_or(|m| n - s <= m);
            return if fits { vec![n] } else { Vec::new() };
        }
        let hi = max.map_or(n, |m| (s + m).min(n));
        if max == Some(min) {
            return (s + min..=hi).collect();
        }
        // A block of variable size ends only where the next one can start: a
        // required first line of an ordered block must be there.
        (s + min..=hi)
            .filter(|&e| self.can_start(b + 1, e))
            .collect()
    }

    /// Can block `b` start at output line `e`? (False only when it surely cannot.)
    fn can_start(&self, b: usize, e: usize) -> bool {
        let block = &self.spec.blocks[b];
        let Some(first) = block.items.first() else {
            return true;
        };
        if block.kind != Kind::Ordered || first.min == 0 {
            return true;
        }
        let Some(line) = self.actual.lines.get(e) else {
            return false;
        };
        let t = &self.spec.templates[first.tpl as usize];
        // Only templates without variables: the assignment is not known here.
        t.has_slots() || matches(t, line, &self.spec.cx(), &mut Bind::binding())
    }

    fn block_ok(&mut self, b: usize, s: usize, e: usize, sigma: &[Option<String>]) -> bool {
        if let Some(&r) = self.leaf_memo.get(&(b, s, e)) {
            return r;
        }
        let r = self.block_check(b, s, e, sigma);
        self.leaf_memo.insert((b, s, e), r);
        r
    }

    fn block_check(&mut self, b: usize, s: usize, e: usize, sigma: &[Option<String>]) -> bool {
        let spec = self.spec;
        let block = &spec.blocks[b];
        let lines = &self.actual.lines[s..e];
        if lines
            .iter()
            .any(|l| block.forbids.iter().any(|f| f.re.is_match(l)))
        {
            return false;
        }
        if block
            .counted
            .iter()
            .any(|c| c.violated(lines.iter().copied()).is_some())
        {
            return false;
        }
        let cx = spec.cx();
        match block.kind {
            Kind::Ordered if block.groups.is_empty() && spec.num_init.is_empty() => {
                let chain = self.chains.entry(b).or_insert_with(|| {
                    let texts: Vec<Option<&str>> = block
                        .items
                        .iter()
                        .map(|i| spec.templates[i.tpl as usize].plain_text(&cx))
                        .collect();
                    Chain::new(&block.counts(), &texts)
                });
                let m = |i: usize, j: usize| {
                    let t = &spec.templates[block.items[i].tpl as usize];
                    matches(t, lines[j], &cx, &mut Bind::fixed(sigma))
                };
                match chain {
                    Some(chain) => chain.matches(lines.len(), |j| lines[j], m).is_ok(),
                    None => crate::seq::seq_match(&block.counts(), lines.len(), m).is_ok(),
                }
            }
            Kind::Ordered => {
                let counts = block.counts();
                seq_check(
                    &counts,
                    &block.groups,
                    lines.len(),
                    &spec.num_init,
                    |i, j, env| {
                        let t = &spec.templates[block.items[i].tpl as usize];
                        matches_opt(t, lines[j], &cx, &mut Bind::fixed(sigma), env)
                    },
                )
                .is_ok()
            }
            Kind::Unordered => unordered::unordered(spec, block, lines, sigma).0,
            Kind::Tokens => {
                let want: Vec<&str> = block.items.iter().map(|i| i.text.as_str()).collect();
                tokens_match(&want, lines)
            }
            Kind::Interleave => self.interleave_ok(b, s, e, sigma),
        }
    }
}
