//! Benchmark: check N lines from 1,000 threads against a reference transcript.
//!
//! Run: `cargo run --release -p golden --example bench [-- LINES...]`
//! (default: 100000 and 1000000 lines).
//!
//! The reference is one interleaving of 1,000 threads named `Thread-1`..`Thread-1000`
//! logging `step K value=V` through a `%(threadName)-10s` format; the run is another
//! interleaving, with the thread numbers permuted (so the identity renaming has real
//! work to do) and other random values (redacted). A second spec says the same
//! compactly (per thread: `%times N` and one line with inline patterns). Prints the
//! check time (the spec already parsed, as when one spec checks many runs), the
//! parse time, and the ratios between the sizes.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

const THREADS: usize = 1000;

/// A small deterministic generator (xorshift), so runs are comparable.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// An interleaving of `per` lines from each thread: `names[t]` prints line k.
fn transcript(rng: &mut Rng, names: &[String], per: usize) -> String {
    let mut next = vec![0usize; names.len()];
    let mut live: Vec<usize> = (0..names.len()).collect();
    let mut out = String::with_capacity(names.len() * per * 40);
    while !live.is_empty() {
        let i = rng.below(live.len());
        let t = live[i];
        let value = rng.below(100);
        let _ = writeln!(
            out,
            "[DEBUG] ({:<10}) step {} value={value}",
            names[t], next[t]
        );
        next[t] += 1;
        if next[t] == per {
            live.swap_remove(i);
        }
    }
    out
}

fn measure(lines: usize) -> (Duration, Duration, bool) {
    let per = lines / THREADS;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ lines as u64);
    let ref_names: Vec<String> = (1..=THREADS).map(|i| format!("Thread-{i}")).collect();
    // The run numbers its threads differently.
    let mut run_names = ref_names.clone();
    for i in (1..run_names.len()).rev() {
        let j = rng.below(i + 1);
        run_names.swap(i, j);
    }
    let body = transcript(&mut rng, &ref_names, per);
    let spec_text = format!(
        "%key /^\\[[A-Z]+\\] \\((.*?) *\\)/\n%ident thread /Thread-\\d+/\n%redact /value=\\d+/\n%%\n%interleave\n{body}%end\n"
    );
    let run = transcript(&mut rng, &run_names, per);
    measure_spec(&spec_text, &run)
}

/// The same run against a compact spec: one line per thread, repeated.
fn measure_compact(lines: usize) -> (Duration, Duration, bool) {
    let per = lines / THREADS;
    let mut rng = Rng(0x2545_F491_4F6C_DD1D ^ lines as u64);
    let names: Vec<String> = (1..=THREADS).map(|i| format!("Thread-{i}")).collect();
    let mut spec_text = String::from(
        "%key /^\\[[A-Z]+\\] \\((.*?) *\\)/\n%ident thread /Thread-\\d+/\n%%\n%interleave\n",
    );
    for name in &names {
        let _ = write!(
            spec_text,
            "%times {per}\n[DEBUG] ({name:<10}) step {{{{\\d+}}}} value={{{{\\d+}}}}\n"
        );
    }
    spec_text.push_str("%end\n");
    let run = transcript(&mut rng, &names, per);
    measure_spec(&spec_text, &run)
}

fn measure_spec(spec_text: &str, run: &str) -> (Duration, Duration, bool) {
    let t0 = Instant::now();
    let spec = golden::Spec::parse("bench", spec_text).expect("the generated spec parses");
    let t1 = Instant::now();
    let outcome = spec.check(run);
    let t2 = Instant::now();
    (t1 - t0, t2 - t1, outcome.is_match())
}

/// `--json`: the two figures `scripts/bench.sh` puts in its table, as one JSON
/// object: check time (ns) of the reference transcript for 100,000 and
/// 1,000,000 lines, plus the parse time of the 1M-line reference, reported apart.
fn print_json() {
    let (_, small, ok_small) = measure(100_000);
    let (parse, big, ok_big) = measure(1_000_000);
    if !(ok_small && ok_big) {
        eprintln!("bench: the run did not match; the benchmark is invalid");
        std::process::exit(1);
    }
    println!(
        "{{\"golden_100k\": {}, \"golden_1m\": {}, \"golden_1m_parse\": {}}}",
        small.as_nanos(),
        big.as_nanos(),
        parse.as_nanos()
    );
}

fn main() {
    if std::env::args().any(|a| a == "--json") {
        print_json();
        return;
    }
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![100_000, 1_000_000]
    } else {
        sizes
    };
    for (title, f) in [
        (
            "reference transcript (one spec line per output line)",
            measure as fn(usize) -> _,
        ),
        (
            "compact spec (one `%times` line per thread)",
            measure_compact,
        ),
    ] {
        println!("{title}:");
        let mut first: Option<(usize, Duration, Duration)> = None;
        for &n in &sizes {
            let (parse, check, ok) = f(n);
            let total = parse + check;
            print!(
                "  {n:>9} lines, {THREADS} threads: check {:>6.3} s (spec parse {:>6.3} s, total {:>6.3} s), match={ok}",
                check.as_secs_f64(),
                parse.as_secs_f64(),
                total.as_secs_f64()
            );
            match first {
                Some((n0, c0, t0)) => println!(
                    "  | {:.0}x lines: check {:.2}x, total {:.2}x time",
                    n as f64 / n0 as f64,
                    check.as_secs_f64() / c0.as_secs_f64(),
                    total.as_secs_f64() / t0.as_secs_f64()
                ),
                None => {
                    println!();
                    first = Some((n, check, total));
                }
            }
            if !ok {
                eprintln!("bench: the run did not match; the benchmark is invalid");
                std::process::exit(1);
            }
        }
    }
}
