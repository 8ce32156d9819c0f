//! Python's `repr()` of a `str`, as `%(message)r` writes it.

use std::fmt::Write as _;

use super::printable::is_printable;

/// `repr(text)` as CPython 3.11 writes it: single quotes unless the text
/// holds a `'` and no `"`; the quote and `\` escaped; `\t`, `\n`, `\r` by name;
/// other characters Python does not print (controls, format characters such
/// as U+200B, separators, private-use and unassigned code points) as `\xhh`,
/// `\uhhhh` or `\Uhhhhhhhh`; everything else as is.
///
/// ```text
/// bell\x07  ->  'bell\x07'        it's  ->  "it's"
/// zw\u200b  ->  'zw\u200b'        é     ->  'é'
/// ```
pub(super) fn str_repr(text: &str) -> String {
    let quote = if text.contains('\'') && !text.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(text.len() + 2);
    out.push(quote);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if is_printable(c) => out.push(c),
            c => {
                let code = u32::from(c);
                let _ = match code {
                    0..=0xFF => write!(out, "\\x{code:02x}"),
                    0x100..=0xFFFF => write!(out, "\\u{code:04x}"),
                    _ => write!(out, "\\U{code:08x}"),
                };
            }
        }
    }
    out.push(quote);
    out
}

#[cfg(test)]
mod tests {
    use super::str_repr;

    #[test]
    fn matches_cpython_for_each_class_of_character() {
        // Expected values printed by CPython 3.11's repr().
        for (text, expected) in [
            ("plain", "'plain'"),
            ("bell\x07", r"'bell\x07'"),
            ("\x1b[31mred", r"'\x1b[31mred'"),
            ("\x7f\u{80}\u{9f}", r"'\x7f\x80\x9f'"),
            ("tab\t\r\n", r"'tab\t\r\n'"),
            ("\\", r"'\\'"),
            ("it's", "\"it's\""),
            ("both '\"", r#"'both \'"'"#),
            ("q\"", "'q\"'"),
            ("zw\u{200b}", r"'zw\u200b'"),
            ("soft\u{ad}", r"'soft\xad'"),
            ("nb\u{a0}sp", r"'nb\xa0sp'"),
            ("ls\u{2028}", r"'ls\u2028'"),
            ("sp\u{3000}", r"'sp\u3000'"),
            ("priv\u{e000}", r"'priv\ue000'"),
            ("cn\u{378}", r"'cn\u0378'"),
            ("un\u{e0080}", r"'un\U000e0080'"),
            ("ok é ü 日本", "'ok é ü 日本'"),
            ("\u{1F600}", "'\u{1F600}'"),
            ("", "''"),
        ] {
            assert_eq!(str_repr(text), expected, "{text:?}");
        }
    }
}
