//! Explaining a failed check: place the blocks under the best assignment found,
//! take the first block that cannot be placed, and align its reference lines with
//! its stretch of output for the report.

use super::Checker;
use super::first_bad::ThreadPair;
use super::unordered::unordered;
use crate::matching::hopcroft_karp;
use crate::report::{DiffLine, Failure, View};
use crate::spec::Kind;
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
        for c in &block.counted {
            if let Some(k) = c.violated(lines.iter().map(|&j| self.actual.lines[j])) {
                let want = match c.max {
                    Some(m) if m == c.min => format!("{m}"),
                    Some(m) => format!("{}..{m}", c.min),
                    None => format!("{}..", c.min),
                };
                f.reason = format!(
                    "{k} line(s) match `%count {want} /{}/` (spec line {})",
                    c.re.as_str(),
                    c.line
                );
                return f;
            }
        }
        let view = View {
            spec,
            block,
            actual: self.actual,
            sigma,
        };
        let items: Vec<usize> = (0..block.items.len()).collect();
        match block.kind {
            Kind::Ordered => self.explain_ordered(&mut f, block, &lines, sigma),
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
                f.reason = if m.is_empty() && x.is_empty() {
                    "the tokens are all there, but no interleaving of the reference lines keeps each line's tokens in order".to_owned()
                } else {
                    format!("tokens differ: missing {m:?}, unexpected {x:?}")
                };
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
                // Pair threads by key (and by content where keys allow several).
                let adj: Vec<Vec<u32>> = (0..plan.threads.len())
                    .map(|t| {
                        self.key_candidates(b, s, e, t, sigma)
                            .into_iter()
                            .map(|ak| ak as u32)
                            .collect()
                    })
                    .collect();
                let proj = &self.projs[&(b, s, e)];
                let m = hopcroft_karp(proj.keys.len(), &adj);
                let mut pairs: Vec<ThreadPair<'_>> = Vec::new();
                let mut taken = vec![false; proj.keys.len()];
                for (t, thread) in plan.threads.iter().enumerate() {
                    let name = spec.key_text(thread.key).to_owned();
                    let act = m[t].map(|ak| {
                        taken[ak as usize] = true;
                        &proj.lines[ak as usize][..]
                    });
                    f.threads
                        .push((name, m[t].map(|ak| proj.keys[ak as usize].to_owned())));
                    pairs.push((Some(&thread.items[..]), act));
                }
                for (ak, t) in taken.iter().enumerate() {
                    if !t {
                        f.threads
                            .push(("(none)".to_owned(), Some(proj.keys[ak].to_owned())));
                        pairs.push((None, Some(&proj.lines[ak][..])));
                    }
                }
                pairs.push((Some(&plan.unkeyed[..]), Some(&proj.unkeyed[..])));
                if self.explain_threads(&mut f, block, &pairs, sigma) {
                    return f;
                }
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
