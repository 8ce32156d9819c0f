//! What a failed check prints: a verdict line naming the file and the block, the
//! identity mapping that was tried, each missing line with the closest actual line,
//! and a diff of the block in output order.

use crate::check::Actual;
use crate::error::edit_distance;
use crate::pattern::{Bind, matches};
use crate::spec::{Block, Spec};
use std::collections::{BTreeMap, HashSet};
use std::fmt;

/// Most diff lines shown; the rest is summarised.
const DIFF_LIMIT: usize = 200;

/// One line of a block diff.
#[derive(Debug, Clone)]
pub(crate) enum DiffLine {
    /// Actual line (0-based) that matched its reference line.
    Same(usize, String),
    /// Reference line (spec line number) with no actual line.
    Missing(usize, String),
    /// Actual line (0-based) that no reference line accounts for.
    Extra(usize, String),
}

/// A missing reference line: spec line, text, and the closest actual line (and
/// whether that line matches it, i.e. it is there but out of order).
pub(crate) type Missing = (usize, String, Option<(usize, String, bool)>);

/// What the report of one block needs to look at.
#[derive(Clone, Copy)]
pub(crate) struct View<'a> {
    pub(crate) spec: &'a Spec,
    pub(crate) block: &'a Block,
    pub(crate) actual: &'a Actual<'a>,
    pub(crate) sigma: &'a [Option<String>],
}

/// Everything known about why a check failed.
#[derive(Debug, Clone)]
pub(crate) struct Failure {
    file: String,
    block: Option<String>,
    pub(crate) reason: String,
    mapping: Vec<(String, Option<String>)>,
    /// Reference thread key -> actual thread key it was compared with.
    pub(crate) threads: Vec<(String, Option<String>)>,
    /// (spec line, text, closest actual line)
    pub(crate) missing: Vec<Missing>,
    pub(crate) unexpected: Vec<usize>,
    pub(crate) diff: Vec<DiffLine>,
    /// Extra remarks (e.g. the search for a mapping gave up).
    pub(crate) notes: Vec<String>,
}

impl Failure {
    pub(crate) fn new(
        spec: &Spec,
        block: Option<usize>,
        mapping: Vec<(String, Option<String>)>,
    ) -> Self {
        Failure {
            file: spec.name.clone(),
            block: block.map(|b| spec.blocks[b].describe()),
            reason: String::new(),
            mapping,
            threads: Vec::new(),
            missing: Vec::new(),
            unexpected: Vec::new(),
            diff: Vec::new(),
            notes: Vec::new(),
        }
    }

    pub(crate) fn forbidden(
        spec: &Spec,
        block: Option<usize>,
        spec_line: usize,
        j: usize,
        line: &str,
    ) -> Self {
        let mut f = Failure::new(spec, block, Vec::new());
        f.reason = format!(
            "output line {} matches the `%forbid` of spec line {spec_line}",
            j + 1
        );
        f.unexpected.push(j);
        f.diff.push(DiffLine::Extra(j, line.to_owned()));
        f
    }

    /// Fill in missing/unexpected lines and the diff of an unordered block from a
    /// maximum assignment: missing lines are listed at the end.
    pub(crate) fn absorb_unordered(
        &mut self,
        view: &View<'_>,
        items: &[usize],
        lines: &[usize],
        pairs: &[(usize, usize)],
    ) {
        let View { block, actual, .. } = *view;
        let (matched_items, matched_lines) = tally(pairs);
        let missing = missing_items(block, items, &matched_items);
        for &j in lines {
            if matched_lines.contains(&j) {
                self.diff
                    .push(DiffLine::Same(j, actual.lines[j].to_owned()));
            } else {
                self.unexpected.push(j);
                self.diff
                    .push(DiffLine::Extra(j, actual.lines[j].to_owned()));
            }
        }
        for &i in &missing {
            self.diff.push(DiffLine::Missing(
                block.items[i].line,
                block.items[i].text.clone(),
            ));
        }
        self.finish(view, &missing, lines);
    }

    fn finish(&mut self, view: &View<'_>, missing: &[usize], lines: &[usize]) {
        let View {
            spec,
            block,
            actual,
            sigma,
        } = *view;
        let pool: Vec<usize> = if self.unexpected.is_empty() {
            lines.to_vec()
        } else {
            self.unexpected.clone()
        };
        let cx = spec.cx();
        for &i in missing {
            let item = &block.items[i];
            let tpl = &spec.templates[item.tpl as usize];
            // A line that matches it (it is there, out of order), else the nearest
            // by edit distance.
            let same = pool
                .iter()
                .chain(lines)
                .find(|&&j| matches(tpl, actual.lines[j], &cx, &mut Bind::fixed(sigma)))
                .map(|&j| (j, actual.lines[j].to_owned(), true));
            let closest = same.or_else(|| {
                pool.iter()
                    .filter(|&&j| actual.lines[j].len() < 2000 && item.text.len() < 2000)
                    .min_by_key(|&&j| edit_distance(&item.text, actual.lines[j]))
                    .map(|&j| (j, actual.lines[j].to_owned(), false))
            });
            self.missing.push((item.line, item.text.clone(), closest));
        }
        self.reason = match (self.missing.len(), self.unexpected.len()) {
            (0, 0) => "the lines are all there, but not in an order the block allows".to_owned(),
            (m, 0) => format!("{m} missing line(s)"),
            (0, u) => format!("{u} unexpected line(s)"),
            (m, u) => format!("{m} missing line(s), {u} unexpected line(s)"),
        };
    }
}

fn tally(pairs: &[(usize, usize)]) -> (BTreeMap<usize, usize>, HashSet<usize>) {
    let mut items = BTreeMap::new();
    let mut lines = HashSet::new();
    for &(i, j) in pairs {
        *items.entry(i).or_insert(0) += 1;
        lines.insert(j);
    }
    (items, lines)
}

fn missing_items(block: &Block, items: &[usize], matched: &BTreeMap<usize, usize>) -> Vec<usize> {
    let mut out = Vec::new();
    for &i in items {
        let have = matched.get(&i).copied().unwrap_or(0);
        for _ in have..block.items[i].min {
            out.push(i);
        }
    }
    out
}

/// Most pairs listed in a mapping line.
const PAIR_LIMIT: usize = 20;

/// `a -> b, c -> (none), ...` (at most `PAIR_LIMIT` pairs).
fn pairs(list: &[(String, Option<String>)]) -> String {
    let mut out: Vec<String> = list
        .iter()
        .take(PAIR_LIMIT)
        .map(|(k, v)| format!("{k} -> {}", v.as_deref().unwrap_or("(none)")))
        .collect();
    if list.len() > PAIR_LIMIT {
        out.push(format!("... {} more", list.len() - PAIR_LIMIT));
    }
    out.join(", ")
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.block {
            Some(b) => writeln!(f, "FAIL {}: {b}: {}", self.file, self.reason)?,
            None => writeln!(f, "FAIL {}: {}", self.file, self.reason)?,
        }
        for note in &self.notes {
            writeln!(f, "  note: {note}")?;
        }
        if !self.mapping.is_empty() {
            writeln!(f, "  identity mapping tried: {}", pairs(&self.mapping))?;
        }
        if !self.threads.is_empty() {
            writeln!(f, "  threads compared: {}", pairs(&self.threads))?;
        }
        for (line, text, closest) in &self.missing {
            writeln!(f, "  missing (spec line {line}): {text}")?;
            match closest {
                Some((j, l, true)) => writeln!(
                    f,
                    "      actual line {} matches it, out of order: {l}",
                    j + 1
                )?,
                Some((j, l, false)) => writeln!(f, "      closest actual line {}: {l}", j + 1)?,
                None => writeln!(f, "      (this block's part of the output is empty)")?,
            }
        }
        if !self.diff.is_empty() {
            writeln!(f, "  diff of the block (- expected, + actual, = matched):")?;
            for d in self.diff.iter().take(DIFF_LIMIT) {
                match d {
                    DiffLine::Same(j, l) => writeln!(f, "  = {:>5} | {l}", j + 1)?,
                    DiffLine::Missing(n, l) => writeln!(f, "  - {:>5} | {l}", format!("s{n}"))?,
                    DiffLine::Extra(j, l) => writeln!(f, "  + {:>5} | {l}", j + 1)?,
                }
            }
            if self.diff.len() > DIFF_LIMIT {
                writeln!(f, "  ... {} more diff lines", self.diff.len() - DIFF_LIMIT)?;
            }
        }
        Ok(())
    }
}
