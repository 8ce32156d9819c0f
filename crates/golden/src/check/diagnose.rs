//! Explaining a failed check: place the blocks under the best assignment found,
//! take the first block that cannot be placed, and align its reference lines with
//! its stretch of output for the report.

use super::unordered::unordered;
use super::{Actual, Checker};
use crate::matching::hopcroft_karp;
use crate::pattern::{Bind, matches};
use crate::report::{DiffLine, Failure, View};
use crate::spec::{Block, Kind, Spec};
use crate::tokens::{bag_diff, tokens};
use std::collections::BTreeSet;

impl Checker<'_, '_> {
    pub(super) fn diagnose(&mut self, sigma: &[Option<String>]) -> Failure {
        self.leaf_memo.clear();
        let n = self.actual.lines.len();
        let nb = self.spec.blocks.len();
        let mapping: Vec<(String, Option<String>)> = self
            .spec
            .vars
            .iter()
            .enumerate()
            .map(|(v, var)| (var.name.clone(), sigma[v].clone()))
            .collect();
        let mut reach: BTreeSet<usize> = BTreeSet::from([0]);
        for b in 0..nb {
            let next = self.step(b, &reach, sigma);
            if next.is_empty() {
                let s = *reach.iter().next().unwrap_or(&0);
                let e = self.guess_end(b, s);
                return self.explain(b, s, e, sigma, mapping);
            }
            reach = next;
        }
        // Every block placed, but not ending at the end of the output: extra lines.
        let last = reach.iter().next_back().copied().unwrap_or(0);
        let mut f = Failure::new(self.spec, None, mapping);
        f.reason = format!(
            "{} unexpected line(s) after the last block",
            n.saturating_sub(last)
        );
        for j in last..n {
            f.unexpected.push(j);
            f.diff
                .push(DiffLine::Extra(j, self.actual.lines[j].to_owned()));
        }
        f
    }

    pub(super) fn guess_end(&self, b: usize, s: usize) -> usize {
        let n = self.actual.lines.len();
        if b + 1 == self.spec.blocks.len() {
            return n;
        }
        let block = &self.spec.blocks[b];
        let (min, max) = block.size_range();
        let want = if block.kind == Kind::Tokens {
            block.items.len()
        } else {
            block
                .items
                .iter()
                .map(|i| i.min.max(1).min(i.max.unwrap_or(usize::MAX)))
                .sum()
        };
        let want = want.max(min).min(max.unwrap_or(usize::MAX));
        (s + want).min(n)
    }

    pub(super) fn explain(
        &mut self,
        b: usize,
        s: usize,
        e: usize,
        sigma: &[Option<String>],
        mapping: Vec<(String, Option<String>)>,
    ) -> Failure {
        let spec = self.spec;
        let block = &spec.blocks[b];
        let mut f = Failure::new(spec, Some(b), mapping);
        let lines: Vec<usize> = (s..e).collect();
        for &j in &lines {
            if let Some(fb) = block
                .forbids
                .iter()
                .find(|fb| fb.re.is_match(self.actual.lines[j]))
            {
                return Failure::forbidden(spec, Some(b), fb.line, j, self.actual.lines[j]);
            }
        }
        let cx = spec.cx();
        let view = View {
            spec,
            block,
            actual: self.actual,
            sigma,
        };
        let items: Vec<usize> = (0..block.items.len()).collect();
        match block.kind {
            Kind::Ordered => {
                let pairs = align(spec, block, &items, &lines, self.actual, sigma);
                f.absorb(&view, &items, &lines, &pairs);
            }
            Kind::Unordered => {
                let (_, pairs) = unordered(spec, block, &self.actual.lines[s..e], sigma);
                let pairs: Vec<(usize, usize)> =
                    pairs.into_iter().map(|(i, j)| (i, j + s)).collect();
                f.absorb_unordered(&view, &items, &lines, &pairs);
            }
            Kind::Tokens => {
                let want: Vec<&str> = block.items.iter().map(|i| i.text.as_str()).collect();
                let want = want.join("\n");
                let got = self.actual.lines[s..e].join("\n");
                let (m, x) = bag_diff(&tokens(&want), &tokens(&got));
                f.reason = format!("tokens differ: missing {m:?}, unexpected {x:?}");
                for it in &block.items {
                    f.diff.push(DiffLine::Missing(it.line, it.text.clone()));
                }
                for &j in &lines {
                    f.diff
                        .push(DiffLine::Extra(j, self.actual.lines[j].to_owned()));
                }
            }
            Kind::Interleave => {
                self.ensure_proj(b, s, e);
                let plan = self.plans[b].as_ref().expect("plan");
                let proj = &self.projs[&(b, s, e)];
                // Pair threads by key (and by content where keys allow several).
                let adj: Vec<Vec<u32>> = (0..plan.threads.len())
                    .map(|t| {
                        let kt = self.tpl(plan.threads[t].key_tpl);
                        (0..proj.keys.len())
                            .filter(|&ak| matches(kt, proj.keys[ak], &cx, &mut Bind::fixed(sigma)))
                            .map(|ak| ak as u32)
                            .collect()
                    })
                    .collect();
                let m = hopcroft_karp(proj.keys.len(), &adj);
                let mut all_pairs = Vec::new();
                let mut taken = vec![false; proj.keys.len()];
                for (t, thread) in plan.threads.iter().enumerate() {
                    let act: Vec<usize> = match m[t] {
                        Some(ak) => {
                            taken[ak as usize] = true;
                            f.threads.push((
                                spec.key_text(thread.key).to_owned(),
                                Some(proj.keys[ak as usize].to_owned()),
                            ));
                            proj.lines[ak as usize].clone()
                        }
                        None => {
                            f.threads.push((spec.key_text(thread.key).to_owned(), None));
                            Vec::new()
                        }
                    };
                    all_pairs.extend(align(spec, block, &thread.items, &act, self.actual, sigma));
                }
                for (ak, t) in taken.iter().enumerate() {
                    if !t {
                        f.threads
                            .push(("(none)".to_owned(), Some(proj.keys[ak].to_owned())));
                    }
                }
                all_pairs.extend(align(
                    spec,
                    block,
                    &plan.unkeyed,
                    &proj.unkeyed,
                    self.actual,
                    sigma,
                ));
                f.absorb(&view, &items, &lines, &all_pairs);
                if f.missing.is_empty() && f.unexpected.is_empty() {
                    f.reason =
                        "every line has a partner, but no consistent thread mapping was found"
                            .to_owned();
                    let pairing: Vec<usize> =
                        m.iter().map(|x| x.map_or(0, |a| a as usize)).collect();
                    if m.iter().all(Option::is_some) {
                        if let Some((i, last, first)) = self.sync_violation(b, s, e, &pairing) {
                            let sync = &block.syncs[i];
                            f.reason = format!(
                                "output line {} ({}) comes after output line {} ({}), but `%sync {} -> {}` (spec line {}) orders them",
                                last + 1,
                                spec.key_text(sync.from),
                                first + 1,
                                spec.key_text(sync.to),
                                spec.key_text(sync.from),
                                spec.key_text(sync.to),
                                sync.line
                            );
                        }
                    }
                }
            }
        }
        f
    }
}

/// Align reference items with actual lines (longest common subsequence where
/// "equal" means "the line matches the item"), for reports.
fn align(
    spec: &Spec,
    block: &Block,
    items: &[usize],
    lines: &[usize],
    actual: &Actual<'_>,
    sigma: &[Option<String>],
) -> Vec<(usize, usize)> {
    let cx = spec.cx();
    let (n, m) = (items.len(), lines.len());
    if n.saturating_mul(m) > 4_000_000 {
        return Vec::new();
    }
    let eq = |i: usize, j: usize| {
        matches(
            &spec.templates[block.items[items[i]].tpl as usize],
            actual.lines[lines[j]],
            &cx,
            &mut Bind::fixed(sigma),
        )
    };
    let mut dp = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            dp[i][j] = if eq(i, j) {
                dp[i + 1][j + 1] + 1
            } else {
                dp[i + 1][j].max(dp[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut pairs = Vec::new();
    while i < n && j < m {
        if eq(i, j) && dp[i][j] == dp[i + 1][j + 1] + 1 {
            pairs.push((items[i], lines[j]));
            // A repeatable item may take the following lines too.
            let it = &block.items[items[i]];
            let mut taken = 1;
            j += 1;
            while it.max.is_none_or(|mx| taken < mx)
                && j < m
                && eq(i, j)
                && (i + 1 >= n || !eq(i + 1, j) || dp[i][j] > dp[i + 1][j])
            {
                pairs.push((items[i], lines[j]));
                taken += 1;
                j += 1;
            }
            i += 1;
        } else if dp[i + 1][j] >= dp[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    pairs
}
