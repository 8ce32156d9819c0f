//! One simulated run: the baton, the virtual clock and the thread table.
//!
//! Every thread of the run is a real OS thread, but only the one holding the
//! baton (`current`) runs; the others wait on their own condition variable
//! until the baton is handed to them. At each scheduling point the holder asks
//! the strategy who goes next. When no thread is runnable the clock jumps to the
//! earliest deadline and every thread whose deadline it reached becomes
//! runnable at once, so which of them runs first is itself a choice.

use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use rand::SeedableRng;
use rand::rngs::StdRng;

use super::schedule::Config;
use super::strategy::Picker;
use crate::park::Parker;
use crate::thread::Thread;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Status {
    Runnable,
    Blocked,
    Finished,
}

pub(super) struct Slot {
    pub(super) name: String,
    pub(super) daemon: bool,
    pub(super) status: Status,
    /// Virtual nanoseconds at which a blocked thread times out.
    pub(super) deadline: Option<u64>,
    /// The thread's parker, once it has parked, for reports.
    pub(super) parker: Option<crate::sync::Arc<Parker>>,
    turn: Arc<Condvar>,
}

pub(super) struct State {
    pub(super) slots: Vec<Slot>,
    pub(super) current: usize,
    /// Virtual nanoseconds since the epoch.
    pub(super) clock: u64,
    /// Scheduling points passed.
    pub(super) steps: u64,
    /// Steps that had a real choice.
    pub(super) choices: Vec<u32>,
    picker: Picker,
    pub(super) values: StdRng,
    pub(super) names: u64,
    /// Set when the run can go no further (a deadlock); nothing is scheduled.
    pub(super) dead: Option<String>,
    pub(super) ended: bool,
    /// Real time of the last step, for the watchdog.
    pub(super) last_step_at: Instant,
}

/// A simulated run.
pub(crate) struct World {
    pub(super) state: Mutex<State>,
    pub(super) config: Config,
    /// The real instant that virtual time 0 maps to.
    pub(super) epoch: Instant,
    /// Whether a deadlock ends the process (a program) or unwinds the root
    /// thread (a test's [`super::Sim::run`]).
    pub(super) exits_process: bool,
    /// The threads started in the run, for the final join of a test run.
    threads: Mutex<Vec<Thread>>,
}

/// The longest stall of a runnable thread the simulator models: virtual time
/// may jump to a deadline at most this far ahead while threads can run.
pub(super) const ADVANCE_WINDOW_NS: u64 = 10_000_000;

/// Panic payload that unwinds the root thread of a dead test run.
pub(super) struct Unwind;

impl World {
    pub(super) fn new(config: Config, root: &str, exits_process: bool) -> World {
        let mut picker = Picker::new(&config);
        picker.thread_added(0);
        let values = StdRng::seed_from_u64(config.seed);
        World {
            state: Mutex::new(State {
                slots: vec![Slot::new(root.to_owned(), false)],
                current: 0,
                clock: 0,
                steps: 0,
                choices: Vec::new(),
                picker,
                values,
                names: 1,
                dead: None,
                ended: false,
                last_step_at: Instant::now(),
            }),
            config,
            epoch: Instant::now(),
            exits_process,
            threads: Mutex::new(Vec::new()),
        }
    }

    pub(super) fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Adds a runnable thread; returns its index.
    pub(super) fn add_thread(&self, name: &str, daemon: bool) -> usize {
        let mut st = self.lock();
        st.slots.push(Slot::new(name.to_owned(), daemon));
        let tid = st.slots.len() - 1;
        st.picker.thread_added(tid);
        tid
    }

    /// Waits, on a newly started OS thread, until the baton reaches `me`.
    pub(super) fn enter(&self, me: usize) {
        let st = self.lock();
        drop(self.wait_turn(st, me));
    }

    /// A scheduling point of the running thread `me`.
    pub(super) fn point(&self, me: usize) {
        let mut st = self.lock();
        if st.dead.is_some() || st.ended || st.current != me {
            return;
        }
        st.steps += 1;
        st.last_step_at = Instant::now();
        let next = self.choose(&mut st, me);
        drop(self.hand_to(st, me, next, true));
    }

    /// Blocks `me` until woken or its deadline (virtual ns) passes; returns
    /// whether `parker` was granted.
    pub(super) fn block(
        &self,
        me: usize,
        parker: &crate::sync::Arc<Parker>,
        deadline: Option<u64>,
    ) -> bool {
        let mut st = self.lock();
        if st.ended || st.current != me {
            drop(st);
            return parker.is_granted();
        }
        if parker.is_granted() {
            return true;
        }
        st.steps += 1;
        st.last_step_at = Instant::now();
        {
            let slot = &mut st.slots[me];
            slot.status = Status::Blocked;
            slot.deadline = deadline;
            slot.parker = Some(crate::sync::Arc::clone(parker));
        }
        let next = self.choose(&mut st, me);
        drop(self.hand_to(st, me, next, true));
        parker.is_granted()
    }

    /// Makes a blocked thread runnable (an unpark picked it).
    pub(super) fn wake(&self, tid: usize) {
        let mut st = self.lock();
        if let Some(slot) = st.slots.get_mut(tid) {
            if slot.status == Status::Blocked {
                slot.status = Status::Runnable;
                slot.deadline = None;
            }
        }
    }

    /// The running thread `me` ends; the baton goes on without it.
    pub(super) fn finish(&self, me: usize) {
        let mut st = self.lock();
        if st.current != me || st.dead.is_some() {
            if let Some(slot) = st.slots.get_mut(me) {
                slot.status = Status::Finished;
            }
            return;
        }
        st.steps += 1;
        st.slots[me].status = Status::Finished;
        let next = self.choose(&mut st, me);
        drop(self.hand_to(st, me, next, false));
    }

    /// Picks the next thread, advancing the clock when nothing can run. On a
    /// deadlock, reports it and returns `usize::MAX`.
    fn choose(&self, st: &mut State, running: usize) -> usize {
        loop {
            let runnable: Vec<usize> = st
                .slots
                .iter()
                .enumerate()
                .filter(|(_, s)| s.status == Status::Runnable)
                .map(|(tid, _)| tid)
                .collect();
            let earliest = st
                .slots
                .iter()
                .filter(|s| s.status == Status::Blocked)
                .filter_map(|s| s.deadline)
                .min();
            // Time may pass while threads are runnable (the OS did not run
            // them for a moment): a recorded choice, so a timeout racing work
            // that is already runnable is explored too. Only a short stall is
            // modelled: the next deadline must be within ADVANCE_WINDOW.
            let near = earliest.is_some_and(|at| at <= st.clock.saturating_add(ADVANCE_WINDOW_NS));
            if !runnable.is_empty() && near {
                match st.picker.advance() {
                    Some(true) => {
                        st.choices.push(super::schedule::ADVANCE);
                        Self::advance_to(st, earliest.unwrap_or(0));
                        continue;
                    }
                    Some(false) => st.choices.push(super::schedule::STAY),
                    None => {}
                }
            }
            match runnable.len() {
                0 => {}
                1 => return runnable[0],
                _ => {
                    let number = st.choices.len() as u64 + 1;
                    let tid = st.picker.pick(&runnable, running, number);
                    st.choices.push(tid as u32);
                    return tid;
                }
            }
            match earliest {
                Some(at) => Self::advance_to(st, at),
                None => {
                    if st.slots.iter().all(|s| s.status == Status::Finished) {
                        return usize::MAX;
                    }
                    let report = super::report::deadlock(self, st);
                    st.dead = Some(report);
                    return usize::MAX;
                }
            }
        }
    }

    /// Moves the clock to `at` and makes every thread whose deadline it
    /// reached runnable.
    fn advance_to(st: &mut State, at: u64) {
        st.clock = st.clock.max(at);
        let now = st.clock;
        for slot in &mut st.slots {
            if slot.status == Status::Blocked && slot.deadline.is_some_and(|d| d <= now) {
                slot.status = Status::Runnable;
                slot.deadline = None;
            }
        }
    }

    /// Gives the baton to `next` and, if `wait`, waits until it comes back.
    fn hand_to<'a>(
        &'a self,
        mut st: MutexGuard<'a, State>,
        me: usize,
        next: usize,
        wait: bool,
    ) -> MutexGuard<'a, State> {
        if let Some(report) = st.dead.clone() {
            drop(st);
            self.die(&report, me);
        }
        if next == me {
            return st;
        }
        st.current = next;
        if let Some(slot) = st.slots.get(next) {
            slot.turn.notify_one();
        }
        if wait { self.wait_turn(st, me) } else { st }
    }

    fn wait_turn<'a>(&'a self, mut st: MutexGuard<'a, State>, me: usize) -> MutexGuard<'a, State> {
        let turn = Arc::clone(&st.slots[me].turn);
        while st.current != me || st.ended {
            if st.dead.is_some() && me == 0 && !self.exits_process {
                drop(st);
                std::panic::resume_unwind(Box::new(Unwind));
            }
            st = turn.wait(st).unwrap_or_else(|p| p.into_inner());
        }
        st
    }

    /// The run cannot go on: a program prints the report and exits; a test run
    /// unwinds its root thread (which returns the report) and parks the others.
    fn die(&self, report: &str, me: usize) -> ! {
        if self.exits_process {
            super::process::exit_deadlocked(self, report);
        }
        let st = self.lock();
        st.slots[0].turn.notify_one();
        if me == 0 {
            drop(st);
            std::panic::resume_unwind(Box::new(Unwind));
        }
        let turn = Arc::clone(&st.slots[me].turn);
        let mut st = st;
        loop {
            st = turn.wait(st).unwrap_or_else(|p| p.into_inner());
        }
    }

    pub(super) fn track(&self, thread: Thread) {
        self.threads
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(thread);
    }

    /// Joins (in the simulation) every non-daemon thread of the run, again
    /// until none is alive: a test run's version of interpreter exit.
    pub(super) fn join_non_daemon(&self) {
        loop {
            let pending: Vec<Thread> = self
                .threads
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .iter()
                .filter(|t| !t.daemon() && t.is_alive())
                .cloned()
                .collect();
            if pending.is_empty() {
                return;
            }
            for thread in pending {
                let _ = thread.join();
            }
        }
    }

    /// Ends the run: nothing is scheduled any more, and threads still parked
    /// in it leave the wait queues so no later unpark can pick them.
    pub(super) fn end(self: &Arc<Self>) {
        self.lock().ended = true;
        crate::park::forget_world(self);
    }

    /// Virtual time now, as an instant on the real clock's scale.
    pub(super) fn now(&self) -> Instant {
        self.epoch + Duration::from_nanos(self.lock().clock)
    }

    pub(super) fn divergence(&self) -> Option<String> {
        self.lock().picker.divergence().map(str::to_owned)
    }
}

impl Slot {
    fn new(name: String, daemon: bool) -> Slot {
        Slot {
            name,
            daemon,
            status: Status::Runnable,
            deadline: None,
            parker: None,
            turn: Arc::new(Condvar::new()),
        }
    }
}
