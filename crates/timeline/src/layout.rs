//! The picture as geometry: every rectangle, line, marker, arrow and text box
//! with absolute coordinates, so tests can check what a person would see (lane
//! order, text that does not overlap) without parsing SVG.
//!
//! From top to bottom: a title line; one lane per thread in start order (its
//! name and a `daemon` tag in the left gutter; up to four rows of log/sync
//! labels; the running bar with state slices drawn over it; one row per
//! concurrently held object under the bar); a step chart per counter (a
//! semaphore's value); the time axis; the legend. Wake
//! arrows run from the waker's bar to the end of the woken thread's slice.

use crate::labels::truncate;
use crate::model::Trace;
use crate::palette;

mod counter;
mod lane;
mod legend;

/// Rendering options.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Width of the picture, px (clamped to 480..=4000).
    pub width: f64,
    /// Title; the program name when `None`.
    pub title: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            width: 960.0,
            title: None,
        }
    }
}

/// Width of one character, per px of font size (monospace).
pub(crate) const CHAR_EM: f64 = 0.61;
pub(crate) const MARGIN: f64 = 12.0;

/// How a text is anchored at its x.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// x is the left edge.
    Start,
    /// x is the centre.
    Middle,
    /// x is the right edge.
    End,
}

/// One text as drawn: `y` is the baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct TextBox {
    /// Anchor x, px.
    pub x: f64,
    /// Baseline y, px.
    pub y: f64,
    /// Font size, px.
    pub size: f64,
    /// What is shown.
    pub text: String,
    /// Anchoring.
    pub anchor: Anchor,
    /// Bold.
    pub bold: bool,
    /// Fill colour.
    pub fill: &'static str,
    /// Drawn with a white halo (over grid lines and arrows).
    pub halo: bool,
}

impl TextBox {
    /// Bounding box `(x0, y0, x1, y1)` under the monospace width model.
    pub fn bbox(&self) -> (f64, f64, f64, f64) {
        let w = text_width(&self.text, self.size);
        let x0 = match self.anchor {
            Anchor::Start => self.x,
            Anchor::Middle => self.x - w / 2.0,
            Anchor::End => self.x - w,
        };
        (
            x0,
            self.y - 0.8 * self.size,
            x0 + w,
            self.y + 0.25 * self.size,
        )
    }
}

/// Width of `text` at `size` px.
pub(crate) fn text_width(text: &str, size: f64) -> f64 {
    text.chars().count() as f64 * size * CHAR_EM
}

/// A filled rectangle; `title` becomes a tooltip.
#[derive(Debug, Clone, PartialEq)]
pub struct Rect {
    /// Left, top, width, height, px.
    pub x: f64,
    #[allow(missing_docs)]
    pub y: f64,
    #[allow(missing_docs)]
    pub w: f64,
    #[allow(missing_docs)]
    pub h: f64,
    /// Fill colour.
    pub fill: &'static str,
    /// Tooltip.
    pub title: Option<String>,
}

/// A straight line (grid, axis, ticks, wake arrows).
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// From (x1, y1) to (x2, y2), px.
    pub x1: f64,
    #[allow(missing_docs)]
    pub y1: f64,
    #[allow(missing_docs)]
    pub x2: f64,
    #[allow(missing_docs)]
    pub y2: f64,
    /// Stroke colour.
    pub stroke: &'static str,
    /// Stroke width, px.
    pub width: f64,
    /// Ends in an arrowhead (drawn above the texts).
    pub arrow: bool,
    /// Horizontal offset of a quadratic curve's control point from the
    /// segment's middle, px; 0 draws a straight line.
    pub bend: f64,
}

/// A point marker on a lane: a dot (log line) or a diamond (sync instant).
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    /// Centre, px.
    pub x: f64,
    #[allow(missing_docs)]
    pub y: f64,
    /// Diamond rather than dot.
    pub diamond: bool,
    /// Fill colour.
    pub fill: &'static str,
    /// Tooltip (the full text).
    pub title: String,
}

/// Where a thread's lane is.
#[derive(Debug, Clone, PartialEq)]
pub struct LaneInfo {
    /// sync-kit thread index.
    pub tid: u64,
    /// Thread name as labelled.
    pub name: String,
    /// Top of the lane, px.
    pub top: f64,
    /// Top of the running bar, px.
    pub bar_y: f64,
    /// Bottom of the lane, px.
    pub bottom: f64,
}

/// The whole picture.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Layout {
    /// Size, px.
    pub width: f64,
    #[allow(missing_docs)]
    pub height: f64,
    /// Lanes, top to bottom.
    pub lanes: Vec<LaneInfo>,
    /// Rectangles, in drawing order.
    pub rects: Vec<Rect>,
    /// Lines (grid first); arrows are drawn last, above the texts.
    pub lines: Vec<Line>,
    /// Point markers.
    pub markers: Vec<Marker>,
    /// Every text drawn.
    pub texts: Vec<TextBox>,
    /// Labels that had no room (their markers are drawn, text as tooltip).
    pub dropped_labels: usize,
}

/// The horizontal time scale.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scale {
    pub(crate) t0: f64,
    pub(crate) t1: f64,
    pub(crate) x0: f64,
    pub(crate) x1: f64,
}

impl Scale {
    pub(crate) fn x(&self, t: f64) -> f64 {
        self.x0 + (t - self.t0) / (self.t1 - self.t0) * (self.x1 - self.x0)
    }
}

/// Lays out the picture of `trace`.
pub fn layout(trace: &Trace, opts: &Options) -> Layout {
    let width = if opts.width.is_finite() {
        opts.width.clamp(480.0, 4000.0)
    } else {
        960.0
    };
    let mut out = Layout {
        width,
        ..Layout::default()
    };
    title(trace, opts, &mut out);
    // The gutter fits the longest name at 12 px bold, within limits.
    let longest = trace
        .threads
        .iter()
        .map(|t| t.name.chars().count())
        .max()
        .unwrap_or(4);
    let gutter = (longest.clamp(6, 18) as f64 * 12.0 * CHAR_EM + 10.0).min(width / 4.0);
    let (lo, hi) = trace.span();
    let t0 = lo.min(0.0);
    // 3% more on the right: what happens at the end (exit, the last log line)
    // is not squeezed against the edge.
    let t1 = hi.max(t0 + 1.0);
    let t1 = t1 + (t1 - t0) * 0.03;
    let scale = Scale {
        t0,
        t1,
        x0: MARGIN + gutter,
        x1: width - MARGIN - 4.0,
    };
    let top = 44.0;
    let mut y = top;
    let objects = legend::objects(trace);
    for th in &trace.threads {
        y = lane::lane(trace, th, &objects, scale, y, gutter, &mut out) + lane::GAP;
    }
    lane::wakes(trace, scale, &mut out);
    y = counter::counters(trace, &objects, scale, y - lane::GAP, gutter, &mut out) + lane::GAP;
    let axis_y = y.max(top + 20.0) - lane::GAP + 6.0;
    axis(scale, top - 6.0, axis_y, &mut out);
    let bottom = legend::legend(trace, &objects, scale, axis_y + 34.0, &mut out);
    out.height = bottom + MARGIN;
    out
}

fn title(trace: &Trace, opts: &Options, out: &mut Layout) {
    let main = opts.title.clone().unwrap_or_else(|| trace.program.clone());
    let room = ((out.width - 2.0 * MARGIN) / (15.0 * CHAR_EM)) as usize;
    let main = truncate(&main, room);
    let end = MARGIN + text_width(&main, 15.0);
    out.texts.push(TextBox {
        x: MARGIN,
        y: 24.0,
        size: 15.0,
        text: main,
        anchor: Anchor::Start,
        bold: true,
        fill: palette::INK,
        halo: false,
    });
    let sub = match (trace.clock.as_str(), &trace.seed) {
        ("virtual", Some(s)) => format!("virtual time (simulation), seed {s}"),
        ("virtual", None) => "virtual time (simulation)".to_owned(),
        ("real", _) => "real time".to_owned(),
        _ => String::new(),
    };
    let room = ((out.width - MARGIN - end - 14.0) / (11.0 * CHAR_EM)).max(0.0) as usize;
    if !sub.is_empty() && room >= 8 {
        out.texts.push(TextBox {
            x: end + 14.0,
            y: 24.0,
            size: 11.0,
            text: truncate(&sub, room),
            anchor: Anchor::Start,
            bold: false,
            fill: palette::MUTED,
            halo: false,
        });
    }
}

fn axis(s: Scale, top: f64, y: f64, out: &mut Layout) {
    let size = 11.0;
    let line = |x1, y1, x2, y2, stroke, width| Line {
        x1,
        y1,
        x2,
        y2,
        stroke,
        width,
        arrow: false,
        bend: 0.0,
    };
    for t in crate::axis::ticks(s.t0, s.t1, s.x1 - s.x0, size * CHAR_EM) {
        let x = s.x(t.t);
        out.lines.insert(0, line(x, top, x, y, palette::GRID, 1.0));
        out.lines.push(line(x, y, x, y + 4.0, palette::MUTED, 1.0));
        let w = text_width(&t.label, size);
        let anchor = if x + w / 2.0 > out.width - 2.0 {
            Anchor::End
        } else {
            Anchor::Middle
        };
        let x = if anchor == Anchor::End {
            out.width - 2.0
        } else {
            x
        };
        out.texts.push(TextBox {
            x,
            y: y + 17.0,
            size,
            text: t.label,
            anchor,
            bold: false,
            fill: palette::MUTED,
            halo: false,
        });
    }
    out.lines.push(line(s.x0, y, s.x1, y, palette::MUTED, 1.0));
}
