//! Colours: one per state, one per held object (cycled), chosen to stay apart
//! from the state colours so a hold bar never reads as a state.

use crate::model::State;

/// Fill of the running bar (the thread lifetime under its state slices).
pub(crate) const RUNNING: &str = "#9ed39a";
/// Text on light fills.
pub(crate) const INK: &str = "#222222";
/// Secondary text (tags, axis).
pub(crate) const MUTED: &str = "#666666";
/// Grid lines.
pub(crate) const GRID: &str = "#e4e4e4";
/// Wake arrows.
pub(crate) const WAKE: &str = "#111111";
/// Markers and labels of sync instants (set, notify, trip, timer).
pub(crate) const SYNC: &str = "#1f4e9c";

/// Fill of a wait that ended by timeout (a pattern defined by the SVG writer).
pub(crate) const TIMEOUT: &str = "url(#timeout)";

/// Fill of a state slice.
pub(crate) fn state(s: State) -> &'static str {
    match s {
        State::Waiting => "#e8534f",
        State::Sleeping => "#a9c8ec",
        State::Join => "#c7a4d8",
        State::Starting => "#f4d35e",
    }
}

/// Dark fills (white text reads on them) for held objects.
const OBJECTS: [&str; 8] = [
    "#2f5d8c", "#b35806", "#4d4d4d", "#1b7f79", "#8c2d6a", "#6b5a1e", "#3b3b8f", "#7f3b08",
];

/// Fill of the `n`th held object (in order of first acquisition).
pub(crate) fn object(n: usize) -> &'static str {
    OBJECTS[n % OBJECTS.len()]
}
