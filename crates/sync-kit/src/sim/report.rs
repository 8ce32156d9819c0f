//! The simulator's deadlock report: every blocked thread by its Python name,
//! what it waits for (kind, where the object was created, where the wait was
//! called), who holds it, the cycle when there is one, the virtual time and
//! the replay string.

use std::collections::HashMap;
use std::fmt::Write;

use super::schedule::encode;
use super::world::{State, Status, World};
use crate::observe::holders;
use crate::park::WaitOn;

fn at(location: &std::panic::Location<'_>) -> String {
    format!("{}:{}", location.file(), location.line())
}

/// The report for a run in which no thread can run and no deadline is pending.
/// First line contains `deadlock`; then one line per blocked thread.
pub(super) fn deadlock(world: &World, st: &State) -> String {
    let secs =
        |instant: std::time::Instant| instant.saturating_duration_since(world.epoch).as_secs_f64();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "sync-kit: deadlock: no thread can run and no timeout is pending (virtual time {:.3}s, step {})",
        st.clock as f64 / 1e9,
        st.steps
    );
    let blocked: Vec<(&str, bool, Option<WaitOn>)> = st
        .slots
        .iter()
        .filter(|s| s.status == Status::Blocked)
        .map(|s| {
            (
                s.name.as_str(),
                s.daemon,
                s.parker.as_ref().and_then(|p| p.waiting()),
            )
        })
        .collect();
    let mut waits_for: HashMap<&str, Vec<String>> = HashMap::new();
    for (name, daemon, wait) in &blocked {
        let daemon = if *daemon { " (daemon)" } else { "" };
        let Some(on) = wait else {
            let _ = writeln!(out, "  {name:?}{daemon} is blocked");
            continue;
        };
        let created = on
            .created
            .map(|c| format!(" (created at {})", at(c)))
            .unwrap_or_default();
        let _ = write!(
            out,
            "  {name:?}{daemon} waits for {}{created} at {}",
            on.kind,
            at(on.site)
        );
        let holders = holders::of(on.object);
        out.push_str(&holders::describe(&holders, name, Some(&secs)));
        waits_for
            .entry(name)
            .or_default()
            .extend(holders.into_iter().map(|h| h.thread));
        out.push('\n');
    }
    if let Some(cycle) = find_cycle(&waits_for) {
        let _ = writeln!(out, "  cycle: {}", cycle.join(" -> "));
    }
    let _ = write!(
        out,
        "replay: {}=replay:{}",
        super::SIM_VAR,
        encode(world.config.seed, &st.choices)
    );
    out
}

/// A cycle of threads each waiting for an object the next one holds.
fn find_cycle(waits_for: &HashMap<&str, Vec<String>>) -> Option<Vec<String>> {
    let mut starts: Vec<&&str> = waits_for.keys().collect();
    starts.sort();
    for start in starts {
        let mut path = vec![(*start).to_owned()];
        let mut at = (*start).to_owned();
        while let Some(next) = waits_for.get(at.as_str()).and_then(|hs| hs.first()) {
            if let Some(from) = path.iter().position(|p| p == next) {
                let mut cycle = path[from..].to_vec();
                if cycle.len() < 2 {
                    break;
                }
                cycle.push(next.clone());
                return Some(cycle.iter().map(|n| format!("{n:?}")).collect());
            }
            path.push(next.clone());
            at = next.clone();
        }
    }
    None
}
