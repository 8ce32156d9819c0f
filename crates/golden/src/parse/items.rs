//! One body line into an item: `%sync` resolution, `%times` ranges, templates.

use super::{MAX_COUNT, Parser, merge_lits};
use crate::error::SpecError;
use crate::pattern::{Seg, Template};
use crate::spec::{Block, Item, ItemKey, Kind, Sync};

impl Parser {
    /// Check `%sync` lines against the block they are in: both threads must have
    /// lines there, and the lines counted before the sync must have fixed counts.
    pub(super) fn resolve_syncs(
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

    pub(super) fn range(
        &self,
        n: usize,
        args: &str,
        col: usize,
    ) -> Result<(usize, Option<usize>), SpecError> {
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

    pub(super) fn item(
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
            let hits = self.piece_hits;
            self.redacted = false;
            let segs = self.segments(n, &text, 0)?;
            let t = Template::new(merge_lits(segs));
            // Looking a template up in the index of a million costs a cache
            // miss or two. Identical templates need one id in `%unordered` (its
            // patterns) and interleave blocks (thread signatures); in ordered
            // blocks sharing only saves memory, so a cheap template of a line
            // not seen before is not looked up (at worst a copy per line) unless
            // a `%redact` made it the same as lines of other text.
            let seen = self.piece_hits > hits || self.redacted;
            let tpl = if kind == Kind::Ordered && !seen && t.is_simple() {
                self.push_template_eager(t)
            } else if kind == Kind::Unordered {
                // A million distinct patterns would cost a million probes of
                // the template index: identical ones get one id by sorting
                // their hashes once, when the body is parsed (`dedupe_unordered`).
                let h = template_hash(&t);
                let id = self.push_template_eager(t);
                self.unordered_tpls.push((h, id));
                id
            } else {
                self.add_template(t)
            };
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
        let pad = match &mut self.key_finder {
            Some(k) => crate::width::padding(k, &text, s),
            None => 0,
        };
        let after = s.end + pad;
        let (prefix, pre_same) = self.col_segments(0, n, &text[..s.start], 0)?;
        let key_text = &text[s.start..s.end];
        // Interleave lines need the key's id: found first, it also finds the
        // key's compiled pieces.
        let key_id = if kind == Kind::Interleave {
            // Looked up before inserting: no copy of the key for every line.
            Some(match self.key_ids.get(key_text) {
                Some(&id) => id,
                None => {
                    let id = u32::try_from(self.key_ids.len()).unwrap_or(u32::MAX);
                    self.key_ids.insert(key_text.into(), id);
                    self.key_texts.push(key_text.to_owned());
                    self.key_tpls.push(u32::MAX);
                    self.key_segs.push(None);
                    id
                }
            })
        } else {
            None
        };
        let key_segs = match key_id.and_then(|id| self.key_segs[id as usize].as_ref()) {
            Some(segs) => segs.clone(),
            None => {
                let segs = self.segments(n, key_text, s.start)?;
                if let Some(id) = key_id.filter(|_| !key_text.contains(['[', '{'])) {
                    self.key_segs[id as usize] = Some(segs.clone());
                }
                segs
            }
        };
        let (suffix, suf_same) = self.col_segments(1, n, &text[after..], after)?;
        let key_plain = key_segs
            .iter()
            .all(|g| matches!(g, Seg::Lit(_) | Seg::Slot(_)))
            && !has_construct(key_text);
        if key_plain {
            self.columns.push(crate::width::Column {
                line: n,
                key: key_text.chars().count(),
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
        let key = if let Some(id) = key_id {
            // The same key text compiles to the same pieces (numeric captures
            // aside): its template is looked up once, not once per line.
            let key_tpl = match self.key_tpls[id as usize] {
                u32::MAX => {
                    let t = self.add_template(Template::new(merge_lits(key_segs)));
                    if !(has_construct(key_text) && key_text.contains("[[#")) {
                        self.key_tpls[id as usize] = t;
                    }
                    t
                }
                t => t,
            };
            // The same text around the key as the line before: the same
            // key-abstracted template, not built and looked up again.
            let abs_tpl = match self.abs_memo {
                Some(t) if pre_same && suf_same => t,
                _ => {
                    let mut abs = prefix;
                    abs.push(Seg::SelfKey);
                    abs.extend(suffix);
                    let t = self.add_template(Template::new(merge_lits(abs)));
                    self.abs_memo = Some(t);
                    t
                }
            };
            Some(ItemKey {
                id,
                key_tpl,
                abs_tpl,
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

    /// Add a template that only serves reports (compiled when one needs it),
    /// without looking for an identical one.
    pub(super) fn push_template(&mut self, t: Template) -> u32 {
        let id = u32::try_from(self.templates.len()).unwrap_or(u32::MAX);
        self.templates.push(t);
        self.same_hash.push(u32::MAX);
        self.template_lines.push((self.cur_line, false));
        id
    }

    /// Add a template compiled with the spec, without looking for an identical
    /// one (nor making it findable).
    pub(super) fn push_template_eager(&mut self, t: Template) -> u32 {
        let id = self.push_template(t);
        if let Some(l) = self.template_lines.last_mut() {
            l.1 = true;
        }
        id
    }

    pub(super) fn add_template(&mut self, t: Template) -> u32 {
        let id = u32::try_from(self.templates.len()).unwrap_or(u32::MAX);
        let head = *self.template_index.entry(template_hash(&t)).or_insert(id);
        if head != id {
            let mut at = head;
            while at != u32::MAX {
                if self.templates[at as usize] == t {
                    return at;
                }
                at = self.same_hash[at as usize];
            }
            // Link the new template right after the head.
            self.same_hash.push(self.same_hash[head as usize]);
            self.same_hash[head as usize] = id;
        } else {
            self.same_hash.push(u32::MAX);
        }
        self.templates.push(t);
        self.template_lines.push((self.cur_line, true));
        id
    }
}

/// The hash a template is indexed by.
fn template_hash(t: &Template) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = crate::fxhash::FxHasher::default();
    t.hash(&mut h);
    h.finish()
}

/// Does `text` contain `{{`, `[[` or `[..]`? (One byte scan first: most keys
/// have no bracket at all.)
fn has_construct(text: &str) -> bool {
    text.contains(['{', '[']) && ["{{", "[[", "[..]"].iter().any(|p| text.contains(p))
}
