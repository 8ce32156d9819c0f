//! Who holds what: the holder table read by deadlock reports and the thread
//! dump. On only under the simulator, the deadlock detector or the lock-order
//! check. A plain `Lock` has no owner, so its entry is its last acquirer.

use std::collections::HashMap;
use std::panic::Location;
use std::sync::Mutex;
use std::time::Instant;

use super::Object;

/// One holder of an object.
#[derive(Clone, Debug)]
pub(crate) struct Holder {
    pub(crate) thread: String,
    pub(crate) ident: u64,
    pub(crate) site: &'static Location<'static>,
    pub(crate) since: Instant,
    pub(crate) kind: &'static str,
}

static TABLE: Mutex<Option<HashMap<usize, Vec<Holder>>>> = Mutex::new(None);

pub(super) fn acquired(object: Object, site: &'static Location<'static>) {
    let me = crate::thread::current_thread();
    let holder = Holder {
        thread: me.name(),
        ident: crate::thread::get_ident(),
        site,
        since: crate::time::now(),
        kind: object.kind,
    };
    let mut table = crate::sync::lock_std(&TABLE);
    table
        .get_or_insert_with(HashMap::new)
        .entry(object.addr)
        .or_default()
        .push(holder);
}

pub(super) fn released(object: Object) {
    let ident = crate::thread::get_ident();
    let mut table = crate::sync::lock_std(&TABLE);
    let Some(holders) = table.as_mut().and_then(|t| t.get_mut(&object.addr)) else {
        return;
    };
    // Release the caller's own hold if it has one, else (a Lock released by
    // another thread) the oldest.
    let at = holders.iter().position(|h| h.ident == ident).unwrap_or(0);
    if at < holders.len() {
        holders.remove(at);
    }
    if holders.is_empty() {
        table.as_mut().map(|t| t.remove(&object.addr));
    }
}

/// The holders of the object at `addr`, oldest first.
pub(crate) fn of(addr: usize) -> Vec<Holder> {
    crate::sync::lock_std(&TABLE)
        .as_ref()
        .and_then(|t| t.get(&addr).cloned())
        .unwrap_or_default()
}

/// What the thread with `ident` holds: (object address, holder entry).
pub(crate) fn held_by(ident: u64) -> Vec<(usize, Holder)> {
    let table = crate::sync::lock_std(&TABLE);
    let mut held: Vec<(usize, Holder)> = table
        .iter()
        .flatten()
        .flat_map(|(addr, hs)| {
            hs.iter()
                .filter(|h| h.ident == ident)
                .map(|h| (*addr, h.clone()))
        })
        .collect();
    held.sort_by_key(|(_, h)| h.since);
    held
}

/// `"; held by X (at file:line)"` for each holder of the object a thread named
/// `waiter` waits for (a Lock's "last acquired by"; a self-deadlock said so),
/// with the time held since when `since` is given a way to show it.
pub(crate) fn describe(
    holders: &[Holder],
    waiter: &str,
    since: Option<&dyn Fn(Instant) -> f64>,
) -> String {
    let at = |l: &Location<'_>| format!("{}:{}", l.file(), l.line());
    let mut out = String::new();
    for holder in holders {
        if holder.thread == waiter {
            out.push_str(&format!(
                "; it holds that {} itself (acquired at {}): a {} is not reentrant",
                holder.kind,
                at(holder.site),
                holder.kind
            ));
            continue;
        }
        let verb = if holder.kind == "Lock" {
            "last acquired by"
        } else {
            "held by"
        };
        let when = since
            .map(|f| format!(" since {:.3}s", f(holder.since)))
            .unwrap_or_default();
        out.push_str(&format!(
            "; {verb} {:?}{when} (at {})",
            holder.thread,
            at(holder.site)
        ));
    }
    out
}
