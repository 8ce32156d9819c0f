//! The cost of recording a trace: times N Lock acquire/release pairs (two
//! recorded events each) and prints nanoseconds per pair. Run it twice and
//! compare:
//!
//! ```text
//! cargo run --release -p sync-kit --example trace_cost
//! SYNC_KIT_TRACE=/tmp/trace.json cargo run --release -p sync-kit --example trace_cost
//! ```

use std::time::Instant;

fn main() -> anyhow::Result<()> {
    const PAIRS: u32 = 200_000;
    sync_kit::main(|| {
        let lock = sync_kit::Lock::new();
        let start = Instant::now();
        for _ in 0..PAIRS {
            drop(std::hint::black_box(&lock).lock());
        }
        let per_pair = start.elapsed().as_nanos() as f64 / f64::from(PAIRS);
        let tracing = std::env::var_os(sync_kit::trace::TRACE_VAR).is_some();
        println!(
            "{per_pair:.1} ns per acquire+release (tracing {})",
            if tracing { "on" } else { "off" }
        );
        Ok::<(), anyhow::Error>(())
    })
}
