//! Rules across events: thread names, one lifetime per thread, non-overlapping
//! state slices, matched hold spans and wake flows.

use super::{EPS_US, Problems};
use std::collections::BTreeMap;

/// Where and when one event happened.
#[derive(Clone, Copy)]
pub(crate) struct Mark<'a> {
    pub(crate) idx: usize,
    pub(crate) tid: u64,
    pub(crate) ts: f64,
    pub(crate) name: &'a str,
}

struct Owned {
    idx: usize,
    tid: u64,
    ts: f64,
    name: String,
}

impl From<Mark<'_>> for Owned {
    fn from(m: Mark<'_>) -> Self {
        Owned {
            idx: m.idx,
            tid: m.tid,
            ts: m.ts,
            name: m.name.to_owned(),
        }
    }
}

/// Begin and end events seen for one id.
#[derive(Default)]
struct Pair {
    begins: Vec<Owned>,
    ends: Vec<Owned>,
}

/// What the per-event pass saw, for the cross-event rules.
#[derive(Default)]
pub(crate) struct Facts {
    pub(crate) process_names: usize,
    /// First event using each tid.
    used: BTreeMap<u64, usize>,
    names: BTreeMap<u64, Vec<usize>>,
    lifetimes: BTreeMap<u64, Vec<usize>>,
    /// Per tid: (start, end, event index) of `state` slices.
    states: BTreeMap<u64, Vec<(f64, f64, usize)>>,
    holds: BTreeMap<String, Pair>,
    flows: BTreeMap<String, Pair>,
}

impl Facts {
    pub(crate) fn use_tid(&mut self, tid: u64, idx: usize) {
        self.used.entry(tid).or_insert(idx);
    }
    pub(crate) fn thread_name(&mut self, tid: u64, idx: usize) {
        self.names.entry(tid).or_default().push(idx);
    }
    pub(crate) fn lifetime(&mut self, m: Mark<'_>) {
        self.lifetimes.entry(m.tid).or_default().push(m.idx);
    }
    pub(crate) fn state(&mut self, m: Mark<'_>, dur: f64) {
        let v = self.states.entry(m.tid).or_default();
        v.push((m.ts, m.ts + dur, m.idx));
    }
    pub(crate) fn hold(&mut self, begin: bool, id: String, m: Mark<'_>) {
        push(&mut self.holds, begin, id, m);
    }
    pub(crate) fn flow(&mut self, start: bool, id: String, m: Mark<'_>) {
        push(&mut self.flows, start, id, m);
    }

    /// Applies the cross-event rules.
    pub(crate) fn check(mut self, p: &mut Problems) {
        if self.process_names != 1 {
            p.top(format!(
                "expected one `process_name` metadata event, found {}",
                self.process_names
            ));
        }
        for (&tid, &first) in &self.used {
            match self.names.get(&tid).map(Vec::as_slice) {
                None | Some([]) => p.at(first, format!("tid {tid} has no `thread_name` metadata")),
                Some([_]) => {}
                Some([_, again, ..]) => {
                    p.at(*again, format!("tid {tid} has a second `thread_name`"))
                }
            }
        }
        for (tid, idxs) in &self.lifetimes {
            if let Some(again) = idxs.get(1) {
                p.at(
                    *again,
                    format!("tid {tid} has a second `thread` lifetime slice"),
                );
            }
        }
        for (tid, slices) in &mut self.states {
            slices.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.2.cmp(&b.2)));
            for w in slices.windows(2) {
                let ((_, end, prev), (start, _, next)) = (w[0], w[1]);
                if start < end - EPS_US {
                    p.at(
                        next,
                        format!("state slice overlaps event {prev} on tid {tid}"),
                    );
                }
            }
        }
        check_pairs(&self.holds, "hold", "b", "e", p);
        check_pairs(&self.flows, "wake flow", "s", "f", p);
        for pair in self.flows.values() {
            if let [f] = pair.ends.as_slice() {
                let lands = self
                    .states
                    .get(&f.tid)
                    .is_some_and(|v| v.iter().any(|&(_, end, _)| (end - f.ts).abs() <= EPS_US));
                if !lands {
                    p.at(f.idx, format!(
                        "wake flow `f` at ts {} on tid {} does not end a state slice of that thread",
                        f.ts, f.tid
                    ));
                }
            }
        }
    }
}

fn push(map: &mut BTreeMap<String, Pair>, begin: bool, id: String, m: Mark<'_>) {
    let pair = map.entry(id).or_default();
    if begin {
        pair.begins.push(m.into());
    } else {
        pair.ends.push(m.into());
    }
}

/// Each id: exactly one begin, one end, same name, end not before begin.
fn check_pairs(map: &BTreeMap<String, Pair>, what: &str, b: &str, e: &str, p: &mut Problems) {
    for (id, pair) in map {
        match (pair.begins.as_slice(), pair.ends.as_slice()) {
            ([], [end, ..]) => p.at(end.idx, format!("{what} id {id:?}: `{e}` without a `{b}`")),
            ([begin], []) => p.at(
                begin.idx,
                format!("{what} id {id:?}: `{b}` never ended by an `{e}`"),
            ),
            ([_, again, ..], _) => p.at(again.idx, format!("{what} id {id:?}: begun twice")),
            ([_], [_, again, ..]) => p.at(again.idx, format!("{what} id {id:?}: ended twice")),
            ([begin], [end]) => {
                if begin.name != end.name {
                    p.at(
                        end.idx,
                        format!(
                            "{what} id {id:?}: `{e}` named \"{}\" but `{b}` named \"{}\"",
                            end.name, begin.name
                        ),
                    );
                }
                if end.ts < begin.ts - EPS_US {
                    p.at(
                        end.idx,
                        format!(
                            "{what} id {id:?}: `{e}` at ts {} before its `{b}` at ts {}",
                            end.ts, begin.ts
                        ),
                    );
                }
            }
            ([], []) => {}
        }
    }
}
