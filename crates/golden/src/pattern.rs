//! Line templates: one reference line compiled into literal text, inline regexes,
//! variable slots (identities, captures) and the padded key column, and the matcher
//! that decides whether an actual line is an instance of a template.
//!
//! Every regex is anchored at both ends and matched against a candidate span, so a
//! wildcard never depends on "first match" luck: the matcher tries every split of
//! the line between segments (backtracking over spans, linear per attempt thanks to
//! the `regex` crate).

use crate::fxhash::FxHashMap;
use regex::Regex;
use std::sync::Arc;

/// Marker that stands for "this thread's own key" in a key-abstracted line.
pub(crate) const SELF_MARK: char = '\u{1}';

/// One piece of a compiled line.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Seg {
    /// Text that must appear verbatim.
    Lit(Arc<str>),
    /// A span that must fully match regex number `.0` of the [`Regexes`] table.
    Re(u32),
    /// A span that is the value of variable `.0` (an identity label or a capture).
    Slot(u32),
    /// Start of the key column (the thread name of a `%-10s` format).
    ColStart,
    /// End of the key column: pad with spaces up to width `.0` (never truncated).
    Col(u32),
    /// The key column of a key-abstracted line: the actual line shows
    /// `SELF_MARK <pad> SELF_MARK`, and `key len + pad` must equal `max(.0, key len)`.
    SelfKey(u32),
}

/// A compiled line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub(crate) struct Template {
    pub(crate) segs: Vec<Seg>,
}

impl Template {
    /// True when the template has no variable slots.
    pub(crate) fn has_slots(&self) -> bool {
        self.segs.iter().any(|s| matches!(s, Seg::Slot(_)))
    }

    /// The one line this template matches under `values`, when it has no regex
    /// (`None` also when a variable it mentions has no value).
    pub(crate) fn exact_line(&self, values: &[Option<String>]) -> Option<String> {
        let mut out = String::new();
        let mut col = 0;
        for seg in &self.segs {
            match seg {
                Seg::Lit(l) => out.push_str(l),
                Seg::Slot(v) => out.push_str(values.get(*v as usize)?.as_deref()?),
                Seg::ColStart => col = out.len(),
                Seg::Col(width) => {
                    let used = out[col..].chars().count();
                    out.extend(std::iter::repeat_n(
                        ' ',
                        (*width as usize).saturating_sub(used),
                    ));
                }
                Seg::Re(_) | Seg::SelfKey(_) => return None,
            }
        }
        Some(out)
    }

    /// The variables this template mentions.
    pub(crate) fn vars(&self) -> impl Iterator<Item = u32> + '_ {
        self.segs.iter().filter_map(|s| match s {
            Seg::Slot(v) => Some(*v),
            _ => None,
        })
    }
}

/// Every regex a spec uses, compiled once and anchored (`^(?:re)$`).
#[derive(Debug, Default)]
pub(crate) struct Regexes {
    pub(crate) anchored: Vec<Regex>,
    pub(crate) source: Vec<String>,
    index: FxHashMap<String, u32>,
}

impl Regexes {
    /// The id of `source`, compiling it on first use.
    pub(crate) fn intern(&mut self, source: &str) -> Result<u32, regex::Error> {
        if let Some(&id) = self.index.get(source) {
            return Ok(id);
        }
        let anchored = Regex::new(&format!("^(?:{source})$"))?;
        let id = u32::try_from(self.anchored.len()).unwrap_or(u32::MAX);
        self.anchored.push(anchored);
        self.source.push(source.to_owned());
        self.index.insert(source.to_owned(), id);
        Ok(id)
    }
}

/// What the matcher needs besides the template: regexes and variables.
pub(crate) struct Cx<'a> {
    pub(crate) regexes: &'a Regexes,
    /// For each variable, the id of the regex its values must match.
    pub(crate) var_regex: &'a [u32],
}

/// Variable values while matching.
///
/// In fixed mode every variable has the value of the identity mapping being tried
/// (`None`: unassigned, matches nothing). In binding mode, unbound variables take
/// the value they first match; `trail` records bindings so they can be undone.
pub(crate) struct Bind<'s> {
    pub(crate) fixed: Option<&'s [Option<String>]>,
    pub(crate) local: Vec<(u32, String)>,
    /// Character length of the actual key, for [`Seg::SelfKey`].
    pub(crate) self_len: usize,
}

impl<'s> Bind<'s> {
    /// Fixed mode: every variable has the given value.
    pub(crate) fn fixed(values: &'s [Option<String>]) -> Self {
        Bind {
            fixed: Some(values),
            local: Vec::new(),
            self_len: 0,
        }
    }

    /// Binding mode: variables bind on first use.
    pub(crate) fn binding() -> Self {
        Bind {
            fixed: None,
            local: Vec::new(),
            self_len: 0,
        }
    }

    fn lookup(&self, var: u32) -> Lookup<'_> {
        if let Some(values) = self.fixed {
            return match values.get(var as usize).and_then(Option::as_ref) {
                Some(v) => Lookup::Value(v),
                None => Lookup::Missing,
            };
        }
        match self.local.iter().find(|(v, _)| *v == var) {
            Some((_, val)) => Lookup::Value(val),
            None => Lookup::Unbound,
        }
    }
}

enum Lookup<'a> {
    Value(&'a str),
    Unbound,
    Missing,
}

/// Does `line` match `t`? In binding mode, new bindings stay in `b` on success.
pub(crate) fn matches(t: &Template, line: &str, cx: &Cx<'_>, b: &mut Bind<'_>) -> bool {
    go(&t.segs, line, 0, 0, cx, b)
}

fn go(segs: &[Seg], line: &str, pos: usize, col: usize, cx: &Cx<'_>, b: &mut Bind<'_>) -> bool {
    let Some((seg, rest)) = segs.split_first() else {
        return pos == line.len();
    };
    match seg {
        Seg::Lit(s) => line[pos..].starts_with(&**s) && go(rest, line, pos + s.len(), col, cx, b),
        Seg::ColStart => go(rest, line, pos, pos, cx, b),
        Seg::Col(width) => {
            let used = line[col..pos].chars().count();
            let pad = (*width as usize).saturating_sub(used);
            let spaces = line.as_bytes()[pos..]
                .iter()
                .take_while(|c| **c == b' ')
                .count();
            spaces >= pad && go(rest, line, pos + pad, col, cx, b)
        }
        Seg::SelfKey(width) => {
            let tail = &line[pos..];
            let Some(after) = tail.strip_prefix(SELF_MARK) else {
                return false;
            };
            let Some(end) = after.find(SELF_MARK) else {
                return false;
            };
            let Ok(pad) = after[..end].parse::<usize>() else {
                return false;
            };
            let key = b.self_len;
            if key + pad != key.max(*width as usize) {
                return false;
            }
            let consumed = SELF_MARK.len_utf8() * 2 + end;
            go(rest, line, pos + consumed, col, cx, b)
        }
        Seg::Re(id) => {
            let re = &cx.regexes.anchored[*id as usize];
            any_end(rest, line, pos, |end| {
                re.is_match(&line[pos..end]) && go(rest, line, end, col, cx, b)
            })
        }
        Seg::Slot(var) => match b.lookup(*var) {
            Lookup::Value(v) => {
                let len = v.len();
                line[pos..].starts_with(v) && go(rest, line, pos + len, col, cx, b)
            }
            Lookup::Missing => false,
            Lookup::Unbound => {
                let re = &cx.regexes.anchored[cx.var_regex[*var as usize] as usize];
                any_end(rest, line, pos, |end| {
                    let span = &line[pos..end];
                    if span.is_empty() || !re.is_match(span) {
                        return false;
                    }
                    b.local.push((*var, span.to_owned()));
                    let mark = b.local.len();
                    if go(rest, line, end, col, cx, b) {
                        return true;
                    }
                    b.local.truncate(mark - 1);
                    false
                })
            }
        },
    }
}

/// Try `f` on every place a variable-length segment may end, given what follows
/// it; true as soon as one succeeds.
fn any_end(rest: &[Seg], line: &str, pos: usize, mut f: impl FnMut(usize) -> bool) -> bool {
    match rest.first() {
        None => f(line.len()),
        Some(Seg::Lit(next)) => line[pos..].match_indices(&**next).any(|(i, _)| f(pos + i)),
        Some(_) => (pos..=line.len())
            .filter(|i| line.is_char_boundary(*i))
            .any(f),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_regex_and_slots() {
        let mut regexes = Regexes::default();
        let digits = regexes.intern(r"\d+").unwrap();
        let thread = regexes.intern(r"Thread-\d+").unwrap();
        let var_regex = vec![thread];
        let cx = Cx {
            regexes: &regexes,
            var_regex: &var_regex,
        };
        let t = Template {
            segs: vec![
                Seg::Lit("(".into()),
                Seg::ColStart,
                Seg::Slot(0),
                Seg::Col(10),
                Seg::Lit(") sleeping ".into()),
                Seg::Re(digits),
            ],
        };
        let mut b = Bind::binding();
        assert!(matches(&t, "(Thread-1  ) sleeping 3", &cx, &mut b));
        assert_eq!(b.local, vec![(0, "Thread-1".to_owned())]);
        // Same binding must repeat; wrong padding fails.
        assert!(!matches(&t, "(Thread-2  ) sleeping 3", &cx, &mut b));
        assert!(!matches(&t, "(Thread-1 ) sleeping 3", &cx, &mut b));
        assert!(!matches(&t, "(Thread-1  ) sleeping x", &cx, &mut b));
        let values = vec![Some("Thread-1000".to_owned())];
        let mut fixed = Bind::fixed(&values);
        assert!(matches(&t, "(Thread-1000) sleeping 12", &cx, &mut fixed));
    }

    #[test]
    fn regex_before_literal_tries_every_split() {
        let mut regexes = Regexes::default();
        let any = regexes.intern(".*").unwrap();
        let cx = Cx {
            regexes: &regexes,
            var_regex: &[],
        };
        let t = Template {
            segs: vec![Seg::Lit("a".into()), Seg::Re(any), Seg::Lit("b".into())],
        };
        assert!(matches(&t, "abab", &cx, &mut Bind::binding()));
        assert!(!matches(&t, "abac", &cx, &mut Bind::binding()));
    }
}
