//! Checking one run against a spec.
//!
//! 1. The output is cut into lines (trailing whitespace and trailing blank lines are
//!    not significant) and, when the spec has a `%key`, each line's key is found.
//! 2. Identity labels and captures are variables. Each gets a domain of candidate
//!    values from the blocks whose place in the output is known (for an interleave
//!    block: the actual threads whose projection matches the reference thread).
//! 3. A search assigns values (one-to-one within an identity class): it starts from
//!    a maximum bipartite matching of labels to values, then backtracks over the
//!    domains (with a budget) until an assignment makes every block match.
//! 4. With an assignment fixed, the blocks are placed on the output in order (a DP
//!    over block boundaries) and each is checked by its own rule.
//!
//! Interleave blocks are checked per key: threads with the same reference lines (up
//! to their own name) form a class, actual threads with the same lines a shape, and
//! each (class, shape) pair is compared once, so a million lines from a thousand
//! threads cost one pass.

use crate::fxhash::{FxHashMap, FxHashSet};
use crate::keys::KeyFinder;
use crate::matching::{Flow, hopcroft_karp};
use crate::pattern::{Bind, SELF_MARK, Seg, Template, matches};
use crate::plan::{Class, Plan};
use crate::report::{DiffLine, Failure};
use crate::seq::{Count, seq_match};
use crate::spec::{Block, Kind, Spec};
use crate::tokens::{bag_diff, tokens};
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

/// Up to this many distinct reference threads, each is compared with all actual
/// threads in one sequential pass over the output; beyond, pair by pair.
const SWEEP_CLASSES: usize = 8;

/// Beyond this many variables only one assignment is tried (the search recurses
/// once per variable).
const SEARCH_MAX_VARS: usize = 4096;

/// How many complete assignments the search may try before giving up.
const LEAF_BUDGET: usize = 20_000;

/// A run's output, split into lines.
pub(crate) struct Actual<'a> {
    pub(crate) lines: Vec<&'a str>,
    keys: Vec<Option<AKey<'a>>>,
    /// Every keyed line with its key column replaced by `SELF_MARK pad SELF_MARK`,
    /// back to back (one allocation for all lines).
    shapes: String,
}

struct AKey<'a> {
    key: &'a str,
    /// Byte range of this line's shape in `Actual::shapes`.
    shape: (usize, usize),
    len: usize,
}

impl<'a> Actual<'a> {
    pub(crate) fn new(text: &'a str, spec: &Spec) -> Self {
        let mut lines: Vec<&str> = if text.is_empty() {
            Vec::new()
        } else {
            text.split('\n').map(str::trim_end).collect()
        };
        while lines.last().is_some_and(|l| l.is_empty()) {
            lines.pop();
        }
        let want_shapes = spec.blocks.iter().any(|b| b.kind == Kind::Interleave);
        let mut finder = spec.key.as_ref().map(KeyFinder::new);
        let mut shapes = String::with_capacity(if want_shapes {
            text.len() + 4 * lines.len()
        } else {
            0
        });
        let keys = lines
            .iter()
            .map(|line| {
                let s = finder.as_mut()?.span(line)?;
                let from = shapes.len();
                if want_shapes {
                    shapes.push_str(&line[..s.start]);
                    shapes.push(SELF_MARK);
                    push_number(&mut shapes, s.pad_end - s.end);
                    shapes.push(SELF_MARK);
                    shapes.push_str(&line[s.pad_end..]);
                }
                let key = &line[s.start..s.end];
                Some(AKey {
                    key,
                    shape: (from, shapes.len()),
                    len: key.chars().count(),
                })
            })
            .collect();
        Actual {
            lines,
            keys,
            shapes,
        }
    }

    /// The shape of keyed line `j` (empty for unkeyed lines).
    fn shape(&self, j: usize) -> &str {
        self.keys[j]
            .as_ref()
            .map_or("", |k| &self.shapes[k.shape.0..k.shape.1])
    }
}

fn push_number(out: &mut String, n: usize) {
    use std::fmt::Write as _;
    let _ = write!(out, "{n}");
}

/// Actual threads of one output segment.
struct Proj<'a> {
    keys: Vec<&'a str>,
    lens: Vec<usize>,
    lines: Vec<Vec<usize>>,
    shape: Vec<u32>,
    unkeyed: Vec<usize>,
    index: FxHashMap<&'a str, usize>,
    /// For each line of the segment, its thread (`u32::MAX`: no key).
    line_key: Vec<u32>,
    compat: FxHashMap<(usize, u32), Compat>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum CompatKind {
    No,
    Yes,
    Loose,
}

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

impl Compat {
    fn kind(&self) -> CompatKind {
        match self {
            Compat::No => CompatKind::No,
            Compat::Yes(_) => CompatKind::Yes,
            Compat::Loose => CompatKind::Loose,
        }
    }
}

enum Compat {
    No,
    /// Matches, with these bindings of variables other than the key's own.
    Yes(Vec<(u32, String)>),
    /// Matches with each line checked alone; recheck under an assignment.
    Loose,
}

/// The result of a check.
pub(crate) struct Verdict {
    pub(crate) failure: Option<Failure>,
}

pub(crate) fn check(spec: &Spec, text: &str) -> Verdict {
    let actual = Actual::new(text, spec);
    let mut c = Checker::new(spec, &actual);
    // File-wide forbidden lines do not depend on any assignment.
    for (j, line) in actual.lines.iter().enumerate() {
        if let Some(f) = spec.forbids.iter().find(|f| f.re.is_match(line)) {
            return Verdict {
                failure: Some(Failure::forbidden(spec, None, f.line, j, line)),
            };
        }
    }
    let (found, best) = c.search();
    if found {
        drop(c);
        drop(actual);
        return Verdict { failure: None };
    }
    let mut failure = c.diagnose(&best);
    failure.notes.extend(c.gave_up.take());
    Verdict {
        failure: Some(failure),
    }
}

struct Checker<'s, 'a> {
    spec: &'s Spec,
    actual: &'a Actual<'a>,
    plans: &'s [Option<Plan>],
    classes: &'s [Class],
    projs: FxHashMap<(usize, usize, usize), Proj<'a>>,
    leaf_memo: FxHashMap<(usize, usize, usize), bool>,
    values: Vec<String>,
    value_ids: FxHashMap<String, u32>,
    /// Why the search over mappings stopped before trying them all.
    gave_up: Option<String>,
}

impl<'s, 'a> Checker<'s, 'a> {
    fn new(spec: &'s Spec, actual: &'a Actual<'a>) -> Self {
        Checker {
            spec,
            actual,
            plans: &spec.plans,
            classes: &spec.classes,
            projs: FxHashMap::default(),
            leaf_memo: FxHashMap::default(),
            values: Vec::new(),
            value_ids: FxHashMap::default(),
            gave_up: None,
        }
    }

    fn tpl(&self, id: u32) -> &'s Template {
        &self.spec.templates[id as usize]
    }

    // ----- the search over assignments -----

    /// The id of a candidate value.
    fn value_id(&mut self, v: &str) -> u32 {
        if let Some(&id) = self.value_ids.get(v) {
            return id;
        }
        let id = self.values.len() as u32;
        self.values.push(v.to_owned());
        self.value_ids.insert(v.to_owned(), id);
        id
    }

    /// Returns whether some assignment matches, and the assignment to report.
    fn search(&mut self) -> (bool, Vec<Option<String>>) {
        let nvars = self.spec.vars.len();
        let mut domains = self.domains();
        // A variable with no candidate at all: no assignment can match. Fall back
        // to every value its regex finds, only to show a plausible mapping.
        let hopeless = domains.iter().any(|d| d.is_empty());
        if hopeless {
            for (v, d) in domains.iter_mut().enumerate() {
                if d.is_empty() {
                    *d = Rc::new(self.values_in_output(v));
                }
            }
        }
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
            let adj: Vec<Vec<u32>> = vars.iter().map(|&v| domains[v].to_vec()).collect();
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
        if hopeless {
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
        };
        if self.dfs(0, &mut st) {
            return (true, st.sigma);
        }
        if st.leaves >= LEAF_BUDGET {
            self.gave_up = Some(format!(
                "gave up after trying {LEAF_BUDGET} identity mappings; the one shown is the one that got furthest"
            ));
        }
        match st.best {
            Some((_, a)) => (false, to_sigma(&self.values, &a)),
            None => (false, to_sigma(&self.values, &st.suggested)),
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
            } else if st.best.as_ref().is_none_or(|b| reached > b.0) {
                st.best = Some((reached, st.assign.clone()));
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

    /// Candidate values (ids) of every variable, sorted.
    fn domains(&mut self) -> Vec<Rc<Vec<u32>>> {
        let nvars = self.spec.vars.len();
        let mut dom: Vec<Option<Rc<Vec<u32>>>> = vec![None; nvars];
        let n = self.actual.lines.len();
        let mut start = Some(0usize);
        let nblocks = self.spec.blocks.len();
        for b in 0..nblocks {
            let (min, max) = self.spec.blocks[b].size_range();
            let end = match start {
                Some(s) if max == Some(min) => Some(s + min),
                Some(_) if b + 1 == nblocks => Some(n),
                _ => None,
            };
            if let (Some(s), Some(e)) = (start, end) {
                if e <= n {
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
            start = end;
        }
        (0..nvars)
            .map(|v| match dom[v].take() {
                Some(d) => d,
                None => Rc::new(self.values_in_output(v)),
            })
            .collect()
    }

    /// Every distinct value of variable `v`'s regex in the output, as sorted ids.
    fn values_in_output(&mut self, v: usize) -> Vec<u32> {
        let mut out = Vec::new();
        let actual = self.actual;
        for line in &actual.lines {
            for m in self.spec.vars[v].find.find_iter(line) {
                if !m.is_empty() {
                    out.push(self.value_id(m.as_str()));
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Constraints one block puts on variables, given its segment `s..e`.
    fn block_domains(&mut self, b: usize, s: usize, e: usize) -> Vec<(u32, Rc<Vec<u32>>)> {
        let spec = self.spec;
        let block = &spec.blocks[b];
        let mut out = Vec::new();
        match block.kind {
            Kind::Tokens => {}
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
    fn per_line_domains(
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
    fn interleave_domains(
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
                if self.classes[class].exact && nclasses <= SWEEP_CLASSES {
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

    // ----- one assignment -----

    /// Place all blocks under assignment `sigma`. Returns (matched, blocks placed).
    fn leaf(&mut self, sigma: &[Option<String>]) -> (bool, usize) {
        let n = self.actual.lines.len();
        let nb = self.spec.blocks.len();
        let mut reach: BTreeSet<usize> = BTreeSet::from([0]);
        for b in 0..nb {
            let mut next = BTreeSet::new();
            for &s in &reach {
                for e in self.ends(b, s) {
                    if !next.contains(&e) && self.block_ok(b, s, e, sigma) {
                        next.insert(e);
                    }
                }
            }
            if next.is_empty() {
                return (false, b);
            }
            reach = next;
        }
        (reach.contains(&n), nb)
    }

    fn ends(&self, b: usize, s: usize) -> Vec<usize> {
        let n = self.actual.lines.len();
        let (min, max) = self.spec.blocks[b].size_range();
        if b + 1 == self.spec.blocks.len() {
            let fits = n >= s + min && max.is_none_or(|m| n - s <= m);
            return if fits { vec![n] } else { Vec::new() };
        }
        let hi = max.map_or(n, |m| (s + m).min(n));
        (s + min..=hi).collect()
    }

    fn block_ok(&mut self, b: usize, s: usize, e: usize, sigma: &[Option<String>]) -> bool {
        if let Some(&r) = self.leaf_memo.get(&(b, s, e)) {
            return r;
        }
        let r = self.block_check(b, s, e, sigma);
        self.leaf_memo.insert((b, s, e), r);
        r
    }

    fn block_check(&mut self, b: usize, s: usize, e: usize, sigma: &[Option<String>]) -> bool {
        let spec = self.spec;
        let block = &spec.blocks[b];
        let lines = &self.actual.lines[s..e];
        if lines
            .iter()
            .any(|l| block.forbids.iter().any(|f| f.re.is_match(l)))
        {
            return false;
        }
        let cx = spec.cx();
        match block.kind {
            Kind::Ordered => {
                let counts: Vec<Count> = block.items.iter().map(|i| (i.min, i.max)).collect();
                seq_match(&counts, lines.len(), |i, j| {
                    matches(
                        &spec.templates[block.items[i].tpl as usize],
                        lines[j],
                        &cx,
                        &mut Bind::fixed(sigma),
                    )
                })
                .is_ok()
            }
            Kind::Unordered => unordered(spec, block, lines, sigma).0,
            Kind::Tokens => {
                let text: Vec<&str> = block.items.iter().map(|i| i.text.as_str()).collect();
                let want = text.join("\n");
                let got = lines.join("\n");
                let (m, x) = bag_diff(&tokens(&want), &tokens(&got));
                m.is_empty() && x.is_empty()
            }
            Kind::Interleave => self.interleave_ok(b, s, e, sigma),
        }
    }

    fn interleave_ok(&mut self, b: usize, s: usize, e: usize, sigma: &[Option<String>]) -> bool {
        self.ensure_proj(b, s, e);
        let spec = self.spec;
        let block = &spec.blocks[b];
        let plan = self.plans[b]
            .as_ref()
            .expect("interleave blocks have a plan");
        let nkeys = self.projs[&(b, s, e)].keys.len();
        if plan.threads.len() != nkeys {
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
            let ok = seq_match(&counts, proj.unkeyed.len(), |i, j| {
                let t = &spec.templates[block.items[plan.unkeyed[i]].tpl as usize];
                matches(
                    t,
                    self.actual.lines[proj.unkeyed[j]],
                    &cx,
                    &mut Bind::fixed(sigma),
                )
            });
            if ok.is_err() {
                return false;
            }
        }
        let mut adj: Vec<Vec<u32>> = Vec::with_capacity(plan.threads.len());
        for t in 0..plan.threads.len() {
            let candidates = self.key_candidates(b, s, e, t, sigma);
            let mut edges = Vec::new();
            for ak in candidates {
                if self.thread_ok(b, s, e, t, ak, sigma) {
                    edges.push(ak as u32);
                }
            }
            if edges.is_empty() {
                return false;
            }
            adj.push(edges);
        }
        let m = hopcroft_karp(nkeys, &adj);
        m.iter().all(Option::is_some)
    }

    /// Actual keys the reference thread's key can be under `sigma`.
    fn key_candidates(
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

    fn thread_ok(
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
                let self_len = proj.lens[ak];
                seq_match(&c.counts, lines.len(), |i, j| {
                    let shape = self.actual.shape(lines[j]);
                    let mut bind = Bind::fixed(sigma);
                    bind.self_len = self_len;
                    matches(
                        &self.spec.templates[c.tpls[i] as usize],
                        shape,
                        &cx,
                        &mut bind,
                    )
                })
                .is_ok()
            }
        }
    }

    /// Does reference thread `t`'s key match actual key `ak`? Returns its bindings.
    fn key_match(
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
    fn compat_binds(
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

    fn compat(&mut self, b: usize, s: usize, e: usize, class: usize, ak: usize) -> CompatKind {
        let proj = self.projs.get(&(b, s, e)).expect("projection");
        let shape = proj.shape[ak];
        if let Some(c) = proj.compat.get(&(class, shape)) {
            return c.kind();
        }
        let c = &self.classes[class];
        let lines = &proj.lines[ak];
        let self_len = proj.lens[ak];
        let cx = self.spec.cx();
        let actual = self.actual;
        let shape_of = |j: usize| actual.shape(lines[j]);
        let result = if lines.len() < c.min || c.max.is_some_and(|m| lines.len() > m) {
            Compat::No
        } else if c.exact {
            let mut bind = Bind::binding();
            bind.self_len = self_len;
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
            let ok = seq_match(&c.counts, lines.len(), |i, j| {
                let mut bind = Bind::binding();
                bind.self_len = self_len;
                matches(
                    &self.spec.templates[c.tpls[i] as usize],
                    shape_of(j),
                    &cx,
                    &mut bind,
                )
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

    fn ensure_proj(&mut self, b: usize, s: usize, e: usize) {
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
                lens,
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
    fn sweep(&mut self, b: usize, s: usize, e: usize, class: usize) {
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
            bind.self_len = proj.lens[k];
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

    // ----- diagnosis -----

    fn diagnose(&mut self, sigma: &[Option<String>]) -> Failure {
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
            let mut next = BTreeSet::new();
            for &s in &reach {
                for e in self.ends(b, s) {
                    if !next.contains(&e) && self.block_ok(b, s, e, sigma) {
                        next.insert(e);
                    }
                }
            }
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

    fn guess_end(&self, b: usize, s: usize) -> usize {
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

    fn explain(
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
        f.segment = (s, e);
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
        match block.kind {
            Kind::Ordered => {
                let items: Vec<usize> = (0..block.items.len()).collect();
                let pairs = align(spec, block, &items, &lines, self.actual, sigma, 0);
                f.absorb(spec, block, &items, &lines, &pairs, self.actual);
            }
            Kind::Unordered => {
                let (_, pairs) = unordered(spec, block, &self.actual.lines[s..e], sigma);
                let pairs: Vec<(usize, usize)> =
                    pairs.into_iter().map(|(i, j)| (i, j + s)).collect();
                let items: Vec<usize> = (0..block.items.len()).collect();
                f.absorb_unordered(spec, block, &items, &lines, &pairs, self.actual);
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
                    all_pairs.extend(align(
                        spec,
                        block,
                        &thread.items,
                        &act,
                        self.actual,
                        sigma,
                        0,
                    ));
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
                    0,
                ));
                let items: Vec<usize> = (0..block.items.len()).collect();
                f.absorb(spec, block, &items, &lines, &all_pairs, self.actual);
                if f.missing.is_empty() && f.unexpected.is_empty() {
                    f.reason =
                        "every line has a partner, but no consistent thread mapping was found"
                            .to_owned();
                }
            }
        }
        f
    }
}

/// Identical patterns of an unordered block: template, total min, total max, items.
type Pattern = (u32, usize, Option<usize>, Vec<usize>);

/// Check an unordered block: every line matched, every pattern within its count.
///
/// Returns the verdict and a maximum assignment (item, line offset) for reports.
fn unordered(
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
    let edges: Vec<Vec<usize>> = pats
        .iter()
        .map(|p| {
            let t = &spec.templates[p.0 as usize];
            match t.exact_line(sigma) {
                Some(line) => gi.get(line.as_str()).map(|&g| vec![g]).unwrap_or_default(),
                None => (0..groups.len())
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

/// Align reference items with actual lines (longest common subsequence where
/// "equal" means "the line matches the item"), for reports.
fn align(
    spec: &Spec,
    block: &Block,
    items: &[usize],
    lines: &[usize],
    actual: &Actual<'_>,
    sigma: &[Option<String>],
    _depth: usize,
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
