//! Mutation self-test: every spec in `expected-output/` (and the fixtures) must
//! reject every mutant of its own body that the spec does not declare legitimate.
//!
//! 1. The body is rendered as a run would print it (inline patterns replaced by a
//!    sample value; each line as often as its count requires). The rendering must
//!    pass.
//! 2. Mutants: drop a line, duplicate a line, swap two lines of one thread, change a
//!    word or a fixed number (never inside an identity, a redaction or an inline
//!    pattern).
//! 3. Each mutant is classified **from the spec's structure**, without running the
//!    checker: mutations keep every line in its block, so each block's stretch of
//!    the mutant is known; the mutant is *equivalent* when every stretch is again an
//!    instance of its block by the format's definition (counts, order per thread,
//!    multisets, token bags), evaluated by brute force with labels standing for
//!    themselves, after exchanging the labels of two swapped lines when they differ
//!    only there. That naive evaluation shares only the one-line matcher with the
//!    checker: no projection classes, no bipartite matching, no search.
//! 4. Every non-equivalent mutant must fail the check (killed); every equivalent
//!    one must pass (a checker stricter than its spec is wrong too).

use crate::keys::KeyFinder;
use crate::pattern::{Bind, Env, matches, matches_env};
use crate::spec::{Block, Kind, Spec};
use crate::tokens::tokens;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One rendered output line and where it comes from.
#[derive(Clone, Debug)]
struct Line {
    text: String,
    block: usize,
    /// Byte ranges that are not literal text (labels, redactions, inline patterns).
    protected: Vec<(usize, usize)>,
}

/// Values that sample inline regexes.
const SAMPLES: &[&str] = &[
    "0", "1", "42", "0.5", "0.63", "a", "x", "abc", "True", "0x1f", "", " ", "[]", "['0']",
    "['1']", "['2']", "['3']",
];

/// Render `text` (one body line): inline patterns become samples, escapes literal.
/// Returns the text and the byte ranges of substituted values.
fn render_line(
    spec: &Spec,
    text: &str,
    captures: &mut BTreeMap<String, String>,
    env: &mut Env,
) -> Option<(String, Vec<(usize, usize)>)> {
    let mut out = String::new();
    let mut protected = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(esc) = ["\\{{", "\\[[", "\\[..]"]
            .iter()
            .find(|e| rest.starts_with(**e))
        {
            out.push_str(&esc[1..]);
            rest = &rest[esc.len()..];
        } else if let Some(r) = rest.strip_prefix("[..]") {
            rest = r;
        } else if let Some(inner) = rest.strip_prefix("{{") {
            let end = inner.find("}}")?;
            let re = regex::Regex::new(&format!("^(?:{})$", &inner[..end])).ok()?;
            let sample = SAMPLES.iter().find(|s| re.is_match(s))?;
            protected.push((out.len(), out.len() + sample.len()));
            out.push_str(sample);
            rest = &inner[end + 2..];
        } else if let Some(inner) = rest.strip_prefix("[[#") {
            let end = inner.find("]]")?;
            let value = numeric(spec, &inner[..end], env)?;
            protected.push((out.len(), out.len() + value.len()));
            out.push_str(&value);
            rest = &inner[end + 2..];
        } else if let Some(inner) = rest.strip_prefix("[[") {
            let end = inner.find("]]")?;
            let name = inner[..end]
                .split(':')
                .next()
                .unwrap_or_default()
                .to_owned();
            let var = spec
                .vars
                .iter()
                .find(|v| v.class.is_none() && v.name == name)?;
            let value = match captures.get(&name) {
                Some(v) => v.clone(),
                None => {
                    let re = &spec.regexes.anchored[var.regex as usize];
                    let v = (*SAMPLES.iter().find(|s| !s.is_empty() && re.is_match(s))?).to_owned();
                    captures.insert(name, v.clone());
                    v
                }
            };
            protected.push((out.len(), out.len() + value.len()));
            out.push_str(&value);
            rest = &inner[end + 2..];
        } else {
            let c = rest.chars().next()?;
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    for re in &spec.declared {
        protected.extend(re.find_iter(&out).map(|m| (m.start(), m.end())));
    }
    Some((out, protected))
}

/// The value of a numeric capture `[[#BODY]]` under `env` (7 when it may be any
/// integer), which it then sets.
fn numeric(spec: &Spec, body: &str, env: &mut Env) -> Option<String> {
    let id = |name: &str| spec.num_names.iter().position(|n| n == name.trim());
    let (set, expr) = match body.split_once(':') {
        Some((set, expr)) => (Some(id(set)?), expr.trim()),
        None => (None, body.trim()),
    };
    let value = if expr.is_empty() {
        7
    } else if let Ok(k) = expr.parse::<i64>() {
        k
    } else {
        let cut = expr.find(['+', '-']).unwrap_or(expr.len());
        let (name, k) = expr.split_at(cut);
        let k: i64 = match k.split_at_checked(1) {
            Some(("-", d)) => -d.trim().parse::<i64>().ok()?,
            Some((_, d)) => d.trim().parse().ok()?,
            None => 0,
        };
        (*env.get(id(name)?)?)? + k
    };
    if let Some(v) = set {
        env[v] = Some(value);
    }
    Some(value.to_string())
}

/// How often each item is rendered.
fn copies(min: usize, max: Option<usize>) -> usize {
    min.max(1).min(max.unwrap_or(usize::MAX))
}

fn render(spec: &Spec) -> Option<(Vec<Line>, Vec<Option<String>>)> {
    let mut captures = BTreeMap::new();
    let mut lines = Vec::new();
    for (b, block) in spec.blocks.iter().enumerate() {
        // Numeric variables follow each sequence: the block, or each thread.
        let mut envs: BTreeMap<Option<u32>, Env> = BTreeMap::new();
        let mut i = 0;
        while i < block.items.len() {
            // A group is rendered as a whole, as often as its count requires.
            let (range, reps) = match block.groups.iter().find(|g| g.first == i) {
                Some(g) => (g.first..g.first + g.len, copies(g.min, g.max)),
                None => (i..i + 1, 1),
            };
            for _ in 0..reps {
                for k in range.clone() {
                    let item = &block.items[k];
                    let env = envs
                        .entry(item.key.as_ref().map(|key| key.id))
                        .or_insert_with(|| spec.num_init.clone());
                    for _ in 0..copies(item.min, item.max) {
                        let (text, protected) = if block.kind == Kind::Tokens {
                            (item.text.clone(), Vec::new())
                        } else {
                            render_line(spec, &item.text, &mut captures, env)?
                        };
                        lines.push(Line {
                            text,
                            block: b,
                            protected,
                        });
                    }
                }
            }
            i = range.end;
        }
    }
    // Identity labels stand for themselves; captures for their sample.
    let sigma = spec
        .vars
        .iter()
        .map(|v| {
            if v.class.is_some() {
                Some(v.name.clone())
            } else {
                captures.get(&v.name).cloned()
            }
        })
        .collect();
    Some((lines, sigma))
}

#[derive(Debug)]
enum Mutation {
    Drop(usize),
    Dup(usize),
    Swap(usize, usize),
    Change(usize, String),
}

pub(super) fn thread_of(spec: &Spec, finder: &mut Option<KeyFinder>, text: &str) -> Option<String> {
    let f = finder.as_mut()?;
    let _ = spec;
    f.span(text).map(|s| text[s.start..s.end].to_owned())
}

fn mutants(spec: &Spec, lines: &[Line]) -> Vec<Mutation> {
    let mut finder = spec.key.as_ref().map(KeyFinder::new);
    let keys: Vec<Option<String>> = lines
        .iter()
        .map(|l| thread_of(spec, &mut finder, &l.text))
        .collect();
    let mut out = Vec::new();
    for (j, line) in lines.iter().enumerate() {
        out.push(Mutation::Drop(j));
        out.push(Mutation::Dup(j));
        // The next line of the same thread in the same block.
        if let Some(k) = (j + 1..lines.len())
            .take_while(|&k| lines[k].block == line.block)
            .find(|&k| keys[k] == keys[j])
        {
            if lines[k].text != line.text {
                out.push(Mutation::Swap(j, k));
            }
        }
        let free = |a: usize, b: usize| !line.protected.iter().any(|&(s, e)| a < e && s < b);
        for (s, e) in word_spans(&line.text, |c| c.is_alphabetic())
            .into_iter()
            .filter(|&(s, e)| e - s >= 2 && free(s, e))
        {
            let w = &line.text[s..e];
            let first = w.chars().next().unwrap_or('a');
            let flipped: String = if first.is_uppercase() {
                first.to_lowercase().collect()
            } else {
                first.to_uppercase().collect()
            };
            let new_word = if flipped == first.to_string() {
                format!("{w}x")
            } else {
                format!("{flipped}{}", &w[first.len_utf8()..])
            };
            out.push(Mutation::Change(
                j,
                format!("{}{new_word}{}", &line.text[..s], &line.text[e..]),
            ));
        }
        for (s, e) in word_spans(&line.text, |c| c.is_ascii_digit())
            .into_iter()
            .filter(|&(s, e)| free(s, e))
        {
            let n: u128 = line.text[s..e].parse().unwrap_or(0);
            out.push(Mutation::Change(
                j,
                format!("{}{}{}", &line.text[..s], n + 1, &line.text[e..]),
            ));
        }
    }
    out
}

pub(super) fn word_spans(text: &str, class: impl Fn(char) -> bool) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (class(c), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                spans.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        spans.push((s, text.len()));
    }
    spans
}

/// Is `text` an instance of item `i` of `block`, with labels standing for themselves?
fn instance(spec: &Spec, block: &Block, i: usize, text: &str, sigma: &[Option<String>]) -> bool {
    matches(
        &spec.templates[block.items[i].tpl as usize],
        text,
        &spec.cx(),
        &mut Bind::fixed(sigma),
    )
}

/// Classify a mutant from the spec's structure (see the module docs): it is
/// equivalent when, after exchanging the identity labels of two swapped lines (or
/// not), every block's stretch of the mutant is an instance of the block by the
/// format's definition, evaluated naively (labels standing for themselves, each
/// thread compared with the reference thread of the same name, brute force).
fn equivalent(spec: &Spec, lines: &[Line], m: &Mutation, sigma: &[Option<String>]) -> bool {
    let mut tagged: Vec<(usize, String)> =
        lines.iter().map(|l| (l.block, l.text.clone())).collect();
    match m {
        Mutation::Drop(j) => {
            tagged.remove(*j);
        }
        Mutation::Dup(j) => tagged.insert(*j + 1, tagged[*j].clone()),
        Mutation::Swap(a, b) => tagged.swap(*a, *b),
        Mutation::Change(j, t) => tagged[*j].1 = t.clone(),
    }
    let mut relabelings = vec![BTreeMap::new()];
    if let Mutation::Swap(a, b) = m {
        if let Some(map) = label_exchange(spec, &lines[*a].text, &lines[*b].text) {
            relabelings.push(map);
        }
    }
    relabelings.iter().any(|map| {
        (0..spec.blocks.len()).all(|b| {
            let texts: Vec<String> = tagged
                .iter()
                .filter(|(blk, _)| *blk == b)
                .map(|(_, t)| relabel(spec, map, t))
                .collect();
            block_instance(spec, b, &texts, sigma)
        })
    })
}

/// The exchange of the labels in which two lines differ, if they differ only there.
fn label_exchange(spec: &Spec, a: &str, b: &str) -> Option<BTreeMap<String, String>> {
    let labels = |t: &str| -> Vec<String> {
        spec.declared
            .iter()
            .flat_map(|re| {
                re.find_iter(t)
                    .map(|m| m.as_str().to_owned())
                    .collect::<Vec<_>>()
            })
            .collect()
    };
    let (la, lb) = (labels(a), labels(b));
    if la.len() != lb.len() || la == lb {
        return None;
    }
    let mut map = BTreeMap::new();
    for (x, y) in la.iter().zip(&lb) {
        if x != y {
            map.insert(x.clone(), y.clone());
            map.insert(y.clone(), x.clone());
        }
    }
    Some(map)
}

fn relabel(spec: &Spec, map: &BTreeMap<String, String>, t: &str) -> String {
    if map.is_empty() {
        return t.to_owned();
    }
    let mut out = t.to_owned();
    for re in &spec.declared {
        out = re
            .replace_all(&out, |c: &regex::Captures<'_>| {
                map.get(&c[0]).cloned().unwrap_or_else(|| c[0].to_owned())
            })
            .into_owned();
    }
    out
}

/// The key reference thread key `id` has in the run: its text with labels
/// replaced by their values under `sigma` (themselves for a rendered body).
fn run_key(spec: &Spec, id: u32, sigma: &[Option<String>]) -> String {
    let text = spec.key_text(id);
    let tpl = spec
        .blocks
        .iter()
        .flat_map(|b| &b.items)
        .find_map(|it| it.key.as_ref().filter(|k| k.id == id).map(|k| k.key_tpl));
    tpl.and_then(|t| spec.templates[t as usize].exact_line(sigma, 0))
        .unwrap_or_else(|| text.to_owned())
}

/// Is `texts` an instance of block `b`? Naive definitional semantics.
pub(super) fn block_instance(
    spec: &Spec,
    b: usize,
    texts: &[String],
    sigma: &[Option<String>],
) -> bool {
    let block = &spec.blocks[b];
    let counted = |c: &crate::spec::Counted| {
        let k = texts.iter().filter(|t| c.re.is_match(t)).count();
        k >= c.min && c.max.is_none_or(|m| k <= m)
    };
    if !block.counted.iter().all(counted) {
        return false;
    }
    let all: Vec<usize> = (0..block.items.len()).collect();
    match block.kind {
        Kind::Tokens => {
            // Each reference line's tokens, in order, interleaved: plain
            // backtracking over which line takes each token.
            let want: Vec<Vec<&str>> = block.items.iter().map(|i| tokens(&i.text)).collect();
            let joined = texts.join("\n");
            let got = tokens(&joined);
            fn shuffle(want: &[Vec<&str>], p: &mut Vec<usize>, got: &[&str]) -> bool {
                let Some((first, rest)) = got.split_first() else {
                    return want.iter().zip(p.iter()).all(|(w, &k)| k == w.len());
                };
                for i in 0..want.len() {
                    if want[i].get(p[i]) == Some(first) {
                        p[i] += 1;
                        let ok = shuffle(want, p, rest);
                        p[i] -= 1;
                        if ok {
                            return true;
                        }
                    }
                }
                false
            }
            shuffle(&want, &mut vec![0; want.len()], &got)
        }
        Kind::Ordered => naive_seq(spec, block, &all, texts, sigma),
        Kind::Unordered => naive_bag(spec, block, texts, &mut vec![0; block.items.len()], sigma),
        Kind::Interleave => {
            let mut finder = spec.key.as_ref().map(KeyFinder::new);
            let mut want: BTreeMap<Option<String>, Vec<usize>> = BTreeMap::new();
            for (i, item) in block.items.iter().enumerate() {
                let key = item.key.as_ref().map(|k| run_key(spec, k.id, sigma));
                want.entry(key).or_default().push(i);
            }
            let mut got: BTreeMap<Option<String>, Vec<String>> = BTreeMap::new();
            let mut at: BTreeMap<Option<String>, Vec<usize>> = BTreeMap::new();
            for (pos, t) in texts.iter().enumerate() {
                let key = thread_of(spec, &mut finder, t);
                at.entry(key.clone()).or_default().push(pos);
                got.entry(key).or_default().push(t.clone());
            }
            // `%sync FROM -> TO`: FROM's first k_from lines before TO's line k_to.
            let synced = block.syncs.iter().all(|sy| {
                let pos = |id: u32| at.get(&Some(run_key(spec, id, sigma)));
                match (pos(sy.from), pos(sy.to)) {
                    (Some(f), Some(t))
                        if sy.k_from > 0 && sy.k_from <= f.len() && sy.k_to < t.len() =>
                    {
                        f[sy.k_from - 1] < t[sy.k_to]
                    }
                    _ => true,
                }
            });
            if !synced {
                return false;
            }
            got.keys().all(|k| want.contains_key(k))
                && want.iter().all(|(k, items)| {
                    naive_seq(
                        spec,
                        block,
                        items,
                        got.get(k).map_or(&[][..], Vec::as_slice),
                        sigma,
                    )
                })
        }
    }
}

/// Do `texts` match `items` in order, each within its count, each group of the
/// block repeated within its count, numeric variables following along? Plain
/// backtracking.
fn naive_seq(
    spec: &Spec,
    block: &Block,
    items: &[usize],
    texts: &[String],
    sigma: &[Option<String>],
) -> bool {
    let groups = crate::group::local(&block.groups, items);
    let nv = Naive { spec, block, sigma };
    !nv.groups(items, &groups, texts, spec.num_init.clone())
        .is_empty()
}

/// The naive evaluation of one sequence; each step returns every set of numeric
/// values the lines can leave (none: no match).
struct Naive<'a> {
    spec: &'a Spec,
    block: &'a Block,
    sigma: &'a [Option<String>],
}

impl Naive<'_> {
    fn instance(&self, i: usize, text: &str, env: &Env) -> Option<Env> {
        let t = &self.spec.templates[self.block.items[i].tpl as usize];
        let mut e = env.clone();
        let mut b = Bind::fixed(self.sigma);
        let ok = if env.is_empty() {
            matches(t, text, &self.spec.cx(), &mut b)
        } else {
            matches_env(t, text, &self.spec.cx(), &mut b, &mut e)
        };
        ok.then_some(e)
    }

    fn groups(
        &self,
        items: &[usize],
        groups: &[crate::group::Group],
        texts: &[String],
        env: Env,
    ) -> Vec<Env> {
        // Items before the first group, then the group, then the rest.
        let Some(g) = groups.iter().min_by_key(|g| g.first) else {
            return self.plain(items, texts, env);
        };
        let (before, body, after) = (
            &items[..g.first],
            &items[g.first..g.first + g.len],
            &items[g.first + g.len..],
        );
        let rest: Vec<crate::group::Group> = groups
            .iter()
            .filter(|h| h.first > g.first)
            .map(|h| crate::group::Group {
                first: h.first - g.first - g.len,
                ..*h
            })
            .collect();
        let mut out = Vec::new();
        for a in 0..=texts.len() {
            for e in self.plain(before, &texts[..a], env.clone()) {
                out.extend(
                    self.repeats(g.min, g.max, body, &texts[a..], e, &mut |t, e| {
                        self.groups(after, &rest, t, e)
                    }),
                );
            }
        }
        dedup(out)
    }

    /// `body` matched `min..=max` times on a prefix of `texts`, then `rest` on
    /// the remainder.
    fn repeats(
        &self,
        min: usize,
        max: Option<usize>,
        body: &[usize],
        texts: &[String],
        env: Env,
        rest: &mut dyn FnMut(&[String], Env) -> Vec<Env>,
    ) -> Vec<Env> {
        let mut out = Vec::new();
        if min == 0 {
            out.extend(rest(texts, env.clone()));
        }
        if max == Some(0) {
            return dedup(out);
        }
        // A repetition beyond the required ones must take a line (or it changes nothing).
        let from = usize::from(min == 0);
        for t in from..=texts.len() {
            for e in self.plain(body, &texts[..t], env.clone()) {
                out.extend(self.repeats(
                    min.saturating_sub(1),
                    max.map(|m| m - 1),
                    body,
                    &texts[t..],
                    e,
                    rest,
                ));
            }
        }
        dedup(out)
    }

    /// `texts` against `items` in order, each within its count.
    fn plain(&self, items: &[usize], texts: &[String], env: Env) -> Vec<Env> {
        let Some((&first, rest)) = items.split_first() else {
            return if texts.is_empty() {
                vec![env]
            } else {
                Vec::new()
            };
        };
        let it = &self.block.items[first];
        let max = it.max.unwrap_or(usize::MAX).min(texts.len());
        let mut out = Vec::new();
        let mut cur = env;
        let mut taken = 0;
        loop {
            if taken >= it.min {
                out.extend(self.plain(rest, &texts[taken..], cur.clone()));
            }
            if taken == max {
                break;
            }
            match self.instance(first, &texts[taken], &cur) {
                Some(e) => cur = e,
                None => break,
            }
            taken += 1;
        }
        dedup(out)
    }
}

fn dedup(mut v: Vec<Env>) -> Vec<Env> {
    v.sort();
    v.dedup();
    v
}

/// Can every line be given to an item, each item within its count? Backtracking.
fn naive_bag(
    spec: &Spec,
    block: &Block,
    texts: &[String],
    used: &mut Vec<usize>,
    sigma: &[Option<String>],
) -> bool {
    let Some((first, rest)) = texts.split_first() else {
        return block
            .items
            .iter()
            .zip(used.iter())
            .all(|(it, u)| *u >= it.min);
    };
    for i in 0..block.items.len() {
        let it = &block.items[i];
        if it.max.is_none_or(|mx| used[i] < mx) && instance(spec, block, i, first, sigma) {
            used[i] += 1;
            let ok = naive_bag(spec, block, rest, used, sigma);
            used[i] -= 1;
            if ok {
                return true;
            }
        }
    }
    false
}

fn apply(lines: &[Line], m: &Mutation) -> String {
    let mut v: Vec<String> = lines.iter().map(|l| l.text.clone()).collect();
    match m {
        Mutation::Drop(j) => {
            v.remove(*j);
        }
        Mutation::Dup(j) => v.insert(*j + 1, v[*j].clone()),
        Mutation::Swap(a, b) => v.swap(*a, *b),
        Mutation::Change(j, t) => v[*j] = t.clone(),
    }
    join(v)
}

pub(super) fn join(lines: Vec<String>) -> String {
    let mut s = lines.join("\n");
    s.push('\n');
    s
}

/// Result of mutating one spec.
#[derive(Default)]
struct Tally {
    total: usize,
    equivalent: usize,
    killed: usize,
    problems: Vec<String>,
}

fn mutate_spec(name: &str, text: &str, tally: &mut Tally) {
    let spec = match Spec::parse(name, text) {
        Ok(s) => s,
        Err(e) => {
            tally.problems.push(format!("{name}: does not parse: {e}"));
            return;
        }
    };
    let Some((lines, sigma)) = render(&spec) else {
        tally.problems.push(format!(
            "{name}: cannot render an inline pattern of the body"
        ));
        return;
    };
    let rendered = join(lines.iter().map(|l| l.text.clone()).collect());
    let own = spec.check(&rendered);
    if !own.is_match() {
        tally
            .problems
            .push(format!("{name}: its own body does not pass:\n{own}"));
        return;
    }
    for m in mutants(&spec, &lines) {
        let out = apply(&lines, &m);
        if out == rendered {
            continue;
        }
        tally.total += 1;
        let eq = equivalent(&spec, &lines, &m, &sigma);
        let passed = spec.check(&out).is_match();
        match (eq, passed) {
            (true, true) => tally.equivalent += 1,
            (false, false) => tally.killed += 1,
            (false, true) => tally
                .problems
                .push(format!("{name}: mutant {m:?} SURVIVED:\n{out}")),
            (true, false) => tally.problems.push(format!(
                "{name}: legitimate mutant {m:?} was REJECTED:\n{out}"
            )),
        }
    }
}

fn spec_files() -> Vec<PathBuf> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in [
        manifest.join("../../expected-output"),
        manifest.join("tests/fixtures"),
    ] {
        if let Ok(entries) = std::fs::read_dir(&dir) {
            for e in entries.flatten() {
                if e.path().extension().is_some_and(|x| x == "txt") {
                    files.push(e.path());
                }
            }
        }
    }
    files.sort();
    files
}

#[test]
fn every_non_equivalent_mutant_is_killed() {
    let files = spec_files();
    assert!(!files.is_empty(), "no spec files found");
    let mut all = Tally::default();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let name = f
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut t = Tally::default();
        mutate_spec(&name, &text, &mut t);
        println!(
            "{name}: {} mutants, {} equivalent, {} of {} others killed",
            t.total,
            t.equivalent,
            t.killed,
            t.total - t.equivalent
        );
        all.total += t.total;
        all.equivalent += t.equivalent;
        all.killed += t.killed;
        all.problems.extend(t.problems);
    }
    let others = all.total - all.equivalent;
    println!(
        "mutation self-test: {} files, {} mutants, {} equivalent, {}/{} non-equivalent killed ({:.1}%)",
        files.len(),
        all.total,
        all.equivalent,
        all.killed,
        others,
        if others == 0 {
            100.0
        } else {
            100.0 * all.killed as f64 / others as f64
        }
    );
    assert!(all.problems.is_empty(), "{}", all.problems.join("\n\n"));
}
