//! Line templates: one reference line compiled into literal text, inline regexes,
//! variable slots (identities, captures) and the padded key column, and the matcher
//! that decides whether an actual line is an instance of a template.
//!
//! A template compiles to one regex anchored at both ends (or to plain text), so
//! matching a line is linear in its length whatever its wildcards: no backtracking
//! over splits of the line. A wildcard never depends on "first match" luck: the
//! regex tries every split itself.

use crate::fxhash::FxHashMap;
use regex::Regex;
use std::sync::{Arc, OnceLock};

/// Marker that stands for "this thread's own key" in a key-abstracted line.
pub(crate) const SELF_MARK: char = '\u{1}';

/// Marker put after [`SELF_MARK`] in an actual line whose key column is padded
/// with fewer spaces than the format's width requires: no template matches it.
pub(crate) const BAD_PAD: char = '\u{2}';

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
    /// End of the key column: padded with spaces up to the spec's key width
    /// (never truncated).
    Col,
    /// The key column of a key-abstracted line: the actual line shows
    /// [`SELF_MARK`] in place of its key and exactly the padding its length needs.
    SelfKey,
    /// A decimal integer tied to numeric variables (`[[#N+1]]`, `[[#N:]]`).
    Num(NumSeg),
}

/// `[[#SET:EXPR]]`: the span is an integer equal to EXPR (any when `None`), and
/// numeric variable SET takes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct NumSeg {
    pub(crate) set: Option<u32>,
    pub(crate) value: Option<NumExpr>,
}

/// A numeric expression: a variable plus a constant, or a constant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum NumExpr {
    Var(u32, i64),
    Const(i64),
}

/// Values of the numeric variables along one sequence (`None`: not yet set).
pub(crate) type Env = Vec<Option<i64>>;

impl NumSeg {
    /// Does `got` agree with the expression under `env`? Sets the variable.
    fn apply(&self, got: &str, env: &mut Env) -> bool {
        let Ok(v) = got.parse::<i64>() else {
            return false;
        };
        let want = match self.value {
            None => None,
            Some(NumExpr::Const(c)) => Some(c),
            Some(NumExpr::Var(x, k)) => match env.get(x as usize).copied().flatten() {
                Some(base) => Some(base.saturating_add(k)),
                None => return false,
            },
        };
        if want.is_some_and(|w| w != v) {
            return false;
        }
        if let Some(set) = self.set {
            if let Some(slot) = env.get_mut(set as usize) {
                *slot = Some(v);
            }
        }
        true
    }
}

/// A compiled line: its pieces, and the one regex (or literal) they compile to.
#[derive(Debug, Clone, Default)]
pub(crate) struct Template {
    pub(crate) segs: Vec<Seg>,
    pub(crate) prog: OnceLock<Prog>,
}

impl PartialEq for Template {
    fn eq(&self, other: &Self) -> bool {
        self.segs == other.segs
    }
}

impl Eq for Template {}

impl std::hash::Hash for Template {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.segs.hash(state);
    }
}

/// What a template compiles to: the cheapest exact form for its pieces.
#[derive(Debug, Clone)]
pub(crate) enum Prog {
    /// The line must equal this text.
    Lit(Box<str>),
    /// Text, one inline regex (by id), text.
    Split {
        prefix: Box<str>,
        re: u32,
        suffix: Box<str>,
    },
    /// Texts separated by `[..]`: the first a prefix, the last a suffix, the
    /// others found leftmost in order (exact for "any text" wildcards).
    Glob(Vec<Box<str>>),
    /// Text, one variable (its value padded to the key width when `col`), text.
    Slot {
        prefix: Box<str>,
        var: u32,
        suffix: Box<str>,
        col: bool,
    },
    /// One regex (anchored at both ends) and `checks` on its groups.
    Full { re: Regex, checks: Vec<Check> },
    /// Compiled on first use and too big for the regex engine: matches nothing.
    Broken,
}

/// A condition on the groups of a match that a regex cannot say itself.
#[derive(Debug, Clone)]
pub(crate) enum Check {
    /// Group `group` is the value of variable `var`.
    Slot { var: u32, group: usize },
    /// Group `group` is an integer tied to numeric variables.
    Num { seg: NumSeg, group: usize },
    /// Group `col` is a key column and group `pad` the spaces after it: exactly
    /// `width - chars(col)` of them (none when the key is at least as wide).
    Col {
        col: usize,
        pad: usize,
        width: usize,
    },
}

/// A piece of a template once its key column is resolved.
enum Part<'t> {
    Text(String),
    Re(u32),
    Other(&'t Seg),
}

impl Template {
    pub(crate) fn new(segs: Vec<Seg>) -> Self {
        Template {
            segs,
            prog: OnceLock::new(),
        }
    }

    /// The one line the template matches, when it is plain text.
    pub(crate) fn plain_text(&self, cx: &Cx<'_>) -> Option<&str> {
        match self.prog(cx) {
            Prog::Lit(s) => Some(s),
            _ => None,
        }
    }

    /// True when the template mentions a numeric variable.
    pub(crate) fn has_nums(&self) -> bool {
        self.segs.iter().any(|s| matches!(s, Seg::Num(_)))
    }

    /// True when the template has no variable slots.
    pub(crate) fn has_slots(&self) -> bool {
        self.segs.iter().any(|s| matches!(s, Seg::Slot(_)))
    }

    /// The one line this template matches under `values`, when it has no regex
    /// (`None` also when a variable it mentions has no value). A candidate only:
    /// [`matches`] has the last word.
    pub(crate) fn exact_line(&self, values: &[Option<String>], width: usize) -> Option<String> {
        let mut out = String::new();
        let mut col = 0;
        for seg in &self.segs {
            match seg {
                Seg::Lit(l) => out.push_str(l),
                Seg::Slot(v) => out.push_str(values.get(*v as usize)?.as_deref()?),
                Seg::ColStart => col = out.len(),
                Seg::Col => {
                    let used = out[col..].chars().count();
                    out.extend(std::iter::repeat_n(' ', width.saturating_sub(used)));
                }
                Seg::Re(_) | Seg::SelfKey | Seg::Num(_) => return None,
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

    /// The compiled form, built on first use.
    pub(crate) fn prog(&self, cx: &Cx<'_>) -> &Prog {
        self.prog
            .get_or_init(|| self.build(cx).unwrap_or(Prog::Broken))
    }

    /// Build the compiled form now; an error when the line is too big for the
    /// regex engine.
    pub(crate) fn compile(&self, cx: &Cx<'_>) -> Result<(), regex::Error> {
        if self.prog.get().is_none() {
            let prog = self.build(cx)?;
            let _ = self.prog.set(prog);
        }
        Ok(())
    }

    /// The pieces, with a key column of plain text padded to the width.
    fn parts(&self, width: usize) -> Vec<Part<'_>> {
        let mut parts: Vec<Part<'_>> = Vec::new();
        let text = |parts: &mut Vec<Part<'_>>, t: &str| match parts.last_mut() {
            Some(Part::Text(prev)) => prev.push_str(t),
            _ => parts.push(Part::Text(t.to_owned())),
        };
        let mut k = 0;
        while k < self.segs.len() {
            match &self.segs[k] {
                Seg::Lit(l) => text(&mut parts, l),
                Seg::SelfKey => text(&mut parts, &SELF_MARK.to_string()),
                Seg::Re(id) => parts.push(Part::Re(*id)),
                Seg::ColStart => {
                    let end = self.segs[k..]
                        .iter()
                        .position(|s| *s == Seg::Col)
                        .map_or(self.segs.len() - 1, |p| k + p);
                    let inner = &self.segs[k + 1..end];
                    if inner.iter().all(|s| matches!(s, Seg::Lit(_))) {
                        let mut key = String::new();
                        for s in inner {
                            if let Seg::Lit(l) = s {
                                key.push_str(l);
                            }
                        }
                        let pad = " ".repeat(width.saturating_sub(key.chars().count()));
                        text(&mut parts, &key);
                        text(&mut parts, &pad);
                    } else {
                        parts.extend(self.segs[k..=end].iter().map(Part::Other));
                    }
                    k = end;
                }
                other => parts.push(Part::Other(other)),
            }
            k += 1;
        }
        parts
    }

    /// Plain text, one regex between texts, or `[..]` between texts need no
    /// regex of their own; anything else (several inline regexes, variables, a
    /// key column that is not plain text) compiles to one regex: inline regexes as
    /// non-capturing groups, each variable as a named group, a key column as a
    /// group followed by a group of spaces. The `regex` crate matches in time
    /// linear in the line, however many wildcards the line has.
    fn build(&self, cx: &Cx<'_>) -> Result<Prog, regex::Error> {
        let parts = self.parts(cx.width);
        let text_at = |i: usize| match parts.get(i) {
            Some(Part::Text(t)) => Box::from(t.as_str()),
            _ => Box::from(""),
        };
        let res: Vec<usize> = (0..parts.len())
            .filter(|&i| matches!(parts[i], Part::Re(_)))
            .collect();
        let other = parts.iter().any(|p| matches!(p, Part::Other(_)));
        if !other {
            match res.as_slice() {
                [] => return Ok(Prog::Lit(text_at(0))),
                [at] => {
                    let Part::Re(re) = parts[*at] else {
                        return Ok(Prog::Broken);
                    };
                    return Ok(Prog::Split {
                        prefix: if *at > 0 { text_at(0) } else { Box::from("") },
                        re,
                        suffix: text_at(at + 1),
                    });
                }
                _ => {}
            }
            let any = |p: &Part<'_>| match p {
                Part::Re(id) => cx.regexes.source[*id as usize] == ".*",
                _ => true,
            };
            if parts.iter().all(any) {
                let mut texts: Vec<Box<str>> = vec![Box::from("")];
                for p in &parts {
                    match p {
                        Part::Text(t) => {
                            if let Some(last) = texts.last_mut() {
                                *last = Box::from(t.as_str());
                            }
                        }
                        _ => texts.push(Box::from("")),
                    }
                }
                return Ok(Prog::Glob(texts));
            }
        }
        if let Some(prog) = one_slot(&parts) {
            return Ok(prog);
        }
        let mut src = String::from("^");
        let mut checks = Vec::new();
        let mut names: Vec<String> = Vec::new();
        let group = |src: &mut String, names: &mut Vec<String>| {
            let name = format!("__golden{}", names.len());
            src.push_str(&format!("(?P<{name}>"));
            names.push(name);
            names.len() - 1
        };
        let mut col_group = 0;
        for p in &parts {
            match p {
                Part::Text(t) => src.push_str(&regex::escape(t)),
                Part::Other(Seg::Lit(t)) => src.push_str(&regex::escape(t)),
                Part::Re(id) | Part::Other(Seg::Re(id)) => {
                    src.push_str(&format!("(?:{})", cx.regexes.source[*id as usize]));
                }
                Part::Other(Seg::ColStart) => col_group = group(&mut src, &mut names),
                Part::Other(Seg::Col) => {
                    src.push(')');
                    let pad = group(&mut src, &mut names);
                    src.push_str(" *)");
                    checks.push(Check::Col {
                        col: col_group,
                        pad,
                        width: cx.width,
                    });
                }
                Part::Other(Seg::Slot(v)) => {
                    let g = group(&mut src, &mut names);
                    let re = cx.var_regex[*v as usize];
                    src.push_str(&format!("{})", cx.regexes.source[re as usize]));
                    checks.push(Check::Slot { var: *v, group: g });
                }
                Part::Other(Seg::Num(seg)) => {
                    let g = group(&mut src, &mut names);
                    src.push_str("-?[0-9]+)");
                    checks.push(Check::Num {
                        seg: *seg,
                        group: g,
                    });
                }
                Part::Other(Seg::SelfKey) => {
                    src.push_str(&regex::escape(&SELF_MARK.to_string()));
                }
            }
        }
        src.push('$');
        let re = regex::RegexBuilder::new(&src)
            .size_limit(64 << 20)
            .build()?;
        // Names to group indices (inline regexes may have groups of their own).
        let index: Vec<usize> = names
            .iter()
            .map(|n| {
                re.capture_names()
                    .position(|c| c == Some(n.as_str()))
                    .unwrap_or(0)
            })
            .collect();
        for c in &mut checks {
            match c {
                Check::Slot { group, .. } | Check::Num { group, .. } => *group = index[*group],
                Check::Col { col, pad, .. } => {
                    *col = index[*col];
                    *pad = index[*pad];
                }
            }
        }
        Ok(Prog::Full { re, checks })
    }
}

/// Text, one variable (alone or as the key column), text: no regex of its own.
fn one_slot(parts: &[Part<'_>]) -> Option<Prog> {
    let text = |p: Option<&Part<'_>>| match p {
        Some(Part::Text(t)) => Some(Box::from(t.as_str())),
        None => Some(Box::from("")),
        _ => None,
    };
    let at = parts.iter().position(|p| !matches!(p, Part::Text(_)))?;
    let prefix = if at == 0 {
        Box::from("")
    } else {
        text(parts.first())?
    };
    let (var, col, next) = match &parts[at..] {
        [Part::Other(Seg::Slot(v)), ..] => (*v, false, at + 1),
        [
            Part::Other(Seg::ColStart),
            Part::Other(Seg::Slot(v)),
            Part::Other(Seg::Col),
            ..,
        ] => (*v, true, at + 3),
        _ => return None,
    };
    if parts.len() > next + 1 {
        return None;
    }
    let suffix = text(parts.get(next))?;
    Some(Prog::Slot {
        prefix,
        var,
        suffix,
        col,
    })
}

/// Does `got` agree with variable `var` (binding it in binding mode)?
fn bind_value(b: &mut Bind<'_>, var: u32, got: &str) -> bool {
    match b.fixed {
        Some(values) => values
            .get(var as usize)
            .and_then(Option::as_deref)
            .is_some_and(|v| v == got),
        None => match b.local.iter().find(|(v, _)| *v == var) {
            Some((_, val)) => val == got,
            None => {
                b.local.push((var, got.to_owned()));
                true
            }
        },
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

/// What the matcher needs besides the template: regexes, variables, key width.
pub(crate) struct Cx<'a> {
    pub(crate) regexes: &'a Regexes,
    /// For each variable, the id of the regex its values must match.
    pub(crate) var_regex: &'a [u32],
    /// Width of the key column.
    pub(crate) width: usize,
}

/// `texts[0] .* texts[1] .* ... texts[k]` on `line`: prefix, suffix, and the
/// middle texts leftmost in order (taking each as early as possible leaves the
/// most room for the rest, so this is exact).
fn glob(texts: &[Box<str>], line: &str) -> bool {
    let (Some(first), Some(last)) = (texts.first(), texts.last()) else {
        return true;
    };
    if texts.len() == 1 {
        return line == &**first;
    }
    if line.len() < first.len() + last.len()
        || !line.starts_with(&**first)
        || !line.ends_with(&**last)
    {
        return false;
    }
    let mut hay = &line[first.len()..line.len() - last.len()];
    for t in &texts[1..texts.len() - 1] {
        match hay.find(&**t) {
            Some(i) => hay = &hay[i + t.len()..],
            None => return false,
        }
    }
    true
}

/// Variable values while matching.
///
/// In fixed mode every variable has the value of the identity mapping being tried
/// (`None`: unassigned, matches nothing). In binding mode, unbound variables take
/// the value they match.
pub(crate) struct Bind<'s> {
    pub(crate) fixed: Option<&'s [Option<String>]>,
    pub(crate) local: Vec<(u32, String)>,
    /// Numeric variables along the sequence being matched (`None`: not tracked).
    pub(crate) nums: Option<Env>,
}

impl<'s> Bind<'s> {
    /// Fixed mode: every variable has the given value.
    pub(crate) fn fixed(values: &'s [Option<String>]) -> Self {
        Bind {
            fixed: Some(values),
            local: Vec::new(),
            nums: None,
        }
    }

    /// Binding mode: variables bind on first use.
    pub(crate) fn binding() -> Self {
        Bind {
            fixed: None,
            local: Vec::new(),
            nums: None,
        }
    }
}

/// [`matches`] along a sequence: numeric variables come from and go back to `env`.
pub(crate) fn matches_env(
    t: &Template,
    line: &str,
    cx: &Cx<'_>,
    b: &mut Bind<'_>,
    env: &mut Env,
) -> bool {
    b.nums = Some(std::mem::take(env));
    let ok = matches(t, line, cx, b);
    *env = b.nums.take().unwrap_or_default();
    ok
}

/// [`matches`], along a sequence when `env` is given.
pub(crate) fn matches_opt(
    t: &Template,
    line: &str,
    cx: &Cx<'_>,
    b: &mut Bind<'_>,
    env: Option<&mut Env>,
) -> bool {
    match env {
        Some(env) => matches_env(t, line, cx, b, env),
        None => matches(t, line, cx, b),
    }
}

/// Does `line` match `t`? In binding mode, new bindings stay in `b` on success.
///
/// A variable takes the value its group has in the regex's match: with greedy
/// quantifiers, the longest value that lets the rest of the line match
/// (`[[N:int]][..]` binds all of `12` in `12x`, and a value `1` does not match `12`).
pub(crate) fn matches(t: &Template, line: &str, cx: &Cx<'_>, b: &mut Bind<'_>) -> bool {
    let (re, checks) = match t.prog(cx) {
        Prog::Lit(s) => return line == &**s,
        Prog::Split { prefix, re, suffix } => {
            return line.len() >= prefix.len() + suffix.len()
                && line.starts_with(&**prefix)
                && line.ends_with(&**suffix)
                && cx.regexes.anchored[*re as usize]
                    .is_match(&line[prefix.len()..line.len() - suffix.len()]);
        }
        Prog::Glob(texts) => return glob(texts, line),
        Prog::Slot {
            prefix,
            var,
            suffix,
            col,
        } => {
            if line.len() < prefix.len() + suffix.len()
                || !line.starts_with(&**prefix)
                || !line.ends_with(&**suffix)
            {
                return false;
            }
            let mid = &line[prefix.len()..line.len() - suffix.len()];
            let value = if *col { mid.trim_end_matches(' ') } else { mid };
            if *col && mid.len() - value.len() != cx.width.saturating_sub(value.chars().count()) {
                return false;
            }
            let re = &cx.regexes.anchored[cx.var_regex[*var as usize] as usize];
            return re.is_match(value) && bind_value(b, *var, value);
        }
        Prog::Broken => return false,
        Prog::Full { re, checks } => (re, checks),
    };
    if checks.is_empty() {
        return re.is_match(line);
    }
    let mut locs = re.capture_locations();
    if re.captures_read(&mut locs, line).is_none() {
        return false;
    }
    let span = |g: usize| locs.get(g).map_or("", |(s, e)| &line[s..e]);
    let mark = b.local.len();
    let saved = b.nums.clone();
    for c in checks {
        let ok = match *c {
            Check::Col { col, pad, width } => {
                span(pad).len() == width.saturating_sub(span(col).chars().count())
            }
            Check::Slot { var, group } => bind_value(b, var, span(group)),
            // Without an environment (a line checked alone) any integer will do.
            Check::Num { seg, group } => match b.nums.as_mut() {
                Some(env) => seg.apply(span(group), env),
                None => span(group).parse::<i64>().is_ok(),
            },
        };
        if !ok {
            b.local.truncate(mark);
            b.nums = saved;
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compiled(segs: Vec<Seg>, cx: &Cx<'_>) -> Template {
        let t = Template::new(segs);
        t.compile(cx).unwrap_or_else(|e| panic!("{e}"));
        t
    }

    #[test]
    fn literal_regex_and_slots() {
        let mut regexes = Regexes::default();
        let digits = regexes.intern(r"\d+").unwrap();
        let thread = regexes.intern(r"Thread-\d+").unwrap();
        let var_regex = vec![thread];
        let cx = Cx {
            regexes: &regexes,
            var_regex: &var_regex,
            width: 10,
        };
        let t = compiled(
            vec![
                Seg::Lit("(".into()),
                Seg::ColStart,
                Seg::Slot(0),
                Seg::Col,
                Seg::Lit(") sleeping ".into()),
                Seg::Re(digits),
            ],
            &cx,
        );
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
            width: 0,
        };
        let t = compiled(
            vec![Seg::Lit("a".into()), Seg::Re(any), Seg::Lit("b".into())],
            &cx,
        );
        assert!(matches(&t, "abab", &cx, &mut Bind::binding()));
        assert!(!matches(&t, "abac", &cx, &mut Bind::binding()));
    }

    #[test]
    fn a_value_followed_by_a_wildcard_is_the_longest() {
        let mut regexes = Regexes::default();
        let int = regexes.intern(r"-?\d+").unwrap();
        let any = regexes.intern(".*").unwrap();
        let var_regex = vec![int];
        let cx = Cx {
            regexes: &regexes,
            var_regex: &var_regex,
            width: 10,
        };
        let t = compiled(
            vec![Seg::Lit("count ".into()), Seg::Slot(0), Seg::Re(any)],
            &cx,
        );
        let mut b = Bind::binding();
        assert!(matches(&t, "count 12x", &cx, &mut b));
        assert_eq!(b.local, vec![(0, "12".to_owned())]);
        let one = vec![Some("1".to_owned())];
        assert!(!matches(&t, "count 12", &cx, &mut Bind::fixed(&one)));
        assert!(matches(&t, "count 1 x", &cx, &mut Bind::fixed(&one)));
    }

    #[test]
    fn many_wildcards_on_a_long_line_are_linear() {
        let mut regexes = Regexes::default();
        let any = regexes.intern(".*").unwrap();
        let cx = Cx {
            regexes: &regexes,
            var_regex: &[],
            width: 0,
        };
        let mut segs = Vec::new();
        for _ in 0..12 {
            segs.push(Seg::Re(any));
            segs.push(Seg::Lit(" ".into()));
        }
        segs.push(Seg::Lit("END".into()));
        let t = compiled(segs, &cx);
        let line = "x ".repeat(5000);
        let start = std::time::Instant::now();
        assert!(!matches(&t, &line, &cx, &mut Bind::binding()));
        // Backtracking over splits took minutes on 400 characters.
        assert!(start.elapsed() < std::time::Duration::from_secs(5));
    }
}
