//! A parsed reference file: blocks of compiled line templates, the variables
//! (identity labels and captures) they mention, and the header's declarations.

use crate::error::SpecError;
use crate::pattern::{Regexes, Template};
use regex::Regex;

/// How the lines of a block may appear in the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// In this order, contiguous.
    Ordered,
    /// In any order (a multiset of line patterns).
    Unordered,
    /// Each thread's lines in order; threads interleave freely.
    Interleave,
    /// The same tokens, whatever the order and line breaks.
    Tokens,
}

impl Kind {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Kind::Ordered => "ordered",
            Kind::Unordered => "unordered",
            Kind::Interleave => "interleave",
            Kind::Tokens => "tokens",
        }
    }
}

/// The key (thread) part of a reference line.
#[derive(Debug, Clone)]
pub(crate) struct ItemKey {
    /// The key as written (`Thread-21`, trimmed) is `Spec::key_texts[id]`.
    pub(crate) id: u32,
    /// The key text compiled (so identity labels in it are slots).
    pub(crate) key_tpl: u32,
    /// The whole line with its key column replaced by `Seg::SelfKey`.
    pub(crate) abs_tpl: u32,
}

/// One reference line with its multiplicity.
#[derive(Debug, Clone)]
pub(crate) struct Item {
    /// 1-based line in the spec file.
    pub(crate) line: usize,
    /// The line as written (trailing whitespace removed).
    pub(crate) text: String,
    pub(crate) min: usize,
    pub(crate) max: Option<usize>,
    /// The whole line compiled.
    pub(crate) tpl: u32,
    pub(crate) key: Option<ItemKey>,
}

/// A regex that must not match a line.
#[derive(Debug, Clone)]
pub(crate) struct Forbid {
    pub(crate) re: Regex,
    pub(crate) line: usize,
}

/// A block of the body.
#[derive(Debug, Clone)]
pub(crate) struct Block {
    pub(crate) kind: Kind,
    /// First and last spec line of the block (directives included).
    pub(crate) first_line: usize,
    pub(crate) last_line: usize,
    pub(crate) items: Vec<Item>,
    pub(crate) forbids: Vec<Forbid>,
    /// Happens-before edges between two threads of an interleave block.
    pub(crate) syncs: Vec<Sync>,
    /// `%group` ... `%end`: runs of items repeated as a whole.
    pub(crate) groups: Vec<crate::group::Group>,
    /// `%count N /re/`: how many of the block's lines match a regex.
    pub(crate) counted: Vec<Counted>,
}

/// `%count MIN..MAX /re/` inside a block.
#[derive(Debug, Clone)]
pub(crate) struct Counted {
    pub(crate) re: Regex,
    pub(crate) min: usize,
    pub(crate) max: Option<usize>,
    pub(crate) line: usize,
}

impl Counted {
    /// The count in `lines`, if it is outside the range.
    pub(crate) fn violated<'l>(&self, lines: impl Iterator<Item = &'l str>) -> Option<usize> {
        let k = lines.filter(|l| self.re.is_match(l)).count();
        (k < self.min || self.max.is_some_and(|m| k > m)).then_some(k)
    }
}

/// `%sync FROM -> TO`: the first `k_from` lines of thread FROM come before line
/// `k_to` (0-based) of thread TO and all later ones.
#[derive(Debug, Clone)]
pub(crate) struct Sync {
    pub(crate) line: usize,
    pub(crate) from: u32,
    pub(crate) to: u32,
    pub(crate) k_from: usize,
    pub(crate) k_to: usize,
}

impl Block {
    /// Fewest and most output lines this block can cover (`None`: unbounded).
    pub(crate) fn size_range(&self) -> (usize, Option<usize>) {
        if self.kind == Kind::Tokens {
            return (0, None);
        }
        crate::group::size_range(&self.counts(), &self.groups)
    }

    /// Each item's count.
    pub(crate) fn counts(&self) -> Vec<crate::seq::Count> {
        self.items.iter().map(|i| (i.min, i.max)).collect()
    }

    /// Display name: `interleave block (lines 4-10)`.
    pub(crate) fn describe(&self) -> String {
        format!(
            "{} block (lines {}-{})",
            self.kind.name(),
            self.first_line,
            self.last_line
        )
    }
}

/// A variable: an identity label (`Thread-21` of `%ident thread`) or a capture.
#[derive(Debug, Clone)]
pub(crate) struct Var {
    /// The label as written, or the capture name.
    pub(crate) name: String,
    /// Anchored regex id its values must match.
    pub(crate) regex: u32,
    /// Unanchored regex to find candidate values in the output.
    pub(crate) find: Regex,
    /// Identity class (values of one class are pairwise distinct); `None` for captures.
    pub(crate) class: Option<u32>,
}

/// A parsed reference file.
#[derive(Debug)]
pub struct Spec {
    pub(crate) name: String,
    pub(crate) key: Option<Regex>,
    /// Numeric variables: start values (`%num`) and names.
    pub(crate) num_init: crate::pattern::Env,
    #[cfg_attr(not(test), allow(dead_code, reason = "read by the mutation self-test"))]
    pub(crate) num_names: Vec<String>,
    /// Width of the key column (`%-10s`: 10; 0 when unpadded).
    pub(crate) key_width: usize,
    pub(crate) forbids: Vec<Forbid>,
    pub(crate) exit: i32,
    pub(crate) blocks: Vec<Block>,
    pub(crate) templates: Vec<Template>,
    pub(crate) regexes: Regexes,
    pub(crate) vars: Vec<Var>,
    /// Interleave blocks' reference threads, and their classes.
    pub(crate) plans: Vec<Option<crate::plan::Plan>>,
    pub(crate) key_texts: Vec<String>,
    pub(crate) classes: Vec<crate::plan::Class>,
    /// The `%ident` and `%redact` regexes: text they match in a line is not literal.
    #[cfg_attr(not(test), allow(dead_code, reason = "read by the mutation self-test"))]
    pub(crate) declared: Vec<Regex>,
    pub(crate) var_regex: Vec<u32>,
}

impl Spec {
    /// Parse a reference file. `name` is used in messages (usually the file path).
    pub fn parse(name: &str, text: &str) -> Result<Spec, SpecError> {
        crate::parse::Parser::new(name).parse(text)
    }

    /// The exit status the example must end with (`%exit`, default 0).
    pub fn expected_exit(&self) -> i32 {
        self.exit
    }

    /// The text of thread key `id` (`Thread-21`).
    pub(crate) fn key_text(&self, id: u32) -> &str {
        &self.key_texts[id as usize]
    }

    /// The spec's name as given to [`Spec::parse`].
    pub fn name(&self) -> &str {
        &self.name
    }

    pub(crate) fn cx(&self) -> crate::pattern::Cx<'_> {
        crate::pattern::Cx {
            regexes: &self.regexes,
            var_regex: &self.var_regex,
            width: self.key_width,
        }
    }
}
