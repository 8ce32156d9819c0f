//! The global table of wait queues, keyed by object address.
//!
//! A fixed array of buckets, each a short std mutex over a FIFO of entries;
//! a key hashes to one bucket, and all waiters of a key are in that bucket in
//! arrival order. A bucket lock is held only for queue edits and the callbacks
//! of [`super`], never while a thread sleeps. A requeue holds two buckets at
//! once ([`lock_pair`]), always the lower index first, so two requeues (or a
//! requeue and a timed-out waiter leaving) cannot deadlock.

use std::collections::VecDeque;

use super::parker::Parker;
use crate::sim::Seat;
use crate::sync::{Arc, Mutex, MutexGuard};

/// One queued waiter.
pub(super) struct Entry {
    key: usize,
    /// What the waiter waits for, for unparks that pick by it (an Event's
    /// generation); 0 by default.
    tag: u64,
    pub(super) parker: Arc<Parker>,
    seat: Option<Seat>,
}

impl Entry {
    /// Re-files the entry under `key` (wait morphing: a condition's waiter
    /// moved onto its lock's queue).
    pub(super) fn retarget(&mut self, key: usize) {
        self.key = key;
    }

    /// Wakes the entry's thread after its parker was granted.
    pub(super) fn wake(self) {
        match self.seat {
            Some(seat) => seat.wake(),
            None => self.parker.wake(),
        }
    }
}

/// The waiters of the keys that hash to one bucket, oldest first.
#[derive(Default)]
pub(super) struct Queue {
    entries: VecDeque<Entry>,
}

impl Queue {
    pub(super) fn push(&mut self, key: usize, tag: u64, parker: Arc<Parker>, seat: Option<Seat>) {
        self.entries.push_back(Entry {
            key,
            tag,
            parker,
            seat,
        });
    }

    /// Removes and returns the oldest waiter of `key` whose tag is at most `max_tag`.
    pub(super) fn pop_tagged(&mut self, key: usize, max_tag: u64) -> Option<Entry> {
        let at = self
            .entries
            .iter()
            .position(|e| e.key == key && e.tag <= max_tag)?;
        self.entries.remove(at)
    }

    /// Removes and returns the oldest waiter of `key`.
    pub(super) fn pop(&mut self, key: usize) -> Option<Entry> {
        let at = self.entries.iter().position(|e| e.key == key)?;
        self.entries.remove(at)
    }

    /// Appends an entry taken from another key's queue, keeping its place
    /// behind the waiters already queued here.
    pub(super) fn push_entry(&mut self, entry: Entry) {
        self.entries.push_back(entry);
    }

    /// Removes `parker`'s entry for `key`; false if it is not queued.
    pub(super) fn remove(&mut self, key: usize, parker: &Arc<Parker>) -> bool {
        match self
            .entries
            .iter()
            .position(|e| e.key == key && Arc::ptr_eq(&e.parker, parker))
        {
            Some(at) => {
                self.entries.remove(at);
                true
            }
            None => false,
        }
    }

    /// Drops every entry whose thread is seated in a run for which `gone` holds.
    pub(super) fn forget(&mut self, gone: impl Fn(&Seat) -> bool) {
        self.entries.retain(|e| !e.seat.as_ref().is_some_and(&gone));
    }

    pub(super) fn has(&self, key: usize) -> bool {
        self.entries.iter().any(|e| e.key == key)
    }

    pub(super) fn count(&self, key: usize) -> usize {
        self.entries.iter().filter(|e| e.key == key).count()
    }
}

#[cfg(not(loom))]
mod buckets {
    use super::*;

    const BUCKETS: usize = 256;

    static TABLE: [Mutex<Queue>; BUCKETS] = [const {
        Mutex::new(Queue {
            entries: VecDeque::new(),
        })
    }; BUCKETS];

    /// Every bucket in turn, for a sweep over all waiters.
    pub(in super::super) fn each(mut f: impl FnMut(&mut Queue)) {
        for bucket in &TABLE {
            f(&mut crate::sync::lock(bucket));
        }
    }

    fn index(key: usize) -> usize {
        // Fibonacci hashing of the address; the low bits are alignment.
        let hash = (key as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 56;
        hash as usize % BUCKETS
    }

    pub(in super::super) fn lock(key: usize) -> MutexGuard<'static, Queue> {
        crate::sync::lock(&TABLE[index(key)])
    }

    /// Locks the buckets of `a` and `b`, lower index first so that two pair
    /// locks never deadlock; one lock when both keys share a bucket.
    pub(in super::super) fn lock_pair(a: usize, b: usize) -> Pair {
        let (ia, ib) = (index(a), index(b));
        if ia == ib {
            return Pair {
                first: lock(a),
                second: None,
                a_first: true,
            };
        }
        let (lo, hi) = (ia.min(ib), ia.max(ib));
        let first = crate::sync::lock(&TABLE[lo]);
        let second = crate::sync::lock(&TABLE[hi]);
        Pair {
            first,
            second: Some(second),
            a_first: ia == lo,
        }
    }
}

#[cfg(loom)]
mod buckets {
    use super::*;

    loom::lazy_static! {
        static ref TABLE: Mutex<Queue> = Mutex::new(Queue::default());
    }

    pub(in super::super) fn lock(_key: usize) -> MutexGuard<'static, Queue> {
        crate::sync::lock(&TABLE)
    }

    pub(in super::super) fn each(mut f: impl FnMut(&mut Queue)) {
        f(&mut crate::sync::lock(&TABLE));
    }

    pub(in super::super) fn lock_pair(a: usize, _b: usize) -> Pair {
        Pair {
            first: lock(a),
            second: None,
            a_first: true,
        }
    }
}

pub(super) use buckets::{each, lock, lock_pair};

/// The buckets of two keys, locked together (see [`lock_pair`]).
pub(super) struct Pair {
    first: MutexGuard<'static, Queue>,
    /// `None` when both keys hash to `first`.
    second: Option<MutexGuard<'static, Queue>>,
    /// Whether `a`'s bucket is `first`.
    a_first: bool,
}

impl Pair {
    /// The queue of the first key given to [`lock_pair`].
    pub(super) fn a(&mut self) -> &mut Queue {
        match (&mut self.second, self.a_first) {
            (Some(second), false) => second,
            _ => &mut self.first,
        }
    }

    /// The queue of the second key given to [`lock_pair`].
    pub(super) fn b(&mut self) -> &mut Queue {
        match (&mut self.second, self.a_first) {
            (Some(second), true) => second,
            _ => &mut self.first,
        }
    }
}
