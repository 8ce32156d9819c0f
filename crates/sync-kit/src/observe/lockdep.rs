//! The lock-order check (Linux lockdep's idea): record, for every thread, the
//! order in which it takes locks; when the order graph gains a cycle, warn
//! with `potential deadlock`, naming both threads, both locks and both
//! acquisition sites, even if this run did not deadlock.
//!
//! On under the simulator and, in real time, with `SYNC_KIT_LOCKDEP=1`.
//! Locks are told apart by address, so a lock freed and another created at
//! the same address count as one (a possible false warning in programs that
//! create and drop many locks).

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::panic::Location;
use std::sync::Mutex;

use super::Object;

/// The environment variable that turns the check on in real time.
pub(crate) const LOCKDEP_VAR: &str = "SYNC_KIT_LOCKDEP";

/// How a thread first took `to` while holding `from`.
#[derive(Clone)]
struct Edge {
    thread: String,
    from: Object,
    from_site: &'static Location<'static>,
    to: Object,
    to_site: &'static Location<'static>,
}

#[derive(Default)]
struct Graph {
    edges: HashMap<usize, HashMap<usize, Edge>>,
    warned: HashSet<(usize, usize)>,
}

static GRAPH: Mutex<Option<Graph>> = Mutex::new(None);

std::thread_local! {
    static HELD: RefCell<Vec<(Object, &'static Location<'static>)>> = const { RefCell::new(Vec::new()) };
}

/// Only locks take part: semaphores have no order discipline.
fn is_lock(object: &Object) -> bool {
    matches!(object.kind, "Lock" | "RLock")
}

pub(super) fn acquired(object: Object, site: &'static Location<'static>) {
    if !is_lock(&object) {
        return;
    }
    let held: Vec<_> = HELD.try_with(|h| h.borrow().clone()).unwrap_or_default();
    if held.iter().any(|(o, _)| o.addr == object.addr) {
        // Re-entry of an RLock adds no order.
        let _ = HELD.try_with(|h| h.borrow_mut().push((object, site)));
        return;
    }
    let mut warnings = Vec::new();
    {
        let mut graph = crate::sync::lock_std(&GRAPH);
        let graph = graph.get_or_insert_with(Graph::default);
        let thread = crate::thread::current_thread().name();
        for (from, from_site) in &held {
            let edge = Edge {
                thread: thread.clone(),
                from: *from,
                from_site,
                to: object,
                to_site: site,
            };
            graph
                .edges
                .entry(from.addr)
                .or_default()
                .entry(object.addr)
                .or_insert(edge.clone());
            if let Some(path) = path(graph, object.addr, from.addr) {
                let key = (from.addr.min(object.addr), from.addr.max(object.addr));
                if graph.warned.insert(key) {
                    warnings.push((edge, path));
                }
            }
        }
    }
    let _ = HELD.try_with(|h| h.borrow_mut().push((object, site)));
    for (edge, path) in warnings {
        eprintln!("{}", warning(&edge, &path));
    }
}

pub(super) fn released(object: Object) {
    let _ = HELD.try_with(|h| {
        let mut held = h.borrow_mut();
        if let Some(at) = held.iter().rposition(|(o, _)| o.addr == object.addr) {
            held.remove(at);
        }
    });
}

/// Edges from `start` to `goal`, if the graph has such a path.
fn path(graph: &Graph, start: usize, goal: usize) -> Option<Vec<Edge>> {
    let mut stack = vec![(start, Vec::<Edge>::new())];
    let mut seen = HashSet::new();
    while let Some((at, trail)) = stack.pop() {
        if at == goal {
            return Some(trail);
        }
        if !seen.insert(at) {
            continue;
        }
        for (next, edge) in graph.edges.get(&at).into_iter().flatten() {
            let mut longer = trail.clone();
            longer.push(edge.clone());
            stack.push((*next, longer));
        }
    }
    None
}

fn describe(object: &Object) -> String {
    format!(
        "{} created at {}:{}",
        object.kind,
        object.created.file(),
        object.created.line()
    )
}

fn warning(closing: &Edge, path: &[Edge]) -> String {
    let mut out = String::from(
        "sync-kit: potential deadlock: two threads take the same locks in opposite orders\n",
    );
    for edge in path.iter().chain(std::iter::once(closing)) {
        out.push_str(&format!(
            "  {:?} took {} at {}:{}, then {} at {}:{}\n",
            edge.thread,
            describe(&edge.from),
            edge.from_site.file(),
            edge.from_site.line(),
            describe(&edge.to),
            edge.to_site.file(),
            edge.to_site.line()
        ));
    }
    out.push_str("  if each thread takes its first lock before the other takes its second, both wait forever");
    out
}
