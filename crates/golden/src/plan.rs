//! The reference side of interleave blocks, computed once when a spec is parsed:
//! each block's threads (items grouped by key) and their *classes* (threads whose
//! lines are the same up to the thread's own name are compared with an actual
//! thread once, not once each).

use crate::fxhash::FxHashMap;
use crate::group::{Group, local};
use crate::pattern::Template;
use crate::seq::Count;
use crate::spec::{Block, Kind};

/// One reference thread of an interleave block.
#[derive(Debug)]
pub(crate) struct RefThread {
    /// Its key: `Spec::key_text(key)`.
    pub(crate) key: u32,
    pub(crate) key_tpl: u32,
    /// Its items, in order (indices into the block's items).
    pub(crate) items: Vec<usize>,
    pub(crate) class: usize,
}

/// The threads of one interleave block, and its lines without a key.
#[derive(Debug)]
pub(crate) struct Plan {
    pub(crate) threads: Vec<RefThread>,
    pub(crate) unkeyed: Vec<usize>,
    /// Groups among the unkeyed items (positions in `unkeyed`).
    pub(crate) unkeyed_groups: Vec<Group>,
}

/// Reference threads with the same lines up to their own name.
#[derive(Debug)]
pub(crate) struct Class {
    /// Key-abstracted templates of its lines, and their counts.
    pub(crate) tpls: Vec<u32>,
    pub(crate) counts: Vec<Count>,
    /// Some line mentions a numeric variable.
    pub(crate) nums: bool,
    /// Groups of its lines (positions in `tpls`).
    pub(crate) groups: Vec<Group>,
    /// Every count is exactly one and there is no group: lines pair up by position.
    pub(crate) exact: bool,
    /// Some line has a variable.
    pub(crate) slots: bool,
    /// The variables of its lines (the thread's own name is not among them: it is
    /// abstracted away).
    pub(crate) vars: Vec<u32>,
    pub(crate) min: usize,
    pub(crate) max: Option<usize>,
}

/// What makes two reference threads one class: their key-abstracted lines with
/// counts, and their groups.
type Signature = (Vec<(u32, Count)>, Vec<Group>);

/// Plans for every block (`None` unless interleave) and the classes they use.
pub(crate) fn plan(blocks: &[Block], templates: &[Template]) -> (Vec<Option<Plan>>, Vec<Class>) {
    let mut classes = Vec::new();
    let mut class_index: FxHashMap<Signature, usize> = FxHashMap::default();
    let plans = blocks
        .iter()
        .map(|b| {
            if b.kind != Kind::Interleave {
                return None;
            }
            let mut threads: Vec<RefThread> = Vec::new();
            let mut sigs: Vec<Vec<(u32, Count)>> = Vec::new();
            let mut by_key: FxHashMap<u32, usize> = FxHashMap::default();
            let mut unkeyed = Vec::new();
            // One pass in file order (the items of a thread are far apart).
            for (i, item) in b.items.iter().enumerate() {
                let Some(k) = &item.key else {
                    unkeyed.push(i);
                    continue;
                };
                let t = *by_key.entry(k.id).or_insert_with(|| {
                    threads.push(RefThread {
                        key: k.id,
                        key_tpl: k.key_tpl,
                        items: Vec::new(),
                        class: 0,
                    });
                    sigs.push(Vec::new());
                    threads.len() - 1
                });
                threads[t].items.push(i);
                sigs[t].push((k.abs_tpl, (item.min, item.max)));
            }
            for (t, sig) in threads.iter_mut().zip(sigs) {
                let groups = local(&b.groups, &t.items);
                let sig = (sig, groups);
                if let Some(&c) = class_index.get(&sig) {
                    t.class = c;
                    continue;
                }
                let (min, max) = crate::group::size_range(
                    &sig.0.iter().map(|s| s.1).collect::<Vec<_>>(),
                    &sig.1,
                );
                let (sig_lines, groups) = (&sig.0, sig.1.clone());
                let counts: Vec<Count> = sig_lines.iter().map(|s| s.1).collect();
                classes.push(Class {
                    tpls: sig_lines.iter().map(|s| s.0).collect(),
                    exact: groups.is_empty()
                        && counts.iter().all(|c| *c == (1, Some(1)))
                        && !sig_lines.iter().any(|s| templates[s.0 as usize].has_nums()),
                    nums: sig_lines.iter().any(|s| templates[s.0 as usize].has_nums()),
                    groups,
                    slots: sig_lines
                        .iter()
                        .any(|s| templates[s.0 as usize].has_slots()),
                    vars: {
                        let mut v: Vec<u32> = sig_lines
                            .iter()
                            .flat_map(|s| templates[s.0 as usize].vars())
                            .collect();
                        v.sort_unstable();
                        v.dedup();
                        v
                    },
                    min,
                    max,
                    counts,
                });
                t.class = classes.len() - 1;
                class_index.insert(sig, t.class);
            }
            let unkeyed_groups = local(&b.groups, &unkeyed);
            Some(Plan {
                threads,
                unkeyed,
                unkeyed_groups,
            })
        })
        .collect();
    (plans, classes)
}
