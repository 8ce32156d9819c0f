//! Unordered blocks: a multiset of line patterns against a stretch of output, by
//! maximum flow (identical lines and identical patterns grouped).

use crate::fxhash::FxHashMap;
use crate::matching::Flow;
use crate::pattern::{Bind, Seg, Template, matches};
use crate::spec::{Block, Spec};

/// Identical patterns of an unordered block: template, total min, total max
/// (their items are the lists of a [`Flat`]).
type Pattern = (u32, usize, Option<usize>);

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
    // Flat arrays, not a list per group: a million distinct lines are a million
    // groups.
    let mut texts: Vec<&str> = Vec::new();
    let mut gi: FxHashMap<&str, u32> = FxHashMap::default();
    gi.reserve(lines.len());
    let group_of: Vec<u32> = lines
        .iter()
        .map(|l| {
            *gi.entry(l).or_insert_with(|| {
                texts.push(l);
                u32::try_from(texts.len() - 1).unwrap_or(u32::MAX)
            })
        })
        .collect();
    let members = Flat::new(texts.len(), group_of.iter().copied());
    drop(group_of);
    let mut pats: Vec<Pattern> = Vec::new();
    // Pattern of each template id, plus one (0: none yet): a flat array, not a
    // hash map, since a block's template ids mostly rise line by line (pages
    // of it that no item of the block uses are never touched).
    let mut pi: Vec<u32> = vec![0; spec.templates.len()];
    let pat_of: Vec<u32> = block
        .items
        .iter()
        .map(|it| {
            let slot = &mut pi[it.tpl as usize];
            if *slot == 0 {
                pats.push((it.tpl, 0, Some(0)));
                *slot = u32::try_from(pats.len()).unwrap_or(u32::MAX);
            }
            let p = *slot - 1;
            let e = &mut pats[p as usize];
            e.1 += it.min;
            e.2 = match (e.2, it.max) {
                (Some(a), Some(b)) => Some(a + b),
                _ => None,
            };
            p
        })
        .collect();
    drop(pi);
    let pat_items = Flat::new(pats.len(), pat_of.iter().copied());
    drop(pat_of);
    // A pattern without regexes stands for exactly one line: look it up. The
    // others are tried only on the lines that share their literal ends.
    let edges = {
        let exact: Vec<Option<String>> = pats
            .iter()
            .map(|p| spec.templates[p.0 as usize].exact_line(sigma, spec.key_width))
            .collect();
        let loose: Vec<&Template> = pats
            .iter()
            .zip(&exact)
            .filter(|(_, e)| e.is_none())
            .map(|(p, _)| &spec.templates[p.0 as usize])
            .collect();
        let near = candidates(&texts, &loose);
        let mut k = 0;
        let mut start: Vec<u32> = Vec::with_capacity(pats.len() + 1);
        let mut to: Vec<u32> = Vec::new();
        for (p, e) in pats.iter().zip(&exact) {
            start.push(u32::try_from(to.len()).unwrap_or(u32::MAX));
            let t = &spec.templates[p.0 as usize];
            let fits = |g: &u32| matches(t, texts[*g as usize], &cx, &mut Bind::fixed(sigma));
            match e {
                Some(line) => to.extend(gi.get(line.as_str()).copied().filter(fits)),
                None => {
                    to.extend(near.get(k).iter().copied().filter(fits));
                    k += 1;
                }
            }
        }
        start.push(u32::try_from(to.len()).unwrap_or(u32::MAX));
        Flat { start, items: to }
    };
    drop(gi);
    let ng = texts.len();
    let run = |cap: &dyn Fn(&Pattern) -> u64| {
        let (src, sink) = (0, 1);
        let mut fl = Flow::new(2 + ng + pats.len());
        fl.reserve(ng + edges.items.len() + pats.len());
        for g in 0..ng {
            fl.edge(src, 2 + g, members.get(g).len() as u64);
        }
        // Edge ids of pattern-line edges, in the order of `edges`.
        let mut ids: Vec<usize> = Vec::with_capacity(edges.items.len());
        for (p, pat) in pats.iter().enumerate() {
            for &g in edges.get(p) {
                ids.push(fl.edge(2 + g as usize, 2 + ng + p, u64::MAX / 4));
            }
            fl.edge(2 + ng + p, sink, cap(pat));
        }
        let total = fl.max_flow(src, sink);
        let mut used: Vec<(usize, usize, u64)> = Vec::new();
        let mut k = 0;
        for p in 0..pats.len() {
            for &g in edges.get(p) {
                let f = fl.flow_on(ids[k]);
                k += 1;
                if f > 0 {
                    used.push((p, g as usize, f));
                }
            }
        }
        (total, used)
    };
    let nlines = lines.len() as u64;
    let (all, used) = run(&|p| p.2.map_or(nlines, |m| m as u64));
    let need: u64 = pats.iter().map(|p| p.1 as u64).sum();
    // When every count is fixed both runs are the same network: run it once.
    let req = if pats.iter().all(|p| p.2 == Some(p.1)) {
        all
    } else {
        run(&|p| p.1 as u64).0
    };
    // Both a matching covering every line and one covering every required copy
    // exist, so (Mendelsohn–Dulmage) one matching covers both.
    let ok = all == nlines && req == need;
    // Assignment for reports: hand out lines of each group to the items of a pattern.
    let mut pairs = Vec::new();
    let mut next_line: Vec<usize> = vec![0; ng];
    for (p, g, f) in used {
        let mut left = f as usize;
        let items = pat_items.get(p);
        let of_g = members.get(g);
        let mut k = 0;
        while left > 0 && next_line[g] < of_g.len() {
            pairs.push((items[k % items.len()] as usize, of_g[next_line[g]] as usize));
            next_line[g] += 1;
            left -= 1;
            k += 1;
        }
    }
    (ok, pairs)
}

/// Lists of `u32` in one array: list `i` is `items[start[i]..start[i + 1]]`.
struct Flat {
    start: Vec<u32>,
    items: Vec<u32>,
}

impl Flat {
    /// Lists `0..n`; `of` gives the list of each index `0, 1, ...` in turn, so
    /// each list holds its indices in increasing order.
    fn new(n: usize, of: impl Iterator<Item = u32> + Clone) -> Self {
        let mut start = vec![0u32; n + 1];
        for b in of.clone() {
            start[b as usize + 1] += 1;
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        let mut fill = start.clone();
        let mut items = vec![0u32; start[n] as usize];
        for (j, b) in of.enumerate() {
            items[fill[b as usize] as usize] = u32::try_from(j).unwrap_or(u32::MAX);
            fill[b as usize] += 1;
        }
        Flat { start, items }
    }

    fn get(&self, i: usize) -> &[u32] {
        &self.items[self.start[i] as usize..self.start[i + 1] as usize]
    }
}

/// The leading (`Pre`) or trailing (`Suf`) literal text of patterns.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum End {
    Pre,
    Suf,
}

/// The last (or first) `len` bytes of `s` as a key, if it has that many.
fn end_key(s: &[u8], end: End, len: usize) -> Option<u64> {
    use std::hash::Hasher;
    if s.len() < len {
        return None;
    }
    let part = match end {
        End::Pre => &s[..len],
        End::Suf => &s[s.len() - len..],
    };
    let mut h = crate::fxhash::FxHasher::default();
    h.write(part);
    Some(h.finish())
}

/// The best range found for a pattern: (count, side, key length, lo, hi).
type Range = (usize, End, usize, usize, usize);

/// Key length for a literal end of `len` bytes: the largest power of two not
/// above it (at most 64), so that few lengths are indexed whatever the
/// patterns, and a key is at least half the literal it stands for.
fn key_len(len: usize) -> usize {
    if len == 0 {
        0
    } else {
        (1usize << len.ilog2()).min(64)
    }
}

/// For each template, the lines (indices into `lines`, sorted) that may match
/// it: those sharing its literal prefix's or suffix's key, whichever side has
/// fewer; every line when it has no literal end. A superset: the matcher has
/// the last word.
///
/// Lines and patterns are hashed by their ends at each key length in use
/// (at most 7 per side), both lists sorted, and merged: O((lines + patterns)
/// log) with sequential memory access, instead of a binary search over the
/// lines' text for each pattern (a cache miss per step on a million lines).
fn candidates(lines: &[&str], tpls: &[&Template]) -> Flat {
    use std::borrow::Cow;
    // Borrowed when the end is one literal piece (pieces are merged, so almost
    // always): no two copies per pattern.
    let ends: Vec<[Cow<'_, [u8]>; 2]> = tpls
        .iter()
        .map(|t| {
            fn lit(s: &Seg) -> Option<&[u8]> {
                match s {
                    Seg::Lit(l) => Some(l.as_bytes()),
                    _ => None,
                }
            }
            fn joined(mut run: Vec<&[u8]>, rev: bool) -> Cow<'_, [u8]> {
                if rev {
                    run.reverse();
                }
                match run.as_slice() {
                    [] => Cow::Borrowed(&[]),
                    [one] => Cow::Borrowed(*one),
                    _ => Cow::Owned(run.concat()),
                }
            }
            // One literal at an end (the common case): borrowed without
            // collecting the run into a list first.
            fn one(segs: &[Seg], rev: bool) -> Cow<'_, [u8]> {
                let (a, b) = if rev {
                    (
                        segs.last(),
                        segs.len().checked_sub(2).and_then(|i| segs.get(i)),
                    )
                } else {
                    (segs.first(), segs.get(1))
                };
                match (a.and_then(lit), b.and_then(lit)) {
                    (None, _) => Cow::Borrowed(&[][..]),
                    (Some(l), None) => Cow::Borrowed(l),
                    _ if rev => joined(segs.iter().rev().map_while(lit).collect(), true),
                    _ => joined(segs.iter().map_while(lit).collect(), false),
                }
            }
            [one(&t.segs, false), one(&t.segs, true)]
        })
        .collect();
    let mut best: Vec<Option<Range>> = vec![None; tpls.len()];
    let mut tables: FxHashMap<(End, usize), Vec<(u64, u32)>> = FxHashMap::default();
    for (side, end) in [End::Pre, End::Suf].into_iter().enumerate() {
        let mut queries: FxHashMap<usize, Vec<(u64, u32)>> = FxHashMap::default();
        for (p, e) in ends.iter().enumerate() {
            let len = key_len(e[side].len());
            if let Some(k) = end_key(&e[side], end, len).filter(|_| len > 0) {
                queries.entry(len).or_default().push((k, p as u32));
            }
        }
        for (len, mut qs) in queries {
            let mut table: Vec<(u64, u32)> = lines
                .iter()
                .enumerate()
                .filter_map(|(g, l)| Some((end_key(l.as_bytes(), end, len)?, g as u32)))
                .collect();
            table.sort_unstable();
            qs.sort_unstable();
            // Queries in key order: each table entry is passed once (a key shared
            // by many patterns is measured once).
            let (mut lo, mut hi) = (0, 0);
            for (k, p) in qs {
                if hi == lo || table[lo].0 != k {
                    lo = hi.max(lo);
                    while lo < table.len() && table[lo].0 < k {
                        lo += 1;
                    }
                    hi = lo;
                    while hi < table.len() && table[hi].0 == k {
                        hi += 1;
                    }
                }
                let b = &mut best[p as usize];
                if b.is_none_or(|b| hi - lo < b.0) {
                    *b = Some((hi - lo, end, len, lo, hi));
                }
            }
            tables.insert((end, len), table);
        }
    }
    let mut start: Vec<u32> = Vec::with_capacity(tpls.len() + 1);
    let mut items: Vec<u32> = Vec::new();
    for b in best {
        start.push(u32::try_from(items.len()).unwrap_or(u32::MAX));
        match b {
            None => items.extend(0..u32::try_from(lines.len()).unwrap_or(u32::MAX)),
            // Sorted by (key, line): the lines of one key are in order.
            Some((_, end, len, lo, hi)) => {
                items.extend(tables[&(end, len)][lo..hi].iter().map(|&(_, g)| g));
            }
        }
    }
    start.push(u32::try_from(items.len()).unwrap_or(u32::MAX));
    Flat { start, items }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every line that has a template's literal prefix and suffix is among its
    /// candidates, in line order (random lines and templates, brute force).
    #[test]
    fn candidates_hold_every_line_with_the_literal_ends() {
        let x = std::cell::Cell::new(0x2545_F491_4F6C_DD1D_u64);
        let rnd = |k: u64| {
            let mut v = x.get();
            v ^= v << 13;
            v ^= v >> 7;
            v ^= v << 17;
            x.set(v);
            (v % k) as usize
        };
        let word = |n: usize| -> String { (0..n).map(|_| ["a", "b", " "][rnd(3)]).collect() };
        for _ in 0..300 {
            let lines: Vec<String> = (0..1 + rnd(40))
                .map(|_| {
                    let n = rnd(14);
                    word(n)
                })
                .collect();
            let tpls: Vec<Template> = (0..1 + rnd(10))
                .map(|_| {
                    let (a, b) = (rnd(6), rnd(6));
                    let mut segs = Vec::new();
                    if a > 0 {
                        segs.push(Seg::Lit(word(a).into()));
                    }
                    segs.push(Seg::Re(0));
                    if b > 0 {
                        segs.push(Seg::Lit(word(b).into()));
                    }
                    Template::new(segs)
                })
                .collect();
            let texts: Vec<&str> = lines.iter().map(String::as_str).collect();
            let refs: Vec<&Template> = tpls.iter().collect();
            let got = candidates(&texts, &refs);
            for (i, t) in tpls.iter().enumerate() {
                let c: Vec<usize> = got.get(i).iter().map(|&g| g as usize).collect();
                assert!(c.windows(2).all(|w| w[0] < w[1]), "sorted: {c:?}");
                let lit = |s: Option<&Seg>| match s {
                    Some(Seg::Lit(l)) => l.to_string(),
                    _ => String::new(),
                };
                let (pre, suf) = (lit(t.segs.first()), lit(t.segs.last()));
                for (g, l) in texts.iter().enumerate() {
                    let fits = l.len() >= pre.len() + suf.len()
                        && l.starts_with(&pre)
                        && l.ends_with(&suf);
                    assert!(!fits || c.contains(&g), "{l:?} for {pre:?}..{suf:?}: {c:?}");
                }
            }
        }
    }
}
