//! A run's output: its lines, each line's key, and its key-abstracted shape.

use crate::keys::KeyFinder;
use crate::pattern::{BAD_PAD, SELF_MARK};
use crate::spec::{Kind, Spec};

/// A run's output, split into lines.
pub(crate) struct Actual<'a> {
    pub(crate) lines: Vec<&'a str>,
    pub(super) keys: Vec<Option<AKey<'a>>>,
    /// Every keyed line with its key column (key and padding) replaced by `SELF_MARK`,
    /// back to back (one allocation for all lines).
    pub(super) shapes: String,
}

pub(super) struct AKey<'a> {
    pub(super) key: &'a str,
    /// Byte range of this line's shape in `Actual::shapes`.
    pub(super) shape: (usize, usize),
    pub(super) len: usize,
}

impl<'a> Actual<'a> {
    pub(crate) fn new(text: &'a str, spec: &Spec) -> Self {
        let mut lines: Vec<&str> = if text.is_empty() {
            Vec::new()
        } else {
            text.split('\n').map(str::trim_end).collect()
        };
        while lines.last().is_some_and(|l| l.is_empty()) {
            lines.pop();
        }
        let want_shapes = spec.blocks.iter().any(|b| b.kind == Kind::Interleave);
        let mut finder = spec.key.as_ref().map(KeyFinder::new);
        let mut shapes = String::with_capacity(if want_shapes {
            text.len() + 4 * lines.len()
        } else {
            0
        });
        let keys = lines
            .iter()
            .map(|line| {
                let s = finder.as_mut()?.span(line)?;
                let from = shapes.len();
                let key = &line[s.start..s.end];
                let len = key.chars().count();
                if want_shapes {
                    // The key and exactly the padding its length needs become one
                    // mark; too little padding makes the line match no template.
                    let need = spec.key_width.saturating_sub(len);
                    shapes.push_str(&line[..s.start]);
                    shapes.push(SELF_MARK);
                    if s.pad_end - s.end >= need {
                        shapes.push_str(&line[s.end + need..]);
                    } else {
                        shapes.push(BAD_PAD);
                        shapes.push_str(&line[s.end..]);
                    }
                }
                Some(AKey {
                    key,
                    shape: (from, shapes.len()),
                    len,
                })
            })
            .collect();
        Actual {
            lines,
            keys,
            shapes,
        }
    }

    /// The shape of keyed line `j` (empty for unkeyed lines).
    pub(super) fn shape(&self, j: usize) -> &str {
        self.keys[j]
            .as_ref()
            .map_or("", |k| &self.shapes[k.shape.0..k.shape.1])
    }
}
