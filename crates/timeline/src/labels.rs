//! Placing point labels (log lines, sync instants) of one lane without overlap.
//!
//! The rule, in time order: a label starts at its marker, or slides left at the
//! plot's right edge so it still covers its marker; it takes the lowest row that
//! is free there. If no row is free, the row whose last label can be cut shortest
//! (to end before this one, keeping at least [`MIN_CHARS`] characters with the
//! ellipsis) is cut; otherwise the label is dropped (its marker stays). Labels of
//! one row never overlap: each starts at least [`GAP`] px after the previous ends.
//! Labels at one point (markers within 2 px) are placed together when enough
//! rows are free there, the earliest on top, so a stack reads down in time order;
//! when too few are free, the latest are placed first (nearest the bar) and the
//! earliest are the ones cut or dropped.

/// Minimum characters a truncated label keeps, ellipsis included.
pub(crate) const MIN_CHARS: usize = 6;
/// Horizontal space between two labels in a row, px.
pub(crate) const GAP: f64 = 6.0;

/// A label to place: its marker's x and full text.
#[derive(Debug, Clone)]
pub(crate) struct Want {
    pub(crate) x: f64,
    pub(crate) text: String,
}

/// A placed label: which want, row (0 nearest the bar), left x, text shown.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Placed {
    pub(crate) want: usize,
    pub(crate) row: usize,
    pub(crate) x: f64,
    pub(crate) text: String,
}

/// `text` cut to `max` characters, the last one an ellipsis when cut.
pub(crate) fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
    s.push('…');
    s
}

/// Places `wants` (sorted by x) in at most `rows` rows within `[x_min, x_max]`;
/// returns the placed labels and the indices of dropped wants.
pub(crate) fn place(
    wants: &[Want],
    rows: usize,
    x_min: f64,
    x_max: f64,
    char_px: f64,
) -> (Vec<Placed>, Vec<usize>) {
    let mut rows_state = Rows {
        placed: Vec::new(),
        last: vec![None; rows],
        char_px,
    };
    let mut dropped = Vec::new();
    let room = ((x_max - x_min).max(0.0) / char_px).floor() as usize;
    let mut start = 0;
    while start < wants.len() {
        // A stack: labels whose markers are within 2 px of the first one's.
        let mut end = start + 1;
        while end < wants.len() && wants[end].x - wants[start].x <= 2.0 {
            end += 1;
        }
        let group: Vec<(usize, String, f64)> = (start..end)
            .map(|i| {
                let text = truncate(&wants[i].text, room);
                let x0 = wants[i]
                    .x
                    .min(x_max - text.chars().count() as f64 * char_px)
                    .max(x_min);
                (i, text, x0)
            })
            .collect();
        let leftmost = group.iter().map(|g| g.2).fold(f64::INFINITY, f64::min);
        let free: Vec<usize> = (0..rows)
            .filter(|&r| rows_state.free(r, leftmost))
            .collect();
        if free.len() >= group.len() {
            // Earliest on top: rows count up from the bar.
            for ((i, text, x0), &r) in group.into_iter().zip(free[..end - start].iter().rev()) {
                rows_state.push(i, r, x0, text);
            }
        } else {
            // Not enough rows: latest first, nearest the bar, so what is left
            // still reads down in time order and the earliest are dropped.
            for (i, text, x0) in group.into_iter().rev() {
                if !rows_state.place_one(i, x0, text, &wants[i].text) {
                    dropped.push(i);
                }
            }
        }
        start = end;
    }
    dropped.sort_unstable();
    (rows_state.placed, dropped)
}

/// Rows being filled: the labels so far and the last one of each row.
struct Rows {
    placed: Vec<Placed>,
    last: Vec<Option<usize>>,
    char_px: f64,
}

impl Rows {
    fn end_of(&self, j: usize) -> f64 {
        let p = &self.placed[j];
        p.x + p.text.chars().count() as f64 * self.char_px
    }
    fn free(&self, r: usize, x0: f64) -> bool {
        self.last[r].is_none_or(|j| self.end_of(j) + GAP <= x0)
    }
    fn push(&mut self, want: usize, row: usize, x: f64, text: String) {
        self.last[row] = Some(self.placed.len());
        self.placed.push(Placed { want, row, x, text });
    }
    /// The lowest free row, else cut a row's last label; false: dropped.
    fn place_one(&mut self, i: usize, x0: f64, text: String, full: &str) -> bool {
        if text.chars().count() < MIN_CHARS.min(full.chars().count()) {
            return false;
        }
        if let Some(r) = (0..self.last.len()).find(|&r| self.free(r, x0)) {
            self.push(i, r, x0, text);
            return true;
        }
        // Cut the row whose last label keeps the most characters.
        let keep = |j: usize| ((x0 - GAP - self.placed[j].x) / self.char_px).floor();
        let best = (0..self.last.len())
            .filter_map(|r| self.last[r].map(|j| (r, j, keep(j))))
            .filter(|&(_, _, k)| k >= MIN_CHARS as f64)
            .max_by(|a, b| a.2.total_cmp(&b.2));
        let Some((r, j, k)) = best else { return false };
        self.placed[j].text = truncate(&self.placed[j].text, k as usize);
        self.push(i, r, x0, text);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn want(x: f64, text: &str) -> Want {
        Want {
            x,
            text: text.to_owned(),
        }
    }

    fn overlaps(p: &[Placed], c: f64) -> bool {
        p.iter().any(|a| {
            p.iter().any(|b| {
                a.want != b.want
                    && a.row == b.row
                    && a.x < b.x + b.text.chars().count() as f64 * c
                    && b.x < a.x + a.text.chars().count() as f64 * c
            })
        })
    }

    #[test]
    fn stagger_then_truncate_then_drop() {
        let w: Vec<Want> = (0..6)
            .map(|i| want(100.0 + i as f64 * 20.0, "Waiting for lock"))
            .collect();
        let (p, dropped) = place(&w, 2, 0.0, 900.0, 6.0);
        assert!(!overlaps(&p, 6.0));
        assert_eq!(p[0].row, 0);
        assert_eq!(p[1].row, 1);
        assert!(p.iter().any(|p| p.text.ends_with('…')), "{p:?}");
        assert!(p.iter().all(|p| p.text.chars().count() >= MIN_CHARS));
        assert_eq!(p.len() + dropped.len(), 6);
    }

    #[test]
    fn crowded_labels_drop_instead_of_overlapping() {
        let w: Vec<Want> = (0..10).map(|_| want(50.0, "Acquired lock")).collect();
        let (p, dropped) = place(&w, 3, 0.0, 900.0, 6.0);
        assert!(!overlaps(&p, 6.0));
        assert_eq!(p.len(), 3);
        assert_eq!(dropped.len(), 7);
    }

    #[test]
    fn a_label_at_the_right_edge_slides_left_over_its_marker() {
        let (p, _) = place(&[want(895.0, "Counter: 4")], 1, 0.0, 900.0, 6.0);
        assert_eq!(p[0].text, "Counter: 4");
        assert!(p[0].x + 60.0 <= 900.0 && p[0].x <= 895.0);
    }

    #[test]
    fn simultaneous_labels_read_top_down() {
        let w = [
            want(10.0, "first"),
            want(10.0, "second"),
            want(10.0, "third"),
        ];
        let (p, _) = place(&w, 3, 0.0, 900.0, 6.0);
        let rows: Vec<usize> = p.iter().map(|p| p.row).collect();
        assert_eq!(rows, [2, 1, 0]);
    }

    #[test]
    fn truncate_keeps_short_text() {
        assert_eq!(truncate("abc", 5), "abc");
        assert_eq!(truncate("abcdefgh", 5), "abcd…");
    }
}
