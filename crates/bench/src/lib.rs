//! Benchmarks of sync-kit against the standard library, parking_lot and
//! CPython's `threading`.
//!
//! Run everything and get the table with `scripts/bench.sh` (from the
//! workspace root). The pieces:
//!
//! - [`measure`]: the measurement loop behind the table (batches timed with
//!   `Instant`, variants interleaved sample by sample, medians);
//! - [`ops`]: the single-threaded operations, shared with the divan benches
//!   (`cargo bench -p bench`, for interactive use);
//! - [`pingpong`]: round trips between two threads (Event, Condition, std
//!   and parking_lot Condvar, the atomic bounce that is the limit), also
//!   beside busy threads;
//! - [`contended`]: the contended counter, with per-thread fairness;
//! - [`crowd`]: 1,000 live threads (`enumerate`, `notify_all`);
//! - [`simcost`]: the simulator's cost per scheduling point.
//!
//! The `harness` binary (`src/bin/harness.rs`) runs all of them and writes the
//! Rust half of the table as JSON; `scripts/bench_cpython.py` writes the
//! CPython half; `scripts/bench_report.py` joins them.

pub mod contended;
pub mod crowd;
pub mod measure;
pub mod ops;
pub mod pingpong;
pub mod simcost;
