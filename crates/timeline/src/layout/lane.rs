//! One thread's lane: name, labels, running bar with state slices, hold rows;
//! and the wake arrows between lanes.

use super::{Anchor, CHAR_EM, LaneInfo, Layout, Line, MARGIN, Marker, Rect, Scale, TextBox};
use crate::labels::{self, Want, truncate};
use crate::model::{Slice, State, Thread, Trace};
use crate::palette;

/// Space between lanes, px.
pub(crate) const GAP: f64 = 10.0;
const BAR_H: f64 = 18.0;
const ROW_H: f64 = 14.0;
const HOLD_H: f64 = 14.0;
const LABEL_SIZE: f64 = 11.0;
const INNER_SIZE: f64 = 10.0;
/// Rows of labels above the bar at most.
const MAX_ROWS: usize = 4;
/// Shortest drawn state slice, px, so that an instant-long wait is still visible.
const MIN_W: f64 = 1.5;
/// Shortest drawn lifetime or hold, px: a thread or hold that took no (virtual)
/// time is still there to see.
const MIN_BAR_W: f64 = 3.0;

fn rect(x: f64, y: f64, w: f64, h: f64, fill: &'static str, title: Option<String>) -> Rect {
    Rect {
        x,
        y,
        w: w.max(MIN_W),
        h,
        fill,
        title,
    }
}

fn bar(x: f64, y: f64, w: f64, h: f64, fill: &'static str, title: String) -> Rect {
    Rect {
        x: x.min(x + w - MIN_BAR_W),
        y,
        w: w.max(MIN_BAR_W),
        h,
        fill,
        title: Some(title),
    }
}

fn inner_text(x: f64, w: f64, y: f64, text: &str, fill: &'static str) -> Option<TextBox> {
    let fit = ((w - 6.0) / (INNER_SIZE * CHAR_EM)).floor();
    if fit < 4.0 {
        return None;
    }
    let text = truncate(text, fit as usize);
    Some(TextBox {
        x: x + 3.0,
        y,
        size: INNER_SIZE,
        text,
        anchor: Anchor::Start,
        bold: false,
        fill,
        halo: false,
    })
}

fn slice_text(s: &Slice) -> String {
    let object = s.object.as_deref().unwrap_or("?");
    let mut t = match s.state {
        State::Waiting => format!("wait {object}"),
        State::Sleeping => match s.secs {
            Some(secs) => format!("sleep {secs}s"),
            None => "sleep".to_owned(),
        },
        State::Join => format!("join {object}"),
        State::Starting => "start".to_owned(),
    };
    if s.outcome.as_deref() == Some("timeout") {
        t.push_str(" (timeout)");
    }
    t
}

fn slice_title(th: &Thread, s: &Slice) -> String {
    let mut t = format!("{}: {}", th.name, slice_text(s));
    for (k, v) in [
        ("kind", &s.kind),
        ("outcome", &s.outcome),
        ("site", &s.site),
    ] {
        if let Some(v) = v {
            t.push_str(&format!(", {k} {v}"));
        }
    }
    t
}

/// Lays out the lane of `th` from `top`; returns its bottom.
pub(crate) fn lane(
    trace: &Trace,
    th: &Thread,
    objects: &[String],
    s: Scale,
    top: f64,
    gutter: f64,
    out: &mut Layout,
) -> f64 {
    // Labels first: how many rows they need decides where the bar goes.
    let instants: Vec<_> = trace.instants.iter().filter(|i| i.tid == th.tid).collect();
    let wants: Vec<Want> = instants
        .iter()
        .map(|i| Want {
            x: s.x(i.ts),
            text: i.text.clone(),
        })
        .collect();
    let char_px = LABEL_SIZE * CHAR_EM;
    let (placed, dropped) = labels::place(&wants, MAX_ROWS, s.x0, s.x1, char_px);
    out.dropped_labels += dropped.len();
    let rows = placed.iter().map(|p| p.row + 1).max().unwrap_or(0);
    let bar_y = top + rows as f64 * ROW_H + if rows > 0 { 3.0 } else { 0.0 };
    for p in &placed {
        let sync = instants[p.want].cat != "log";
        let y = bar_y - 4.0 - p.row as f64 * ROW_H;
        let fill = if sync { palette::SYNC } else { palette::INK };
        out.texts.push(TextBox {
            x: p.x,
            y,
            size: LABEL_SIZE,
            text: p.text.clone(),
            anchor: Anchor::Start,
            bold: false,
            fill,
            halo: true,
        });
    }
    // The running bar: the lifetime, or the span of the thread's own events.
    let (start, end) = th.life.unwrap_or_else(|| {
        let ts = th
            .states
            .iter()
            .flat_map(|s| [s.start, s.end])
            .chain(instants.iter().map(|i| i.ts));
        ts.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), t| {
            (a.min(t), b.max(t))
        })
    });
    if start.is_finite() {
        let title = format!(
            "{}: running (lifetime {:.3} s)",
            th.name,
            (end - start) / 1e6
        );
        out.rects.push(bar(
            s.x(start),
            bar_y,
            s.x(end) - s.x(start),
            BAR_H,
            palette::RUNNING,
            title,
        ));
    }
    for sl in &th.states {
        let (x, w) = (s.x(sl.start), s.x(sl.end) - s.x(sl.start));
        let timeout = sl.outcome.as_deref() == Some("timeout");
        let fill = if timeout {
            palette::TIMEOUT
        } else {
            palette::state(sl.state)
        };
        out.rects
            .push(rect(x, bar_y, w, BAR_H, fill, Some(slice_title(th, sl))));
        let ink = if sl.state == State::Waiting && !timeout {
            "#ffffff"
        } else {
            palette::INK
        };
        // On the hatched timeout fill, a halo keeps the text legible.
        out.texts.extend(
            inner_text(x, w, bar_y + 13.0, &slice_text(sl), ink)
                .map(|t| TextBox { halo: timeout, ..t }),
        );
    }
    for (k, i) in instants.iter().enumerate() {
        let sync = i.cat != "log";
        let fill = if sync { palette::SYNC } else { palette::INK };
        out.markers.push(Marker {
            x: wants[k].x,
            y: bar_y,
            diamond: sync,
            fill,
            title: i.text.clone(),
        });
    }
    let hold_rows = holds(trace, th, objects, s, bar_y + BAR_H + 2.0, out);
    let name = truncate(&th.name, ((gutter - 8.0) / (12.0 * CHAR_EM)) as usize);
    out.texts.push(TextBox {
        x: MARGIN,
        y: bar_y + 13.0,
        size: 12.0,
        text: name.clone(),
        anchor: Anchor::Start,
        bold: true,
        fill: palette::INK,
        halo: false,
    });
    let mut bottom = bar_y + BAR_H + hold_rows as f64 * HOLD_H;
    if th.daemon {
        out.texts.push(TextBox {
            x: MARGIN,
            y: bar_y + BAR_H + 11.0,
            size: 10.0,
            text: "daemon".to_owned(),
            anchor: Anchor::Start,
            bold: false,
            fill: palette::MUTED,
            halo: false,
        });
        bottom = bottom.max(bar_y + BAR_H + 14.0);
    }
    out.lanes.push(LaneInfo {
        tid: th.tid,
        name,
        top,
        bar_y,
        bottom,
    });
    bottom
}

/// Hold bars of `th` in rows under its bar (one row per overlapping hold);
/// returns the number of rows.
fn holds(
    trace: &Trace,
    th: &Thread,
    objects: &[String],
    s: Scale,
    y: f64,
    out: &mut Layout,
) -> usize {
    let mut row_end: Vec<f64> = Vec::new();
    for h in trace.holds.iter().filter(|h| h.holder == th.tid) {
        let end = h.end.unwrap_or(s.t1);
        let row = match row_end.iter().position(|&e| e <= h.start) {
            Some(r) => r,
            None => {
                row_end.push(end);
                row_end.len() - 1
            }
        };
        row_end[row] = end;
        let colour = palette::object(objects.iter().position(|o| *o == h.object).unwrap_or(0));
        let (x, w) = (s.x(h.start), s.x(end) - s.x(h.start));
        let releaser = h
            .releaser
            .filter(|r| *r != th.tid)
            .and_then(|r| trace.threads.iter().find(|t| t.tid == r));
        let mut text = format!("holds {}", h.object);
        if let Some(r) = releaser {
            text.push_str(&format!(", released by {}", r.name));
        }
        let top = y + row as f64 * HOLD_H;
        out.rects.push(bar(
            x,
            top,
            w,
            HOLD_H - 3.0,
            colour,
            format!("{}: {text}", th.name),
        ));
        out.texts
            .extend(inner_text(x, w, top + 8.5, &text, "#ffffff"));
    }
    row_end.len()
}

/// Wake arrows: from the waker's bar at the release to the woken thread's bar
/// edge where its slice ends.
pub(crate) fn wakes(trace: &Trace, s: Scale, out: &mut Layout) {
    let lane = |tid: u64| {
        out.lanes
            .iter()
            .position(|l| l.tid == tid)
            .map(|i| (i, out.lanes[i].clone()))
    };
    for w in &trace.wakes {
        let (Some((i, from)), Some((j, to))) = (lane(w.from), lane(w.to)) else {
            continue;
        };
        if i == j {
            continue;
        }
        // An arrow that crosses lanes bows, more the farther it goes, so arrows
        // from one waker to several threads stay apart; down to the left, up to
        // the right, so a wake and the answering wake (exit -> join) do too.
        // Within 40 px of an edge both bow outwards (into the gutter or the
        // right padding, off the labels), upward ones twice as far.
        let crossed = i.abs_diff(j) - 1;
        let bow = if crossed == 0 {
            0.0
        } else {
            6.0 + 8.0 * crossed as f64
        };
        let x = s.x(w.from_ts);
        let up = j < i;
        // At most 36 px (the curve strays half that): clear of lane names.
        let bow = bow.min(if up { 18.0 } else { 36.0 });
        let bend = if x < s.x0 + 40.0 {
            -bow * if up { 2.0 } else { 1.0 }
        } else if x > s.x1 - 40.0 {
            bow * if up { 2.0 } else { 1.0 }
        } else if up {
            bow
        } else {
            -bow
        };
        let down = to.bar_y > from.bar_y;
        let y1 = from.bar_y + BAR_H / 2.0;
        let y2 = if down {
            to.bar_y - 1.0
        } else {
            to.bar_y + BAR_H + 1.0
        };
        out.lines.push(Line {
            x1: s.x(w.from_ts),
            y1,
            x2: s.x(w.to_ts),
            y2,
            stroke: palette::WAKE,
            width: 1.4,
            arrow: true,
            bend,
        });
    }
}
