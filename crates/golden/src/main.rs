//! `golden`: check a run of a multi-threaded example against its reference text.
//!
//! ```text
//! golden check EXPECTED ACTUAL     ACTUAL may be `-` for stdin
//! golden run NAME [--repeat N] [--time-scale S] [--timeout SECS] [--bin PATH] [--spec PATH]
//! golden run NAME --explore N [--strategy random|pct:DEPTH] [--seed S] [--jobs J] [--replays R]
//! golden replay NAME SCHEDULE
//! golden timeline NAME [-o FILE]
//! golden bless NAME [--time-scale S] [--bin PATH] [--spec PATH]
//! ```
//!
//! `--explore N` runs the example under N simulated schedules (sync-kit's
//! `SYNC_KIT_SIM`, seeds S, S+1, ...), in parallel, and checks each one; a
//! failure is printed with its seed, schedule string, the checker's report and
//! the command that replays it. The first R seeds (default 10) are run again
//! from their recorded schedule strings and must print the same output.
//! `replay` runs one recorded schedule again.
//! `timeline` draws the example's timeline picture from its fixed seed into
//! `docs/timelines/NAME.svg` (or FILE).
//!
//! `bless` runs the example once and writes its output as the body of the
//! reference, under the existing header (see `golden::bless`).
//!
//! Exit status: 0 match, 1 mismatch, 2 bad input (malformed spec, unreadable file,
//! output not UTF-8, example that could not run or timed out).

use golden::{RunError, RunOptions, Spec};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

const USAGE: &str = "usage: golden check EXPECTED ACTUAL   (ACTUAL `-` reads stdin)
       golden run NAME [--repeat N] [--time-scale S] [--timeout SECS] [--bin PATH] [--spec PATH]
       golden run NAME --explore N [--strategy random|pct:DEPTH] [--seed S] [--jobs J] [--replays R]
       golden replay NAME SCHEDULE
       golden timeline NAME [-o FILE]
       golden bless NAME [--time-scale S] [--bin PATH] [--spec PATH]";

/// Write to standard output; a closed pipe (`golden check ... | head`) is not an
/// error worth a panic, so write errors are ignored.
fn say(args: std::fmt::Arguments<'_>) {
    let _ = std::io::stdout().write_fmt(args);
}

/// Bad input: the message is printed on one line and the exit status is 2.
struct BadInput(String);

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("check") => check(&args[1..]),
        Some("run") => run(&args[1..]),
        Some("replay") => replay(&args[1..]),
        Some("timeline") => picture(&args[1..]),
        Some("bless") => bless(&args[1..]),
        Some("-h" | "--help" | "help") => {
            say(format_args!("{USAGE}\n"));
            Ok(true)
        }
        Some(other) => Err(BadInput(format!(
            "unknown command `{other}` (see `golden --help`)"
        ))),
        None => Err(BadInput("no command (see `golden --help`)".to_owned())),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(BadInput(msg)) => {
            let _ = writeln!(std::io::stderr(), "golden: {msg}");
            ExitCode::from(2)
        }
    }
}

fn read_spec(path: &Path) -> Result<Spec, BadInput> {
    let text = std::fs::read(path)
        .map_err(|e| BadInput(format!("cannot read {}: {e}", path.display())))?;
    let text = String::from_utf8(text)
        .map_err(|_| BadInput(format!("{} is not UTF-8", path.display())))?;
    Spec::parse(&path.display().to_string(), &text).map_err(|e| BadInput(e.to_string()))
}

fn check(args: &[String]) -> Result<bool, BadInput> {
    let [expected, actual] = args else {
        return Err(BadInput(
            "`check` takes two files (see `golden --help`)".to_owned(),
        ));
    };
    let spec = read_spec(Path::new(expected))?;
    let bytes = if actual == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .map_err(|e| BadInput(format!("cannot read stdin: {e}")))?;
        buf
    } else {
        std::fs::read(actual).map_err(|e| BadInput(format!("cannot read {actual}: {e}")))?
    };
    let name = if actual == "-" {
        "stdin"
    } else {
        actual.as_str()
    };
    let text = String::from_utf8(bytes).map_err(|e| {
        BadInput(format!(
            "{name} is not UTF-8 (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })?;
    let outcome = spec.check(&text);
    say(format_args!("{outcome}"));
    let ok = outcome.is_match();
    drop(outcome);
    // The process ends right after: freeing a spec of a million lines one
    // allocation at a time would only delay the exit (0.1 to 0.2 s).
    std::mem::forget(spec);
    Ok(ok)
}

fn run(args: &[String]) -> Result<bool, BadInput> {
    let mut name = None;
    let mut repeat = 1usize;
    let mut opts = RunOptions::default();
    let mut bin: Option<PathBuf> = None;
    let mut spec_path: Option<PathBuf> = None;
    let mut explore: Option<u64> = None;
    let mut explore_opts = golden::ExploreOptions::default();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |flag: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| BadInput(format!("`{flag}` needs a value")))
        };
        match a.as_str() {
            "--repeat" => {
                repeat = value("--repeat")?
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| BadInput("`--repeat` needs a positive number".to_owned()))?;
            }
            "--time-scale" => {
                let s = value("--time-scale")?;
                if !s.parse::<f64>().is_ok_and(|x| x > 0.0 && x.is_finite()) {
                    return Err(BadInput(format!(
                        "`--time-scale` needs a positive number, got `{s}`"
                    )));
                }
                opts.time_scale = Some(s);
            }
            "--timeout" => {
                let s = value("--timeout")?;
                let secs = s
                    .parse::<f64>()
                    .ok()
                    .filter(|x| *x > 0.0 && x.is_finite())
                    .ok_or_else(|| BadInput(format!("`--timeout` needs seconds, got `{s}`")))?;
                opts.timeout = Duration::from_secs_f64(secs);
            }
            "--explore" => {
                explore = Some(
                    value("--explore")?
                        .parse()
                        .ok()
                        .filter(|n| *n > 0)
                        .ok_or_else(|| {
                            BadInput("`--explore` needs a positive number".to_owned())
                        })?,
                );
            }
            "--strategy" => {
                let s = value("--strategy")?;
                explore_opts.strategy = match s.as_str() {
                    "random" => golden::Strategy::Random,
                    _ => match s.strip_prefix("pct:").and_then(|d| d.parse().ok()) {
                        Some(depth) if (1..=64).contains(&depth) => golden::Strategy::Pct(depth),
                        _ => {
                            return Err(BadInput(format!(
                                "`--strategy` is random or pct:DEPTH (1 to 64), got `{s}`"
                            )));
                        }
                    },
                };
            }
            "--seed" => {
                let s = value("--seed")?;
                explore_opts.first_seed = s
                    .parse()
                    .map_err(|_| BadInput(format!("`--seed` needs a number, got `{s}`")))?;
            }
            "--replays" => {
                let s = value("--replays")?;
                explore_opts.determinism_sample = s
                    .parse()
                    .map_err(|_| BadInput(format!("`--replays` needs a number, got `{s}`")))?;
            }
            "--jobs" => {
                let s = value("--jobs")?;
                explore_opts.jobs = s.parse().ok().filter(|n| *n > 0).ok_or_else(|| {
                    BadInput(format!("`--jobs` needs a positive number, got `{s}`"))
                })?;
            }
            "--bin" => bin = Some(PathBuf::from(value("--bin")?)),
            "--spec" => spec_path = Some(PathBuf::from(value("--spec")?)),
            flag if flag.starts_with('-') => {
                return Err(BadInput(format!(
                    "unknown option `{flag}` (see `golden --help`)"
                )));
            }
            n if name.is_none() => name = Some(n.to_owned()),
            extra => return Err(BadInput(format!("unexpected argument `{extra}`"))),
        }
    }
    let Some(name) = name else {
        return Err(BadInput(
            "`run` needs an example name (see `golden --help`)".to_owned(),
        ));
    };
    let cwd =
        std::env::current_dir().map_err(|e| BadInput(format!("no current directory: {e}")))?;
    let root = golden::workspace_root(&cwd);
    let spec_path = match (spec_path, &root) {
        (Some(p), _) => p,
        (None, Some(r)) => r.join("expected-output").join(format!("{name}.txt")),
        (None, None) => {
            return Err(BadInput(
                "not inside a cargo workspace; pass --spec".to_owned(),
            ));
        }
    };
    let bin = match (bin, &root) {
        (Some(b), _) => b,
        (None, Some(r)) => golden::find_example(r, &name).ok_or_else(|| {
            BadInput(format!("no built binary `{name}` in the target directory; build it first (cargo build -p {name})"))
        })?,
        (None, None) => return Err(BadInput("not inside a cargo workspace; pass --bin".to_owned())),
    };
    let spec = read_spec(&spec_path)?;
    if let Some(schedules) = explore {
        explore_opts.schedules = schedules;
        if opts.time_scale.is_some() {
            explore_opts.run.time_scale = opts.time_scale.clone();
        }
        return run_explore(&name, &bin, &spec, &explore_opts);
    }
    let mut passed = 0;
    let mut first_failure = None;
    let mut crashes = 0;
    let mut first_crash = None;
    for _ in 0..repeat {
        let report = golden::run_with_spec(&bin, &spec, &opts)
            .map_err(|e: RunError| BadInput(e.to_string()))?;
        if report.passed() {
            passed += 1;
        } else {
            if let Some(how) = report.crash() {
                crashes += 1;
                first_crash.get_or_insert(how);
            }
            if first_failure.is_none() {
                first_failure = Some(report);
            }
        }
    }
    if let Some(report) = &first_failure {
        say(format_args!("{report}"));
        say(format_args!("--- output of the failing run ---\n"));
        say(format_args!("{}", report.output));
        // The run cannot be repeated at will: keep its output for a closer look.
        if let Some(r) = &root {
            let target = std::env::var_os("CARGO_TARGET_DIR")
                .map_or_else(|| r.join("target"), PathBuf::from);
            let saved = target.join("golden").join(format!("{name}.actual"));
            let written = saved
                .parent()
                .map(std::fs::create_dir_all)
                .transpose()
                .and_then(|_| std::fs::write(&saved, &report.output));
            if written.is_ok() {
                say(format_args!("--- saved to {} ---\n", saved.display()));
            }
        }
    }
    if repeat > 1 || first_failure.is_none() {
        say(format_args!("{name}: {passed}/{repeat} runs passed\n"));
    }
    // A crashed example is bad input for the checker (exit 2), not a mismatch.
    if let Some(how) = first_crash {
        return Err(BadInput(format!(
            "{name}: {crashes} of {repeat} runs crashed; first: {how}"
        )));
    }
    Ok(passed == repeat)
}

fn run_explore(
    name: &str,
    bin: &Path,
    spec: &Spec,
    opts: &golden::ExploreOptions,
) -> Result<bool, BadInput> {
    let report = golden::explore(bin, spec, opts).map_err(|e| BadInput(format!("{name}: {e}")))?;
    for failure in report.failures.iter().take(3) {
        say(format_args!(
            "FAIL: seed {} ({}={})\n{}--- output ---\n{}",
            failure.seed, "SYNC_KIT_SIM", failure.sim, failure.report, failure.output
        ));
        if let Some(schedule) = &failure.schedule {
            say(format_args!(
                "schedule: {schedule}\nreplay:   golden replay {name} {schedule}\n          SYNC_KIT_SIM=replay:{schedule} cargo run -p {name}\n\n"
            ));
        }
    }
    for divergence in &report.nondeterministic {
        say(format_args!(
            "NOT DETERMINISTIC: seed {}: {}\n",
            divergence.seed, divergence.detail
        ));
    }
    say(format_args!(
        "{name}: {} schedules, {} distinct outputs, {} failed, {} not deterministic ({:.1} s)\n",
        report.schedules,
        report.distinct_outputs,
        report.failures.len(),
        report.nondeterministic.len(),
        report.elapsed.as_secs_f64()
    ));
    Ok(report.passed())
}

/// The workspace root, the parsed reference and the built binary of `name`.
fn locate(name: &str) -> Result<(PathBuf, Spec, PathBuf), BadInput> {
    let cwd =
        std::env::current_dir().map_err(|e| BadInput(format!("no current directory: {e}")))?;
    let root = golden::workspace_root(&cwd)
        .ok_or_else(|| BadInput("not inside a cargo workspace".to_owned()))?;
    let spec = read_spec(&root.join("expected-output").join(format!("{name}.txt")))?;
    let bin = golden::find_example(&root, name).ok_or_else(|| {
        BadInput(format!(
            "no built binary `{name}` in the target directory; build it first (cargo build -p {name})"
        ))
    })?;
    Ok((root, spec, bin))
}

fn replay(args: &[String]) -> Result<bool, BadInput> {
    let [name, schedule] = args else {
        return Err(BadInput(
            "`replay` takes an example name and a schedule string".to_owned(),
        ));
    };
    let (_, spec, bin) = locate(name)?;
    let opts = RunOptions::default().env("SYNC_KIT_SIM", format!("replay:{schedule}"));
    let report = golden::run_with_spec(&bin, &spec, &opts).map_err(|e| BadInput(e.to_string()))?;
    say(format_args!("{}", report.output));
    say(format_args!("--- check ---\n{report}"));
    Ok(report.passed())
}

fn picture(args: &[String]) -> Result<bool, BadInput> {
    let (name, out) = match args {
        [name] => (name, None),
        [name, flag, file] if flag == "-o" => (name, Some(PathBuf::from(file))),
        _ => {
            return Err(BadInput(
                "`timeline` takes an example name and optionally -o FILE".to_owned(),
            ));
        }
    };
    let (root, spec, bin) = locate(name)?;
    let seed = golden::picture_seed(&root, name);
    let svg = golden::draw(&bin, &spec, seed).map_err(|e| BadInput(format!("{name}: {e}")))?;
    let out = out.unwrap_or_else(|| golden::picture_path(&root, name));
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| BadInput(format!("cannot create {}: {e}", dir.display())))?;
    }
    std::fs::write(&out, svg)
        .map_err(|e| BadInput(format!("cannot write {}: {e}", out.display())))?;
    say(format_args!("{name}: seed {seed} -> {}\n", out.display()));
    Ok(true)
}

/// `golden bless NAME`: run the example once and write its output as the new body
/// of its reference, under the existing header.
fn bless(args: &[String]) -> Result<bool, BadInput> {
    let mut name = None;
    let mut opts = RunOptions::default();
    let (mut bin, mut spec_path): (Option<PathBuf>, Option<PathBuf>) = (None, None);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |flag: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| BadInput(format!("`{flag}` needs a value")))
        };
        match a.as_str() {
            "--time-scale" => opts.time_scale = Some(value("--time-scale")?),
            "--bin" => bin = Some(PathBuf::from(value("--bin")?)),
            "--spec" => spec_path = Some(PathBuf::from(value("--spec")?)),
            flag if flag.starts_with('-') => {
                return Err(BadInput(format!("unknown option `{flag}` for `bless`")));
            }
            n if name.is_none() => name = Some(n.to_owned()),
            extra => return Err(BadInput(format!("unexpected argument `{extra}`"))),
        }
    }
    let name = name.ok_or_else(|| BadInput("`bless` needs an example name".to_owned()))?;
    let cwd =
        std::env::current_dir().map_err(|e| BadInput(format!("no current directory: {e}")))?;
    let root = golden::workspace_root(&cwd);
    let spec_path = spec_path
        .or_else(|| {
            root.as_ref()
                .map(|r| r.join("expected-output").join(format!("{name}.txt")))
        })
        .ok_or_else(|| BadInput("not inside a cargo workspace; pass --spec".to_owned()))?;
    let bin = bin
        .or_else(|| root.as_ref().and_then(|r| golden::find_example(r, &name)))
        .ok_or_else(|| {
            BadInput(format!(
                "no built binary `{name}`; build it first (cargo build -p {name})"
            ))
        })?;
    let spec = read_spec(&spec_path)?;
    let report = golden::run_with_spec(&bin, &spec, &opts).map_err(|e| BadInput(e.to_string()))?;
    if let Some(how) = report.crash() {
        return Err(BadInput(format!("{name}: not blessed: {how}")));
    }
    let note = golden::bless_file(&spec_path, &report.output).map_err(BadInput)?;
    say(format_args!("{note}\n"));
    Ok(true)
}
