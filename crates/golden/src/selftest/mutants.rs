//! Mutants of a rendered body (drop, duplicate, swap, change a word or number) and
//! their classification as equivalent or not from the spec's structure.

use super::*;

#[derive(Debug)]
pub(super) enum Mutation {
    Drop(usize),
    Dup(usize),
    Swap(usize, usize),
    Change(usize, String),
}

pub(crate) fn thread_of(spec: &Spec, finder: &mut Option<KeyFinder>, text: &str) -> Option<String> {
    let f = finder.as_mut()?;
    let _ = spec;
    f.span(text).map(|s| text[s.start..s.end].to_owned())
}

pub(super) fn mutants(spec: &Spec, lines: &[Line]) -> Vec<Mutation> {
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

pub(crate) fn word_spans(text: &str, class: impl Fn(char) -> bool) -> Vec<(usize, usize)> {
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
pub(super) fn instance(
    spec: &Spec,
    block: &Block,
    i: usize,
    text: &str,
    sigma: &[Option<String>],
) -> bool {
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
pub(super) fn equivalent(
    spec: &Spec,
    lines: &[Line],
    m: &Mutation,
    sigma: &[Option<String>],
) -> bool {
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
pub(crate) fn label_exchange(spec: &Spec, a: &str, b: &str) -> Option<BTreeMap<String, String>> {
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

pub(super) fn relabel(spec: &Spec, map: &BTreeMap<String, String>, t: &str) -> String {
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
pub(super) fn run_key(spec: &Spec, id: u32, sigma: &[Option<String>]) -> String {
    let text = spec.key_text(id);
    let tpl = spec
        .blocks
        .iter()
        .flat_map(|b| &b.items)
        .find_map(|it| it.key.as_ref().filter(|k| k.id == id).map(|k| k.key_tpl));
    tpl.and_then(|t| spec.templates[t as usize].exact_line(sigma, 0))
        .unwrap_or_else(|| text.to_owned())
}

pub(super) fn apply(lines: &[Line], m: &Mutation) -> String {
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

pub(crate) fn join(lines: Vec<String>) -> String {
    let mut s = lines.join("\n");
    s.push('\n');
    s
}
