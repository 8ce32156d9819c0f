//! Blessing: write one run's output as the new body of a reference file, under
//! its existing header.
//!
//! When the run printed exactly as many lines as the body has output lines, each
//! output line replaces the body line at the same place and every body directive
//! (`%interleave`, `%end`, `%times`, `%optional`, `%sync`, `%#` comments) stays
//! where it was. Otherwise the body becomes the run's lines in one ordered block
//! and the result says that the block directives were dropped.
//!
//! Text that the format would read as a pattern (`{{`, `[[`, `[..]`, a leading
//! `%`) is escaped, so a blessed line is literal. Pitfalls: a blessed body is one
//! run; what varies between runs must still be declared in the header (`%redact`,
//! `%ident`) and in the body's blocks, or the next run fails; a run with lines
//! in another order under an `%interleave` block that kept its directives
//! reorders the reference, which is harmless, but a `%times` line blessed from a
//! run with another count changes what is required. Review the diff.

use crate::Spec;

/// The outcome of blessing a reference text.
#[derive(Debug, Clone)]
pub struct Blessed {
    /// The new reference text.
    pub text: String,
    /// False when the body's directives could not be kept (line counts differ).
    pub kept_directives: bool,
}

/// Escape what the body format would read as a pattern or a directive.
fn literal(line: &str) -> String {
    let escaped = line
        .replace("\\{{", "\\\\{{")
        .replace("{{", "\\{{")
        .replace("[[", "\\[[")
        .replace("[..]", "\\[..]");
    if escaped.starts_with('%') {
        format!("\\{escaped}")
    } else {
        escaped
    }
}

/// The reference `spec_text` with `output` as its body (see the module docs).
/// An error when the header has no `%%` line.
pub fn bless(spec_text: &str, output: &str) -> Result<Blessed, String> {
    let lines: Vec<&str> = spec_text.split('\n').collect();
    let Some(sep) = lines.iter().position(|l| l.trim_end() == "%%") else {
        return Err("the reference has no `%%` line ending its header".to_owned());
    };
    let mut out_lines: Vec<&str> = output.lines().map(str::trim_end).collect();
    while out_lines.last().is_some_and(|l| l.is_empty()) {
        out_lines.pop();
    }
    let mut body: Vec<&str> = lines[sep + 1..].to_vec();
    while body.last().is_some_and(|l| l.trim_end().is_empty()) {
        body.pop();
    }
    let is_text = |l: &str| !l.starts_with('%') || l.starts_with("\\%");
    let n_text = body.iter().filter(|l| is_text(l)).count();
    let mut text = lines[..=sep].join("\n");
    text.push('\n');
    let kept = n_text == out_lines.len();
    if kept {
        let mut next = out_lines.iter();
        for l in &body {
            if is_text(l) {
                text.push_str(&literal(next.next().copied().unwrap_or_default()));
            } else {
                text.push_str(l);
            }
            text.push('\n');
        }
    } else {
        for l in &out_lines {
            text.push_str(&literal(l));
            text.push('\n');
        }
    }
    Ok(Blessed {
        text,
        kept_directives: kept,
    })
}

/// Bless `output` into the reference file at `path`, then check that the new
/// reference accepts the output. Returns a note for the user.
pub fn bless_file(path: &std::path::Path, output: &str) -> Result<String, String> {
    let old = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let b = bless(&old, output)?;
    let name = path.display().to_string();
    let spec = Spec::parse(&name, &b.text)
        .map_err(|e| format!("the blessed reference does not parse (nothing written): {e}"))?;
    std::fs::write(path, &b.text).map_err(|e| format!("cannot write {name}: {e}"))?;
    let mut note = format!("blessed {name}");
    if !b.kept_directives {
        note.push_str(
            "; the run's line count differs from the body's, so the body is now one ordered block (its directives were dropped): declare again what varies",
        );
    }
    let o = spec.check(output);
    if !o.is_match() {
        note.push_str(&format!(
            "; the blessed reference still rejects the run:\n{o}"
        ));
    }
    Ok(note)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_header_and_directives_when_counts_agree() {
        let spec = "%key /^(\\w+):/\n%%\n%interleave\na: one\n%# note\nb: two\n%end\ndone\n";
        let b = bless(spec, "b: 2 [[x]]\na: {{1}}\nfin\n").unwrap_or_else(|e| panic!("{e}"));
        assert!(b.kept_directives);
        assert_eq!(
            b.text,
            "%key /^(\\w+):/\n%%\n%interleave\nb: 2 \\[[x]]\n%# note\na: \\{{1}}\n%end\nfin\n"
        );
        let s = Spec::parse("t", &b.text).unwrap_or_else(|e| panic!("{e}"));
        assert!(s.check("b: 2 [[x]]\na: {{1}}\nfin\n").is_match());
    }

    #[test]
    fn other_counts_make_one_ordered_block() {
        let b = bless("# h\n%%\n%unordered\na\nb\n%end\n", "%x\nc\nd\n")
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(!b.kept_directives);
        assert_eq!(b.text, "# h\n%%\n\\%x\nc\nd\n");
        assert!(bless("no header", "x").is_err());
    }
}
