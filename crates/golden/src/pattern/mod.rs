//! Line templates: one reference line compiled into literal text, inline regexes,
//! variable slots (identities, captures) and the padded key column, and the matcher
//! that decides whether an actual line is an instance of a template.
//!
//! A template compiles to one regex anchored at both ends (or to plain text), so
//! matching a line is linear in its length whatever its wildcards: no backtracking
//! over splits of the line. A wildcard never depends on "first match" luck: the
//! regex tries every split itself.

mod compile;
mod matcher;
#[cfg(test)]
mod tests;

use crate::fxhash::FxHashMap;
#[cfg(test)]
pub(crate) use matcher::matches_env;
pub(crate) use matcher::{Bind, matches, matches_opt};
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
    /// The line must equal this text (shared with the template's pieces).
    Lit(Arc<str>),
    /// Text, one inline regex (by id), text.
    Split {
        prefix: Arc<str>,
        re: u32,
        suffix: Arc<str>,
    },
    /// Texts separated by `[..]`: the first a prefix, the last a suffix, the
    /// others found leftmost in order (exact for "any text" wildcards).
    Glob(Vec<Box<str>>),
    /// Text, one variable (its value padded to the key width when `col`), text.
    Slot {
        prefix: Arc<str>,
        var: u32,
        suffix: Arc<str>,
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
