//! The blocking layer: the one place where a sync-kit thread sleeps and is woken.
//!
//! Every primitive is a small state machine over its own atomic word (or, for
//! Barrier and a thread's status, a short internal mutex); when it must wait it
//! calls [`park`] with a *key* (its own address) and when it wakes others it
//! calls [`unpark_one`], [`unpark_n`] or [`unpark_all`] with the same key. This is
//! the shape of `parking_lot_core` under `parking_lot`: waiters sit in a global
//! table of FIFO queues, so primitives hold no queue, mutex or condition variable
//! of their own, `const fn new` is possible for all of them, and the whole
//! program's waits are visible in one place.
//!
//! Guarantees:
//! - `validate` runs with the key's queue locked, and every unpark of that key
//!   takes the same lock, so a wake-up between "decide to wait" and "sleep" is
//!   never lost;
//! - queues are FIFO per key: `unpark_n(key, n)` wakes the `n` oldest waiters;
//! - a waiter reports [`Park::Unparked`] exactly when some unpark picked it, even
//!   if its deadline passed at the same moment, so counts such as "notify woke
//!   exactly n" hold;
//! - no spurious wake-ups reach the caller;
//! - wait morphing ([`unpark_requeue`]) moves waiters from one key's queue to
//!   another's with both queues locked, so a waiter is always in exactly one
//!   queue or granted, and its deadline takes it out of the queue it is in.
//!
//! Backends: the real one sleeps in the operating system (`std::thread::park`);
//! under the simulator ([`crate::sim`]) a parked thread gives up the baton and
//! is made runnable again by an unpark or by its virtual deadline; under loom the
//! models of `scripts/loom.sh` see every step. The layer's requeue works under
//! all three (a moved entry keeps its seat), but [`crate::Condition`] only
//! morphs in real time: the simulator explores semantics, which morphing does
//! not change, so its schedules stay those of a plain wake-up.
//!
//! Each parked thread also records what it waits on ([`WaitOn`]): the kind of
//! object, its address, where it was created and where the wait was called. The
//! simulator's deadlock report reads it. A requeue rewrites it, so a
//! condition's waiter moved onto its lock is reported as waiting on the lock.

pub(crate) mod fair;
mod parker;
mod table;

use std::panic::Location;

use crate::time::Deadline;

pub(crate) use parker::Parker;

/// The token an unpark hands to the thread it wakes when nothing special is
/// meant by it.
pub(crate) const TOKEN_NORMAL: usize = 0;
/// The token by which a lock's release hands the lock itself to the woken
/// waiter (used by fair release).
pub(crate) const TOKEN_HANDOFF: usize = 1;

/// How a [`park`] ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Park {
    /// An unpark picked this thread and passed this token.
    Unparked(usize),
    /// `validate` returned false: the thread did not sleep.
    Invalid,
    /// The deadline passed and no unpark picked this thread.
    TimedOut,
}

/// What a parked thread waits on, for reports.
#[derive(Clone, Copy, Debug)]
pub(crate) struct WaitOn {
    /// The kind of object: `Lock`, `RLock`, `Condition`, `Event`, `sleep`, ...
    pub(crate) kind: &'static str,
    /// The object's address (its key).
    pub(crate) object: usize,
    /// Where the object was created, when known.
    pub(crate) created: Option<&'static Location<'static>>,
    /// Where the blocking call was made.
    pub(crate) site: &'static Location<'static>,
    /// Whether the wait has no deadline (set by [`park`]).
    pub(crate) forever: bool,
}

impl WaitOn {
    /// A wait on `kind` at `object`, called from `site`.
    pub(crate) fn new(
        kind: &'static str,
        object: usize,
        created: Option<&'static Location<'static>>,
        site: &'static Location<'static>,
    ) -> Self {
        WaitOn {
            kind,
            object,
            created,
            site,
            forever: false,
        }
    }
}

/// The key of an object: its address.
#[inline]
pub(crate) fn key_of<T: ?Sized>(object: &T) -> usize {
    (object as *const T).cast::<u8>() as usize
}

/// Parks the calling thread on `key` until an unpark picks it or `deadline`
/// passes.
///
/// `validate` runs first, with the key's queue locked; if it returns false the
/// thread does not park ([`Park::Invalid`]). Otherwise the thread is queued,
/// the queue is unlocked, `before_sleep` runs (a Condition releases its lock
/// there, after the thread is already queued), and the thread sleeps.
/// `timed_out` runs, with the queue locked, when the deadline removes the thread
/// from the queue; its argument says whether it was the key's last waiter.
pub(crate) fn park(
    key: usize,
    validate: impl FnOnce() -> bool,
    before_sleep: impl FnOnce(),
    timed_out: impl FnOnce(bool),
    deadline: Deadline,
    on: WaitOn,
) -> Park {
    park_tagged(key, 0, validate, before_sleep, timed_out, deadline, on)
}

/// [`park`], with a tag that [`unpark_tagged`] picks waiters by: a waiter
/// queued with a tag above the unpark's is left parked.
pub(crate) fn park_tagged(
    key: usize,
    tag: u64,
    validate: impl FnOnce() -> bool,
    before_sleep: impl FnOnce(),
    timed_out: impl FnOnce(bool),
    deadline: Deadline,
    on: WaitOn,
) -> Park {
    let spot = Spot {
        key,
        tag,
        morph: None,
    };
    park_at(spot, validate, before_sleep, timed_out, deadline, on)
}

/// Where [`unpark_requeue`] may move a waiter parked by [`park_morphing`]:
/// the key of the queue it would join (a lock's) and what must happen when its
/// deadline removes it from that queue (the lock's own `timed_out`).
pub(crate) struct Morph<'a> {
    pub(crate) key: usize,
    pub(crate) timed_out: &'a dyn Fn(bool),
}

/// [`park`] for a waiter that [`unpark_requeue`] may move onto `morph.key`'s
/// queue (a condition's waiter, onto its lock). It then sleeps on in that
/// queue; an unpark of that key ends the park, with that unpark's token. The
/// move itself counts as the wake-up: a deadline that passes after it removes
/// the waiter from the queue it is now in (running `morph.timed_out` there)
/// and the park ends as [`Park::Unparked`] with [`TOKEN_NORMAL`], so the
/// caller re-acquires the lock itself.
pub(crate) fn park_morphing(
    key: usize,
    morph: Morph<'_>,
    validate: impl FnOnce() -> bool,
    before_sleep: impl FnOnce(),
    timed_out: impl FnOnce(bool),
    deadline: Deadline,
    on: WaitOn,
) -> Park {
    let spot = Spot {
        key,
        tag: 0,
        morph: Some(morph),
    };
    park_at(spot, validate, before_sleep, timed_out, deadline, on)
}

/// The queue a park joins, and where it may be moved.
struct Spot<'a> {
    key: usize,
    tag: u64,
    morph: Option<Morph<'a>>,
}

fn park_at(
    spot: Spot<'_>,
    validate: impl FnOnce() -> bool,
    before_sleep: impl FnOnce(),
    timed_out: impl FnOnce(bool),
    deadline: Deadline,
    mut on: WaitOn,
) -> Park {
    let Spot { key, tag, morph } = spot;
    let parker = Parker::current();
    on.forever = deadline == Deadline::NEVER;
    let seat = crate::sim::seat();
    {
        let mut queue = table::lock(key);
        if !validate() {
            return Park::Invalid;
        }
        parker.prepare(on);
        queue.push(key, tag, parker.clone(), seat.clone());
    }
    before_sleep();
    crate::observe::wait_begin(&on);
    let woken = match &seat {
        Some(seat) => seat.block(&parker, deadline),
        None if on.forever => {
            crate::observe::deadlock::parking_forever();
            let woken = parker.sleep(deadline);
            crate::observe::deadlock::unparked();
            woken
        }
        None => parker.sleep(deadline),
    };
    let outcome = if woken {
        Park::Unparked(parker.token())
    } else {
        // The deadline passed. An unpark may have picked us meanwhile: it
        // removed us from the queue under the lock, so the queue decides. A
        // requeue moves us under both queues' locks, so with both held we are
        // in exactly one of them, or granted.
        match morph {
            None => {
                let mut queue = table::lock(key);
                if queue.remove(key, &parker) {
                    timed_out(!queue.has(key));
                    Park::TimedOut
                } else {
                    Park::Unparked(parker.token())
                }
            }
            Some(morph) => {
                let mut pair = table::lock_pair(key, morph.key);
                if pair.a().remove(key, &parker) {
                    timed_out(!pair.a().has(key));
                    Park::TimedOut
                } else if pair.b().remove(morph.key, &parker) {
                    // Moved, so picked by the requeue: that was the wake-up
                    // (the caller now acquires the lock like anyone else).
                    (morph.timed_out)(!pair.b().has(morph.key));
                    Park::Unparked(TOKEN_NORMAL)
                } else {
                    Park::Unparked(parker.token())
                }
            }
        }
    };
    parker.finish();
    crate::observe::wait_end(&on, outcome, parker.flow());
    outcome
}

/// Wakes the oldest thread parked on `key`, if any. `callback` runs with the
/// queue locked, after the waiter (if any) was removed; it gets whether one was
/// woken and whether more remain, and returns the token to pass. Returns
/// whether a thread was woken.
pub(crate) fn unpark_one(key: usize, callback: impl FnOnce(bool, bool) -> usize) -> bool {
    let mut queue = table::lock(key);
    let woken = queue.pop(key);
    let more = queue.has(key);
    let token = callback(woken.is_some(), more);
    let Some(entry) = woken else {
        return false;
    };
    entry.parker.grant(token);
    drop(queue);
    entry.wake();
    true
}

/// Wakes the `n` oldest threads parked on `key`; `callback` runs with the queue
/// locked and gets whether any remain. Returns how many were woken.
pub(crate) fn unpark_n(key: usize, n: usize, callback: impl FnOnce(bool)) -> usize {
    if n == 0 {
        return 0;
    }
    let mut queue = table::lock(key);
    let mut woken = Vec::new();
    while woken.len() < n {
        match queue.pop(key) {
            Some(entry) => {
                entry.parker.grant(TOKEN_NORMAL);
                woken.push(entry);
            }
            None => break,
        }
    }
    callback(queue.has(key));
    drop(queue);
    let count = woken.len();
    for entry in woken {
        entry.wake();
    }
    count
}

/// Wakes every thread parked on `key` with a tag of at most `max_tag`;
/// `callback` runs with the queue locked and gets whether any waiter of `key`
/// remains. Returns how many were woken.
pub(crate) fn unpark_tagged(key: usize, max_tag: u64, callback: impl FnOnce(bool)) -> usize {
    let mut queue = table::lock(key);
    let mut woken = Vec::new();
    while let Some(entry) = queue.pop_tagged(key, max_tag) {
        entry.parker.grant(TOKEN_NORMAL);
        woken.push(entry);
    }
    callback(queue.has(key));
    drop(queue);
    let count = woken.len();
    for entry in woken {
        entry.wake();
    }
    count
}

/// What [`unpark_requeue`] does with the waiters it takes; decided with both
/// queues locked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Requeue {
    /// Wake the oldest (the lock is free: it will take it, and its release
    /// wakes the next) and move the rest.
    UnparkOneRequeueRest,
    /// Move them all: the lock is held, and its release wakes the first.
    RequeueAll,
}

/// Wait morphing: takes the `n` oldest waiters of `from` and, as `decide`
/// says, wakes the first of them and moves the rest, or moves them all, to
/// the back of `to`'s queue, where an unpark of `to` wakes them one at a time.
///
/// Both queues are locked (in a fixed order) for the whole step, so a waiter
/// is always in exactly one queue or granted. `decide` runs only if `from` has
/// waiters; `relabel` rewrites a moved waiter's [`WaitOn`] (so reports name
/// the queue it is in now); `callback` gets whether one was woken and how many
/// were moved, with both queues still locked (a lock sets its PARKED bit
/// there). Returns how many waiters were taken, woken or moved.
pub(crate) fn unpark_requeue(
    from: usize,
    to: usize,
    n: usize,
    decide: impl FnOnce() -> Requeue,
    relabel: impl Fn(WaitOn) -> WaitOn,
    callback: impl FnOnce(bool, usize),
) -> usize {
    if n == 0 {
        return 0;
    }
    if from == to {
        return unpark_n(from, n, |_| {});
    }
    let mut pair = table::lock_pair(from, to);
    if !pair.a().has(from) {
        return 0;
    }
    let woken = match decide() {
        Requeue::UnparkOneRequeueRest => pair.a().pop(from).inspect(|entry| {
            entry.parker.grant(TOKEN_NORMAL);
        }),
        Requeue::RequeueAll => None,
    };
    let mut moved = 0;
    let room = n - usize::from(woken.is_some());
    while moved < room {
        let Some(mut entry) = pair.a().pop(from) else {
            break;
        };
        if let Some(on) = entry.parker.waiting() {
            entry.parker.prepare(relabel(on));
        }
        entry.retarget(to);
        pair.b().push_entry(entry);
        moved += 1;
    }
    callback(woken.is_some(), moved);
    drop(pair);
    let taken = moved + usize::from(woken.is_some());
    if let Some(entry) = woken {
        entry.wake();
    }
    taken
}

/// Wakes every thread parked on `key`. Returns how many were woken.
pub(crate) fn unpark_all(key: usize) -> usize {
    unpark_n(key, usize::MAX, |_| {})
}

/// How many threads are parked on `key` now.
pub(crate) fn waiters(key: usize) -> usize {
    table::lock(key).count(key)
}

/// Removes from every queue the threads seated in `world`, which has ended.
pub(crate) fn forget_world(world: &std::sync::Arc<crate::sim::World>) {
    table::each(|queue| queue.forget(|seat| seat.is_of(world)));
}

/// Sleeps until `deadline` through the layer, so the simulator sees the sleep
/// (and jumps its virtual clock over it). Nothing unparks the key.
pub(crate) fn sleep_until(deadline: Deadline, site: &'static Location<'static>) {
    let parker = Parker::current();
    let key = key_of(&*parker);
    let on = WaitOn::new("sleep", key, None, site);
    while park(key, || true, || {}, |_| {}, deadline, on) != Park::TimedOut {}
}
