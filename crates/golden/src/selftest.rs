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
//!    checker: it is *equivalent* when it is again a valid instance by construction
//!    (a count range allows one more or one fewer copy; an unordered or token block
//!    does not care about order; swapped lines are instances of each other's
//!    reference lines, possibly after exchanging the identity labels they mention,
//!    with every thread's projection still an instance of the reference).
//! 4. Every non-equivalent mutant must fail the check (killed); every equivalent
//!    one must pass (a checker stricter than its spec is wrong too).

use crate::keys::KeyFinder;
use crate::pattern::{Bind, matches};
use crate::spec::{Block, Kind, Spec};
use crate::tokens::tokens;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One rendered output line and where it comes from.
#[derive(Clone, Debug)]
struct Line {
    text: String,
    block: usize,
    item: usize,
    /// Byte ranges that are not literal text (labels, redactions, inline patterns).
    protected: Vec<(usize, usize)>,
}

/// Values that sample inline regexes.
const SAMPLES: &[&str] = &[
    "0", "1", "42", "0.5", "0.63", "a", "x", "abc", "True", "0x1f", "", " ",
];

/// Render `text` (one body line): inline patterns become samples, escapes literal.
/// Returns the text and the byte ranges of substituted values.
fn render_line(
    spec: &Spec,
    text: &str,
    captures: &mut BTreeMap<String, String>,
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

/// How often each item is rendered.
fn copies(min: usize, max: Option<usize>) -> usize {
    min.max(1).min(max.unwrap_or(usize::MAX))
}

fn render(spec: &Spec) -> Option<(Vec<Line>, Vec<Option<String>>)> {
    let mut captures = BTreeMap::new();
    let mut lines = Vec::new();
    for (b, block) in spec.blocks.iter().enumerate() {
        for (i, item) in block.items.iter().enumerate() {
            let (text, protected) = if block.kind == Kind::Tokens {
                (item.text.clone(), Vec::new())
            } else {
                render_line(spec, &item.text, &mut captures)?
            };
            for _ in 0..copies(item.min, item.max) {
                lines.push(Line {
                    text: text.clone(),
                    block: b,
                    item: i,
                    protected: protected.clone(),
                });
            }
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

fn thread_of(spec: &Spec, finder: &mut Option<KeyFinder>, text: &str) -> Option<String> {
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

fn word_spans(text: &str, class: impl Fn(char) -> bool) -> Vec<(usize, usize)> {
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

/// Classify a mutant from the spec's structure (see the module docs).
fn equivalent(spec: &Spec, lines: &[Line], m: &Mutation, sigma: &[Option<String>]) -> bool {
    let rendered = |item: usize, block: usize| {
        lines
            .iter()
            .filter(|l| l.block == block && l.item == item)
            .count()
    };
    match m {
        Mutation::Drop(j) | Mutation::Dup(j) => {
            let l = &lines[*j];
            let block = &spec.blocks[l.block];
            if block.kind == Kind::Tokens {
                return tokens(&l.text).is_empty();
            }
            let it = &block.items[l.item];
            let r = rendered(l.item, l.block);
            match m {
                Mutation::Drop(_) => r > it.min,
                _ => it.max.is_none_or(|mx| r < mx),
            }
        }
        Mutation::Swap(a, b) => {
            let (la, lb) = (&lines[*a], &lines[*b]);
            let block = &spec.blocks[la.block];
            match block.kind {
                Kind::Unordered | Kind::Tokens => true,
                Kind::Ordered | Kind::Interleave => {
                    (instance(spec, block, la.item, &lb.text, sigma)
                        && instance(spec, block, lb.item, &la.text, sigma))
                        || relabel_swap(spec, lines, *a, *b, sigma)
                }
            }
        }
        Mutation::Change(j, text) => {
            let l = &lines[*j];
            let block = &spec.blocks[l.block];
            match block.kind {
                Kind::Tokens => tokens(text) == tokens(&l.text),
                Kind::Ordered | Kind::Interleave => instance(spec, block, l.item, text, sigma),
                Kind::Unordered => {
                    instance(spec, block, l.item, text, sigma)
                        || (rendered(l.item, l.block) > block.items[l.item].min
                            && (0..block.items.len()).any(|i| {
                                block.items[i]
                                    .max
                                    .is_none_or(|mx| rendered(i, l.block) < mx)
                                    && instance(spec, block, i, text, sigma)
                            }))
                }
            }
        }
    }
}

/// Swapping two lines that differ only in identity labels is legitimate when
/// exchanging those labels everywhere turns the mutant back into the rendering.
fn relabel_swap(spec: &Spec, lines: &[Line], a: usize, b: usize, sigma: &[Option<String>]) -> bool {
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
    let (la, lb) = (labels(&lines[a].text), labels(&lines[b].text));
    if la.len() != lb.len() || la == lb {
        return false;
    }
    let mut swap: BTreeMap<String, String> = BTreeMap::new();
    for (x, y) in la.iter().zip(&lb) {
        if x != y {
            swap.insert(x.clone(), y.clone());
            swap.insert(y.clone(), x.clone());
        }
    }
    let relabel = |t: &str| -> String {
        let mut out = t.to_owned();
        for re in &spec.declared {
            out = re
                .replace_all(&out, |c: &regex::Captures<'_>| {
                    swap.get(&c[0]).cloned().unwrap_or_else(|| c[0].to_owned())
                })
                .into_owned();
        }
        out
    };
    // The mutant, relabeled; lines keep their block. Interleave blocks compare
    // each thread's projection, other blocks line by line.
    let mut mutant: Vec<(usize, String)> =
        lines.iter().map(|l| (l.block, relabel(&l.text))).collect();
    mutant.swap(a, b);
    let mut finder = spec.key.as_ref().map(KeyFinder::new);
    let mut want: BTreeMap<(usize, Option<String>), Vec<&Line>> = BTreeMap::new();
    let mut got: BTreeMap<(usize, Option<String>), Vec<String>> = BTreeMap::new();
    for (l, (block, text)) in lines.iter().zip(mutant) {
        let per_thread = spec.blocks[block].kind == Kind::Interleave;
        let wk = if per_thread {
            thread_of(spec, &mut finder, &l.text)
        } else {
            None
        };
        let gk = if per_thread {
            thread_of(spec, &mut finder, &text)
        } else {
            None
        };
        want.entry((block, wk)).or_default().push(l);
        got.entry((block, gk)).or_default().push(text);
    }
    want.len() == got.len()
        && want.iter().all(|(k, ls)| {
            got.get(k).is_some_and(|ts| {
                ts.len() == ls.len()
                    && ts.iter().zip(ls).all(|(t, l)| {
                        *t == l.text || instance(spec, &spec.blocks[l.block], l.item, t, sigma)
                    })
            })
        })
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

fn join(lines: Vec<String>) -> String {
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
