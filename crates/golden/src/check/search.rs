//! The search over identity assignments: candidate values (domains) for every
//! variable, a maximum bipartite matching as the first guess, then a depth-first
//! search with a budget.

use super::interleave::CompatKind;
use super::{Checker, LEAF_BUDGET, SEARCH_MAX_VARS, SWEEP_CLASSES};
use crate::fxhash::{FxHashMap, FxHashSet};
use crate::matching::hopcroft_karp;
use crate::pattern::{Bind, Seg, matches};
use crate::spec::Kind;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

/// What an interleave block says about one reference class: the actual shapes it
/// is compatible with, the values of variables in its messages, and whether some
/// compatibility is only loose (values then unconstrained).
type ClassDomains = (Vec<u32>, BTreeMap<u32, Rc<Vec<u32>>>, bool);

/// State of the depth-first search over assignments.
struct Search {
    order: Vec<usize>,
    domains: Vec<Rc<Vec<u32>>>,
    suggested: Vec<Option<u32>>,
    assign: Vec<Option<u32>>,
    used: FxHashSet<(u32, u32)>,
    leaves: usize,
    best: Option<(usize, Vec<Option<u32>>)>,
    sigma: Vec<Option<String>>,
    /// The search stopped because no assignment can help, not for the budget.
    exhausted: bool,
}

/// Sorted intersection.
fn intersect(a: &[u32], b: &[u32]) -> Vec<u32> {
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                out.push(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out
}

impl Checker<'_, '_> {
    /// The id of a candidate value.
    pub(super) fn value_id(&mut self, v: &str) -> u32 {
        if let Some(&id) = self.value_ids.get(v) {
            return id;
        }
        let id = self.values.len() as u32;
        self.values.push(v.to_owned());
        self.value_ids.insert(v.to_owned(), id);
        id
    }

    /// Returns whether some assignment matches, and the assignment to report.
    pub(super) fn search(&mut self) -> (bool, Vec<Option<String>>) {
        let nvars = self.spec.vars.len();
        // A variable with no candidate is left without a value (the label of an
        // optional thread that did not run); the lines that mention it then match
        // nothing.
        let domains = self.domains();
        // Suggested values: a maximum matching per identity class.
        let mut suggested: Vec<Option<u32>> = vec![None; nvars];
        let mut by_class: BTreeMap<Option<u32>, Vec<usize>> = BTreeMap::new();
        for (v, var) in self.spec.vars.iter().enumerate() {
            by_class.entry(var.class).or_default().push(v);
        }
        for (class, vars) in &by_class {
            if class.is_none() {
                for &v in vars {
                    suggested[v] = domains[v].first().copied();
                }
                continue;
            }
            // Borrowed, not copied: 4,000 threads of one class have 4,000
            // candidates each (16M values).
            let adj: Vec<&[u32]> = vars.iter().map(|&v| domains[v].as_slice()).collect();
            let m = hopcroft_karp(self.values.len(), &adj);
            for (k, &v) in vars.iter().enumerate() {
                suggested[v] = m[k];
            }
        }
        let to_sigma = |values: &[String], a: &[Option<u32>]| -> Vec<Option<String>> {
            a.iter()
                .map(|x| x.map(|i| values[i as usize].clone()))
                .collect()
        };
        if self.hopeless() {
            return (false, to_sigma(&self.values, &suggested));
        }
        if nvars > SEARCH_MAX_VARS {
            // Too many labels to search (and to recurse over): the matching's
            // suggestion is the one assignment tried.
            let sigma = to_sigma(&self.values, &suggested);
            self.leaf_memo.clear();
            if self.leaf(&sigma).0 {
                return (true, sigma);
            }
            self.gave_up = Some(format!(
                "{nvars} labels are too many for a full search; only the best bipartite matching was tried"
            ));
            return (false, sigma);
        }
        // Depth-first search, most constrained variable first, suggested value first.
        let mut order: Vec<usize> = (0..nvars).collect();
        order.sort_by_key(|&v| (domains[v].len(), v));
        let mut st = Search {
            order,
            domains,
            suggested,
            assign: vec![None; nvars],
            used: FxHashSet::default(),
            leaves: 0,
            best: None,
            sigma: Vec::new(),
            exhausted: false,
        };
        if self.dfs(0, &mut st) {
            return (true, st.sigma);
        }
        if st.leaves >= LEAF_BUDGET && !st.exhausted {
            self.gave_up = Some(format!(
                "gave up after trying {LEAF_BUDGET} identity mappings; the one shown is the one that got furthest"
            ));
        }
        match st.best {
            Some((_, a)) => (false, to_sigma(&self.values, &a)),
            None => (false, to_sigma(&self.values, &st.suggested)),
        }
    }

    /// Does some line of `block` (or a thread key) mention a variable?
    fn block_has_vars(&self, block: &crate::spec::Block) -> bool {
        let t = |id: u32| self.spec.templates[id as usize].has_slots();
        block.items.iter().any(|it| {
            t(it.tpl)
                || it
                    .key
                    .as_ref()
                    .is_some_and(|k| t(k.key_tpl) || t(k.abs_tpl))
        })
    }

    /// Give variables left without a value one that the output has (one-to-one
    /// within a class), only so that a report can show a plausible mapping.
    pub(super) fn fill_for_report(&mut self, sigma: &mut [Option<String>]) {
        let mut used: FxHashSet<(Option<u32>, String)> = FxHashSet::default();
        for (v, val) in sigma.iter().enumerate() {
            if let Some(val) = val {
                used.insert((self.spec.vars[v].class, val.clone()));
            }
        }
        for (v, slot) in sigma.iter_mut().enumerate() {
            if slot.is_some() {
                continue;
            }
            let class = self.spec.vars[v].class;
            let found = self
                .values_in_output(v)
                .iter()
                .map(|&id| self.values[id as usize].clone())
                .find(|val| class.is_none() || !used.contains(&(class, val.clone())));
            if let Some(val) = found {
                used.insert((class, val.clone()));
                *slot = Some(val);
            }
        }
    }

    fn dfs(&mut self, depth: usize, st: &mut Search) -> bool {
        if st.leaves >= LEAF_BUDGET {
            return false;
        }
        if depth == st.order.len() {
            st.leaves += 1;
            self.leaf_memo.clear();
            let sigma: Vec<Option<String>> = st
                .assign
                .iter()
                .map(|x| x.map(|i| self.values[i as usize].clone()))
                .collect();
            let (ok, reached) = self.leaf(&sigma);
            if ok {
                st.sigma = sigma;
            } else {
                if st.best.as_ref().is_none_or(|b| reached > b.0) {
                    st.best = Some((reached, st.assign.clone()));
                }
                // Blocks up to the one that failed mention no variable: no other
                // assignment changes how they match.
                let upto = reached.min(self.spec.blocks.len().saturating_sub(1));
                let blocks = &self.spec.blocks;
                if !blocks.is_empty() && !blocks[..=upto].iter().any(|b| self.block_has_vars(b)) {
                    st.leaves = LEAF_BUDGET;
                    st.exhausted = true;
                }
            }
            return ok;
        }
        let v = st.order[depth];
        let class = self.spec.vars[v].class;
        let domain = Rc::clone(&st.domains[v]);
        let first = st.suggested[v];
        let candidates = first
            .into_iter()
            .chain(domain.iter().copied().filter(|x| Some(*x) != first));
        let mut tried = false;
        for val in candidates {
            if let Some(c) = class {
                if !st.used.insert((c, val)) {
                    continue;
                }
            }
            tried = true;
            st.assign[v] = Some(val);
            let ok = self.dfs(depth + 1, st);
            if let Some(c) = class {
                st.used.remove(&(c, val));
            }
            if ok {
                return true;
            }
            if st.leaves >= LEAF_BUDGET {
                break;
            }
        }
        st.assign[v] = None;
        if !tried {
            // No value left: evaluate anyway so the report has something to show.
            return self.dfs(depth + 1, st);
        }
        false
    }

    /// Blocks whose stretch of output is known whatever the assignment (those
    /// before any block of variable size, and the last one after them): (block,
    /// start, end).
    pub(super) fn known_segments(&self) -> Vec<(usize, usize, usize)> {
        let n = self.actual.lines.len();
        let nblocks = self.spec.blocks.len();
        let mut out = Vec::new();
        let mut start = Some(0usize);
        for b in 0..nblocks {
            let (min, max) = self.spec.blocks[b].size_range();
            let end = match start {
                Some(_) if b + 1 == nblocks => Some(n),
                Some(s) if max == Some(min) => Some(s + min),
                _ => None,
            };
            if let (Some(s), Some(e)) = (start, end) {
                if e <= n {
                    out.push((b, s, e));
                }
            }
            start = end;
        }
        out
    }

    /// True when no assignment can match: in an interleave block whose stretch
    /// is known, the actual threads cannot be paired with reference threads
    /// whose lines they fit (ignoring values of variables), each actual thread
    /// with one and each required reference thread with one. The search then
    /// stops before it starts.
    pub(super) fn hopeless(&mut self) -> bool {
        for (b, s, e) in self.known_segments() {
            if self.spec.blocks[b].kind != Kind::Interleave {
                continue;
            }
            self.ensure_proj(b, s, e);
            let plan = self.plans[b]
                .as_ref()
                .expect("interleave blocks have a plan");
            // Reference threads per class: (all, required).
            let mut classes: BTreeMap<usize, (u64, u64)> = BTreeMap::new();
            for t in &plan.threads {
                let c = classes.entry(t.class).or_default();
                c.0 += 1;
                c.1 += u64::from(self.classes[t.class].min > 0);
            }
            let proj = &self.projs[&(b, s, e)];
            let mut shapes: BTreeMap<u32, (usize, u64)> = BTreeMap::new();
            for (ak, &shape) in proj.shape.iter().enumerate() {
                shapes.entry(shape).or_insert((ak, 0)).1 += 1;
            }
            let required: u64 = classes.values().map(|c| c.1).sum();
            let nkeys = proj.keys.len() as u64;
            if nkeys > plan.threads.len() as u64 || nkeys < required {
                return true;
            }
            if classes.len() * shapes.len() > 200_000 {
                continue;
            }
            // Flow: classes -> shapes they fit -> sink, by counts.
            let (src, sink) = (0, 1);
            let mut flow = crate::matching::Flow::new(2 + classes.len() + shapes.len());
            let mut fits_any = vec![false; shapes.len()];
            for (ci, (&class, &(all, _))) in classes.iter().enumerate() {
                flow.edge(src, 2 + ci, all);
                for (si, &(ak, _)) in shapes.values().enumerate() {
                    if self.compat(b, s, e, class, ak) != CompatKind::No {
                        fits_any[si] = true;
                        flow.edge(2 + ci, 2 + classes.len() + si, u64::MAX / 4);
                    }
                }
            }
            if fits_any.iter().any(|f| !f) {
                return true;
            }
            for (si, &(_, count)) in shapes.values().enumerate() {
                flow.edge(2 + classes.len() + si, sink, count);
            }
            if flow.max_flow(src, sink) < nkeys {
                return true;
            }
        }
        false
    }

    /// Candidate values (ids) of every variable, sorted.
    pub(super) fn domains(&mut self) -> Vec<Rc<Vec<u32>>> {
        let nvars = self.spec.vars.len();
        let mut dom: Vec<Option<Rc<Vec<u32>>>> = vec![None; nvars];
        for (b, s, e) in self.known_segments() {
            {
                {
                    for (v, vals) in self.block_domains(b, s, e) {
                        let d = &mut dom[v as usize];
                        *d = Some(match d.take() {
                            None => vals,
                            Some(old) if Rc::ptr_eq(&old, &vals) => old,
                            Some(old) => Rc::new(intersect(&old, &vals)),
                        });
                    }
                }
            }
        }
        (0..nvars)
            .map(|v| match dom[v].take() {
                Some(d) => d,
                None => self.values_in_output(v),
            })
            .collect()
    }

    /// Every distinct value of variable `v`'s regex in the output, as sorted ids.
    pub(super) fn values_in_output(&mut self, v: usize) -> Rc<Vec<u32>> {
        let find = &self.spec.vars[v].find;
        if let Some(known) = self.output_values.get(find.as_str()) {
            return Rc::clone(known);
        }
        let mut out = Vec::new();
        let actual = self.actual;
        for line in &actual.lines {
            for m in find.find_iter(line) {
                if !m.is_empty() {
                    out.push(self.value_id(m.as_str()));
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        let out = Rc::new(out);
        self.output_values
            .insert(find.as_str().to_owned(), Rc::clone(&out));
        out
    }

    /// Constraints one block puts on variables, given its segment `s..e`.
    pub(super) fn block_domains(
        &mut self,
        b: usize,
        s: usize,
        e: usize,
    ) -> Vec<(u32, Rc<Vec<u32>>)> {
        let spec = self.spec;
        let block = &spec.blocks[b];
        let mut out = Vec::new();
        match block.kind {
            Kind::Tokens => {}
            Kind::Ordered if block.items.iter().all(|i| (i.min, i.max) == (1, Some(1))) => {
                // Item i can only be line s + i.
                for i in 0..block.items.len().min(e - s) {
                    self.per_line_domains(b, i..i + 1, &[s + i], &mut out);
                }
            }
            Kind::Ordered | Kind::Unordered => {
                let lines: Vec<usize> = (s..e).collect();
                self.per_line_domains(b, 0..block.items.len(), &lines, &mut out);
            }
            Kind::Interleave => {
                self.ensure_proj(b, s, e);
                self.interleave_domains(b, s, e, &mut out);
                let lines = self.projs[&(b, s, e)].unkeyed.clone();
                let unkeyed = self.plans[b].as_ref().expect("plan").unkeyed.clone();
                self.per_line_domains(b, unkeyed.into_iter(), &lines, &mut out);
            }
        }
        out
    }

    /// For each item with variables: the values they take in lines that match it.
    pub(super) fn per_line_domains(
        &mut self,
        b: usize,
        items: impl Iterator<Item = usize>,
        lines: &[usize],
        out: &mut Vec<(u32, Rc<Vec<u32>>)>,
    ) {
        let spec = self.spec;
        let cx = spec.cx();
        for i in items {
            let t = &spec.templates[spec.blocks[b].items[i].tpl as usize];
            if !t.has_slots() {
                continue;
            }
            let mut vals: BTreeMap<u32, Vec<u32>> = t.vars().map(|v| (v, Vec::new())).collect();
            for &j in lines {
                let mut bind = Bind::binding();
                if matches(t, self.actual.lines[j], &cx, &mut bind) {
                    for (v, val) in bind.local {
                        let id = self.value_id(&val);
                        vals.entry(v).or_default().push(id);
                    }
                }
            }
            for (v, mut ids) in vals {
                ids.sort_unstable();
                ids.dedup();
                out.push((v, Rc::new(ids)));
            }
        }
    }

    /// Domains from an interleave block: a reference thread can only be an actual
    /// thread whose key matches its key and whose lines match its lines.
    pub(super) fn interleave_domains(
        &mut self,
        b: usize,
        s: usize,
        e: usize,
        out: &mut Vec<(u32, Rc<Vec<u32>>)>,
    ) {
        let spec = self.spec;
        let plan = self.plans[b]
            .as_ref()
            .expect("interleave blocks have a plan");
        let threads: Vec<(usize, u32, BTreeSet<u32>)> = plan
            .threads
            .iter()
            .map(|t| {
                // The key's variables, and those of the lines (shared by the class).
                let mut vars: BTreeSet<u32> = spec.templates[t.key_tpl as usize].vars().collect();
                vars.extend(self.classes[t.class].vars.iter().copied());
                (t.class, t.key_tpl, vars)
            })
            .collect();
        let nclasses = threads.iter().map(|t| t.0).collect::<BTreeSet<_>>().len();
        let proj_keys = self.projs[&(b, s, e)].keys.len();
        let mut shape_members: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
        for ak in 0..proj_keys {
            shape_members
                .entry(self.projs[&(b, s, e)].shape[ak])
                .or_default()
                .push(ak);
        }
        // Per class: compatible shapes, and values of message variables.
        let mut class_cache: FxHashMap<usize, ClassDomains> = FxHashMap::default();
        // Per (class, regex of a one-slot key): value ids of matching keys.
        let mut own_cache: FxHashMap<(usize, u32), Rc<Vec<u32>>> = FxHashMap::default();
        for (t, (class, key_tpl, vars)) in threads.into_iter().enumerate() {
            if vars.is_empty() {
                continue;
            }
            #[allow(clippy::map_entry)] // the entry cannot be held across `self.compat`
            if !class_cache.contains_key(&class) {
                let c = &self.classes[class];
                if (c.exact || !c.slots) && nclasses <= SWEEP_CLASSES {
                    self.sweep(b, s, e, class);
                }
                let mut ok_shapes = Vec::new();
                let mut vals: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
                let mut loose = false;
                for (&shape, members) in &shape_members {
                    match self.compat(b, s, e, class, members[0]) {
                        CompatKind::No => {}
                        CompatKind::Loose => {
                            loose = true;
                            ok_shapes.push(shape);
                        }
                        CompatKind::Yes => {
                            ok_shapes.push(shape);
                            let binds = self.compat_binds(b, s, e, class, members[0]).to_vec();
                            for (v, val) in binds {
                                let id = self.value_id(&val);
                                vals.entry(v).or_default().push(id);
                            }
                        }
                    }
                }
                let vals = vals
                    .into_iter()
                    .map(|(v, mut ids)| {
                        ids.sort_unstable();
                        ids.dedup();
                        (v, Rc::new(ids))
                    })
                    .collect();
                class_cache.insert(class, (ok_shapes, vals, loose));
            }
            let (ok_shapes, msg_vals, loose) = &class_cache[&class];
            let kt = &spec.templates[key_tpl as usize];
            let mut constrained: BTreeSet<u32> = BTreeSet::new();
            match kt.segs.as_slice() {
                [Seg::Slot(own)] => {
                    let re_id = spec.var_regex[*own as usize];
                    let ids = match own_cache.get(&(class, re_id)) {
                        Some(ids) => Rc::clone(ids),
                        None => {
                            let re = &spec.regexes.anchored[re_id as usize];
                            let mut ids = Vec::new();
                            for shape in ok_shapes {
                                for &ak in &shape_members[shape] {
                                    let key = self.projs[&(b, s, e)].keys[ak];
                                    if re.is_match(key) {
                                        ids.push(self.value_id(key));
                                    }
                                }
                            }
                            ids.sort_unstable();
                            ids.dedup();
                            let ids = Rc::new(ids);
                            own_cache.insert((class, re_id), Rc::clone(&ids));
                            ids
                        }
                    };
                    out.push((*own, ids));
                    constrained.insert(*own);
                }
                [Seg::Lit(_)] => {}
                _ => {
                    // A key with regexes or several labels: compare with every thread.
                    let mut vals: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
                    for shape in ok_shapes {
                        for &ak in &shape_members[shape] {
                            if let Some(kb) = self.key_match(b, s, e, t, ak) {
                                for (v, val) in kb {
                                    let id = self.value_id(&val);
                                    vals.entry(v).or_default().push(id);
                                }
                            }
                        }
                    }
                    for v in kt.vars() {
                        let mut ids = vals.remove(&v).unwrap_or_default();
                        ids.sort_unstable();
                        ids.dedup();
                        out.push((v, Rc::new(ids)));
                        constrained.insert(v);
                    }
                }
            }
            if !*loose {
                for v in vars.iter().filter(|v| !constrained.contains(v)) {
                    let ids = msg_vals
                        .get(v)
                        .cloned()
                        .unwrap_or_else(|| Rc::new(Vec::new()));
                    out.push((*v, ids));
                }
            }
        }
    }
}
