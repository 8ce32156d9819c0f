//! Adversarial benchmark: spec and output shapes built to make a checker slow or
//! greedy for memory, at 10k, 100k and 1M lines, each checked (parse included,
//! pass or fail, report included) in a child process of its own so that its
//! peak memory can be read.
//!
//! Run: `cargo run --release -p golden --example adversarial [-- LINES...]`
//! (default: 10000 100000 1000000). Prints one row per shape and size: time of
//! parse + check + report (what `golden check` waits for: it exits without
//! freeing the spec), the time freeing the spec would add, peak resident memory
//! (Linux: the child's `VmHWM`), and the verdict. A child still running after 60 s is killed, and the larger
//! sizes of its shape are skipped.

use std::fmt::Write as _;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The shapes: name, what it stresses, and the spec and output for `n` lines.
type Build = fn(usize) -> (String, String);

const SHAPES: &[(&str, &str, Build)] = &[
    (
        "wildcards",
        "five [..] per line, lines of 400 chars, no END (fail)",
        wildcards,
    ),
    (
        "ordered-1-wrong",
        "n ordered lines, one wrong in the middle (fail)",
        ordered_wrong,
    ),
    (
        "ident-1-wrong",
        "interleave of 100 labelled threads, one wrong line (fail)",
        ident_wrong,
    ),
    (
        "threads-1-wrong",
        "4,000 labelled threads, one wrong line (fail)",
        threads_wrong,
    ),
    (
        "unordered-regex",
        "n distinct regex lines in one %unordered block (pass)",
        unordered_regex,
    ),
    (
        "interleave-ranged",
        "ranged %interleave block that is not last (pass)",
        interleave_ranged,
    ),
    (
        "times-range",
        "%times 1..100000 on every line of n/25 lines (pass)",
        times_range,
    ),
    (
        "optional-chain",
        "n chained %optional lines, half present (pass)",
        optional_chain,
    ),
    (
        "ordered-labels",
        "n ordered lines, each mentioning a label (pass)",
        ordered_labels,
    ),
];

fn wildcards(n: usize) -> (String, String) {
    let lines = (n / 10).max(1); // 400 characters each: n/10 lines is ~ 4 n bytes
    let mut spec = String::from("%%\n");
    let mut out = String::new();
    for _ in 0..lines {
        spec.push_str("[..] [..] [..] [..] [..] END\n");
        out.push_str(&"x ".repeat(200));
        out.push('\n');
    }
    (spec, out)
}

fn ordered_wrong(n: usize) -> (String, String) {
    let mut spec = String::from("%%\n");
    let mut out = String::new();
    for i in 0..n {
        let _ = writeln!(spec, "line {i} value {{{{\\d+}}}}");
        if i == n / 2 {
            let _ = writeln!(out, "line {i} value x");
        } else {
            let _ = writeln!(out, "line {i} value {}", i % 97);
        }
    }
    (spec, out)
}

fn labelled(n: usize, threads: usize, wrong: bool) -> (String, String) {
    let per = (n / threads).max(1);
    let mut spec =
        String::from("%key /^\\((.*?) *\\)/\n%ident thread /Thread-\\d+/\n%%\n%interleave\n");
    let mut out = String::new();
    for k in 0..per {
        for t in 0..threads {
            let _ = writeln!(spec, "({:<12}) step {k}", format!("Thread-{}", t + 1));
            let actual = threads - t; // renamed
            if wrong && k == per / 2 && t == threads / 2 {
                let _ = writeln!(out, "({:<12}) stop {k}", format!("Thread-{actual}"));
            } else {
                let _ = writeln!(out, "({:<12}) step {k}", format!("Thread-{actual}"));
            }
        }
    }
    spec.push_str("%end\n");
    (spec, out)
}

fn ident_wrong(n: usize) -> (String, String) {
    labelled(n, 100, true)
}

fn threads_wrong(n: usize) -> (String, String) {
    labelled(n, 4000, true)
}

fn unordered_regex(n: usize) -> (String, String) {
    let mut spec = String::from("%%\n%unordered\n");
    let mut out = String::new();
    for i in 0..n {
        let _ = writeln!(spec, "item {{{{\\d+}}}} of {i}");
    }
    for i in (0..n).rev() {
        let _ = writeln!(out, "item {} of {i}", i % 13);
    }
    spec.push_str("%end\n");
    (spec, out)
}

fn interleave_ranged(n: usize) -> (String, String) {
    let mut spec = String::from(
        "%key /^(\\w+):/\n%%\n%interleave\n%times 1..\na: tick\n%times 1..\nb: tock\n%end\ndone\n",
    );
    let mut out = String::new();
    for i in 0..n {
        out.push_str(if i % 2 == 0 { "a: tick\n" } else { "b: tock\n" });
    }
    out.push_str("done\n");
    spec.push('\n');
    (spec, out)
}

fn times_range(n: usize) -> (String, String) {
    let lines = (n / 25).max(1);
    let mut spec = String::from("%%\n");
    let mut out = String::new();
    for i in 0..lines {
        let _ = writeln!(spec, "%times 1..100000\nline {i}");
        for _ in 0..25 {
            let _ = writeln!(out, "line {i}");
        }
    }
    (spec, out)
}

fn optional_chain(n: usize) -> (String, String) {
    let mut spec = String::from("%%\n");
    let mut out = String::new();
    for i in 0..n {
        let _ = writeln!(spec, "%optional\nline {i}");
        if i % 2 == 0 {
            let _ = writeln!(out, "line {i}");
        }
    }
    (spec, out)
}

fn ordered_labels(n: usize) -> (String, String) {
    let mut spec = String::from("%ident thread /Thread-\\d+/\n%%\n");
    let mut out = String::new();
    for i in 0..n {
        let _ = writeln!(spec, "Thread-{} did {i}", i % 50 + 1);
        let _ = writeln!(out, "Thread-{} did {i}", 50 - i % 50);
    }
    (spec, out)
}

/// Peak resident memory of this process in MiB (Linux), if known.
fn peak_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn child(shape: &str, n: usize) {
    let Some((_, _, build)) = SHAPES.iter().find(|s| s.0 == shape) else {
        eprintln!("unknown shape {shape}");
        std::process::exit(2);
    };
    let (spec_text, out) = build(n);
    let base = peak_mib().unwrap_or(0.0);
    let start = Instant::now();
    let (verdict, spec) = match golden::Spec::parse("adversarial.txt", &spec_text) {
        Ok(spec) => {
            let o = spec.check(&out);
            let report = o.to_string();
            let v = if o.is_match() {
                "pass".to_owned()
            } else {
                format!("fail ({} report lines)", report.lines().count())
            };
            drop(o);
            (v, Some(spec))
        }
        Err(e) => (format!("spec error: {e}"), None),
    };
    // What `golden check` waits for (it exits without freeing the spec)...
    let t = start.elapsed();
    // ... and what freeing it would add.
    let free_start = Instant::now();
    drop(spec);
    let free = free_start.elapsed();
    let peak = peak_mib().map_or("n/a".to_owned(), |p| format!("{:.0}", p.max(base)));
    println!(
        "{:.3}\t{:.3}\t{peak}\t{verdict}",
        t.as_secs_f64(),
        free.as_secs_f64()
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--child") {
        let n = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1000);
        child(args.get(1).map_or("", String::as_str), n);
        return;
    }
    let sizes: Vec<usize> = if args.is_empty() {
        vec![10_000, 100_000, 1_000_000]
    } else {
        args.iter().filter_map(|a| a.parse().ok()).collect()
    };
    let me = std::env::current_exe().expect("own path");
    println!(
        "{:<18} {:>9} {:>9} {:>7} {:>9}  verdict",
        "shape", "lines", "time s", "free s", "peak MiB"
    );
    for (name, what, _) in SHAPES {
        println!("# {name}: {what}");
        let mut killed = false;
        for &n in &sizes {
            if killed {
                println!("{name:<18} {n:>9}  skipped (a smaller size was killed)");
                continue;
            }
            let mut c = Command::new(&me)
                .args(["--child", name, &n.to_string()])
                .stdout(Stdio::piped())
                .spawn()
                .expect("spawn child");
            let deadline = Instant::now() + Duration::from_secs(60);
            let done = loop {
                match c.try_wait() {
                    Ok(Some(_)) => break true,
                    Ok(None) if Instant::now() > deadline => {
                        let _ = c.kill();
                        let _ = c.wait();
                        break false;
                    }
                    _ => std::thread::sleep(Duration::from_millis(20)),
                }
            };
            if !done {
                killed = true;
                println!(
                    "{name:<18} {n:>9} {:>9} {:>7} {:>9}  killed after 60 s",
                    ">60", "?", "?"
                );
                continue;
            }
            let mut s = String::new();
            if let Some(mut o) = c.stdout.take() {
                use std::io::Read as _;
                let _ = o.read_to_string(&mut s);
            }
            let f: Vec<&str> = s.trim().splitn(4, '\t').collect();
            match f.as_slice() {
                [t, d, m, v] => println!("{name:<18} {n:>9} {t:>9} {d:>7} {m:>9}  {v}"),
                _ => println!("{name:<18} {n:>9}  (child failed: {})", s.trim()),
            }
        }
    }
}
