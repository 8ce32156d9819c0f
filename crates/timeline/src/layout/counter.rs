//! Counter lanes under the thread lanes: a step chart per counter, bars as tall
//! as the value, the value written on each step that is wide enough.
//!
//! A counter named after a held object (a semaphore) is drawn as the number of
//! its holders, from the hold spans: "never more than two inside" is then read
//! off the chart, where the semaphore's own value (free units) would need
//! subtracting.

use super::{Anchor, CHAR_EM, Layout, MARGIN, Rect, Scale, TextBox};
use crate::labels::truncate;
use crate::model::Trace;
use crate::palette;

const H: f64 = 22.0;
const SIZE: f64 = 10.0;

/// Lays out one lane per counter from `top`; returns the bottom.
pub(crate) fn counters(
    trace: &Trace,
    objects: &[String],
    s: Scale,
    top: f64,
    gutter: f64,
    out: &mut Layout,
) -> f64 {
    let mut y = top;
    for (name, samples) in &trace.counters {
        let held = trace.holds.iter().any(|h| h.object == *name);
        let samples = if held {
            holders(trace, name)
        } else {
            samples.clone()
        };
        // Several samples at one time: the last one holds from then on.
        let mut steps: Vec<(f64, f64)> = Vec::new();
        for &(t, v) in &samples {
            match steps.last_mut() {
                Some(last) if last.0 == t => last.1 = v,
                _ => steps.push((t, v)),
            }
        }
        let max = steps.iter().map(|s| s.1).fold(0.0_f64, f64::max);
        let fill = objects
            .iter()
            .position(|o| o == name)
            .map(palette::object)
            .unwrap_or(palette::MUTED);
        let base = y + 12.0 + H;
        for (k, &(t, v)) in steps.iter().enumerate() {
            let end = steps.get(k + 1).map_or(s.t1, |n| n.0);
            let (x0, x1) = (s.x(t), s.x(end));
            let h = if max > 0.0 { v / max * H } else { 0.0 };
            if h > 0.0 {
                out.rects.push(Rect {
                    x: x0,
                    y: base - h,
                    w: (x1 - x0).max(1.0),
                    h,
                    fill,
                    title: Some(format!("{name}: {v}")),
                });
            }
            let text = format!("{v}");
            if x1 - x0 >= text.chars().count() as f64 * SIZE * CHAR_EM + 6.0 {
                out.texts.push(TextBox {
                    x: x0 + 3.0,
                    y: base - h - 2.0,
                    size: SIZE,
                    text,
                    anchor: Anchor::Start,
                    bold: false,
                    fill: palette::INK,
                    halo: true,
                });
            }
        }
        out.rects.push(Rect {
            x: s.x0,
            y: base,
            w: s.x1 - s.x0,
            h: 1.0,
            fill: palette::MUTED,
            title: None,
        });
        let room = ((gutter - 8.0) / (11.0 * CHAR_EM)) as usize;
        out.texts.push(TextBox {
            x: MARGIN,
            y: base - 8.0,
            size: 11.0,
            text: truncate(name, room),
            anchor: Anchor::Start,
            bold: true,
            fill: palette::INK,
            halo: false,
        });
        out.texts.push(TextBox {
            x: MARGIN,
            y: base + 3.0,
            size: 10.0,
            text: if held { "holders" } else { "value" }.to_owned(),
            anchor: Anchor::Start,
            bold: false,
            fill: palette::MUTED,
            halo: false,
        });
        y = base + 8.0;
    }
    y
}

/// Number of open hold spans of `object` over time: +1 at each acquire, -1 at
/// each release, in time order (equal times collapse to the last value).
fn holders(trace: &Trace, object: &str) -> Vec<(f64, f64)> {
    let mut deltas: Vec<(f64, f64)> = Vec::new();
    for h in trace.holds.iter().filter(|h| h.object == object) {
        deltas.push((h.start, 1.0));
        if let Some(end) = h.end {
            deltas.push((end, -1.0));
        }
    }
    deltas.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut n = 0.0;
    let mut out = vec![(trace.span().0.min(0.0), 0.0)];
    for (t, d) in deltas {
        n += d;
        out.push((t, n));
    }
    out
}
