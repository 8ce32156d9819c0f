//! Interleave blocks: the run's threads in a stretch of output (projections),
//! their comparison with reference classes (memoised per class and shape, or one
//! sequential sweep per class), and the check of a block under an assignment.

use super::{Actual, Checker};
use crate::fxhash::FxHashMap;
use crate::group::seq_check;
use crate::matching::hopcroft_karp_first;
use crate::pattern::{Bind, Seg, matches, matches_opt};
use crate::seq::{Count, States, Stepper};

/// Actual threads of one output segment.
pub(super) struct Proj<'a> {
    pub(super) keys: Vec<&'a str>,
    pub(super) lines: Vec<Vec<usize>>,
    pub(super) shape: Vec<u32>,
    pub(super) unkeyed: Vec<usize>,
    pub(super) index: FxHashMap<&'a str, usize>,
    /// For each line of the segment, its thread (`u32::MAX`: no key).
    pub(super) line_key: Vec<u32>,
    pub(super) compat: FxHashMap<(usize, u32), Compat>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum CompatKind {
    No,
    Yes,
    Loose,
}

pub(super) enum Compat {
    No,
    /// Matches, with these bindings of variables other than the key's own.
    Yes(Vec<(u32, String)>),
    /// Matches with each line checked alone; recheck under an assignment.
    Loose,
}

impl Compat {
    fn kind(&self) -> CompatKind {
        match self {
            Compat::No => CompatKind::No,
            Compat::Yes(_) => CompatKind::Yes,
            Compat::Loose => CompatKind::Loose,
        }
    }
}

impl<'a> Checker<'_, 'a> {
    pub(super) fn interleave_ok(
        &mut self,
        b: usize,
        s: usize,
        e: usize,
        sigma: &[Option<String>],
    ) -> bool {
        self.ensure_proj(b, s, e);
        let spec = self.spec;
        let block = &spec.blocks[b];
        let plan = self.plans[b]
            .as_ref()
            .expect("interleave blocks have a plan");
        let nkeys = self.projs[&(b, s, e)].keys.len();
        // A reference thread all of whose lines are optional may be absent.
        let required: Vec<bool> = plan
            .threads
            .iter()
            .map(|t| self.classes[t.class].min > 0)
            .collect();
        let nrequired = required.iter().filter(|r| **r).count();
        if nkeys < nrequired || nkeys > plan.threads.len() {
            return false;
        }
        let cx = spec.cx();
        // Unkeyed lines: one ordered stream.
        {
            let proj = &self.projs[&(b, s, e)];
            let counts: Vec<Count> = plan
                .unkeyed
                .iter()
                .map(|&i| (block.items[i].min, block.items[i].max))
                .collect();
            let n = proj.unkeyed.len();
            let ok = seq_check(
                &counts,
                &plan.unkeyed_groups,
                n,
                &spec.num_init,
                |i, j, env| {
                    let t = &spec.templates[block.items[plan.unkeyed[i]].tpl as usize];
                    let line = self.actual.lines[proj.unkeyed[j]];
                    matches_opt(t, line, &cx, &mut Bind::fixed(sigma), env)
                },
            );
            if ok.is_err() {
                return false;
            }
        }
        let mut adj: Vec<Vec<u32>> = Vec::with_capacity(plan.threads.len());
        for (t, &needed) in required.iter().enumerate() {
            let candidates = self.key_candidates(b, s, e, t, sigma);
            let mut edges = Vec::new();
            for ak in candidates {
                if self.thread_ok(b, s, e, t, ak, sigma) {
                    edges.push(ak as u32);
                }
            }
            if edges.is_empty() && needed {
                return false;
            }
            adj.push(edges);
        }
        let m = hopcroft_karp_first(nkeys, &adj, &required);
        let covered = m.iter().filter(|x| x.is_some()).count() == nkeys;
        if !covered || m.iter().zip(&required).any(|(x, r)| *r && x.is_none()) {
            return false;
        }
        let pairing: Vec<usize> = m
            .iter()
            .map(|x| x.map_or(usize::MAX, |a| a as usize))
            .collect();
        self.sync_violation(b, s, e, &pairing).is_none()
    }

    /// The first `%sync` of block `b` that the output breaks, given which actual
    /// thread each reference thread was paired with: (sync, last line before it in
    /// FROM, first line after it in TO), as output line indices.
    pub(super) fn sync_violation(
        &self,
        b: usize,
        s: usize,
        e: usize,
        pairing: &[usize],
    ) -> Option<(usize, usize, usize)> {
        let block = &self.spec.blocks[b];
        let plan = self.plans[b]
            .as_ref()
            .expect("interleave blocks have a plan");
        let proj = &self.projs[&(b, s, e)];
        let thread_of = |key: u32| plan.threads.iter().position(|t| t.key == key);
        for (i, sync) in block.syncs.iter().enumerate() {
            let (Some(f), Some(t)) = (thread_of(sync.from), thread_of(sync.to)) else {
                continue;
            };
            let (Some(from), Some(to)) = (proj.lines.get(pairing[f]), proj.lines.get(pairing[t]))
            else {
                continue;
            };
            if sync.k_from == 0 || sync.k_from > from.len() || sync.k_to >= to.len() {
                continue;
            }
            let (last, first) = (from[sync.k_from - 1], to[sync.k_to]);
            if last > first {
                return Some((i, last, first));
            }
        }
        None
    }

    /// Actual keys the reference thread's key can be under `sigma`.
    pub(super) fn key_candidates(
        &self,
        b: usize,
        s: usize,
        e: usize,
        t: usize,
        sigma: &[Option<String>],
    ) -> Vec<usize> {
        let plan = self.plans[b].as_ref().expect("plan");
        let proj = &self.projs[&(b, s, e)];
        let kt = self.tpl(plan.threads[t].key_tpl);
        // Fast path: a key without regexes renders to one string.
        let mut rendered = String::new();
        let mut simple = true;
        for seg in &kt.segs {
            match seg {
                Seg::Lit(l) => rendered.push_str(l),
                Seg::Slot(v) => match &sigma[*v as usize] {
                    Some(val) => rendered.push_str(val),
                    None => return Vec::new(),
                },
                _ => simple = false,
            }
        }
        if simple {
            return proj
                .index
                .get(rendered.as_str())
                .map(|&k| vec![k])
                .unwrap_or_default();
        }
        let cx = self.spec.cx();
        (0..proj.keys.len())
            .filter(|&ak| matches(kt, proj.keys[ak], &cx, &mut Bind::fixed(sigma)))
            .collect()
    }

    pub(super) fn thread_ok(
        &mut self,
        b: usize,
        s: usize,
        e: usize,
        t: usize,
        ak: usize,
        sigma: &[Option<String>],
    ) -> bool {
        let class = self.plans[b].as_ref().expect("plan").threads[t].class;
        match self.compat(b, s, e, class, ak) {
            CompatKind::No => false,
            CompatKind::Yes => self
                .compat_binds(b, s, e, class, ak)
                .iter()
                .all(|(v, val)| sigma[*v as usize].as_deref() == Some(val.as_str())),
            CompatKind::Loose => {
                let proj = &self.projs[&(b, s, e)];
                let c = &self.classes[class];
                let cx = self.spec.cx();
                let lines = &proj.lines[ak];
                seq_check(
                    &c.counts,
                    &c.groups,
                    lines.len(),
                    &self.spec.num_init,
                    |i, j, env| {
                        let shape = self.actual.shape(lines[j]);
                        let t = &self.spec.templates[c.tpls[i] as usize];
                        matches_opt(t, shape, &cx, &mut Bind::fixed(sigma), env)
                    },
                )
                .is_ok()
            }
        }
    }

    /// Does reference thread `t`'s key match actual key `ak`? Returns its bindings.
    pub(super) fn key_match(
        &self,
        b: usize,
        s: usize,
        e: usize,
        t: usize,
        ak: usize,
    ) -> Option<Vec<(u32, String)>> {
        let plan = self.plans[b].as_ref().expect("plan");
        let proj = &self.projs[&(b, s, e)];
        let kt = self.tpl(plan.threads[t].key_tpl);
        let key = proj.keys[ak];
        if let [Seg::Lit(l)] = kt.segs.as_slice() {
            return (**l == *key).then(Vec::new);
        }
        if let [Seg::Slot(v)] = kt.segs.as_slice() {
            let re = &self.spec.regexes.anchored[self.spec.var_regex[*v as usize] as usize];
            return re.is_match(key).then(|| vec![(*v, key.to_owned())]);
        }
        let mut bind = Bind::binding();
        matches(kt, key, &self.spec.cx(), &mut bind).then_some(bind.local)
    }

    /// Bindings of a compatible (class, thread) pair; empty unless `compat` said Yes.
    pub(super) fn compat_binds(
        &self,
        b: usize,
        s: usize,
        e: usize,
        class: usize,
        ak: usize,
    ) -> &[(u32, String)] {
        let proj = &self.projs[&(b, s, e)];
        match proj.compat.get(&(class, proj.shape[ak])) {
            Some(Compat::Yes(binds)) => binds,
            _ => &[],
        }
    }

    pub(super) fn compat(
        &mut self,
        b: usize,
        s: usize,
        e: usize,
        class: usize,
        ak: usize,
    ) -> CompatKind {
        let proj = self.projs.get(&(b, s, e)).expect("projection");
        let shape = proj.shape[ak];
        if let Some(c) = proj.compat.get(&(class, shape)) {
            return c.kind();
        }
        let c = &self.classes[class];
        let lines = &proj.lines[ak];
        let cx = self.spec.cx();
        let actual = self.actual;
        let shape_of = |j: usize| actual.shape(lines[j]);
        let result = if lines.len() < c.min || c.max.is_some_and(|m| lines.len() > m) {
            Compat::No
        } else if c.exact {
            let mut bind = Bind::binding();
            let ok = (0..lines.len()).all(|j| {
                matches(
                    &self.spec.templates[c.tpls[j] as usize],
                    shape_of(j),
                    &cx,
                    &mut bind,
                )
            });
            if ok {
                Compat::Yes(bind.local)
            } else {
                Compat::No
            }
        } else {
            let init = &self.spec.num_init;
            let ok = seq_check(&c.counts, &c.groups, lines.len(), init, |i, j, env| {
                let t = &self.spec.templates[c.tpls[i] as usize];
                matches_opt(t, shape_of(j), &cx, &mut Bind::binding(), env)
            })
            .is_ok();
            match (ok, c.slots) {
                (false, _) => Compat::No,
                (true, false) => Compat::Yes(Vec::new()),
                (true, true) => Compat::Loose,
            }
        };
        let kind = result.kind();
        let proj = self.projs.get_mut(&(b, s, e)).expect("projection");
        proj.compat.insert((class, shape), result);
        kind
    }

    pub(super) fn ensure_proj(&mut self, b: usize, s: usize, e: usize) {
        use std::hash::{Hash, Hasher};
        if self.projs.contains_key(&(b, s, e)) {
            return;
        }
        let mut keys: Vec<&'a str> = Vec::new();
        let mut lens = Vec::new();
        let mut lines: Vec<Vec<usize>> = Vec::new();
        let mut hashes: Vec<crate::fxhash::FxHasher> = Vec::new();
        let mut unkeyed = Vec::new();
        let mut line_key = Vec::with_capacity(e - s);
        let mut index: FxHashMap<&'a str, usize> = FxHashMap::default();
        let actual: &'a Actual<'a> = self.actual;
        // One pass in output order: each thread's lines, and a running hash of
        // its shape lines (threads with equal hashes are compared in full below).
        for j in s..e {
            match &actual.keys[j] {
                Some(k) => {
                    let id = *index.entry(k.key).or_insert_with(|| {
                        keys.push(k.key);
                        lens.push(k.len);
                        lines.push(Vec::new());
                        hashes.push(crate::fxhash::FxHasher::default());
                        keys.len() - 1
                    });
                    lines[id].push(j);
                    actual.shape(j).hash(&mut hashes[id]);
                    line_key.push(id as u32);
                }
                None => {
                    unkeyed.push(j);
                    line_key.push(u32::MAX);
                }
            }
        }
        let mut buckets: FxHashMap<(usize, usize, u64), Vec<usize>> = FxHashMap::default();
        let mut shape: Vec<u32> = Vec::with_capacity(keys.len());
        let mut next = 0u32;
        for k in 0..keys.len() {
            let bucket = buckets
                .entry((lens[k], lines[k].len(), hashes[k].finish()))
                .or_default();
            let same = bucket.iter().copied().find(|&other| {
                lines[other]
                    .iter()
                    .zip(&lines[k])
                    .all(|(&x, &y)| actual.shape(x) == actual.shape(y))
            });
            match same {
                Some(other) => shape.push(shape[other]),
                None => {
                    bucket.push(k);
                    shape.push(next);
                    next += 1;
                }
            }
        }
        self.projs.insert(
            (b, s, e),
            Proj {
                keys,
                lines,
                shape,
                unkeyed,
                index,
                line_key,
                compat: FxHashMap::default(),
            },
        );
    }

    /// Compare class `class` with every actual thread of the segment in one pass
    /// over the output (in output order, so memory is read sequentially).
    pub(super) fn sweep(&mut self, b: usize, s: usize, e: usize, class: usize) {
        if !self.classes[class].exact {
            self.sweep_ranged(b, s, e, class);
            return;
        }
        let proj = self.projs.get(&(b, s, e)).expect("projection");
        let c = &self.classes[class];
        let nkeys = proj.keys.len();
        let cx = self.spec.cx();
        let mut alive: Vec<bool> = (0..nkeys)
            .map(|k| {
                !proj.compat.contains_key(&(class, proj.shape[k]))
                    && proj.lines[k].len() == c.tpls.len()
            })
            .collect();
        let mut pos = vec![0usize; nkeys];
        let mut binds: Vec<Vec<(u32, String)>> = vec![Vec::new(); nkeys];
        for (off, &k) in proj.line_key.iter().enumerate() {
            if k == u32::MAX || !alive[k as usize] {
                continue;
            }
            let k = k as usize;
            let mut bind = Bind::binding();
            bind.local = std::mem::take(&mut binds[k]);
            let t = &self.spec.templates[c.tpls[pos[k]] as usize];
            if matches(t, self.actual.shape(s + off), &cx, &mut bind) {
                binds[k] = bind.local;
                pos[k] += 1;
            } else {
                alive[k] = false;
            }
        }
        let results: Vec<(u32, Compat)> = (0..nkeys)
            .filter(|&k| !proj.compat.contains_key(&(class, proj.shape[k])))
            .map(|k| {
                let r = if alive[k] {
                    Compat::Yes(std::mem::take(&mut binds[k]))
                } else {
                    Compat::No
                };
                (proj.shape[k], r)
            })
            .collect();
        let proj = self.projs.get_mut(&(b, s, e)).expect("projection");
        for (shape, r) in results {
            proj.compat.entry((class, shape)).or_insert(r);
        }
    }

    /// The sweep for a class with count ranges and no variables: each actual
    /// thread advances its own automaton as its lines come by.
    fn sweep_ranged(&mut self, b: usize, s: usize, e: usize, class: usize) {
        if !self.classes[class].groups.is_empty() || self.classes[class].nums {
            // Compared shape by shape instead (`compat`).
            return;
        }
        let proj = self.projs.get(&(b, s, e)).expect("projection");
        let c = &self.classes[class];
        let cx = self.spec.cx();
        let stepper = Stepper::new(&c.counts);
        let nkeys = proj.keys.len();
        let todo: Vec<bool> = (0..nkeys)
            .map(|k| {
                let n = proj.lines[k].len();
                !proj.compat.contains_key(&(class, proj.shape[k]))
                    && n >= c.min
                    && c.max.is_none_or(|m| n <= m)
            })
            .collect();
        let mut states: Vec<States> = (0..nkeys)
            .map(|k| if todo[k] { stepper.start() } else { Vec::new() })
            .collect();
        for (off, &k) in proj.line_key.iter().enumerate() {
            if k == u32::MAX || states[k as usize].is_empty() {
                continue;
            }
            let k = k as usize;
            let shape = self.actual.shape(s + off);
            states[k] = stepper.step(&states[k], |i| {
                let mut bind = Bind::binding();
                matches(
                    &self.spec.templates[c.tpls[i] as usize],
                    shape,
                    &cx,
                    &mut bind,
                )
            });
        }
        let results: Vec<(u32, Compat)> = (0..nkeys)
            .filter(|&k| todo[k])
            .map(|k| {
                let r = if stepper.accepts(&states[k]) {
                    Compat::Yes(Vec::new())
                } else {
                    Compat::No
                };
                (proj.shape[k], r)
            })
            .collect();
        let proj = self.projs.get_mut(&(b, s, e)).expect("projection");
        for (shape, r) in results {
            proj.compat.entry((class, shape)).or_insert(r);
        }
    }
}
