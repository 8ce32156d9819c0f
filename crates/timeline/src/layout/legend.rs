//! The legend under the axis: what each colour, marker and arrow means, only
//! for what the picture shows (running always; a state only if some slice of
//! it is at least 2 px wide: hairlines are not worth a legend entry).

use super::{Anchor, Layout, Line, MARGIN, Marker, Rect, Scale, TextBox, text_width};
use crate::model::{State, Trace};
use crate::palette;

const SIZE: f64 = 11.0;

/// Held objects in order of first acquisition (their colour index).
pub(crate) fn objects(trace: &Trace) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    for h in &trace.holds {
        if !seen.contains(&h.object) {
            seen.push(h.object.clone());
        }
    }
    seen
}

enum Swatch {
    Fill(&'static str),
    Arrow,
    Marker(bool, &'static str),
}

/// Lays out the legend from `y` (a baseline); returns the bottom.
pub(crate) fn legend(
    trace: &Trace,
    objects: &[String],
    scale: Scale,
    y: f64,
    out: &mut Layout,
) -> f64 {
    let visible = |s: &crate::model::Slice| scale.x(s.end) - scale.x(s.start) >= 2.0;
    let mut items: Vec<(Swatch, String)> =
        vec![(Swatch::Fill(palette::RUNNING), "running".to_owned())];
    let states = [
        (State::Waiting, "waiting (blocked on a primitive)"),
        (State::Sleeping, "sleeping"),
        (State::Join, "in join()"),
        (State::Starting, "in start()"),
    ];
    for (st, text) in states {
        if trace
            .threads
            .iter()
            .any(|t| t.states.iter().any(|s| s.state == st && visible(s)))
        {
            items.push((Swatch::Fill(palette::state(st)), text.to_owned()));
        }
    }
    if trace.threads.iter().any(|t| {
        t.states
            .iter()
            .any(|s| s.outcome.as_deref() == Some("timeout") && visible(s))
    }) {
        items.insert(
            items.len().min(2),
            (
                Swatch::Fill(palette::TIMEOUT),
                "wait that timed out".to_owned(),
            ),
        );
    }
    for (i, o) in objects.iter().enumerate() {
        items.push((Swatch::Fill(palette::object(i)), format!("holds {o}")));
    }
    if !trace.wakes.is_empty() {
        items.push((
            Swatch::Arrow,
            "wakes (release, notify, set, exit)".to_owned(),
        ));
    }
    if trace.instants.iter().any(|i| i.cat == "log") {
        items.push((Swatch::Marker(false, palette::INK), "log line".to_owned()));
    }
    if trace.instants.iter().any(|i| i.cat != "log") {
        items.push((
            Swatch::Marker(true, palette::SYNC),
            "set / notify / trip / timer".to_owned(),
        ));
    }
    if out.dropped_labels > 0 {
        let n = out.dropped_labels;
        let s = if n == 1 { "" } else { "s" };
        items.push((
            Swatch::Marker(false, palette::MUTED),
            format!("{n} label{s} without room (marker only)"),
        ));
    }
    let mut x = MARGIN;
    let mut y = y;
    for (swatch, text) in items {
        let w = 14.0 + 5.0 + text_width(&text, SIZE);
        if x + w > out.width - MARGIN && x > MARGIN {
            x = MARGIN;
            y += 18.0;
        }
        let mid = y - 4.0;
        match swatch {
            Swatch::Fill(fill) => out.rects.push(Rect {
                x,
                y: mid - 6.0,
                w: 14.0,
                h: 11.0,
                fill,
                title: None,
            }),
            Swatch::Arrow => out.lines.push(Line {
                x1: x,
                y1: mid,
                x2: x + 13.0,
                y2: mid,
                stroke: palette::WAKE,
                width: 1.4,
                arrow: true,
                bend: 0.0,
            }),
            Swatch::Marker(diamond, fill) => out.markers.push(Marker {
                x: x + 7.0,
                y: mid,
                diamond,
                fill,
                title: text.clone(),
            }),
        }
        out.texts.push(TextBox {
            x: x + 19.0,
            y,
            size: SIZE,
            text,
            anchor: Anchor::Start,
            bold: false,
            fill: palette::INK,
            halo: false,
        });
        x += w + 16.0;
    }
    y + 4.0
}
