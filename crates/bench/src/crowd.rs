//! Many live threads: `enumerate()` over 1,000 of them, and `notify_all` to
//! 1,000 waiters.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use sync_kit::{Condition, Event, Thread};

/// Stack size of the crowd's threads: they only wait.
const STACK: usize = 64 * 1024;

/// `n` live sync-kit threads, each waiting on one [`Event`]. Dropping the
/// crowd sets the event and joins them all.
pub struct Crowd {
    release: Arc<Event>,
    threads: Vec<Thread>,
}

impl Crowd {
    /// Starts `n` threads (named `crowd-0`...) that wait until the crowd drops.
    pub fn start(n: usize) -> Self {
        let release = Arc::new(Event::new());
        let threads = (0..n)
            .map(|i| {
                let release = Arc::clone(&release);
                let thread = Thread::builder()
                    .name(format!("crowd-{i}"))
                    .stack_size(STACK)
                    .target(move || {
                        release.wait();
                    });
                thread.start().expect("start a crowd thread");
                thread
            })
            .collect();
        Crowd { release, threads }
    }

    /// The crowd's thread objects, in start order.
    pub fn threads(&self) -> &[Thread] {
        &self.threads
    }
}

impl Drop for Crowd {
    fn drop(&mut self) {
        self.release.set();
        for thread in &self.threads {
            let _ = thread.join();
        }
    }
}

/// Counts threads reaching a point; the main thread sleeps until `n` have.
struct Gate {
    n: usize,
    count: AtomicUsize,
    reached: Mutex<bool>,
    signal: Condvar,
}

impl Gate {
    fn new(n: usize) -> Self {
        Gate {
            n,
            count: AtomicUsize::new(0),
            reached: Mutex::new(false),
            signal: Condvar::new(),
        }
    }

    /// One more thread is here; the `n`-th wakes the main thread.
    fn arrive(&self) {
        if self.count.fetch_add(1, Ordering::AcqRel) + 1 == self.n {
            *self.reached.lock().unwrap() = true;
            self.signal.notify_one();
        }
    }

    /// Sleeps until `n` threads arrived, then re-arms the gate.
    fn wait_and_reset(&self) {
        let mut reached = self.reached.lock().unwrap();
        while !*reached {
            reached = self.signal.wait(reached).unwrap();
        }
        *reached = false;
        self.count.store(0, Ordering::Release);
    }
}

/// The generation that tells the waiters to exit.
pub const STOP: u64 = u64::MAX;

/// A condition variable that `n` threads wait on, generation after generation.
pub trait Broadcast: Send + Sync + 'static {
    /// Waiter's loop: under the lock, call `waiting.arrive()` then wait for a
    /// generation other than the last one seen; on waking call `woke.arrive()`;
    /// return once the generation is [`STOP`].
    fn waiter(&self, waiting: &dyn Fn(), woke: &dyn Fn());
    /// Under the lock: publish `generation` and notify all waiters.
    fn broadcast(&self, generation: u64);
}

/// sync-kit: a [`Condition`] (over its default `RLock`).
#[derive(Default)]
pub struct ConditionBroadcast {
    cond: Condition,
    // Read and written only while holding `cond`.
    generation: AtomicU64,
}

impl Broadcast for ConditionBroadcast {
    fn waiter(&self, waiting: &dyn Fn(), woke: &dyn Fn()) {
        let _guard = self.cond.lock();
        let mut seen = 0;
        while seen != STOP {
            waiting();
            while self.generation.load(Ordering::Relaxed) == seen {
                self.cond.wait().unwrap();
            }
            seen = self.generation.load(Ordering::Relaxed);
            woke();
        }
    }
    fn broadcast(&self, generation: u64) {
        let _guard = self.cond.lock();
        self.generation.store(generation, Ordering::Relaxed);
        self.cond.notify_all().unwrap();
    }
}

/// Baseline: [`std::sync::Mutex<u64>`] (the generation) and a [`Condvar`].
#[derive(Default)]
pub struct StdBroadcast {
    generation: Mutex<u64>,
    changed: Condvar,
}

impl Broadcast for StdBroadcast {
    fn waiter(&self, waiting: &dyn Fn(), woke: &dyn Fn()) {
        let mut generation = self.generation.lock().unwrap();
        let mut seen = 0;
        while seen != STOP {
            waiting();
            while *generation == seen {
                generation = self.changed.wait(generation).unwrap();
            }
            seen = *generation;
            woke();
        }
    }
    fn broadcast(&self, generation: u64) {
        // Notified with the lock held, as Python's Condition requires (and as
        // the sync-kit variant does), so both run the same protocol.
        let mut guard = self.generation.lock().unwrap();
        *guard = generation;
        self.changed.notify_all();
        drop(guard);
    }
}

/// Reference: [`parking_lot::Mutex<u64>`] and [`parking_lot::Condvar`]
/// (whose `notify_all` requeues the waiters onto the mutex).
#[derive(Default)]
pub struct ParkingLotBroadcast {
    generation: parking_lot::Mutex<u64>,
    changed: parking_lot::Condvar,
}

impl Broadcast for ParkingLotBroadcast {
    fn waiter(&self, waiting: &dyn Fn(), woke: &dyn Fn()) {
        let mut generation = self.generation.lock();
        let mut seen = 0;
        while seen != STOP {
            waiting();
            while *generation == seen {
                self.changed.wait(&mut generation);
            }
            seen = *generation;
            woke();
        }
    }
    fn broadcast(&self, generation: u64) {
        let mut guard = self.generation.lock();
        *guard = generation;
        self.changed.notify_all();
        drop(guard);
    }
}

/// `n` threads waiting on a [`Broadcast`]; [`Waiters::round`] times one
/// `notify_all` until every waiter has woken and re-taken the lock.
pub struct Waiters<B: Broadcast> {
    shared: Arc<B>,
    waiting: Arc<Gate>,
    woke: Arc<Gate>,
    threads: Vec<JoinHandle<()>>,
    generation: u64,
}

impl<B: Broadcast + Default> Waiters<B> {
    /// Starts `n` waiter threads.
    pub fn start(n: usize) -> Self {
        let shared = Arc::new(B::default());
        let waiting = Arc::new(Gate::new(n));
        let woke = Arc::new(Gate::new(n));
        let threads = (0..n)
            .map(|_| {
                let (shared, waiting, woke) =
                    (Arc::clone(&shared), Arc::clone(&waiting), Arc::clone(&woke));
                std::thread::Builder::new()
                    .stack_size(STACK)
                    .spawn(move || shared.waiter(&|| waiting.arrive(), &|| woke.arrive()))
                    .expect("spawn a waiter")
            })
            .collect();
        Waiters {
            shared,
            waiting,
            woke,
            threads,
            generation: 0,
        }
    }
}

impl<B: Broadcast> Waiters<B> {
    /// Once all `n` wait: notify all, and time until the last one has woken.
    pub fn round(&mut self) -> Duration {
        self.waiting.wait_and_reset();
        self.generation += 1;
        let began = Instant::now();
        self.shared.broadcast(self.generation);
        self.woke.wait_and_reset();
        began.elapsed()
    }
}

impl<B: Broadcast> Drop for Waiters<B> {
    fn drop(&mut self) {
        self.waiting.wait_and_reset();
        self.shared.broadcast(STOP);
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crowd_is_enumerated() {
        let crowd = Crowd::start(10);
        let live = sync_kit::enumerate();
        for thread in crowd.threads() {
            assert!(live.contains(thread));
        }
    }

    #[test]
    fn broadcasts_reach_everyone() {
        let mut ours = Waiters::<ConditionBroadcast>::start(20);
        let mut theirs = Waiters::<StdBroadcast>::start(20);
        let mut reference = Waiters::<ParkingLotBroadcast>::start(20);
        for _ in 0..3 {
            ours.round();
            theirs.round();
            reference.round();
        }
    }
}
