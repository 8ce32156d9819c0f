//! Parsing a reference file into blocks of compiled line templates.
//!
//! The parser rejects anything it does not understand: unknown directives (with the
//! nearest known name), blocks left open, modifiers with no line to apply to, bad
//! regexes, declarations that never apply to the body. Nothing is silently ignored.

use crate::error::{SpecError, did_you_mean};
use crate::fxhash::FxHashMap;
use crate::keys::KeyFinder;
use crate::pattern::{Regexes, Seg, Template};
use crate::spec::{Block, Forbid, Item, ItemKey, Kind, Spec, Sync, Var};
use regex::Regex;

/// Largest count `%times` accepts (the matcher keeps one state per copy).
const MAX_COUNT: usize = 100_000;

/// Most distinct line pieces whose compiled form is remembered.
const PIECE_CACHE_LIMIT: usize = 1 << 16;

const HEADER_DIRECTIVES: &[&str] = &["key", "width", "ident", "redact", "forbid", "exit", "num"];
const BODY_DIRECTIVES: &[&str] = &[
    "sync",
    "interleave",
    "unordered",
    "ordered",
    "tokens",
    "end",
    "times",
    "optional",
    "group",
    "count",
    "forbid",
    "#",
];

/// An `%ident NAME /re/` declaration.
#[derive(Debug, Clone)]
pub(crate) struct Ident {
    pub(crate) name: String,
    pub(crate) find: Regex,
    pub(crate) regex: u32,
    pub(crate) line: usize,
    pub(crate) used: bool,
}

/// A `%redact /re/` declaration.
#[derive(Debug, Clone)]
struct Redact {
    find: Regex,
    id: u32,
    source: String,
    line: usize,
    used: bool,
}

pub(crate) struct Parser {
    file: String,
    key: Option<Regex>,
    key_finder: Option<KeyFinder>,
    key_line: usize,
    idents: Vec<Ident>,
    redacts: Vec<Redact>,
    forbids: Vec<Forbid>,
    exit: Option<i32>,
    regexes: Regexes,
    templates: Vec<Template>,
    template_index: FxHashMap<u64, Vec<u32>>,
    vars: Vec<Var>,
    var_index: FxHashMap<Option<u32>, FxHashMap<String, u32>>,
    /// Capture definitions: name -> (regex source, line), and first use.
    capture_defs: FxHashMap<String, (String, usize)>,
    capture_uses: Vec<(String, usize, usize)>,
    piece_cache: FxHashMap<Box<str>, Vec<Seg>>,
    key_ids: FxHashMap<Box<str>, u32>,
    key_texts: Vec<String>,
    /// `%width N`: (N, line).
    width: Option<(usize, usize)>,
    /// Key columns of lines whose key is plain text or a label.
    columns: Vec<crate::width::Column>,
    /// Spec line of each template (for errors when compiling it), and whether it
    /// is compiled with the spec (not only when a report needs it).
    template_lines: Vec<(usize, bool)>,
    /// The body line being compiled.
    cur_line: usize,
    /// Numeric variables: name, initial value (`%num`), line that set it.
    nums: Vec<(String, Option<i64>, usize)>,
    /// Numeric variables given a value in the body (`[[#N:]]`).
    num_defined: Vec<bool>,
    /// Kind of the block whose line is being compiled.
    cur_kind: Option<Kind>,
}

/// A span of a literal piece claimed by a header declaration.
#[derive(Clone, Copy)]
enum Claim {
    Ident(usize),
    Redact(usize),
}

impl Parser {
    pub(crate) fn new(file: &str) -> Self {
        Parser {
            file: file.to_owned(),
            key: None,
            key_finder: None,
            key_line: 0,
            idents: Vec::new(),
            redacts: Vec::new(),
            forbids: Vec::new(),
            exit: None,
            regexes: Regexes::default(),
            templates: Vec::new(),
            template_index: FxHashMap::default(),
            vars: Vec::new(),
            var_index: FxHashMap::default(),
            capture_defs: FxHashMap::default(),
            capture_uses: Vec::new(),
            piece_cache: FxHashMap::default(),
            key_ids: FxHashMap::default(),
            key_texts: Vec::new(),
            width: None,
            columns: Vec::new(),
            template_lines: Vec::new(),
            cur_line: 0,
            nums: Vec::new(),
            num_defined: Vec::new(),
            cur_kind: None,
        }
    }

    fn err(&self, line: usize, col: usize, message: impl Into<String>) -> SpecError {
        SpecError {
            file: self.file.clone(),
            line,
            col,
            message: message.into(),
            hint: None,
        }
    }

    pub(crate) fn parse(mut self, text: &str) -> Result<Spec, SpecError> {
        // A byte-order mark some editors write is not part of the first line.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let lines: Vec<&str> = text
            .split('\n')
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
            .collect();
        let Some(sep) = lines.iter().position(|l| l.trim_end() == "%%") else {
            return Err(SpecError {
                hint: Some("end the header of directives with a line `%%`".to_owned()),
                ..self.err(1, 1, "missing `%%` line between the header and the body")
            });
        };
        for (i, raw) in lines[..sep].iter().enumerate() {
            self.header_line(i + 1, raw.trim_end())?;
        }
        let mut body: Vec<(usize, &str)> = lines[sep + 1..]
            .iter()
            .enumerate()
            .map(|(i, l)| (sep + 2 + i, l.trim_end()))
            .collect();
        while body.last().is_some_and(|(_, l)| l.is_empty()) {
            body.pop();
        }
        let blocks = self.body(&body)?;
        self.finish(blocks)
    }

    fn header_line(&mut self, n: usize, line: &str) -> Result<(), SpecError> {
        if line.is_empty() || line.starts_with('#') {
            return Ok(());
        }
        let Some(rest) = line.strip_prefix('%') else {
            return Err(SpecError {
                hint: Some(
                    "header lines are `%directive`s or `#` comments; the body starts after `%%`"
                        .to_owned(),
                ),
                ..self.err(n, 1, "text in the header")
            });
        };
        let (word, args) = split_word(rest);
        let args_col = line.len() - args.len() + 1;
        match word {
            "key" => {
                if self.key.is_some() {
                    return Err(self.err(
                        n,
                        1,
                        format!("second `%key` (the first is on line {})", self.key_line),
                    ));
                }
                let (source, col) = self.one_regex(n, args, args_col)?;
                let re = self.compile(n, col, &source)?;
                if re.captures_len() < 2 {
                    return Err(SpecError {
                        hint: Some(
                            "write the thread name as group 1, e.g. /^\\((.*?) *\\)/".to_owned(),
                        ),
                        ..self.err(n, col, "`%key` regex has no capture group")
                    });
                }
                self.key_finder = Some(KeyFinder::new(&re));
                self.key = Some(re);
                self.key_line = n;
            }
            "ident" => {
                let (name, rest) = split_word(args);
                if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
                    return Err(self.err(
                        n,
                        args_col,
                        "`%ident` needs a class name, e.g. `%ident thread /Thread-\\d+/`",
                    ));
                }
                if self.idents.iter().any(|i| i.name == name) {
                    return Err(self.err(n, args_col, format!("`%ident {name}` declared twice")));
                }
                let col = line.len() - rest.len() + 1;
                let (source, col) = self.one_regex(n, rest, col)?;
                let find = self.compile(n, col, &source)?;
                if find.is_match("") {
                    return Err(self.err(n, col, "`%ident` regex matches the empty string"));
                }
                let regex = self.intern(n, col, &source)?;
                self.idents.push(Ident {
                    name: name.to_owned(),
                    find,
                    regex,
                    line: n,
                    used: false,
                });
            }
            "redact" => {
                let (source, col) = self.one_regex(n, args, args_col)?;
                let find = self.compile(n, col, &source)?;
                let id = self.intern(n, col, &source)?;
                self.redacts.push(Redact {
                    find,
                    id,
                    source,
                    line: n,
                    used: false,
                });
            }
            "forbid" => {
                let (source, col) = self.one_regex(n, args, args_col)?;
                let re = self.compile(n, col, &source)?;
                self.forbids.push(Forbid { re, line: n });
            }
            "width" => {
                if let Some((_, first)) = self.width {
                    return Err(self.err(
                        n,
                        1,
                        format!("second `%width` (the first is on line {first})"),
                    ));
                }
                let w = args.trim().parse::<usize>().map_err(|_| SpecError {
                    hint: Some("`%width 10` for a `%(threadName)-10s` format".to_owned()),
                    ..self.err(
                        n,
                        args_col,
                        format!("`%width` needs a number, got `{}`", args.trim()),
                    )
                })?;
                if w > 10_000 {
                    return Err(self.err(n, args_col, format!("`%width {w}` is too large")));
                }
                self.width = Some((w, n));
            }
            "num" => {
                let (name, value) = split_word(args);
                let bad = || SpecError {
                    hint: Some("write `%num NAME VALUE`, e.g. `%num TRIES 0`".to_owned()),
                    ..self.err(n, args_col, "bad `%num`")
                };
                if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
                    return Err(bad());
                }
                let v = value.trim().parse::<i64>().map_err(|_| bad())?;
                if self.nums.iter().any(|x| x.0 == name) {
                    return Err(self.err(n, args_col, format!("`%num {name}` declared twice")));
                }
                self.nums.push((name.to_owned(), Some(v), n));
                self.num_defined.push(false);
            }
            "exit" => {
                if self.exit.is_some() {
                    return Err(self.err(n, 1, "second `%exit`"));
                }
                let code = args.trim().parse::<i32>().map_err(|_| {
                    self.err(
                        n,
                        args_col,
                        format!("`%exit` needs a number, got `{}`", args.trim()),
                    )
                })?;
                self.exit = Some(code);
            }
            _ => return Err(self.unknown(n, word, HEADER_DIRECTIVES, BODY_DIRECTIVES, "header")),
        }
        Ok(())
    }

    fn unknown(
        &self,
        n: usize,
        word: &str,
        here: &[&str],
        there: &[&str],
        place: &str,
    ) -> SpecError {
        let mut e = self.err(n, 1, format!("unknown directive `%{word}` in the {place}"));
        if there.contains(&word) {
            let other = if place == "header" {
                "body (after `%%`)"
            } else {
                "header (before `%%`)"
            };
            e.hint = Some(format!("that directive belongs in the {other}"));
        } else if let Some(s) = did_you_mean(word, here) {
            e.hint = Some(format!("did you mean `%{s}`?"));
        } else if did_you_mean(word, there).is_some() {
            let other = if place == "header" {
                "body (after `%%`)"
            } else {
                "header (before `%%`)"
            };
            e.hint = Some(format!("that directive belongs in the {other}"));
        } else {
            e.hint = Some(format!(
                "known here: {}",
                here.iter()
                    .map(|d| format!("%{d}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            ));
        }
        e
    }

    /// Parse `/regex/` (the regex runs to the last `/` of the line).
    fn one_regex(&self, n: usize, args: &str, col: usize) -> Result<(String, usize), SpecError> {
        let trimmed = args.trim_start();
        let col = col + (args.len() - trimmed.len());
        let trimmed = trimmed.trim_end();
        if trimmed.len() < 2 || !trimmed.starts_with('/') || !trimmed.ends_with('/') {
            return Err(SpecError {
                hint: Some("write it as /regex/".to_owned()),
                ..self.err(n, col, "expected a regex between slashes")
            });
        }
        Ok((trimmed[1..trimmed.len() - 1].to_owned(), col + 1))
    }

    fn compile(&self, n: usize, col: usize, source: &str) -> Result<Regex, SpecError> {
        Regex::new(source).map_err(|e| self.bad_regex(n, col, source, &e))
    }

    fn intern(&mut self, n: usize, col: usize, source: &str) -> Result<u32, SpecError> {
        match self.regexes.intern(source) {
            Ok(id) => Ok(id),
            Err(e) => Err(self.bad_regex(n, col, source, &e)),
        }
    }

    fn bad_regex(&self, n: usize, col: usize, source: &str, e: &regex::Error) -> SpecError {
        let detail = e.to_string();
        let last = detail
            .lines()
            .rfind(|l| !l.trim().is_empty())
            .unwrap_or("invalid")
            .trim();
        self.err(n, col, format!("bad regex `{source}`: {last}"))
    }

    fn body(&mut self, body: &[(usize, &str)]) -> Result<Vec<Block>, SpecError> {
        let mut blocks = Vec::new();
        let mut open: Option<Block> = None;
        let mut loose: Option<Block> = None;
        let mut pending: Option<(usize, usize, Option<usize>)> = None;
        let mut pending_syncs: Vec<(usize, usize, String, String)> = Vec::new();
        // An open `%group`: its line, first item, count.
        let mut group: Option<(usize, usize, usize, Option<usize>)> = None;
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

    /// Check `%sync` lines against the block they are in: both threads must have
    /// lines there, and the lines counted before the sync must have fixed counts.
    fn resolve_syncs(
        &self,
        b: &Block,
        raw: Vec<(usize, usize, String, String)>,
    ) -> Result<Vec<Sync>, SpecError> {
        let mut out = Vec::new();
        for (n, pos, from, to) in raw {
            let mut ids = [0u32; 2];
            for (slot, name) in ids.iter_mut().zip([&from, &to]) {
                let id = self.key_ids.get(name.as_str()).copied().filter(|id| {
                    b.items
                        .iter()
                        .any(|it| it.key.as_ref().is_some_and(|k| k.id == *id))
                });
                let Some(id) = id else {
                    return Err(SpecError {
                        hint: Some(
                            "name threads as their keys are written in the block's lines"
                                .to_owned(),
                        ),
                        ..self.err(n, 1, format!("`%sync`: no thread `{name}` in this block"))
                    });
                };
                *slot = id;
            }
            let mut counts = [0usize; 2];
            for (k, id) in counts.iter_mut().zip(ids) {
                for (idx, it) in b.items[..pos]
                    .iter()
                    .enumerate()
                    .filter(|(_, it)| it.key.as_ref().is_some_and(|key| key.id == id))
                {
                    let reps = match b
                        .groups
                        .iter()
                        .find(|g| (g.first..g.first + g.len).contains(&idx))
                    {
                        Some(g) if g.max == Some(g.min) => g.min,
                        Some(_) => 0,
                        None => 1,
                    };
                    if it.max != Some(it.min) || (reps == 0 && it.min > 0) {
                        return Err(SpecError {
                            hint: Some(
                                "a `%sync` needs a fixed number of lines before it in both threads"
                                    .to_owned(),
                            ),
                            ..self.err(
                                n,
                                1,
                                format!("`%sync`: line {} before it has a variable count", it.line),
                            )
                        });
                    }
                    *k += it.min * reps;
                }
            }
            let vacuous = |why: &str| SpecError {
                hint: Some(
                    "put `%sync FROM -> TO` after a line of FROM and before a line of TO"
                        .to_owned(),
                ),
                ..self.err(
                    n,
                    1,
                    format!("`%sync {from} -> {to}` constrains nothing: {why}"),
                )
            };
            if ids[0] == ids[1] {
                return Err(vacuous("a thread's own lines are already in order"));
            }
            if counts[0] == 0 {
                return Err(vacuous(&format!("no line of `{from}` comes before it")));
            }
            let to_after = b.items[pos..]
                .iter()
                .any(|it| it.key.as_ref().is_some_and(|key| key.id == ids[1]));
            if !to_after {
                return Err(vacuous(&format!("no line of `{to}` comes after it")));
            }
            out.push(Sync {
                line: n,
                from: ids[0],
                to: ids[1],
                k_from: counts[0],
                k_to: counts[1],
            });
        }
        Ok(out)
    }

    fn range(&self, n: usize, args: &str, col: usize) -> Result<(usize, Option<usize>), SpecError> {
        let a = args.trim();
        let bad = || SpecError {
            hint: Some("write `%times N`, `%times N..M` or `%times N..`".to_owned()),
            ..self.err(n, col, format!("bad count `{a}`"))
        };
        let (min, max) = match a.split_once("..") {
            None => {
                let v = a.parse::<usize>().map_err(|_| bad())?;
                (v, Some(v))
            }
            Some((lo, hi)) => {
                let lo = lo.trim().parse::<usize>().map_err(|_| bad())?;
                let hi = if hi.trim().is_empty() {
                    None
                } else {
                    Some(hi.trim().parse::<usize>().map_err(|_| bad())?)
                };
                (lo, hi)
            }
        };
        if max.is_some_and(|m| m < min) {
            return Err(self.err(n, col, format!("empty range `{a}`")));
        }
        if min > MAX_COUNT || max.is_some_and(|m| m > MAX_COUNT) {
            return Err(SpecError {
                hint: Some(format!(
                    "counts go up to {MAX_COUNT}; use `{min}..` for \"at least\""
                )),
                ..self.err(n, col, format!("count `{a}` is too large"))
            });
        }
        if max == Some(0) {
            return Err(SpecError {
                hint: Some("use `%forbid /regex/` for lines that must not appear".to_owned()),
                ..self.err(n, col, "`%times 0` matches nothing")
            });
        }
        Ok((min, max))
    }

    fn item(
        &mut self,
        n: usize,
        text: String,
        min: usize,
        max: Option<usize>,
        kind: Kind,
    ) -> Result<Item, SpecError> {
        self.cur_line = n;
        self.cur_kind = Some(kind);
        if kind == Kind::Tokens {
            let tpl = self.add_template(Template::new(vec![Seg::Lit(text.clone().into())]));
            return Ok(Item {
                line: n,
                text,
                min,
                max,
                tpl,
                key: None,
            });
        }
        let span = match (&self.key, &mut self.key_finder) {
            (Some(_), Some(k)) => k.span(&text),
            _ => None,
        };
        let Some(s) = span else {
            let segs = self.segments(n, &text, 0)?;
            let tpl = self.add_template(Template::new(merge_lits(segs)));
            return Ok(Item {
                line: n,
                text,
                min,
                max,
                tpl,
                key: None,
            });
        };
        // The key column: prefix, key, padding, suffix, each compiled once.
        let pad = match &self.key {
            Some(re) => crate::width::padding(re, &text, s),
            None => 0,
        };
        let after = s.end + pad;
        let prefix = self.segments(n, &text[..s.start], 0)?;
        let key_segs = self.segments(n, &text[s.start..s.end], s.start)?;
        let suffix = self.segments(n, &text[after..], after)?;
        let key_plain = key_segs
            .iter()
            .all(|g| matches!(g, Seg::Lit(_) | Seg::Slot(_)))
            && !["{{", "[[", "[..]"]
                .iter()
                .any(|p| text[s.start..s.end].contains(p));
        if key_plain {
            self.columns.push(crate::width::Column {
                line: n,
                key: text[s.start..s.end].chars().count(),
                pad,
            });
        }
        let mut full = Vec::with_capacity(prefix.len() + key_segs.len() + suffix.len() + 2);
        full.extend(prefix.iter().cloned());
        full.push(Seg::ColStart);
        full.extend(key_segs.iter().cloned());
        full.push(Seg::Col);
        full.extend(suffix.iter().cloned());
        // In interleave blocks the whole-line template only serves reports: no need
        // to look for an identical one (the key-abstracted one is what is compared).
        let tpl = if kind == Kind::Interleave {
            self.push_template(Template::new(merge_lits(full)))
        } else {
            self.add_template(Template::new(merge_lits(full)))
        };
        let key = if kind == Kind::Interleave {
            let mut abs = prefix;
            abs.push(Seg::SelfKey);
            abs.extend(suffix);
            let key_text = &text[s.start..s.end];
            let next = u32::try_from(self.key_ids.len()).unwrap_or(u32::MAX);
            let id = *self.key_ids.entry(key_text.into()).or_insert(next);
            if id == next {
                self.key_texts.push(key_text.to_owned());
            }
            Some(ItemKey {
                id,
                key_tpl: self.add_template(Template::new(merge_lits(key_segs))),
                abs_tpl: self.add_template(Template::new(merge_lits(abs))),
            })
        } else {
            None
        };
        Ok(Item {
            line: n,
            text,
            min,
            max,
            tpl,
            key,
        })
    }

    fn push_template(&mut self, t: Template) -> u32 {
        let id = u32::try_from(self.templates.len()).unwrap_or(u32::MAX);
        self.templates.push(t);
        self.template_lines.push((self.cur_line, false));
        id
    }

    fn add_template(&mut self, t: Template) -> u32 {
        use std::hash::{Hash, Hasher};
        let mut h = crate::fxhash::FxHasher::default();
        t.hash(&mut h);
        let bucket = self.template_index.entry(h.finish()).or_default();
        if let Some(&id) = bucket.iter().find(|&&id| self.templates[id as usize] == t) {
            return id;
        }
        let id = u32::try_from(self.templates.len()).unwrap_or(u32::MAX);
        bucket.push(id);
        self.templates.push(t);
        self.template_lines.push((self.cur_line, true));
        id
    }

    /// Compile a piece of a body line (`offset`: its byte offset in the line).
    /// Pieces repeat a lot (`[DEBUG] (`, thread names): compiled once each.
    fn segments(&mut self, n: usize, piece: &str, offset: usize) -> Result<Vec<Seg>, SpecError> {
        if let Some(segs) = self.piece_cache.get(piece) {
            return Ok(segs.clone());
        }
        let segs = self.segments_uncached(n, piece, offset)?;
        // Numeric captures depend on the block they are in: not cached.
        if self.piece_cache.len() < PIECE_CACHE_LIMIT && !piece.contains("[[#") {
            self.piece_cache.insert(piece.into(), segs.clone());
        }
        Ok(segs)
    }

    fn segments_uncached(
        &mut self,
        n: usize,
        piece: &str,
        offset: usize,
    ) -> Result<Vec<Seg>, SpecError> {
        let mut segs = Vec::new();
        let mut lit = String::new();
        let mut i = 0;
        let col = |i: usize| piece[..i].chars().count() + offset + 1;
        while i < piece.len() {
            let rest = &piece[i..];
            if let Some(esc) = ["\\{{", "\\[[", "\\[..]"]
                .iter()
                .find(|e| rest.starts_with(**e))
            {
                lit.push_str(&esc[1..]);
                i += esc.len();
                continue;
            }
            if rest.starts_with("[..]") {
                self.flush_lit(n, &mut lit, &mut segs)?;
                segs.push(Seg::Re(self.intern(n, col(i), ".*")?));
                i += 4;
                continue;
            }
            if let Some(inner) = rest.strip_prefix("{{") {
                let Some(end) = inner.find("}}") else {
                    return Err(self.err(n, col(i), "unclosed `{{` (write `\\{{` for a literal)"));
                };
                let source = &inner[..end];
                self.flush_lit(n, &mut lit, &mut segs)?;
                segs.push(Seg::Re(self.intern(n, col(i) + 2, source)?));
                i += 2 + end + 2;
                continue;
            }
            if let Some(inner) = rest.strip_prefix("[[") {
                let Some(end) = inner.find("]]") else {
                    return Err(self.err(n, col(i), "unclosed `[[` (write `\\[[` for a literal)"));
                };
                let body = &inner[..end];
                self.flush_lit(n, &mut lit, &mut segs)?;
                segs.push(self.capture(n, col(i), body)?);
                i += 2 + end + 2;
                continue;
            }
            // Plain text up to the next character that may start a construct.
            // (At least the first character: it did not start a construct.)
            let first = rest.chars().next().map_or(1, char::len_utf8);
            let plain = rest[first..]
                .find(['{', '[', '\\'])
                .map_or(rest.len(), |k| k + first);
            lit.push_str(&rest[..plain]);
            i += plain;
        }
        self.flush_lit(n, &mut lit, &mut segs)?;
        Ok(segs)
    }

    /// The id of numeric variable `name`, declared on first use.
    fn num_var(&mut self, name: &str, n: usize, col: usize) -> Result<u32, SpecError> {
        if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
            return Err(self.err(n, col, format!("bad numeric variable `{name}`")));
        }
        if let Some(i) = self.nums.iter().position(|x| x.0 == name) {
            return Ok(u32::try_from(i).unwrap_or(u32::MAX));
        }
        self.nums.push((name.to_owned(), None, n));
        self.num_defined.push(false);
        Ok(u32::try_from(self.nums.len() - 1).unwrap_or(u32::MAX))
    }

    /// `[[#N:]]`, `[[#N]]`, `[[#N+K]]`, `[[#N-K]]`, `[[#N:EXPR]]`, `[[#K]]`.
    fn numeric(&mut self, n: usize, col: usize, body: &str) -> Result<Seg, SpecError> {
        if !matches!(self.cur_kind, Some(Kind::Ordered | Kind::Interleave)) {
            return Err(SpecError {
                hint: Some("numeric variables follow one sequence: use them in ordered blocks or interleave threads".to_owned()),
                ..self.err(n, col, "numeric capture outside an ordered or interleave block")
            });
        }
        let bad = |p: &Self| SpecError {
            hint: Some(
                "write `[[#N:]]` to set N, `[[#N+1]]` to use it, `[[#N:N+1]]` to count".to_owned(),
            ),
            ..p.err(n, col, format!("bad numeric capture `[[#{body}]]`"))
        };
        let (set, expr) = match body.split_once(':') {
            Some((set, expr)) => (Some(set.trim()), expr.trim()),
            None => (None, body.trim()),
        };
        let value = if expr.is_empty() {
            None
        } else if let Ok(k) = expr.parse::<i64>() {
            Some(crate::pattern::NumExpr::Const(k))
        } else {
            let cut = expr.find(['+', '-']).unwrap_or(expr.len());
            let (name, rest) = expr.split_at(cut);
            let k = if rest.is_empty() {
                0
            } else {
                let (sign, digits) = rest.split_at(1);
                let d = digits.trim().parse::<i64>().map_err(|_| bad(self))?;
                if sign == "-" { -d } else { d }
            };
            let v = self.num_var(name.trim(), n, col)?;
            Some(crate::pattern::NumExpr::Var(v, k))
        };
        if set.is_none() && value.is_none() {
            return Err(bad(self));
        }
        let set = match set {
            Some(name) => {
                let v = self.num_var(name, n, col)?;
                self.num_defined[v as usize] = true;
                Some(v)
            }
            None => None,
        };
        Ok(Seg::Num(crate::pattern::NumSeg { set, value }))
    }

    fn capture(&mut self, n: usize, col: usize, body: &str) -> Result<Seg, SpecError> {
        if let Some(num) = body.strip_prefix('#') {
            return self.numeric(n, col, num);
        }
        let (name, ty) = match body.split_once(':') {
            Some((name, ty)) => (name, Some(ty)),
            None => (body, None),
        };
        if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
            return Err(SpecError {
                hint: Some(
                    "a capture is `[[NAME:TYPE]]` or `[[NAME]]`; write `\\[[` for a literal `[[`"
                        .to_owned(),
                ),
                ..self.err(n, col, format!("bad capture name `{name}`"))
            });
        }
        if let Some(ty) = ty {
            let source = match ty {
                "int" => r"-?\d+".to_owned(),
                "hex" => r"(?:0x)?[0-9a-fA-F]+".to_owned(),
                "float" => r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?".to_owned(),
                "word" => r"\w+".to_owned(),
                other => other.to_owned(),
            };
            if let Some((prev, line)) = self.capture_defs.get(name) {
                if *prev != source {
                    return Err(self.err(n, col, format!("capture `{name}` defined again with another pattern (first on line {line})")));
                }
            } else {
                self.intern(n, col + name.len() + 3, &source)?;
                self.capture_defs.insert(name.to_owned(), (source, n));
            }
        } else {
            self.capture_uses.push((name.to_owned(), n, col));
        }
        Ok(Seg::Slot(self.var(None, name, n, col)?))
    }

    fn var(
        &mut self,
        class: Option<u32>,
        name: &str,
        n: usize,
        col: usize,
    ) -> Result<u32, SpecError> {
        if let Some(&v) = self.var_index.get(&class).and_then(|m| m.get(name)) {
            return Ok(v);
        }
        let (regex, find) = match class {
            Some(c) => {
                let ident = &self.idents[c as usize];
                (ident.regex, ident.find.clone())
            }
            // Capture: its pattern is filled in by `finish` once all definitions are known.
            None => (
                0,
                Regex::new("$^").map_err(|e| self.bad_regex(n, col, "$^", &e))?,
            ),
        };
        let id = u32::try_from(self.vars.len()).unwrap_or(u32::MAX);
        self.vars.push(Var {
            name: name.to_owned(),
            regex,
            find,
            class,
        });
        self.var_index
            .entry(class)
            .or_default()
            .insert(name.to_owned(), id);
        Ok(id)
    }

    /// Split a literal piece into literal text, identity slots and redactions.
    fn flush_lit(
        &mut self,
        n: usize,
        lit: &mut String,
        segs: &mut Vec<Seg>,
    ) -> Result<(), SpecError> {
        if lit.is_empty() {
            return Ok(());
        }
        let text = std::mem::take(lit);
        let mut claims: Vec<(usize, usize, Claim)> = Vec::new();
        for (i, id) in self.idents.iter().enumerate() {
            claims.extend(
                id.find
                    .find_iter(&text)
                    .filter(|m| !m.is_empty())
                    .map(|m| (m.start(), m.end(), Claim::Ident(i))),
            );
        }
        for (i, r) in self.redacts.iter().enumerate() {
            claims.extend(
                r.find
                    .find_iter(&text)
                    .filter(|m| !m.is_empty())
                    .map(|m| (m.start(), m.end(), Claim::Redact(i))),
            );
        }
        // Leftmost, then longest: the same result whatever order the directives have.
        claims.sort_by_key(|&(s, e, _)| (s, std::cmp::Reverse(e)));
        let mut pos = 0;
        let mut k = 0;
        while k < claims.len() {
            let (s, e, _) = claims[k];
            let same: Vec<Claim> = claims[k..]
                .iter()
                .take_while(|c| c.0 == s && c.1 == e)
                .map(|c| c.2)
                .collect();
            k += same.len();
            if s < pos {
                continue;
            }
            if s > pos {
                segs.push(Seg::Lit(text[pos..s].into()));
            }
            let span = &text[s..e];
            let (mut idents, mut redacts) = (Vec::new(), Vec::new());
            for claim in &same {
                match *claim {
                    Claim::Ident(i) => idents.push(i),
                    Claim::Redact(i) => redacts.push(i),
                }
            }
            if idents.len() > 1 || (!idents.is_empty() && !redacts.is_empty()) {
                let lines: Vec<String> = idents
                    .iter()
                    .map(|i| self.idents[*i].line)
                    .chain(redacts.iter().map(|i| self.redacts[*i].line))
                    .map(|l| l.to_string())
                    .collect();
                return Err(SpecError {
                    hint: Some("make the regexes disjoint".to_owned()),
                    ..self.err(
                        n,
                        1,
                        format!(
                            "`{span}` is claimed by several declarations (lines {})",
                            lines.join(", ")
                        ),
                    )
                });
            }
            if let Some(&i) = idents.first() {
                self.idents[i].used = true;
                let class = u32::try_from(i).unwrap_or(u32::MAX);
                segs.push(Seg::Slot(self.var(Some(class), span, n, 1)?));
            } else {
                if let [only] = redacts.as_slice() {
                    self.redacts[*only].used = true;
                    segs.push(Seg::Re(self.redacts[*only].id));
                    pos = e;
                    continue;
                }
                let mut sources: Vec<String> = redacts
                    .iter()
                    .map(|i| {
                        self.redacts[*i].used = true;
                        self.redacts[*i].source.clone()
                    })
                    .collect();
                sources.sort();
                let joined = sources
                    .iter()
                    .map(|s| format!("(?:{s})"))
                    .collect::<Vec<_>>()
                    .join("|");
                segs.push(Seg::Re(self.intern(n, 1, &joined)?));
            }
            pos = e;
        }
        if pos < text.len() {
            segs.push(Seg::Lit(text[pos..].into()));
        }
        Ok(())
    }

    fn finish(mut self, blocks: Vec<Block>) -> Result<Spec, SpecError> {
        for (name, n, col) in &self.capture_uses {
            if !self.capture_defs.contains_key(name) {
                return Err(SpecError {
                    hint: Some(format!(
                        "define it once as `[[{name}:hex]]` (or :int, :float, :word, :REGEX)"
                    )),
                    ..self.err(*n, *col, format!("capture `[[{name}]]` is never defined"))
                });
            }
        }
        for v in &mut self.vars {
            if v.class.is_none() {
                let (source, _) = &self.capture_defs[&v.name];
                v.regex = self.regexes.intern(source).unwrap_or(0);
                v.find = Regex::new(source).unwrap_or_else(|_| v.find.clone());
            }
        }
        if let Some(id) = self.idents.iter().find(|i| !i.used) {
            return Err(self.err(
                id.line,
                1,
                format!("`%ident {}` matches nothing in the body", id.name),
            ));
        }
        if let Some(r) = self.redacts.iter().find(|r| !r.used) {
            return Err(self.err(r.line, 1, "`%redact` matches nothing in the body"));
        }
        for (i, (name, init, line)) in self.nums.iter().enumerate() {
            if init.is_none() && !self.num_defined[i] {
                return Err(SpecError {
                    hint: Some(format!(
                        "give it a start with `%num {name} 0` in the header, or set it with `[[#{name}:]]`"
                    )),
                    ..self.err(
                        *line,
                        1,
                        format!("numeric variable `{name}` is used but never set"),
                    )
                });
            }
        }
        let var_regex: Vec<u32> = self.vars.iter().map(|v| v.regex).collect();
        let key_width = crate::width::infer(&self.file, self.width, &self.columns)?;
        let cx = crate::pattern::Cx {
            regexes: &self.regexes,
            var_regex: &var_regex,
            width: key_width,
        };
        // Templates that only serve reports compile when a report needs them.
        for (t, &(n, eager)) in self.templates.iter().zip(&self.template_lines) {
            if !eager {
                continue;
            }
            if let Err(e) = t.compile(&cx) {
                return Err(self.bad_regex(n, 1, "(the whole line)", &e));
            }
        }
        let declared = self
            .idents
            .iter()
            .map(|i| i.find.clone())
            .chain(self.redacts.iter().map(|r| r.find.clone()))
            .collect();
        let (plans, classes) = crate::plan::plan(&blocks, &self.templates);
        Ok(Spec {
            num_init: self.nums.iter().map(|x| x.1).collect(),
            num_names: self.nums.iter().map(|x| x.0.clone()).collect(),
            key_width,
            key_texts: self.key_texts,
            plans,
            classes,
            declared,
            name: self.file,
            key: self.key,
            forbids: self.forbids,
            exit: self.exit.unwrap_or(0),
            blocks,
            templates: self.templates,
            regexes: self.regexes,
            vars: self.vars,
            var_regex,
        })
    }
}

fn split_word(s: &str) -> (&str, &str) {
    let s = s.trim_start();
    let end = s.find(char::is_whitespace).unwrap_or(s.len());
    (&s[..end], &s[end..])
}

fn merge_lits(segs: Vec<Seg>) -> Vec<Seg> {
    let adjacent = segs
        .windows(2)
        .any(|w| matches!(w, [Seg::Lit(_), Seg::Lit(_)]));
    if !adjacent {
        return segs;
    }
    let mut out: Vec<Seg> = Vec::with_capacity(segs.len());
    for s in segs {
        if let (Some(Seg::Lit(prev)), Seg::Lit(cur)) = (out.last_mut(), &s) {
            let mut joined = prev.to_string();
            joined.push_str(cur);
            *prev = joined.into();
            continue;
        }
        out.push(s);
    }
    out
}
