//! The body: blocks, their modifiers (`%times`, `%optional`, `%group`, `%count`,
//! `%sync`, `%forbid`) and the lines they apply to.

use super::{BODY_DIRECTIVES, HEADER_DIRECTIVES, Parser, split_word};
use crate::error::SpecError;
use crate::spec::{Block, Forbid, Item, Kind};
use regex::Regex;

impl Parser {
    pub(super) fn body(&mut self, body: &[(usize, &str)]) -> Result<Vec<Block>, SpecError> {
        let mut blocks = Vec::new();
        let mut open: Option<Block> = None;
        let mut loose: Option<Block> = None;
        let mut pending: Option<(usize, usize, Option<usize>)> = None;
        let mut pending_syncs: Vec<(usize, usize, String, String)> = Vec::new();
        // An open `%group`: its line, first item, count.
        let mut group: Option<(usize, usize, usize, Option<usize>)> = None;
        // Up to one template per line (more for interleave lines): sized once,
        // not regrown (and rehashed) a dozen times on a million lines.
        self.templates.reserve(body.len());
        self.same_hash.reserve(body.len());
        self.template_lines.reserve(body.len());
        self.template_index.reserve(body.len());
        for &(n, line) in body {
            if let Some(rest) = line.strip_prefix('%') {
                let (word, args) = split_word(rest);
                let args_col = line.len() - args.len() + 1;
                if word.starts_with('#') {
                    continue;
                }
                if let Some((pn, _, _)) = pending {
                    if !matches!(word, "times" | "optional" | "group") {
                        return Err(self.err(
                            pn,
                            1,
                            "`%times`/`%optional` must be followed by a line of output",
                        ));
                    }
                }
                match word {
                    "interleave" | "unordered" | "ordered" | "tokens" => {
                        if let Some(b) = &open {
                            return Err(SpecError {
                                hint: Some(
                                    "close it with `%end` first; blocks do not nest".to_owned(),
                                ),
                                ..self.err(
                                    n,
                                    1,
                                    format!(
                                        "`%{word}` inside the {} opened on line {}",
                                        b.kind.name(),
                                        b.first_line
                                    ),
                                )
                            });
                        }
                        if !args.trim().is_empty() {
                            return Err(self.err(
                                n,
                                args_col,
                                format!("`%{word}` takes no arguments"),
                            ));
                        }
                        let kind = match word {
                            "interleave" => Kind::Interleave,
                            "unordered" => Kind::Unordered,
                            "ordered" => Kind::Ordered,
                            _ => Kind::Tokens,
                        };
                        if kind == Kind::Interleave && self.key.is_none() {
                            return Err(SpecError {
                                hint: Some("declare how to find the thread in a line, e.g. `%key /^\\((.*?) *\\)/`".to_owned()),
                                ..self.err(n, 1, "`%interleave` needs a `%key` in the header")
                            });
                        }
                        blocks.extend(loose.take());
                        open = Some(Block {
                            kind,
                            first_line: n,
                            last_line: n,
                            items: Vec::new(),
                            forbids: Vec::new(),
                            syncs: Vec::new(),
                            groups: Vec::new(),
                            counted: Vec::new(),
                        });
                    }
                    "group" => {
                        let Some(b) = open.as_ref() else {
                            return Err(SpecError {
                                hint: Some(
                                    "put the group inside `%ordered` or `%interleave` ... `%end`"
                                        .to_owned(),
                                ),
                                ..self.err(n, 1, "`%group` must be inside a block")
                            });
                        };
                        if !matches!(b.kind, Kind::Ordered | Kind::Interleave) {
                            return Err(self.err(
                                n,
                                1,
                                format!("`%group` cannot be used in a {} block", b.kind.name()),
                            ));
                        }
                        if let Some((gl, ..)) = group {
                            return Err(self.err(n, 1, format!("`%group` inside the group opened on line {gl}; groups do not nest")));
                        }
                        if !args.trim().is_empty() {
                            return Err(self.err(n, args_col, "`%group` takes no arguments"));
                        }
                        let (min, max) = pending.take().map_or((1, Some(1)), |(_, a, b)| (a, b));
                        if max.is_some_and(|m| m > crate::group::MAX_GROUP_COUNT) {
                            return Err(SpecError {
                                hint: Some(format!("use `{min}..` for \"at least\"")),
                                ..self.err(
                                    n,
                                    1,
                                    format!(
                                        "a group's count goes up to {}",
                                        crate::group::MAX_GROUP_COUNT
                                    ),
                                )
                            });
                        }
                        group = Some((n, b.items.len(), min, max));
                    }
                    "end" if group.is_some() => {
                        if !args.trim().is_empty() {
                            return Err(self.err(n, args_col, "`%end` takes no arguments"));
                        }
                        let (gl, first, min, max) = group.take().unwrap_or((n, 0, 1, Some(1)));
                        let Some(b) = open.as_mut() else {
                            return Err(self.err(n, 1, "`%end` without an open block"));
                        };
                        let items = &b.items[first..];
                        if items.is_empty() {
                            return Err(self.err(gl, 1, "empty `%group`"));
                        }
                        let key = |it: &Item| it.key.as_ref().map(|k| k.id);
                        if items.iter().any(|it| key(it) != key(&items[0])) {
                            return Err(SpecError {
                                hint: Some("a group repeats lines of one thread".to_owned()),
                                ..self.err(gl, 1, "the lines of a `%group` in an interleave block must be of one thread")
                            });
                        }
                        if let Some(it) = items
                            .iter()
                            .find(|it| it.max.is_some_and(|m| m > crate::group::MAX_GROUP_COUNT))
                        {
                            return Err(self.err(
                                it.line,
                                1,
                                format!(
                                    "a count inside a group goes up to {}",
                                    crate::group::MAX_GROUP_COUNT
                                ),
                            ));
                        }
                        b.groups.push(crate::group::Group {
                            first,
                            len: items.len(),
                            min,
                            max,
                        });
                    }
                    "end" => {
                        let Some(mut b) = open.take() else {
                            return Err(self.err(n, 1, "`%end` without an open block"));
                        };
                        if !args.trim().is_empty() {
                            return Err(self.err(n, args_col, "`%end` takes no arguments"));
                        }
                        b.last_line = n;
                        b.syncs = self.resolve_syncs(&b, std::mem::take(&mut pending_syncs))?;
                        blocks.push(b);
                    }
                    "times" | "optional" => {
                        if pending.is_some() {
                            return Err(self.err(n, 1, "two multiplicity directives for one line"));
                        }
                        if open.as_ref().is_some_and(|b| b.kind == Kind::Tokens) {
                            return Err(self.err(
                                n,
                                1,
                                format!("`%{word}` cannot be used in a tokens block"),
                            ));
                        }
                        let (min, max) = if word == "optional" {
                            if !args.trim().is_empty() {
                                return Err(self.err(
                                    n,
                                    args_col,
                                    "`%optional` takes no arguments",
                                ));
                            }
                            (0, Some(1))
                        } else {
                            self.range(n, args, args_col)?
                        };
                        pending = Some((n, min, max));
                    }
                    "sync" => {
                        let Some(b) = open.as_ref().filter(|b| b.kind == Kind::Interleave) else {
                            return Err(SpecError {
                                hint: Some(
                                    "between blocks, the order of the blocks already says it"
                                        .to_owned(),
                                ),
                                ..self.err(n, 1, "`%sync` must be inside an `%interleave` block")
                            });
                        };
                        // Split at the arrow: keys may contain spaces (`Thread-1 (worker)`).
                        let parts = args.split_once("->").map(|(f, t)| (f.trim(), t.trim()));
                        let Some((from, to)) = parts
                            .filter(|(f, t)| !f.is_empty() && !t.is_empty() && !t.contains("->"))
                        else {
                            return Err(SpecError {
                                hint: Some(
                                    "write `%sync THREAD -> THREAD` with the keys as written"
                                        .to_owned(),
                                ),
                                ..self.err(n, args_col, "bad `%sync`")
                            });
                        };
                        pending_syncs.push((n, b.items.len(), from.to_owned(), to.to_owned()));
                    }
                    "forbid" => {
                        let Some(b) = open.as_mut() else {
                            return Err(SpecError {
                                hint: Some("put file-wide `%forbid` in the header".to_owned()),
                                ..self.err(n, 1, "`%forbid` in the body must be inside a block")
                            });
                        };
                        let (source, col) = self.one_regex(n, args, args_col)?;
                        let re =
                            Regex::new(&source).map_err(|e| self.bad_regex(n, col, &source, &e))?;
                        b.forbids.push(Forbid { re, line: n });
                    }
                    "count" => {
                        let Some(b) = open.as_mut() else {
                            return Err(SpecError {
                                hint: Some(
                                    "put it inside the block whose lines it counts".to_owned(),
                                ),
                                ..self.err(n, 1, "`%count` must be inside a block")
                            });
                        };
                        let (range, rest) = split_word(args);
                        let rest_col = line.len() - rest.len() + 1;
                        let (min, max) = self.range(n, range, args_col)?;
                        let (source, col) = self.one_regex(n, rest, rest_col)?;
                        let re =
                            Regex::new(&source).map_err(|e| self.bad_regex(n, col, &source, &e))?;
                        b.counted.push(crate::spec::Counted {
                            re,
                            min,
                            max,
                            line: n,
                        });
                    }
                    _ => {
                        return Err(self.unknown(
                            n,
                            word,
                            BODY_DIRECTIVES,
                            HEADER_DIRECTIVES,
                            "body",
                        ));
                    }
                }
                continue;
            }
            let text = line
                .strip_prefix("\\%")
                .map_or_else(|| line.to_owned(), |r| format!("%{r}"));
            let (min, max) = pending.take().map_or((1, Some(1)), |(_, a, b)| (a, b));
            let target = match open.as_mut() {
                Some(b) => b,
                None => loose.get_or_insert_with(|| Block {
                    kind: Kind::Ordered,
                    first_line: n,
                    last_line: n,
                    items: Vec::new(),
                    forbids: Vec::new(),
                    syncs: Vec::new(),
                    groups: Vec::new(),
                    counted: Vec::new(),
                }),
            };
            let kind = target.kind;
            target.last_line = n;
            let item = self.item(n, text, min, max, kind)?;
            match open.as_mut() {
                Some(b) => b.items.push(item),
                None => {
                    if let Some(b) = loose.as_mut() {
                        b.items.push(item);
                    }
                }
            }
        }
        if let Some((pn, _, _)) = pending {
            return Err(self.err(
                pn,
                1,
                "`%times`/`%optional` at the end of the file applies to no line",
            ));
        }
        if let Some(b) = open {
            return Err(SpecError {
                hint: Some("add `%end`".to_owned()),
                ..self.err(
                    b.first_line,
                    1,
                    format!("unclosed `%{}` block", b.kind.name()),
                )
            });
        }
        blocks.extend(loose);
        Ok(blocks)
    }
}
