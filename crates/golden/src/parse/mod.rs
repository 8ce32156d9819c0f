//! Parsing a reference file into blocks of compiled line templates.
//!
//! The parser rejects anything it does not understand: unknown directives (with the
//! nearest known name), blocks left open, modifiers with no line to apply to, bad
//! regexes, declarations that never apply to the body. Nothing is silently ignored.

mod body;
mod header;
mod items;
mod line;

use crate::error::SpecError;
use crate::fxhash::FxHashMap;
use crate::keys::KeyFinder;
use crate::pattern::{Regexes, Seg, Template};
use crate::spec::{Block, Forbid, Kind, Spec, Var};
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
    /// Templates by hash: the first with that hash; `same_hash` links the rest
    /// (one table entry per distinct hash, no list allocated per template).
    template_index: FxHashMap<u64, u32>,
    same_hash: Vec<u32>,
    vars: Vec<Var>,
    var_index: FxHashMap<Option<u32>, FxHashMap<String, u32>>,
    /// Capture definitions: name -> (regex source, line), and first use.
    capture_defs: FxHashMap<String, (String, usize)>,
    capture_uses: Vec<(String, usize, usize)>,
    piece_cache: FxHashMap<Box<str>, Vec<Seg>>,
    /// Lookups in `piece_cache` and hits: once it is full and rarely hits (a
    /// million distinct lines), it is not consulted any more.
    piece_lookups: usize,
    piece_hits: usize,
    /// The text around the key of the last key line (prefix, suffix) and its
    /// compiled pieces, and the key-abstracted template they make (if built).
    col_memo: [Option<(String, Vec<Seg>)>; 2],
    abs_memo: Option<u32>,
    /// Scratch text of a literal piece, reused from line to line.
    lit_buf: String,
    /// A `%redact` claimed text in the pieces compiled since it was cleared:
    /// lines of different text then may compile to one template.
    redacted: bool,
    /// Scratch list of the spans header declarations claim in a literal piece.
    claim_buf: Vec<(usize, usize, Claim)>,
    key_ids: FxHashMap<Box<str>, u32>,
    key_texts: Vec<String>,
    /// The key template of each key text (`u32::MAX`: not yet, or not cached
    /// because it has a numeric capture): a line's key is compiled once per key.
    key_tpls: Vec<u32>,
    /// The compiled pieces of each key text without a bracket (compiled once
    /// per key, not looked up in the piece cache once per line).
    key_segs: Vec<Option<Vec<Seg>>>,
    /// `%width N`: (N, line).
    width: Option<(usize, usize)>,
    /// Key columns of lines whose key is plain text or a label.
    columns: Vec<crate::width::Column>,
    /// Spec line of each template (for errors when compiling it), and whether it
    /// is compiled with the spec (not only when a report needs it).
    template_lines: Vec<(usize, bool)>,
    /// (hash, id) of the templates of `%unordered` lines without a key, not
    /// put in the template index: identical ones are given one id at the end.
    unordered_tpls: Vec<(u64, u32)>,
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
            same_hash: Vec::new(),
            vars: Vec::new(),
            var_index: FxHashMap::default(),
            capture_defs: FxHashMap::default(),
            capture_uses: Vec::new(),
            piece_cache: FxHashMap::default(),
            piece_lookups: 0,
            piece_hits: 0,
            col_memo: [None, None],
            abs_memo: None,
            lit_buf: String::new(),
            claim_buf: Vec::new(),
            redacted: false,
            key_ids: FxHashMap::default(),
            key_texts: Vec::new(),
            key_tpls: Vec::new(),
            key_segs: Vec::new(),
            width: None,
            columns: Vec::new(),
            template_lines: Vec::new(),
            unordered_tpls: Vec::new(),
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
        let mut blocks = self.body(&body)?;
        self.dedupe_unordered(&mut blocks);
        self.finish(blocks)
    }

    /// Give identical `%unordered` templates one id (the first line's): sorted
    /// by hash once, each compared only with those of the same hash. The
    /// others are left to reports (never compiled, no item refers to them).
    fn dedupe_unordered(&mut self, blocks: &mut [Block]) {
        if self.unordered_tpls.len() < 2 {
            return;
        }
        let mut list = std::mem::take(&mut self.unordered_tpls);
        list.sort_unstable();
        // canon[id] = the id an item of template `id` uses, plus one (0: itself).
        let mut canon: Vec<u32> = Vec::new();
        let mut reps: Vec<u32> = Vec::new();
        for run in list.chunk_by(|a, b| a.0 == b.0) {
            if run.len() < 2 {
                continue;
            }
            reps.clear();
            for &(_, id) in run {
                let same = reps
                    .iter()
                    .copied()
                    .find(|&r| self.templates[r as usize] == self.templates[id as usize]);
                match same {
                    Some(r) => {
                        if canon.is_empty() {
                            canon = vec![0; self.templates.len()];
                        }
                        canon[id as usize] = r + 1;
                        self.template_lines[id as usize].1 = false;
                    }
                    None => reps.push(id),
                }
            }
        }
        if canon.is_empty() {
            return;
        }
        for b in blocks.iter_mut().filter(|b| b.kind == Kind::Unordered) {
            for it in &mut b.items {
                if let Some(&c) = canon.get(it.tpl as usize).filter(|&&c| c != 0) {
                    it.tpl = c - 1;
                }
            }
        }
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
