//! Divan benches of sync-kit's primitives beside std and parking_lot, for
//! interactive use: `cargo bench -p bench` (add a filter such as `lock` to run
//! a subset). The table in the README comes from `scripts/bench.sh`, whose
//! harness times the same functions ([`bench::ops`], [`bench::pingpong`]).

use std::sync::Mutex;
use std::sync::atomic::AtomicBool;

use bench::ops;
use bench::pingpong::{ConditionHandoff, EventPingPong, Partner, StdPingPong};
use divan::Bencher;
use sync_kit::{Event, Lock, RLock, Semaphore};

fn main() {
    divan::main();
}

/// Uncontended acquire + release.
mod lock {
    use super::*;

    #[divan::bench]
    fn sync_kit_lock(b: Bencher<'_, '_>) {
        let lock = Lock::new();
        b.bench_local(|| ops::lock(&lock));
    }

    #[divan::bench]
    fn std_mutex(b: Bencher<'_, '_>) {
        let mutex = Mutex::new(());
        b.bench_local(|| ops::std_mutex(&mutex));
    }

    #[divan::bench]
    fn parking_lot_mutex(b: Bencher<'_, '_>) {
        let mutex = parking_lot::Mutex::new(());
        b.bench_local(|| ops::parking_lot_mutex(&mutex));
    }
}

/// Reentrant acquire + release at depth 1 (from free) and depth 2 (while the
/// thread already holds it once).
mod rlock {
    use super::*;

    #[divan::bench(args = [1, 2])]
    fn sync_kit_rlock(b: Bencher<'_, '_>, depth: usize) {
        let rlock = RLock::new();
        let _outer = (depth == 2).then(|| rlock.lock());
        b.bench_local(|| ops::rlock(&rlock));
    }

    #[divan::bench(args = [1, 2])]
    fn parking_lot_reentrant_mutex(b: Bencher<'_, '_>, depth: usize) {
        let mutex = parking_lot::ReentrantMutex::new(());
        let _outer = (depth == 2).then(|| mutex.lock());
        b.bench_local(|| ops::reentrant_mutex(&mutex));
    }
}

#[divan::bench]
fn semaphore_acquire_release(b: Bencher<'_, '_>) {
    let sem = Semaphore::new(1);
    b.bench_local(|| ops::semaphore(&sem));
}

/// `set` + `is_set` + `clear`.
mod event_flag {
    use super::*;

    #[divan::bench]
    fn sync_kit_event(b: Bencher<'_, '_>) {
        let event = Event::new();
        b.bench_local(|| ops::event(&event));
    }

    #[divan::bench]
    fn std_mutex_bool(b: Bencher<'_, '_>) {
        let flag = Mutex::new(false);
        b.bench_local(|| ops::std_mutex_flag(&flag));
    }

    #[divan::bench]
    fn atomic_bool(b: Bencher<'_, '_>) {
        let flag = AtomicBool::new(false);
        b.bench_local(|| ops::atomic_flag(&flag));
    }
}

/// Round trips between two threads (two wake-ups each).
mod round_trip {
    use super::*;

    #[divan::bench(sample_count = 50, sample_size = 20)]
    fn sync_kit_event_ping_pong(b: Bencher<'_, '_>) {
        let partner = Partner::start(EventPingPong::default());
        b.bench_local(|| partner.round_trip());
    }

    #[divan::bench(sample_count = 50, sample_size = 20)]
    fn sync_kit_condition_handoff(b: Bencher<'_, '_>) {
        let partner = Partner::start(ConditionHandoff::default());
        b.bench_local(|| partner.round_trip());
    }

    #[divan::bench(sample_count = 50, sample_size = 20)]
    fn std_condvar_ping_pong(b: Bencher<'_, '_>) {
        let partner = Partner::start(StdPingPong::default());
        b.bench_local(|| partner.round_trip());
    }
}

/// Start a thread running an empty body and join it.
mod thread {
    use super::*;

    #[divan::bench(sample_count = 30, sample_size = 10)]
    fn sync_kit_start_join() {
        ops::thread_start_join();
    }

    #[divan::bench(sample_count = 30, sample_size = 10)]
    fn std_spawn_join() {
        ops::std_spawn_join();
    }
}
