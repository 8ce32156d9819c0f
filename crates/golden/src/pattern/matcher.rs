//! The matcher: is an actual line an instance of a template, binding or checking
//! variables and numeric expressions.

use super::*;

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
