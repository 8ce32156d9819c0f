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

use crate::matching::{Flow, hopcroft_karp};
use crate::pattern::{Bind, SELF_MARK, Seg, Template, matches};
use crate::report::{DiffLine, Failure};
use crate::seq::{Count, seq_match};
use crate::spec::{Block, Kind, Spec, key_span};
use crate::tokens::{bag_diff, tokens};
use std::collections::{BTreeSet, HashMap, HashSet};

/// How many complete assignments the search may try before giving up.
const LEAF_BUDGET: usize = 20_000;

/// A run's output, split into lines.
pub(crate) struct Actual<'a> {
    pub(crate) lines: Vec<&'a str>,
    keys: Vec<Option<AKey<'a>>>,
}

struct AKey<'a> {
    key: &'a str,
    /// The line with its key column replaced by `SELF_MARK pad SELF_MARK`.
    shape: String,
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
        let shapes = spec.blocks.iter().any(|b| b.kind == Kind::Interleave);
        let keys = lines
            .iter()
            .map(|line| {
                let key = spec.key.as_ref()?;
                let s = key_span(key, line)?;
                let shape = if shapes {
                    format!(
                        "{}{SELF_MARK}{}{SELF_MARK}{}",
                        &line[..s.start],
                        s.pad_end - s.end,
                        &line[s.pad_end..]
                    )
                } else {
                    String::new()
                };
                Some(AKey {
                    key: &line[s.start..s.end],
                    shape,
                    len: line[s.start..s.end].chars().count(),
                })
            })
            .collect();
        Actual { lines, keys }
    }
}

/// One reference thread of an interleave block.
struct RefThread {
    key_text: String,
    key_tpl: u32,
    items: Vec<usize>,
    class: usize,
}

struct Plan {
    threads: Vec<RefThread>,
    unkeyed: Vec<usize>,
}

/// Reference threads with the same lines up to their own name.
struct Class {
    tpls: Vec<u32>,
    counts: Vec<Count>,
    exact: bool,
    slots: bool,
    min: usize,
    max: Option<usize>,
}

/// Actual threads of one output segment.
struct Proj<'a> {
    keys: Vec<&'a str>,
    lens: Vec<usize>,
    lines: Vec<Vec<usize>>,
    shape: Vec<u32>,
    unkeyed: Vec<usize>,
    index: HashMap<&'a str, usize>,
    compat: HashMap<(usize, u32), Compat>,
}

#[derive(Clone)]
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
        return Verdict { failure: None };
    }
    Verdict {
        failure: Some(c.diagnose(&best)),
    }
}

struct Checker<'s, 'a> {
    spec: &'s Spec,
    actual: &'a Actual<'a>,
    plans: Vec<Option<Plan>>,
    classes: Vec<Class>,
    projs: HashMap<(usize, usize, usize), Proj<'a>>,
    leaf_memo: HashMap<(usize, usize, usize), bool>,
}

impl<'s, 'a> Checker<'s, 'a> {
    fn new(spec: &'s Spec, actual: &'a Actual<'a>) -> Self {
        let mut classes = Vec::new();
        let mut class_index: HashMap<Vec<(u32, Count)>, usize> = HashMap::new();
        let plans = spec
            .blocks
            .iter()
            .map(|b| {
                if b.kind != Kind::Interleave {
                    return None;
                }
                let mut threads: Vec<RefThread> = Vec::new();
                let mut by_key: HashMap<&str, usize> = HashMap::new();
                let mut unkeyed = Vec::new();
                for (i, item) in b.items.iter().enumerate() {
                    match &item.key {
                        Some(k) => {
                            let t = *by_key.entry(&k.text).or_insert_with(|| {
                                threads.push(RefThread {
                                    key_text: k.text.clone(),
                                    key_tpl: k.key_tpl,
                                    items: Vec::new(),
                                    class: 0,
                                });
                                threads.len() - 1
                            });
                            threads[t].items.push(i);
                        }
                        None => unkeyed.push(i),
                    }
                }
                for t in &mut threads {
                    let sig: Vec<(u32, Count)> = t
                        .items
                        .iter()
                        .map(|&i| {
                            let it = &b.items[i];
                            (
                                it.key.as_ref().map_or(it.tpl, |k| k.abs_tpl),
                                (it.min, it.max),
                            )
                        })
                        .collect();
                    t.class = *class_index.entry(sig.clone()).or_insert_with(|| {
                        let counts: Vec<Count> = sig.iter().map(|s| s.1).collect();
                        classes.push(Class {
                            tpls: sig.iter().map(|s| s.0).collect(),
                            exact: counts.iter().all(|c| *c == (1, Some(1))),
                            slots: sig.iter().any(|s| spec.templates[s.0 as usize].has_slots()),
                            min: counts.iter().map(|c| c.0).sum(),
                            max: counts.iter().try_fold(0usize, |a, c| c.1.map(|m| a + m)),
                            counts,
                        });
                        classes.len() - 1
                    });
                }
                Some(Plan { threads, unkeyed })
            })
            .collect();
        Checker {
            spec,
            actual,
            plans,
            classes,
            projs: HashMap::new(),
            leaf_memo: HashMap::new(),
        }
    }

    fn tpl(&self, id: u32) -> &'s Template {
        &self.spec.templates[id as usize]
    }

    // ----- the search over assignments -----

    /// Returns whether some assignment matches, and the assignment to report.
    fn search(&mut self) -> (bool, Vec<Option<String>>) {
        let nvars = self.spec.vars.len();
        let mut domains = self.domains();
        // A variable with no candidate at all: no assignment can match. Fall back
        // to every value its regex finds, only to show a plausible mapping.
        let hopeless = domains.iter().any(Vec::is_empty);
        if hopeless {
            for (v, d) in domains.iter_mut().enumerate() {
                if d.is_empty() {
                    *d = self.values_in_output(v);
                }
            }
        }
        // Suggested values: a maximum matching per identity class.
        let mut suggested: Vec<Option<String>> = vec![None; nvars];
        let mut by_class: HashMap<Option<u32>, Vec<usize>> = HashMap::new();
        for (v, var) in self.spec.vars.iter().enumerate() {
            by_class.entry(var.class).or_default().push(v);
        }
        for (class, vars) in &by_class {
            if class.is_none() {
                for &v in vars {
                    suggested[v] = domains[v].first().cloned();
                }
                continue;
            }
            let mut values: Vec<&String> = Vec::new();
            let mut index: HashMap<&String, u32> = HashMap::new();
            let adj: Vec<Vec<u32>> = vars
                .iter()
                .map(|&v| {
                    domains[v]
                        .iter()
                        .map(|val| {
                            *index.entry(val).or_insert_with(|| {
                                values.push(val);
                                (values.len() - 1) as u32
                            })
                        })
                        .collect()
                })
                .collect();
            let m = hopcroft_karp(values.len(), &adj);
            for (k, &v) in vars.iter().enumerate() {
                suggested[v] = m[k].map(|r| values[r as usize].clone());
            }
        }
        // Depth-first search, most constrained variable first, suggested value first.
        let mut order: Vec<usize> = (0..nvars).collect();
        order.sort_by_key(|&v| (domains[v].len(), v));
        let choices: Vec<Vec<String>> = (0..nvars)
            .map(|v| {
                let mut c = domains[v].clone();
                if let Some(s) = &suggested[v] {
                    if let Some(p) = c.iter().position(|x| x == s) {
                        let first = c.remove(p);
                        c.insert(0, first);
                    }
                }
                c
            })
            .collect();
        if hopeless {
            return (false, suggested);
        }
        let mut assign: Vec<Option<String>> = vec![None; nvars];
        let mut used: HashSet<(u32, String)> = HashSet::new();
        let mut leaves = 0;
        let mut best: Option<(usize, Vec<Option<String>>)> = None;
        let found = self.dfs(
            0,
            &order,
            &choices,
            &mut assign,
            &mut used,
            &mut leaves,
            &mut best,
        );
        if found {
            return (true, assign);
        }
        (false, best.map(|b| b.1).unwrap_or(suggested))
    }

    #[allow(clippy::too_many_arguments)]
    fn dfs(
        &mut self,
        depth: usize,
        order: &[usize],
        choices: &[Vec<String>],
        assign: &mut Vec<Option<String>>,
        used: &mut HashSet<(u32, String)>,
        leaves: &mut usize,
        best: &mut Option<(usize, Vec<Option<String>>)>,
    ) -> bool {
        if *leaves >= LEAF_BUDGET {
            return false;
        }
        if depth == order.len() {
            *leaves += 1;
            self.leaf_memo.clear();
            let (ok, reached) = self.leaf(assign);
            if !ok && best.as_ref().is_none_or(|b| reached > b.0) {
                *best = Some((reached, assign.clone()));
            }
            return ok;
        }
        let v = order[depth];
        let class = self.spec.vars[v].class;
        let mut tried = false;
        for val in &choices[v] {
            if let Some(c) = class {
                if used.contains(&(c, val.clone())) {
                    continue;
                }
                used.insert((c, val.clone()));
            }
            tried = true;
            assign[v] = Some(val.clone());
            let ok = self.dfs(depth + 1, order, choices, assign, used, leaves, best);
            if let Some(c) = class {
                used.remove(&(c, val.clone()));
            }
            if ok {
                return true;
            }
            if *leaves >= LEAF_BUDGET {
                break;
            }
        }
        assign[v] = None;
        if !tried {
            // No value left: evaluate anyway so the report has something to show.
            return self.dfs(depth + 1, order, choices, assign, used, leaves, best);
        }
        false
    }

    /// Candidate values of every variable.
    fn domains(&mut self) -> Vec<Vec<String>> {
        let nvars = self.spec.vars.len();
        let mut dom: Vec<Option<BTreeSet<String>>> = vec![None; nvars];
        let narrow = |dom: &mut Vec<Option<BTreeSet<String>>>, v: u32, vals: BTreeSet<String>| {
            let d = &mut dom[v as usize];
            *d = Some(match d.take() {
                None => vals,
                Some(old) => old.intersection(&vals).cloned().collect(),
            });
        };
        let n = self.actual.lines.len();
        let mut start = Some(0usize);
        let nblocks = self.spec.blocks.len();
        for b in 0..nblocks {
            let block = &self.spec.blocks[b];
            let (min, max) = block.size_range();
            let end = match start {
                Some(s) if max == Some(min) => Some(s + min),
                Some(_) if b + 1 == nblocks => Some(n),
                _ => None,
            };
            if let (Some(s), Some(e)) = (start, end) {
                if e <= n {
                    for (v, vals) in self.block_domains(b, s, e) {
                        narrow(&mut dom, v, vals);
                    }
                }
            }
            start = end;
        }
        (0..nvars)
            .map(|v| match &dom[v] {
                Some(d) => d.iter().cloned().collect(),
                None => self.values_in_output(v),
            })
            .collect()
    }

    /// Every distinct value of variable `v`'s regex in the output.
    fn values_in_output(&self, v: usize) -> Vec<String> {
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for line in &self.actual.lines {
            for m in self.spec.vars[v].find.find_iter(line) {
                if !m.is_empty() && seen.insert(m.as_str()) {
                    out.push(m.as_str().to_owned());
                }
            }
        }
        out
    }

    /// Constraints one block puts on variables, given its segment `s..e`.
    fn block_domains(&mut self, b: usize, s: usize, e: usize) -> Vec<(u32, BTreeSet<String>)> {
        let spec = self.spec;
        let block = &spec.blocks[b];
        let cx = spec.cx();
        let mut out = Vec::new();
        if block.kind == Kind::Tokens {
            return out;
        }
        let per_line = |items: &mut dyn Iterator<Item = usize>,
                        lines: &[usize],
                        out: &mut Vec<(u32, BTreeSet<String>)>| {
            for i in items {
                let t = &spec.templates[block.items[i].tpl as usize];
                if !t.has_slots() {
                    continue;
                }
                let mut vals: HashMap<u32, BTreeSet<String>> =
                    t.vars().map(|v| (v, BTreeSet::new())).collect();
                for &j in lines {
                    let mut bind = Bind::binding();
                    if matches(t, self.actual.lines[j], &cx, &mut bind) {
                        for (v, val) in bind.local {
                            vals.entry(v).or_default().insert(val);
                        }
                    }
                }
                out.extend(vals);
            }
        };
        if block.kind != Kind::Interleave {
            let lines: Vec<usize> = (s..e).collect();
            per_line(&mut (0..block.items.len()), &lines, &mut out);
            return out;
        }
        self.ensure_proj(b, s, e);
        let plan = self.plans[b]
            .as_ref()
            .expect("interleave blocks have a plan");
        let nkeys = self.projs[&(b, s, e)].keys.len();
        let threads: Vec<(usize, BTreeSet<u32>)> = plan
            .threads
            .iter()
            .map(|thread| {
                let mut vars: BTreeSet<u32> =
                    spec.templates[thread.key_tpl as usize].vars().collect();
                for &i in &thread.items {
                    vars.extend(spec.templates[block.items[i].tpl as usize].vars());
                }
                (thread.class, vars)
            })
            .collect();
        let unkeyed = plan.unkeyed.clone();
        for (t, (class, vars)) in threads.into_iter().enumerate() {
            if vars.is_empty() {
                continue;
            }
            let mut vals: HashMap<u32, BTreeSet<String>> = HashMap::new();
            let mut free: HashSet<u32> = HashSet::new();
            for ak in 0..nkeys {
                let Some(kb) = self.key_match(b, s, e, t, ak) else {
                    continue;
                };
                match self.compat(b, s, e, class, ak) {
                    Compat::No => {}
                    Compat::Yes(more) => {
                        let mut all = kb;
                        let mut consistent = true;
                        for (v, val) in more {
                            match all.iter().find(|(w, _)| *w == v) {
                                Some((_, old)) if *old != val => consistent = false,
                                Some(_) => {}
                                None => all.push((v, val)),
                            }
                        }
                        if consistent {
                            for (v, val) in all {
                                vals.entry(v).or_default().insert(val);
                            }
                        }
                    }
                    Compat::Loose => {
                        for (v, val) in &kb {
                            vals.entry(*v).or_default().insert(val.clone());
                        }
                        free.extend(vars.iter().filter(|v| !kb.iter().any(|(w, _)| w == *v)));
                    }
                }
            }
            for v in vars {
                if !free.contains(&v) {
                    out.push((v, vals.remove(&v).unwrap_or_default()));
                }
            }
        }
        let lines = self.projs[&(b, s, e)].unkeyed.clone();
        per_line(&mut unkeyed.into_iter(), &lines, &mut out);
        out
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
            Compat::No => false,
            Compat::Yes(binds) => binds
                .iter()
                .all(|(v, val)| sigma[*v as usize].as_deref() == Some(val.as_str())),
            Compat::Loose => {
                let proj = &self.projs[&(b, s, e)];
                let c = &self.classes[class];
                let cx = self.spec.cx();
                let lines = &proj.lines[ak];
                let self_len = proj.lens[ak];
                seq_match(&c.counts, lines.len(), |i, j| {
                    let shape = &self.actual.keys[lines[j]].as_ref().expect("keyed").shape;
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

    fn compat(&mut self, b: usize, s: usize, e: usize, class: usize, ak: usize) -> Compat {
        let proj = self.projs.get(&(b, s, e)).expect("projection");
        let shape = proj.shape[ak];
        if let Some(c) = proj.compat.get(&(class, shape)) {
            return c.clone();
        }
        let c = &self.classes[class];
        let lines = &proj.lines[ak];
        let self_len = proj.lens[ak];
        let cx = self.spec.cx();
        let shape_of = |j: usize| {
            self.actual.keys[lines[j]]
                .as_ref()
                .expect("keyed")
                .shape
                .as_str()
        };
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
        let proj = self.projs.get_mut(&(b, s, e)).expect("projection");
        proj.compat.insert((class, shape), result.clone());
        result
    }

    fn ensure_proj(&mut self, b: usize, s: usize, e: usize) {
        if self.projs.contains_key(&(b, s, e)) {
            return;
        }
        let mut keys: Vec<&'a str> = Vec::new();
        let mut lens = Vec::new();
        let mut lines: Vec<Vec<usize>> = Vec::new();
        let mut unkeyed = Vec::new();
        let mut index: HashMap<&'a str, usize> = HashMap::new();
        let actual: &'a Actual<'a> = self.actual;
        for j in s..e {
            match &actual.keys[j] {
                Some(k) => {
                    let id = *index.entry(k.key).or_insert_with(|| {
                        keys.push(k.key);
                        lens.push(k.len);
                        lines.push(Vec::new());
                        keys.len() - 1
                    });
                    lines[id].push(j);
                }
                None => unkeyed.push(j),
            }
        }
        let mut shapes: HashMap<(usize, Vec<&str>), u32> = HashMap::new();
        let shape = (0..keys.len())
            .map(|k| {
                let sig: Vec<&str> = lines[k]
                    .iter()
                    .map(|&j| actual.keys[j].as_ref().map_or("", |a| a.shape.as_str()))
                    .collect();
                let next = shapes.len() as u32;
                *shapes.entry((lens[k], sig)).or_insert(next)
            })
            .collect();
        self.projs.insert(
            (b, s, e),
            Proj {
                keys,
                lens,
                lines,
                shape,
                unkeyed,
                index,
                compat: HashMap::new(),
            },
        );
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
                                thread.key_text.clone(),
                                Some(proj.keys[ak as usize].to_owned()),
                            ));
                            proj.lines[ak as usize].clone()
                        }
                        None => {
                            f.threads.push((thread.key_text.clone(), None));
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
    let mut gi: HashMap<&str, usize> = HashMap::new();
    for (j, l) in lines.iter().enumerate() {
        let g = *gi.entry(l).or_insert_with(|| {
            groups.push((l, Vec::new()));
            groups.len() - 1
        });
        groups[g].1.push(j);
    }
    let mut pats: Vec<Pattern> = Vec::new();
    let mut pi: HashMap<u32, usize> = HashMap::new();
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
    let edges: Vec<Vec<usize>> = pats
        .iter()
        .map(|p| {
            let t = &spec.templates[p.0 as usize];
            (0..groups.len())
                .filter(|&g| matches(t, groups[g].0, &cx, &mut Bind::fixed(sigma)))
                .collect()
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
