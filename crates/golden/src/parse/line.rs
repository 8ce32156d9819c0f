//! Line patterns: a body line's pieces into segments (literals, wildcards, inline
//! regexes, captures, numeric expressions, identity slots, redactions).

use super::{Claim, PIECE_CACHE_LIMIT, Parser};
use crate::error::SpecError;
use crate::pattern::Seg;
use crate::spec::{Kind, Var};
use regex::Regex;

impl Parser {
    /// Compile a piece of a body line (`offset`: its byte offset in the line).
    /// Pieces repeat a lot (`[DEBUG] (`, thread names): compiled once each.
    pub(super) fn segments(
        &mut self,
        n: usize,
        piece: &str,
        offset: usize,
    ) -> Result<Vec<Seg>, SpecError> {
        let full = self.piece_cache.len() >= PIECE_CACHE_LIMIT;
        // A lookup costs a hash of the piece and a probe that misses the CPU
        // cache: not worth it when fewer than one in eight lookups hit.
        if !full || self.piece_hits * 8 >= self.piece_lookups {
            self.piece_lookups += 1;
            if let Some(segs) = self.piece_cache.get(piece) {
                self.piece_hits += 1;
                return Ok(segs.clone());
            }
        }
        let segs = self.segments_uncached(n, piece, offset)?;
        // Numeric captures depend on the block they are in: not cached.
        let numeric = piece.contains('[') && piece.contains("[[#");
        if !full && !numeric {
            self.piece_cache.insert(piece.into(), segs.clone());
        }
        Ok(segs)
    }

    /// [`segments`](Self::segments) for the text before (`slot` 0) or after
    /// (`slot` 1) a line's key, and whether it is the last key line's: lines of
    /// a thread block mostly share it with the line before (`(` and ` step 4`
    /// around each thread's name), so that text is compared, not looked up.
    /// Text with a bracket (a capture, numeric expression or wildcard) is
    /// always compiled through `segments`; other text compiles to the same
    /// pieces wherever it is, as the piece cache assumes.
    pub(super) fn col_segments(
        &mut self,
        slot: usize,
        n: usize,
        piece: &str,
        offset: usize,
    ) -> Result<(Vec<Seg>, bool), SpecError> {
        if piece.contains(['[', '{']) {
            self.col_memo[slot] = None;
            self.abs_memo = None;
            return Ok((self.segments(n, piece, offset)?, false));
        }
        if let Some((text, segs)) = &self.col_memo[slot] {
            if text == piece {
                return Ok((segs.clone(), true));
            }
        }
        let segs = self.segments(n, piece, offset)?;
        let mut text = self.col_memo[slot].take().map(|m| m.0).unwrap_or_default();
        text.clear();
        text.push_str(piece);
        self.col_memo[slot] = Some((text, segs.clone()));
        self.abs_memo = None;
        Ok((segs, false))
    }

    pub(super) fn segments_uncached(
        &mut self,
        n: usize,
        piece: &str,
        offset: usize,
    ) -> Result<Vec<Seg>, SpecError> {
        let mut segs = Vec::new();
        let mut lit = std::mem::take(&mut self.lit_buf);
        lit.clear();
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
        self.lit_buf = lit;
        Ok(segs)
    }

    /// The id of numeric variable `name`, declared on first use.
    pub(super) fn num_var(&mut self, name: &str, n: usize, col: usize) -> Result<u32, SpecError> {
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
    pub(super) fn numeric(&mut self, n: usize, col: usize, body: &str) -> Result<Seg, SpecError> {
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

    pub(super) fn capture(&mut self, n: usize, col: usize, body: &str) -> Result<Seg, SpecError> {
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

    pub(super) fn var(
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
    pub(super) fn flush_lit(
        &mut self,
        n: usize,
        lit: &mut String,
        segs: &mut Vec<Seg>,
    ) -> Result<(), SpecError> {
        if lit.is_empty() {
            return Ok(());
        }
        let text = std::mem::take(lit);
        // Scratch list, reused from piece to piece (taken back at the end).
        let mut claims = std::mem::take(&mut self.claim_buf);
        claims.clear();
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
            let run = claims[k..]
                .iter()
                .take_while(|c| c.0 == s && c.1 == e)
                .count();
            let same = &claims[k..k + run];
            k += run;
            if s < pos {
                continue;
            }
            if s > pos {
                segs.push(Seg::Lit(text[pos..s].into()));
            }
            let span = &text[s..e];
            // One claim (the usual case) needs no lists.
            if let [(_, _, claim)] = same {
                match *claim {
                    Claim::Ident(i) => {
                        self.idents[i].used = true;
                        let class = u32::try_from(i).unwrap_or(u32::MAX);
                        segs.push(Seg::Slot(self.var(Some(class), span, n, 1)?));
                    }
                    Claim::Redact(i) => {
                        self.redacted = true;
                        self.redacts[i].used = true;
                        segs.push(Seg::Re(self.redacts[i].id));
                    }
                }
                pos = e;
                continue;
            }
            let (mut idents, mut redacts) = (Vec::new(), Vec::new());
            for claim in same {
                match claim.2 {
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
            self.redacted |= !redacts.is_empty();
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
        // The buffers go back for the next piece.
        let mut text = text;
        text.clear();
        *lit = text;
        self.claim_buf = claims;
        Ok(())
    }
}
