//! Reports that name the first bad line: for an ordered block, and for each
//! thread of an interleave block, the first output line that the reference
//! cannot take (or where the output ends too early), found in one pass, instead
//! of an alignment of the whole block (quadratic, and on one wrong line in a
//! million, thousands of "missing" lines).

use super::Checker;
use crate::group::{group_match, seq_check};
use crate::pattern::{Bind, matches, matches_opt};
use crate::report::{DiffLine, Failure};
use crate::seq::{Count, Stepper};
use crate::spec::Block;

/// Most threads whose first bad line is listed.
const THREAD_LIMIT: usize = 20;

/// Lines of context shown before a bad line.
const CONTEXT: usize = 3;

/// A reference thread's items and the actual thread's lines compared with it
/// (`None`: no such thread).
pub(super) type ThreadPair<'p> = (Option<&'p [usize]>, Option<&'p [usize]>);

/// Where a sequence of items stops matching a sequence of lines.
pub(super) struct Bad {
    /// Index (into the lines) of the first line no item can take; the number of
    /// lines when they ran out first.
    pub(super) at: usize,
    /// The item expected there, when one can be named.
    pub(super) item: Option<usize>,
}

impl Checker<'_, '_> {
    /// The first bad line of `lines` (output line indices) against `items`
    /// (block item indices) in order; `shapes` compares key-abstracted forms.
    pub(super) fn first_bad(
        &self,
        block: &Block,
        items: &[usize],
        lines: &[usize],
        shapes: bool,
        sigma: &[Option<String>],
    ) -> Option<Bad> {
        let spec = self.spec;
        let cx = spec.cx();
        let m = |i: usize, j: usize| {
            let it = &block.items[items[i]];
            let (tpl, text) = match (&it.key, shapes) {
                (Some(k), true) => (k.abs_tpl, self.actual.shape(lines[j])),
                _ => (it.tpl, self.actual.lines[lines[j]]),
            };
            matches(
                &spec.templates[tpl as usize],
                text,
                &cx,
                &mut Bind::fixed(sigma),
            )
        };
        let counts: Vec<Count> = items
            .iter()
            .map(|&i| (block.items[i].min, block.items[i].max))
            .collect();
        let groups = crate::group::local(&block.groups, items);
        if !spec.num_init.is_empty() {
            let at = seq_check(
                &counts,
                &groups,
                lines.len(),
                &spec.num_init,
                |i, j, env| {
                    let it = &block.items[items[i]];
                    let (tpl, text) = match (&it.key, shapes) {
                        (Some(k), true) => (k.abs_tpl, self.actual.shape(lines[j])),
                        _ => (it.tpl, self.actual.lines[lines[j]]),
                    };
                    let t = &spec.templates[tpl as usize];
                    matches_opt(t, text, &cx, &mut Bind::fixed(sigma), env)
                },
            )
            .err()?;
            return Some(Bad { at, item: None });
        }
        let at = group_match(&counts, &groups, lines.len(), m).err()?;
        if !groups.is_empty() {
            return Some(Bad { at, item: None });
        }
        if counts.iter().all(|c| *c == (1, Some(1))) {
            return Some(Bad {
                at,
                item: (at < items.len()).then_some(at),
            });
        }
        // Name the expected item by replaying the lines before `at` (small
        // blocks only: the replay keeps every live state).
        let mut item = None;
        if counts.len() <= 10_000 {
            let st = Stepper::new(&counts);
            let mut states = st.start();
            for j in 0..at {
                states = st.step(&states, |i| m(i, j));
            }
            item = states
                .iter()
                .filter(|&&(i, c)| i < counts.len() && counts[i].1.is_none_or(|mx| c < mx))
                .map(|&(i, _)| i)
                .find(|&i| counts[i].0 > 0)
                .or_else(|| states.iter().map(|s| s.0).find(|&i| i < counts.len()));
        }
        Some(Bad { at, item })
    }

    /// Add one first bad line to a report: the item expected, and the output line
    /// found there (with a few matched lines before it as context).
    pub(super) fn push_bad(
        &self,
        f: &mut Failure,
        block: &Block,
        items: &[usize],
        lines: &[usize],
        bad: &Bad,
    ) {
        let from = bad.at.saturating_sub(CONTEXT);
        for &j in &lines[from..bad.at] {
            f.diff
                .push(DiffLine::Same(j, self.actual.lines[j].to_owned()));
        }
        let found = lines
            .get(bad.at)
            .map(|&j| (j, self.actual.lines[j].to_owned()));
        if let Some(i) = bad.item {
            let it = &block.items[items[i]];
            f.diff.push(DiffLine::Missing(it.line, it.text.clone()));
            f.missing.push((
                it.line,
                it.text.clone(),
                found.clone().map(|(j, l)| (j, l, false)),
            ));
        }
        if let Some((j, l)) = found {
            f.unexpected.push(j);
            f.diff.push(DiffLine::Extra(j, l));
        }
    }

    /// The report of an ordered block from its first bad line.
    pub(super) fn explain_ordered(
        &self,
        f: &mut Failure,
        block: &Block,
        lines: &[usize],
        sigma: &[Option<String>],
    ) {
        let items: Vec<usize> = (0..block.items.len()).collect();
        let Some(bad) = self.first_bad(block, &items, lines, false, sigma) else {
            f.reason = "the block matches, but the blocks around it do not".to_owned();
            return;
        };
        self.push_bad(f, block, &items, lines, &bad);
        f.reason = reason(block, &items, lines, &bad);
    }

    /// First bad lines of an interleave block's threads: (reference thread,
    /// actual thread) pairs compared by key-abstracted lines. Returns false when
    /// every paired thread matches (the failure is elsewhere).
    pub(super) fn explain_threads(
        &self,
        f: &mut Failure,
        block: &Block,
        pairs: &[ThreadPair<'_>],
        sigma: &[Option<String>],
    ) -> bool {
        let mut shown = 0;
        let mut first_reason = None;
        let mut failing = 0;
        for (items, lines) in pairs {
            let items = items.unwrap_or(&[]);
            let lines = lines.unwrap_or(&[]);
            let Some(bad) = self.first_bad(block, items, lines, true, sigma) else {
                continue;
            };
            failing += 1;
            if shown < THREAD_LIMIT {
                shown += 1;
                self.push_bad(f, block, items, lines, &bad);
                first_reason.get_or_insert_with(|| reason(block, items, lines, &bad));
            }
        }
        if failing == 0 {
            return false;
        }
        f.reason = match (failing, first_reason) {
            (1, Some(r)) => r,
            (k, Some(r)) => format!("{k} threads differ; the first: {r}"),
            (k, None) => format!("{k} threads differ"),
        };
        if failing > shown {
            f.notes
                .push(format!("{} more threads differ", failing - shown));
        }
        true
    }
}

/// One sentence for a first bad line.
fn reason(block: &Block, items: &[usize], lines: &[usize], bad: &Bad) -> String {
    let spec_line = |i: usize| block.items[items[i]].line;
    match (lines.get(bad.at), bad.item) {
        (Some(&j), Some(i)) => format!(
            "output line {} does not match spec line {}",
            j + 1,
            spec_line(i)
        ),
        (Some(&j), None) => format!("output line {} is not expected here", j + 1),
        (None, Some(i)) => format!("the output ends before spec line {}", spec_line(i)),
        (None, None) => "the output ends too early".to_owned(),
    }
}
