//! Unordered blocks: a multiset of line patterns against a stretch of output, by
//! maximum flow (identical lines and identical patterns grouped).

use crate::fxhash::FxHashMap;
use crate::matching::Flow;
use crate::pattern::{Bind, Seg, Template, matches};
use crate::spec::{Block, Spec};

/// Identical patterns of an unordered block: template, total min, total max, items.
type Pattern = (u32, usize, Option<usize>, Vec<usize>);

/// Check an unordered block: every line matched, every pattern within its count.
///
/// Returns the verdict and a maximum assignment (item, line offset) for reports.
pub(super) fn unordered(
    spec: &Spec,
    block: &Block,
    lines: &[&str],
    sigma: &[Option<String>],
) -> (bool, Vec<(usize, usize)>) {
    let cx = spec.cx();
    // Group identical lines and identical patterns: the flow network stays small.
    let mut groups: Vec<(&str, Vec<usize>)> = Vec::new();
    let mut gi: FxHashMap<&str, usize> = FxHashMap::default();
    for (j, l) in lines.iter().enumerate() {
        let g = *gi.entry(l).or_insert_with(|| {
            groups.push((l, Vec::new()));
            groups.len() - 1
        });
        groups[g].1.push(j);
    }
    let mut pats: Vec<Pattern> = Vec::new();
    let mut pi: FxHashMap<u32, usize> = FxHashMap::default();
    for (i, it) in block.items.iter().enumerate() {
        let p = *pi.entry(it.tpl).or_insert_with(|| {
            pats.push((it.tpl, 0, Some(0), Vec::new()));
            pats.len() - 1
        });
        let e = &mut pats[p];
        e.1 += it.min;
        e.2 = match (e.2, it.max) {
            (Some(a), Some(b)) => Some(a + b),
            _ => None,
        };
        e.3.push(i);
    }
    // A pattern without regexes stands for exactly one line: look it up.
    let index = Index::new(&groups);
    let edges: Vec<Vec<usize>> = pats
        .iter()
        .map(|p| {
            let t = &spec.templates[p.0 as usize];
            match t.exact_line(sigma, spec.key_width) {
                Some(line) => gi
                    .get(line.as_str())
                    .filter(|&&g| matches(t, groups[g].0, &cx, &mut Bind::fixed(sigma)))
                    .map(|&g| vec![g])
                    .unwrap_or_default(),
                None => index
                    .candidates(t)
                    .into_iter()
                    .filter(|&g| matches(t, groups[g].0, &cx, &mut Bind::fixed(sigma)))
                    .collect(),
            }
        })
        .collect();
    let run = |cap: &dyn Fn(&Pattern) -> u64| {
        let (src, sink) = (0, 1);
        let mut fl = Flow::new(2 + groups.len() + pats.len());
        for (g, grp) in groups.iter().enumerate() {
            fl.edge(src, 2 + g, grp.1.len() as u64);
        }
        let mut ids = Vec::new();
        for (p, pat) in pats.iter().enumerate() {
            for &g in &edges[p] {
                ids.push((p, g, fl.edge(2 + g, 2 + groups.len() + p, u64::MAX / 4)));
            }
            fl.edge(2 + groups.len() + p, sink, cap(pat));
        }
        let total = fl.max_flow(src, sink);
        let used: Vec<(usize, usize, u64)> = ids
            .iter()
            .map(|&(p, g, id)| (p, g, fl.flow_on(id)))
            .collect();
        (total, used)
    };
    let nlines = lines.len() as u64;
    let (all, used) = run(&|p| p.2.map_or(nlines, |m| m as u64));
    let need: u64 = pats.iter().map(|p| p.1 as u64).sum();
    let (req, _) = run(&|p| p.1 as u64);
    // Both a matching covering every line and one covering every required copy
    // exist, so (Mendelsohn–Dulmage) one matching covers both.
    let ok = all == nlines && req == need;
    // Assignment for reports: hand out lines of each group to the items of a pattern.
    let mut pairs = Vec::new();
    let mut next_line: Vec<usize> = vec![0; groups.len()];
    for (p, g, f) in used {
        let mut left = f as usize;
        let items = &pats[p].3;
        let mut k = 0;
        while left > 0 && next_line[g] < groups[g].1.len() {
            pairs.push((items[k % items.len()], groups[g].1[next_line[g]]));
            next_line[g] += 1;
            left -= 1;
            k += 1;
        }
    }
    (ok, pairs)
}

/// Distinct lines sorted by their text and by their reversed text, so that the
/// lines a pattern can match are found by its literal prefix and suffix (binary
/// search) instead of by trying every line.
struct Index {
    fwd: Vec<(String, usize)>,
    rev: Vec<(String, usize)>,
    all: usize,
}

impl Index {
    fn new(groups: &[(&str, Vec<usize>)]) -> Self {
        let mut fwd: Vec<(String, usize)> = groups
            .iter()
            .enumerate()
            .map(|(g, (l, _))| ((*l).to_owned(), g))
            .collect();
        let mut rev: Vec<(String, usize)> = groups
            .iter()
            .enumerate()
            .map(|(g, (l, _))| (l.chars().rev().collect(), g))
            .collect();
        fwd.sort_unstable();
        rev.sort_unstable();
        Index {
            fwd,
            rev,
            all: groups.len(),
        }
    }

    /// Lines that start with the template's leading text and end with its
    /// trailing text (the smaller of the two ranges), in line order.
    fn candidates(&self, t: &Template) -> Vec<usize> {
        let lit = |s: &Seg| match s {
            Seg::Lit(l) => Some(l.to_string()),
            _ => None,
        };
        let prefix: String = t.segs.iter().map_while(lit).collect();
        let suffix: String = t
            .segs
            .iter()
            .rev()
            .map_while(lit)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let range = |v: &[(String, usize)], p: &str| {
            let lo = v.partition_point(|(s, _)| s.as_str() < p);
            let hi = lo + v[lo..].partition_point(|(s, _)| s.starts_with(p));
            (lo, hi)
        };
        let (a, b) = range(&self.fwd, &prefix);
        let rsuffix: String = suffix.chars().rev().collect();
        let (c, d) = range(&self.rev, &rsuffix);
        let mut out: Vec<usize> = if prefix.is_empty() && suffix.is_empty() {
            (0..self.all).collect()
        } else if b - a <= d - c {
            self.fwd[a..b].iter().map(|x| x.1).collect()
        } else {
            self.rev[c..d].iter().map(|x| x.1).collect()
        };
        out.sort_unstable();
        out
    }
}
