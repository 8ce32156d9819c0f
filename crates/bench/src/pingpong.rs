//! Round trips between two threads: the caller signals a partner thread and
//! waits for its answer. One round trip is two cross-thread wake-ups.
//!
//! [`Partner`] keeps the other thread alive between samples, so a sample times
//! only round trips, never a thread start.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;

use sync_kit::{Condition, Event};

/// One side of a two-thread protocol.
pub trait RoundTrip: Send + Sync + 'static {
    /// Caller's side: signal the partner, wait for its answer.
    fn ping(&self);
    /// Partner's side: wait for a signal, read `stop` (after receiving the
    /// signal, before answering it, so the last ping is always answered), answer,
    /// and return what `stop` said.
    fn serve(&self, stop: &AtomicBool) -> bool;
}

/// A [`RoundTrip`] with its partner thread running [`RoundTrip::serve`] in a
/// loop. Dropping it stops and joins the partner.
pub struct Partner<T: RoundTrip> {
    shared: Arc<T>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl<T: RoundTrip> Partner<T> {
    /// Starts the partner thread.
    pub fn start(shared: T) -> Self {
        let shared = Arc::new(shared);
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (shared, stop) = (Arc::clone(&shared), Arc::clone(&stop));
            std::thread::spawn(move || while !shared.serve(&stop) {})
        };
        Partner {
            shared,
            stop,
            thread: Some(thread),
        }
    }

    /// One round trip.
    #[inline]
    pub fn round_trip(&self) {
        self.shared.ping();
    }
}

impl<T: RoundTrip> Drop for Partner<T> {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        // The partner reads `stop` on receiving this last ping, then answers it.
        self.shared.ping();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Baseline: the classic std ping-pong, one [`Mutex<bool>`] ("whose turn")
/// and one [`Condvar`], `notify_one` each way.
#[derive(Default)]
pub struct StdPingPong {
    partners_turn: Mutex<bool>,
    changed: Condvar,
}

impl RoundTrip for StdPingPong {
    fn ping(&self) {
        let mut turn = self.partners_turn.lock().unwrap();
        *turn = true;
        self.changed.notify_one();
        while *turn {
            turn = self.changed.wait(turn).unwrap();
        }
    }
    fn serve(&self, stop: &AtomicBool) -> bool {
        let mut turn = self.partners_turn.lock().unwrap();
        while !*turn {
            turn = self.changed.wait(turn).unwrap();
        }
        let quit = stop.load(Ordering::Acquire);
        *turn = false;
        self.changed.notify_one();
        quit
    }
}

/// Reference: the same ping-pong on [`parking_lot::Mutex<bool>`] and
/// [`parking_lot::Condvar`].
#[derive(Default)]
pub struct ParkingLotPingPong {
    partners_turn: parking_lot::Mutex<bool>,
    changed: parking_lot::Condvar,
}

impl RoundTrip for ParkingLotPingPong {
    fn ping(&self) {
        let mut turn = self.partners_turn.lock();
        *turn = true;
        self.changed.notify_one();
        while *turn {
            self.changed.wait(&mut turn);
        }
    }
    fn serve(&self, stop: &AtomicBool) -> bool {
        let mut turn = self.partners_turn.lock();
        while !*turn {
            self.changed.wait(&mut turn);
        }
        let quit = stop.load(Ordering::Acquire);
        *turn = false;
        self.changed.notify_one();
        quit
    }
}

/// The physical limit: two threads bouncing one atomic flag, each spinning
/// until it is its turn. No primitive that hands a turn to another core can
/// be faster than this cache-line round trip (and none should spin forever
/// like this: it is a reference, not a protocol).
#[derive(Default)]
pub struct AtomicBounce {
    partners_turn: AtomicBool,
}

impl RoundTrip for AtomicBounce {
    fn ping(&self) {
        self.partners_turn.store(true, Ordering::Release);
        while self.partners_turn.load(Ordering::Acquire) {
            std::hint::spin_loop();
        }
    }
    fn serve(&self, stop: &AtomicBool) -> bool {
        while !self.partners_turn.load(Ordering::Acquire) {
            std::hint::spin_loop();
        }
        let quit = stop.load(Ordering::Acquire);
        self.partners_turn.store(false, Ordering::Release);
        quit
    }
}

/// Threads that keep the cores busy (plain arithmetic, no locks) until
/// dropped: the oversubscribed machine of the "beside busy threads" rows.
pub struct Busy {
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
}

impl Busy {
    /// Starts `n` busy threads.
    pub fn start(n: usize) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let threads = (0..n)
            .map(|_| {
                let stop = Arc::clone(&stop);
                std::thread::spawn(move || {
                    while !stop.load(Ordering::Relaxed) {
                        crate::measure::local_work(1000);
                    }
                })
            })
            .collect();
        Busy { stop, threads }
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

/// The event operations the two-event protocol needs.
pub trait Flag: Default + Send + Sync + 'static {
    /// Sets the flag and wakes every waiter.
    fn set(&self);
    /// Unsets the flag.
    fn clear(&self);
    /// Blocks until the flag is set.
    fn wait(&self);
}

impl Flag for Event {
    fn set(&self) {
        Event::set(self);
    }
    fn clear(&self) {
        Event::clear(self);
    }
    fn wait(&self) {
        Event::wait(self);
    }
}

/// A hand-rolled std event: a [`Mutex<bool>`] and a [`Condvar`]; `set`
/// notifies all.
#[derive(Default)]
pub struct StdEvent {
    flag: Mutex<bool>,
    changed: Condvar,
}

impl Flag for StdEvent {
    fn set(&self) {
        *self.flag.lock().unwrap() = true;
        self.changed.notify_all();
    }
    fn clear(&self) {
        *self.flag.lock().unwrap() = false;
    }
    fn wait(&self) {
        let mut flag = self.flag.lock().unwrap();
        while !*flag {
            flag = self.changed.wait(flag).unwrap();
        }
    }
}

/// Two events, as a Python program would write it
/// (`ping.set(); pong.wait(); pong.clear()` against
/// `ping.wait(); ping.clear(); pong.set()`).
#[derive(Default)]
pub struct TwoEvents<E> {
    ping: E,
    pong: E,
}

impl<E: Flag> RoundTrip for TwoEvents<E> {
    fn ping(&self) {
        self.ping.set();
        self.pong.wait();
        self.pong.clear();
    }
    fn serve(&self, stop: &AtomicBool) -> bool {
        self.ping.wait();
        self.ping.clear();
        let quit = stop.load(Ordering::Acquire);
        self.pong.set();
        quit
    }
}

/// sync-kit: the two-event protocol on two [`Event`]s.
pub type EventPingPong = TwoEvents<Event>;

/// Diagnostic: the same protocol on hand-rolled std events, to separate the
/// cost of the two-event protocol from the cost of sync-kit's `Event`.
pub type StdEventPingPong = TwoEvents<StdEvent>;

/// sync-kit: one [`Condition`] (over its default `RLock`, like Python's
/// `Condition()`) and a "whose turn" flag it guards; `notify()` each way.
#[derive(Default)]
pub struct ConditionHandoff {
    cond: Condition,
    // Only read and written while holding `cond`; an atomic because sync-kit's
    // Condition guards no data.
    partners_turn: AtomicBool,
}

impl RoundTrip for ConditionHandoff {
    fn ping(&self) {
        let _guard = self.cond.lock();
        self.partners_turn.store(true, Ordering::Relaxed);
        self.cond.notify().unwrap();
        while self.partners_turn.load(Ordering::Relaxed) {
            self.cond.wait().unwrap();
        }
    }
    fn serve(&self, stop: &AtomicBool) -> bool {
        let _guard = self.cond.lock();
        while !self.partners_turn.load(Ordering::Relaxed) {
            self.cond.wait().unwrap();
        }
        let quit = stop.load(Ordering::Acquire);
        self.partners_turn.store(false, Ordering::Relaxed);
        self.cond.notify().unwrap();
        quit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exercise<T: RoundTrip>(shared: T) {
        let partner = Partner::start(shared);
        for _ in 0..100 {
            partner.round_trip();
        }
    }

    #[test]
    fn every_protocol_completes() {
        exercise(EventPingPong::default());
        exercise(StdPingPong::default());
        exercise(StdEventPingPong::default());
        exercise(ConditionHandoff::default());
        exercise(ParkingLotPingPong::default());
        exercise(AtomicBounce::default());
    }

    #[test]
    fn protocols_complete_beside_busy_threads() {
        let busy = Busy::start(4);
        exercise(EventPingPong::default());
        exercise(ConditionHandoff::default());
        drop(busy);
    }
}
