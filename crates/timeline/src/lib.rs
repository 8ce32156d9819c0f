//! Timelines of sync-kit runs: a trace (Chrome Trace Event JSON, as sync-kit
//! writes it with `SYNC_KIT_TRACE=PATH`) turned into a self-contained SVG picture,
//! and a checker for the trace format.
//!
//! ```
//! let json = r#"{"traceEvents":[
//!   {"ph":"M","name":"process_name","pid":1,"args":{"name":"demo"}},
//!   {"ph":"M","name":"thread_name","pid":1,"tid":0,"args":{"name":"MainThread"}},
//!   {"ph":"X","cat":"thread","name":"thread","pid":1,"tid":0,"ts":0,"dur":1000}
//! ], "displayTimeUnit":"ms", "otherData":{"clock":"virtual","program":"demo"}}"#;
//! let value = timeline::parse_json(json.as_bytes()).unwrap();
//! assert!(timeline::check(&value).is_empty());
//! let trace = timeline::Trace::from_value(&value);
//! let svg = timeline::render_svg(&trace, &timeline::Options::default());
//! assert!(svg.starts_with("<svg"));
//! ```
//!
//! # The format
//!
//! An object `{"traceEvents":[...], "displayTimeUnit":"ms", "otherData":{...}}`;
//! `pid` is 1, `tid` is sync-kit's thread index (0 = MainThread, then start
//! order), `ts`/`dur` in microseconds. [`check`] documents each rule it enforces.
//!
//! # Guarantees
//!
//! - [`check`] never panics on any JSON value; it reports every problem it finds,
//!   each with the index of the event it concerns.
//! - [`render_svg`] is deterministic (same trace and options, same bytes), needs
//!   no browser or font files, and accepts any trace [`Trace::from_value`] built:
//!   malformed events are skipped there, not rendered half-way. Run [`check`] first
//!   to be told about them.
//! - Texts never overlap (under the width model below): log lines are staggered
//!   over up to four rows per lane, truncated with an ellipsis where the next one
//!   starts, and dropped (still a marker, with the text as a tooltip, counted in
//!   the legend) when no row has room.
//!
//! # Limits
//!
//! - Text widths are computed for a monospace font (0.61 em per character); wide
//!   characters (CJK, emoji) are counted as one and may overflow their box.
//! - A trace with thousands of events renders, but a picture at README size can
//!   only show what fits: short slices become hairlines, most labels drop.

#![forbid(unsafe_code)]

mod axis;
mod check;
mod input;
mod labels;
mod layout;
mod model;
mod palette;
mod svg;

pub use check::{Problem, check};
pub use input::{InputError, check_file, check_json, parse_json, read_trace};
pub use layout::{Anchor, LaneInfo, Layout, Line, Marker, Options, Rect, TextBox, layout};
pub use model::{Hold, Instant, Slice, State, Thread, Trace, Wake};
pub use svg::{render_svg, write_svg};
