//! Rendering a spec's body as a run would print it: sample values for inline
//! patterns, each line as often as its count requires.

use super::*;

/// One rendered output line and where it comes from.
#[derive(Clone, Debug)]
pub(super) struct Line {
    pub(super) text: String,
    pub(super) block: usize,
    /// Byte ranges that are not literal text (labels, redactions, inline patterns).
    pub(super) protected: Vec<(usize, usize)>,
}

/// Values that sample inline regexes.
pub(super) const SAMPLES: &[&str] = &[
    "0", "1", "42", "0.5", "0.63", "a", "x", "abc", "True", "0x1f", "", " ", "[]", "['0']",
    "['1']", "['2']", "['3']",
];

/// Render `text` (one body line): inline patterns become samples, escapes literal.
/// Returns the text and the byte ranges of substituted values.
pub(super) fn render_line(
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
pub(super) fn numeric(spec: &Spec, body: &str, env: &mut Env) -> Option<String> {
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
pub(super) fn copies(min: usize, max: Option<usize>) -> usize {
    min.max(1).min(max.unwrap_or(usize::MAX))
}

pub(super) fn render(spec: &Spec) -> Option<(Vec<Line>, Vec<Option<String>>)> {
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
