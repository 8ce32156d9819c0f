//! Runs ONE benchmarked operation N times and nothing else, for profilers:
//!
//! ```text
//! cargo build --release -p bench --bin probe
//! perf stat -e 'syscalls:sys_enter_futex' target/release/probe event_flag 100000
//! valgrind --tool=callgrind target/release/probe thread_start_join 200
//! strace -f -c target/release/probe thread_start_join 1000
//! ```
//!
//! Prints the wall-clock ns per operation on stderr. `probe list` names the
//! operations.

use std::hint::black_box;
use std::sync::Mutex;
use std::time::Instant;

use bench::crowd::{ConditionBroadcast, Crowd, StdBroadcast, Waiters};
use bench::ops;
use bench::pingpong::{ConditionHandoff, EventPingPong, Partner, StdEventPingPong, StdPingPong};
use sync_kit::{Event, Lock, RLock, Semaphore};

const OPS: &[&str] = &[
    "lock",
    "std_mutex",
    "rlock",
    "semaphore",
    "event_flag",
    "std_flag",
    "event_pingpong",
    "condition_handoff",
    "std_pingpong",
    "std_event_pingpong",
    "thread_start_join",
    "std_spawn_join",
    "enumerate_1000",
    "notify_all_1000",
    "std_notify_all_1000",
];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (op, n) = match args.as_slice() {
        [op, n] => (op.as_str(), n.parse::<u64>().expect("N must be a number")),
        _ => {
            eprintln!("usage: probe OP N   (OP: {})", OPS.join(", "));
            std::process::exit(2);
        }
    };
    let began = Instant::now();
    match op {
        "lock" => {
            let l = Lock::new();
            repeat(n, || ops::lock(&l));
        }
        "std_mutex" => {
            let m = Mutex::new(());
            repeat(n, || ops::std_mutex(&m));
        }
        "rlock" => {
            let r = RLock::new();
            repeat(n, || ops::rlock(&r));
        }
        "semaphore" => {
            let s = Semaphore::new(1);
            repeat(n, || ops::semaphore(&s));
        }
        "event_flag" => {
            let e = Event::new();
            repeat(n, || ops::event(&e));
        }
        "std_flag" => {
            let f = Mutex::new(false);
            repeat(n, || ops::std_mutex_flag(&f));
        }
        "event_pingpong" => {
            let p = Partner::start(EventPingPong::default());
            repeat(n, || p.round_trip());
        }
        "condition_handoff" => {
            let p = Partner::start(ConditionHandoff::default());
            repeat(n, || p.round_trip());
        }
        "std_pingpong" => {
            let p = Partner::start(StdPingPong::default());
            repeat(n, || p.round_trip());
        }
        "std_event_pingpong" => {
            let p = Partner::start(StdEventPingPong::default());
            repeat(n, || p.round_trip());
        }
        "thread_start_join" => repeat(n, ops::thread_start_join),
        "std_spawn_join" => repeat(n, ops::std_spawn_join),
        "enumerate_1000" => {
            let _crowd = Crowd::start(1000);
            repeat(n, || drop(black_box(sync_kit::enumerate())));
        }
        "notify_all_1000" => {
            let mut w = Waiters::<ConditionBroadcast>::start(1000);
            repeat(n, || {
                w.round();
            });
        }
        "std_notify_all_1000" => {
            let mut w = Waiters::<StdBroadcast>::start(1000);
            repeat(n, || {
                w.round();
            });
        }
        "list" => {
            println!("{}", OPS.join("\n"));
            return;
        }
        other => {
            eprintln!("unknown operation {other:?}; try `probe list`");
            std::process::exit(2);
        }
    }
    let per_op = began.elapsed().as_nanos() as f64 / n as f64;
    eprintln!("{op}: {per_op:.1} ns per operation (including set-up)");
}

fn repeat(n: u64, mut f: impl FnMut()) {
    for _ in 0..n {
        f();
    }
}
