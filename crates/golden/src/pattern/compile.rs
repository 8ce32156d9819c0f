//! Compiling a template: its parts at a key width, then one anchored regex, one
//! slot, a glob of literal texts, or plain text.

use super::*;
use std::sync::{LazyLock, OnceLock};

/// The empty text, shared: most lines have an empty prefix or suffix, and an
/// `Arc` of nothing is still an allocation.
fn empty_text() -> Arc<str> {
    static EMPTY: LazyLock<Arc<str>> = LazyLock::new(|| Arc::from(""));
    Arc::clone(&EMPTY)
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
        // Asked of every pattern of a block: no text built for those with a regex.
        if self
            .segs
            .iter()
            .any(|s| matches!(s, Seg::Re(_) | Seg::SelfKey | Seg::Num(_)))
        {
            return None;
        }
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

    /// True when the compiled form is plain text, or one regex or label between
    /// texts: cheap to build, so a copy of an identical template costs only
    /// memory.
    pub(crate) fn is_simple(&self) -> bool {
        self.simple().is_some()
    }

    /// Plain text, or one inline regex between texts, straight from the pieces
    /// (which are merged, so at most one text on each side): the most common
    /// lines, compiled with no allocation but the shared texts' counts.
    fn simple(&self) -> Option<Prog> {
        let lit = |s: Option<&Seg>| match s {
            Some(Seg::Lit(l)) => Some(Arc::clone(l)),
            _ => None,
        };
        let empty = empty_text;
        let slot = |prefix: Arc<str>, var: u32, suffix: Arc<str>| Prog::Slot {
            prefix,
            var,
            suffix,
            col: false,
        };
        match self.segs.as_slice() {
            [Seg::Slot(v)] => Some(slot(empty(), *v, empty())),
            [Seg::Slot(v), s] => Some(slot(empty(), *v, lit(Some(s))?)),
            [p, Seg::Slot(v)] => Some(slot(lit(Some(p))?, *v, empty())),
            [p, Seg::Slot(v), s] => Some(slot(lit(Some(p))?, *v, lit(Some(s))?)),
            [] => Some(Prog::Lit(empty())),
            [Seg::Lit(l)] => Some(Prog::Lit(Arc::clone(l))),
            [Seg::Re(re)] => Some(Prog::Split {
                prefix: empty(),
                re: *re,
                suffix: empty(),
            }),
            [Seg::Re(re), s] => Some(Prog::Split {
                prefix: empty(),
                re: *re,
                suffix: lit(Some(s))?,
            }),
            [p, Seg::Re(re)] => Some(Prog::Split {
                prefix: lit(Some(p))?,
                re: *re,
                suffix: empty(),
            }),
            [p, Seg::Re(re), s] => Some(Prog::Split {
                prefix: lit(Some(p))?,
                re: *re,
                suffix: lit(Some(s))?,
            }),
            _ => None,
        }
    }

    /// Plain text, one regex between texts, or `[..]` between texts need no
    /// regex of their own; anything else (several inline regexes, variables, a
    /// key column that is not plain text) compiles to one regex: inline regexes as
    /// non-capturing groups, each variable as a named group, a key column as a
    /// group followed by a group of spaces. The `regex` crate matches in time
    /// linear in the line, however many wildcards the line has.
    fn build(&self, cx: &Cx<'_>) -> Result<Prog, regex::Error> {
        if let Some(prog) = self.simple() {
            return Ok(prog);
        }
        let parts = self.parts(cx.width);
        let text_at = |i: usize| match parts.get(i) {
            Some(Part::Text(t)) => Arc::from(t.as_str()),
            _ => empty_text(),
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
                        prefix: if *at > 0 { text_at(0) } else { empty_text() },
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
        Some(Part::Text(t)) => Some(Arc::from(t.as_str())),
        None => Some(empty_text()),
        _ => None,
    };
    let at = parts.iter().position(|p| !matches!(p, Part::Text(_)))?;
    let prefix = if at == 0 {
        empty_text()
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
