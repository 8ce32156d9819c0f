//! The Rust half of `scripts/bench.sh`: times every sync-kit operation beside
//! its baseline in this one process and writes the rows as JSON.
//!
//! ```text
//! cargo run --release --locked -p bench --bin harness -- [--quick] [--out FILE]
//! ```
//!
//! Every figure is the median of many samples; within a measurement the
//! variants are interleaved sample by sample (see [`bench::measure`]), so load
//! from other processes hits them alike. `--quick` takes few samples (a smoke
//! test, not a measurement); `--only SECTION` runs one section (`uncontended`,
//! `cross`, `busy`, `contended`, `threads`, `sim`). Progress goes to stderr; the JSON goes to
//! `FILE` (default: stdout).

use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use bench::contended::{Counter, LockCounter, ParkingLotCounter, StdCounter, Window, run_window};
use bench::crowd::{ConditionBroadcast, Crowd, ParkingLotBroadcast, StdBroadcast, Waiters};
use bench::measure::{self, interleave, looped, median};
use bench::ops;
use bench::pingpong::{
    AtomicBounce, Busy, ConditionHandoff, EventPingPong, ParkingLotPingPong, Partner, RoundTrip,
    StdEventPingPong, StdPingPong,
};
use bench::simcost;
use sync_kit::{Event, Lock, RLock, Semaphore};

/// How many samples of what size.
struct Plan {
    /// Samples per variant for the single-threaded operations.
    rounds: usize,
    /// Target length of one single-threaded batch.
    batch: Duration,
    /// Samples per variant for cross-thread round trips and thread starts.
    cross_rounds: usize,
    /// Round trips per cross-thread sample.
    round_trips: u64,
    /// Start+joins per sample.
    starts: u64,
    /// Contended windows per variant and thread count.
    windows: usize,
    /// Length of one contended window.
    window: Duration,
    /// `notify_all` rounds per variant.
    broadcasts: usize,
    /// Scheduling points per simulated thread, and simulated runs per row.
    sim_points: u64,
    sim_runs: usize,
}

const FULL: Plan = Plan {
    rounds: 101,
    batch: Duration::from_millis(1),
    cross_rounds: 41,
    round_trips: 200,
    starts: 20,
    windows: 9,
    window: Duration::from_millis(200),
    broadcasts: 11,
    sim_points: 20_000,
    sim_runs: 11,
};

const QUICK: Plan = Plan {
    rounds: 3,
    batch: Duration::from_millis(1),
    cross_rounds: 3,
    round_trips: 20,
    starts: 5,
    windows: 1,
    window: Duration::from_millis(30),
    broadcasts: 2,
    sim_points: 1_000,
    sim_runs: 2,
};

/// One line of the table (the CPython column is filled in by the report).
struct Row {
    key: &'static str,
    cpython_key: &'static str,
    op: String,
    ours_ns: f64,
    baseline: String,
    baseline_ns: Option<f64>,
}

/// Fairness of one contended configuration.
struct Fairness {
    threads: usize,
    variant: &'static str,
    ns_per_acquisition: f64,
    min_over_max: f64,
    cv: f64,
    per_thread: Vec<u64>,
}

fn main() {
    let mut plan = &FULL;
    let mut out = None;
    let mut only: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => plan = &QUICK,
            "--out" => out = Some(args.next().expect("--out needs a file")),
            "--only" => only = Some(args.next().expect("--only needs a section")),
            other => {
                eprintln!(
                    "usage: harness [--quick] [--out FILE] [--only uncontended|cross|busy|contended|threads|sim]  (unknown argument {other:?})"
                );
                std::process::exit(2);
            }
        }
    }
    let started = Instant::now();
    let mut rows = Vec::new();
    let mut fairness = Vec::new();

    let run = |section: &str| only.as_deref().is_none_or(|o| o == section);
    if run("uncontended") {
        uncontended(plan, &mut rows);
    }
    if run("cross") {
        cross_thread(plan, &mut rows);
    }
    if run("busy") {
        beside_busy(plan, &mut rows);
    }
    if run("contended") {
        contention(plan, &mut rows, &mut fairness);
    }
    if run("threads") {
        threads(plan, &mut rows);
    }
    // Last: once a simulated run has existed, every scheduling point of the
    // process takes its slow branch.
    if run("sim") {
        simulator(plan, &mut rows);
    }

    let json = to_json(&rows, &fairness, started.elapsed());
    match out {
        Some(path) => std::fs::write(&path, json).expect("write the JSON"),
        None => print!("{json}"),
    }
    progress(&format!("done in {:.1} s", started.elapsed().as_secs_f64()));
}

fn progress(what: &str) {
    eprintln!("[harness] {what}");
}

fn uncontended(plan: &Plan, rows: &mut Vec<Row>) {
    progress("uncontended Lock, RLock, Semaphore, Event");
    let (r, b) = (plan.rounds, plan.batch);
    let std_mutex = Mutex::new(());
    let pl_mutex = parking_lot::Mutex::new(());

    let lock = Lock::new();
    let got = measure::uncontended(
        r,
        b,
        &mut [
            &mut looped(|| ops::lock(&lock)),
            &mut looped(|| ops::std_mutex(&std_mutex)),
            &mut looped(|| ops::parking_lot_mutex(&pl_mutex)),
        ],
    );
    let op = "Lock acquire+release (uncontended)";
    rows.push(row(
        "lock",
        "lock",
        op,
        got[0],
        "std Mutex lock+unlock",
        got[1],
    ));
    rows.push(row(
        "lock_pl",
        "lock",
        op,
        got[0],
        "parking_lot Mutex lock+unlock",
        got[2],
    ));

    for depth in [1, 2] {
        let rlock = RLock::new();
        let reentrant = parking_lot::ReentrantMutex::new(());
        let _outer = (depth == 2).then(|| (rlock.lock(), reentrant.lock()));
        let got = measure::uncontended(
            r,
            b,
            &mut [
                &mut looped(|| ops::rlock(&rlock)),
                &mut looped(|| ops::std_mutex(&std_mutex)),
                &mut looped(|| ops::reentrant_mutex(&reentrant)),
            ],
        );
        let (key, key_pl, op, pl_name) = if depth == 1 {
            (
                "rlock1",
                "rlock1_pl",
                "RLock acquire+release, depth 1 (from free)",
                "parking_lot ReentrantMutex, depth 1",
            )
        } else {
            (
                "rlock2",
                "rlock2_pl",
                "RLock acquire+release, depth 2 (re-entry)",
                "parking_lot ReentrantMutex, depth 2",
            )
        };
        let cpy = if depth == 1 { "rlock1" } else { "rlock2" };
        rows.push(row(key, cpy, op, got[0], "std Mutex lock+unlock", got[1]));
        rows.push(row(key_pl, cpy, op, got[0], pl_name, got[2]));
    }

    let sem = Semaphore::new(1);
    let got = measure::uncontended(
        r,
        b,
        &mut [
            &mut looped(|| ops::semaphore(&sem)),
            &mut looped(|| ops::std_mutex(&std_mutex)),
        ],
    );
    rows.push(row(
        "semaphore",
        "semaphore",
        "Semaphore acquire+release (uncontended)",
        got[0],
        "std Mutex lock+unlock",
        got[1],
    ));

    let event = Event::new();
    let flag = Mutex::new(false);
    let got = measure::uncontended(
        r,
        b,
        &mut [
            &mut looped(|| ops::event(&event)),
            &mut looped(|| ops::std_mutex_flag(&flag)),
        ],
    );
    rows.push(row(
        "event_flag",
        "event_flag",
        "Event set + is_set + clear",
        got[0],
        "std Mutex<bool> set+read+clear",
        got[1],
    ));
}

/// One round-trip sample: a fresh partner thread (so that where the
/// scheduler puts the two threads varies from sample to sample instead of
/// biasing one variant for the whole run), a short warm-up, then `n` timed
/// round trips. Returns ns per round trip.
fn round_trip_sample<T: RoundTrip + Default>(n: u64) -> f64 {
    let partner = Partner::start(T::default());
    for _ in 0..n / 10 + 1 {
        partner.round_trip();
    }
    measure::ns_per_call(n, || partner.round_trip())
}

fn cross_thread(plan: &Plan, rows: &mut Vec<Row>) {
    progress("Event ping-pong, Condition handoff, atomic bounce");
    let n = plan.round_trips;
    let samples = interleave(
        plan.cross_rounds,
        &mut [
            &mut || round_trip_sample::<EventPingPong>(n),
            &mut || round_trip_sample::<ConditionHandoff>(n),
            &mut || round_trip_sample::<StdPingPong>(n),
            &mut || round_trip_sample::<StdEventPingPong>(n),
            &mut || round_trip_sample::<ParkingLotPingPong>(n),
            &mut || round_trip_sample::<AtomicBounce>(n),
        ],
    );
    let got: Vec<f64> = samples.iter().map(|s| median(s)).collect();
    let (event, condition, std, std_events, pl, limit) =
        (got[0], got[1], got[2], got[3], got[4], got[5]);
    let std_name = "std Mutex+Condvar ping-pong";
    let pl_name = "parking_lot Mutex+Condvar ping-pong";
    let limit_name = "limit: two threads bouncing an atomic";
    let op = "Event ping-pong round trip (2 threads)";
    rows.push(row(
        "event_pingpong",
        "event_pingpong",
        op,
        event,
        std_name,
        std,
    ));
    rows.push(row(
        "event_pingpong_pl",
        "event_pingpong",
        op,
        event,
        pl_name,
        pl,
    ));
    rows.push(row(
        "event_pingpong_std_events",
        "event_pingpong",
        op,
        event,
        "std Mutex<bool>+Condvar events, same protocol",
        std_events,
    ));
    rows.push(row(
        "event_pingpong_limit",
        "event_pingpong",
        op,
        event,
        limit_name,
        limit,
    ));
    let op = "Condition notify/wait round trip (2 threads)";
    rows.push(row(
        "condition_handoff",
        "condition_handoff",
        op,
        condition,
        std_name,
        std,
    ));
    rows.push(row(
        "condition_handoff_pl",
        "condition_handoff",
        op,
        condition,
        pl_name,
        pl,
    ));
    rows.push(row(
        "condition_handoff_limit",
        "condition_handoff",
        op,
        condition,
        limit_name,
        limit,
    ));
}

/// Busy threads beside the ping-pong: more runnable threads than cores.
const BUSY_THREADS: usize = 16;

fn beside_busy(plan: &Plan, rows: &mut Vec<Row>) {
    progress(&format!(
        "Event ping-pong, Condition handoff beside {BUSY_THREADS} busy threads"
    ));
    let n = plan.round_trips / 2;
    let busy = Busy::start(BUSY_THREADS);
    let samples = interleave(
        plan.cross_rounds / 2 + 1,
        &mut [
            &mut || round_trip_sample::<EventPingPong>(n),
            &mut || round_trip_sample::<ConditionHandoff>(n),
            &mut || round_trip_sample::<StdPingPong>(n),
            &mut || round_trip_sample::<ParkingLotPingPong>(n),
        ],
    );
    drop(busy);
    let got: Vec<f64> = samples.iter().map(|s| median(s)).collect();
    let std_name = "std Mutex+Condvar ping-pong, same load";
    let pl_name = "parking_lot Mutex+Condvar ping-pong, same load";
    let op = format!("Event ping-pong beside {BUSY_THREADS} busy threads");
    rows.push(row(
        "event_pingpong_busy",
        "",
        &op,
        got[0],
        std_name,
        got[2],
    ));
    rows.push(row(
        "event_pingpong_busy_pl",
        "",
        &op,
        got[0],
        pl_name,
        got[3],
    ));
    let op = format!("Condition round trip beside {BUSY_THREADS} busy threads");
    rows.push(row(
        "condition_handoff_busy",
        "",
        &op,
        got[1],
        std_name,
        got[2],
    ));
    rows.push(row(
        "condition_handoff_busy_pl",
        "",
        &op,
        got[1],
        pl_name,
        got[3],
    ));
}

fn windows<C: Counter + Default>(threads: usize, window: Duration) -> impl FnMut() -> Window {
    move || run_window::<C>(threads, window)
}

fn contention(plan: &Plan, rows: &mut Vec<Row>, fairness: &mut Vec<Fairness>) {
    for threads in [2usize, 4, 16] {
        progress(&format!("contended Lock counter, {threads} threads"));
        let mut ours = windows::<LockCounter>(threads, plan.window);
        let mut std = windows::<StdCounter>(threads, plan.window);
        let mut pl = windows::<ParkingLotCounter>(threads, plan.window);
        let mut all: [Vec<Window>; 3] = Default::default();
        for round in 0..plan.windows {
            for k in 0..3 {
                let i = (round + k) % 3;
                let w = match i {
                    0 => ours(),
                    1 => std(),
                    _ => pl(),
                };
                all[i].push(w);
            }
        }
        let names = ["sync-kit Lock", "std Mutex", "parking_lot Mutex"];
        let mut medians = [0.0; 3];
        for (i, ws) in all.iter().enumerate() {
            let ns: Vec<f64> = ws.iter().map(Window::ns_per_acquisition).collect();
            medians[i] = median(&ns);
            // The window whose throughput is the median one shows the spread.
            let typical = ws
                .iter()
                .min_by(|a, b| {
                    (a.ns_per_acquisition() - medians[i])
                        .abs()
                        .total_cmp(&(b.ns_per_acquisition() - medians[i]).abs())
                })
                .expect("at least one window");
            fairness.push(Fairness {
                threads,
                variant: names[i],
                ns_per_acquisition: medians[i],
                min_over_max: median(&ws.iter().map(Window::min_over_max).collect::<Vec<_>>()),
                cv: median(
                    &ws.iter()
                        .map(Window::coefficient_of_variation)
                        .collect::<Vec<_>>(),
                ),
                per_thread: typical.per_thread.clone(),
            });
        }
        let (key, key_pl) = match threads {
            2 => ("contended2", "contended2_pl"),
            4 => ("contended4", "contended4_pl"),
            _ => ("contended16", "contended16_pl"),
        };
        let op = format!("contended Lock counter, {threads} threads (ns/acquisition)");
        rows.push(row(key, key, &op, medians[0], "std Mutex", medians[1]));
        rows.push(row(
            key_pl,
            key,
            &op,
            medians[0],
            "parking_lot Mutex",
            medians[2],
        ));
    }
}

fn threads(plan: &Plan, rows: &mut Vec<Row>) {
    progress("Thread start+join");
    let n = plan.starts;
    for _ in 0..n {
        ops::thread_start_join();
        ops::std_spawn_join();
    }
    let samples = interleave(
        plan.cross_rounds,
        &mut [
            &mut || measure::ns_per_call(n, ops::thread_start_join),
            &mut || measure::ns_per_call(n, ops::std_spawn_join),
        ],
    );
    rows.push(row(
        "thread_start_join",
        "thread_start_join",
        "Thread start+join (empty body)",
        median(&samples[0]),
        "std thread::spawn+join",
        median(&samples[1]),
    ));

    progress("enumerate() with 1,000 live threads");
    {
        let crowd = Crowd::start(1000);
        let list = Mutex::new(crowd.threads().to_vec());
        let got = measure::uncontended(
            plan.rounds,
            plan.batch,
            &mut [
                &mut looped(|| drop(std::hint::black_box(sync_kit::enumerate()))),
                &mut looped(|| drop(std::hint::black_box(list.lock().unwrap().clone()))),
            ],
        );
        assert!(sync_kit::enumerate().len() > 1000, "the crowd is alive");
        rows.push(row(
            "enumerate_1000",
            "enumerate_1000",
            "enumerate() with 1,000 live threads",
            got[0],
            "std Mutex<Vec<handle>> clone (1,000)",
            got[1],
        ));
    }

    progress("notify_all to 1,000 waiters");
    {
        let mut ours = Waiters::<ConditionBroadcast>::start(1000);
        let mut std = Waiters::<StdBroadcast>::start(1000);
        let mut pl = Waiters::<ParkingLotBroadcast>::start(1000);
        ours.round(); // warm-up
        std.round();
        pl.round();
        let samples = interleave(
            plan.broadcasts,
            &mut [
                &mut || ours.round().as_nanos() as f64,
                &mut || std.round().as_nanos() as f64,
                &mut || pl.round().as_nanos() as f64,
            ],
        );
        let op = "Condition notify_all to 1,000 waiters (until all woke)";
        let ours = median(&samples[0]);
        rows.push(row(
            "notify_all_1000",
            "notify_all_1000",
            op,
            ours,
            "std Condvar notify_all",
            median(&samples[1]),
        ));
        rows.push(row(
            "notify_all_1000_pl",
            "notify_all_1000",
            op,
            ours,
            "parking_lot Condvar notify_all",
            median(&samples[2]),
        ));
    }
}

fn simulator(plan: &Plan, rows: &mut Vec<Row>) {
    progress("simulator: one scheduling point");
    let points = plan.sim_points;
    let mut seed = 0;
    let samples = interleave(
        plan.sim_runs,
        &mut [
            &mut || {
                seed += 1;
                simcost::hand_off_ns(points, seed)
            },
            &mut || simcost::keep_ns(points, 7),
        ],
    );
    let hand_off = median(&samples[0]);
    let keep = median(&samples[1]);
    rows.push(Row {
        key: "sim_hand_off",
        cpython_key: "",
        op: "simulator: a point that hands the baton to another thread".to_owned(),
        ours_ns: hand_off,
        baseline: "a point that keeps the baton".to_owned(),
        baseline_ns: Some(keep),
    });
    rows.push(Row {
        key: "sim_keep",
        cpython_key: "",
        op: "simulator: a point that keeps the baton (1 thread)".to_owned(),
        ours_ns: keep,
        baseline: "-".to_owned(),
        baseline_ns: None,
    });
}

fn row(
    key: &'static str,
    cpython_key: &'static str,
    op: &str,
    ours_ns: f64,
    baseline: &str,
    baseline_ns: f64,
) -> Row {
    Row {
        key,
        cpython_key,
        op: op.to_owned(),
        ours_ns,
        baseline: baseline.to_owned(),
        baseline_ns: Some(baseline_ns),
    }
}

/// A JSON string literal (the texts here are plain ASCII).
fn quoted(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn number(x: Option<f64>) -> String {
    match x {
        Some(x) if x.is_finite() => format!("{x:.3}"),
        _ => "null".to_owned(),
    }
}

fn to_json(rows: &[Row], fairness: &[Fairness], took: Duration) -> String {
    let mut s = String::from("{\n  \"rows\": [\n");
    for (i, r) in rows.iter().enumerate() {
        let _ = write!(
            s,
            "    {{\"key\": {}, \"cpython_key\": {}, \"op\": {}, \"ours_ns\": {}, \"baseline\": {}, \"baseline_ns\": {}}}",
            quoted(r.key),
            quoted(r.cpython_key),
            quoted(&r.op),
            number(Some(r.ours_ns)),
            quoted(&r.baseline),
            number(r.baseline_ns),
        );
        s.push_str(if i + 1 < rows.len() { ",\n" } else { "\n" });
    }
    s.push_str("  ],\n  \"fairness\": [\n");
    for (i, f) in fairness.iter().enumerate() {
        let counts: Vec<String> = f.per_thread.iter().map(u64::to_string).collect();
        let _ = write!(
            s,
            "    {{\"threads\": {}, \"variant\": {}, \"ns_per_acquisition\": {}, \"min_over_max\": {}, \"cv\": {}, \"per_thread\": [{}]}}",
            f.threads,
            quoted(f.variant),
            number(Some(f.ns_per_acquisition)),
            number(Some(f.min_over_max)),
            number(Some(f.cv)),
            counts.join(", "),
        );
        s.push_str(if i + 1 < fairness.len() { ",\n" } else { "\n" });
    }
    let _ = writeln!(s, "  ],\n  \"seconds\": {:.1}\n}}", took.as_secs_f64());
    s
}
