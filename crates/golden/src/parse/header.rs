//! Header directives: `%key`, `%width`, `%ident`, `%redact`, `%forbid`, `%exit`,
//! `%num`, and the regexes they carry.

use super::{BODY_DIRECTIVES, HEADER_DIRECTIVES, Ident, Parser, Redact, split_word};
use crate::error::{SpecError, did_you_mean};
use crate::keys::KeyFinder;
use crate::spec::Forbid;
use regex::Regex;

impl Parser {
    pub(super) fn header_line(&mut self, n: usize, line: &str) -> Result<(), SpecError> {
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

    pub(super) fn unknown(
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
    pub(super) fn one_regex(
        &self,
        n: usize,
        args: &str,
        col: usize,
    ) -> Result<(String, usize), SpecError> {
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

    pub(super) fn compile(&self, n: usize, col: usize, source: &str) -> Result<Regex, SpecError> {
        Regex::new(source).map_err(|e| self.bad_regex(n, col, source, &e))
    }

    pub(super) fn intern(&mut self, n: usize, col: usize, source: &str) -> Result<u32, SpecError> {
        match self.regexes.intern(source) {
            Ok(id) => Ok(id),
            Err(e) => Err(self.bad_regex(n, col, source, &e)),
        }
    }

    pub(super) fn bad_regex(
        &self,
        n: usize,
        col: usize,
        source: &str,
        e: &regex::Error,
    ) -> SpecError {
        let detail = e.to_string();
        let last = detail
            .lines()
            .rfind(|l| !l.trim().is_empty())
            .unwrap_or("invalid")
            .trim();
        self.err(n, col, format!("bad regex `{source}`: {last}"))
    }
}
