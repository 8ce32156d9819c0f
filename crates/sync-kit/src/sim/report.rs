//! The simulator's deadlock report.

use std::fmt::Write;

use super::schedule::encode;
use super::world::{State, Status, World};

/// The report for a run in which no thread can run and no deadline is pending.
/// First line contains `deadlock`; then one line per blocked thread.
pub(super) fn deadlock(world: &World, st: &State) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "sync-kit: deadlock: no thread can run and no timeout is pending (virtual time {:.3}s, step {})",
        st.clock as f64 / 1e9,
        st.steps
    );
    for slot in st.slots.iter().filter(|s| s.status == Status::Blocked) {
        let daemon = if slot.daemon { " (daemon)" } else { "" };
        let wait = slot.parker.as_ref().and_then(|p| p.waiting());
        match wait {
            Some(on) => {
                let created = on
                    .created
                    .map(|at| format!(", created at {}:{}", at.file(), at.line()))
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "  {:?}{daemon} waits for {} {:#x}{created}, in the call at {}:{}",
                    slot.name,
                    on.kind,
                    on.object,
                    on.site.file(),
                    on.site.line()
                );
            }
            None => {
                let _ = writeln!(out, "  {:?}{daemon} is blocked", slot.name);
            }
        }
    }
    let _ = write!(
        out,
        "replay: {}=replay:{}",
        super::SIM_VAR,
        encode(world.config.seed, &st.choices)
    );
    out
}
