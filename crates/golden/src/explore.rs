//! Schedule exploration: run an example under many simulated schedules and
//! check every run against its reference.
//!
//! Each run sets `SYNC_KIT_SIM` for the example (sync-kit's simulator: see its
//! `sim` module) and `SYNC_KIT_SIM_REPORT` to a scratch file from which the
//! run's schedule string is read, so every failure comes with the seed, the
//! schedule and the command that replays it. A sample of seeds is run twice
//! and the pairs compared: a program that is not deterministic under the
//! simulator (it shares state outside sync-kit, or reads the real clock) is
//! reported with the first choice at which the two schedules part.
//!
//! golden links nothing of sync-kit: it only sets environment variables and
//! reads the report file, whose format is `key=value` lines.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::{Report, RunError, RunOptions, Spec, run_with_spec};

/// Which schedules to try.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    /// Uniform random choice at every scheduling point (`random:SEED`).
    Random,
    /// PCT of this depth (`pct:DEPTH:SEED:STEPS`); the step count is learnt
    /// from a first run.
    Pct(u32),
}

/// How to explore.
#[derive(Debug, Clone)]
pub struct ExploreOptions {
    /// How many schedules (seeds `first_seed..first_seed + schedules`).
    pub schedules: u64,
    /// The strategy.
    pub strategy: Strategy,
    /// The first seed.
    pub first_seed: u64,
    /// Runs at once (default: twice the machine's cores).
    pub jobs: usize,
    /// How many of the seeds are run a second time, replaying the first run's
    /// schedule string, to check that replay gives the same output.
    pub determinism_sample: u64,
    /// Options of each run (timeout, time scale, more environment).
    pub run: RunOptions,
}

impl Default for ExploreOptions {
    fn default() -> Self {
        ExploreOptions {
            schedules: 200,
            strategy: Strategy::Random,
            first_seed: 0,
            // Runs wait on process start-up and exit as much as they compute:
            // two per core keep the cores busy.
            jobs: 2 * std::thread::available_parallelism().map_or(2, |n| n.get()),
            determinism_sample: 10,
            run: RunOptions::default().timeout(Duration::from_secs(30)),
        }
    }
}

/// One schedule whose run did not match.
#[derive(Debug)]
pub struct ScheduleFailure {
    /// The seed.
    pub seed: u64,
    /// The `SYNC_KIT_SIM` value of the run.
    pub sim: String,
    /// The schedule string that replays it (`SYNC_KIT_SIM=replay:SCHEDULE`).
    pub schedule: Option<String>,
    /// The checker's report.
    pub report: String,
    /// What the run printed.
    pub output: String,
}

/// Two runs of one seed that differed.
#[derive(Debug)]
pub struct Divergence {
    /// The seed.
    pub seed: u64,
    /// Where the two runs parted, in words.
    pub detail: String,
}

/// What an exploration found.
#[derive(Debug, Default)]
pub struct ExploreReport {
    /// Schedules run and checked.
    pub schedules: u64,
    /// Distinct outputs among them (addresses masked).
    pub distinct_outputs: usize,
    /// Runs that did not match, by seed.
    pub failures: Vec<ScheduleFailure>,
    /// Seeds whose two runs differed.
    pub nondeterministic: Vec<Divergence>,
    /// Wall time of the whole exploration.
    pub elapsed: Duration,
}

impl ExploreReport {
    /// True when every schedule matched and every repeated seed ran the same.
    pub fn passed(&self) -> bool {
        self.failures.is_empty() && self.nondeterministic.is_empty()
    }
}

/// One simulated run: its check, its schedule string and step count.
struct SimRun {
    report: Report,
    schedule: Option<String>,
    choices: Option<u64>,
}

fn run_once(
    bin: &Path,
    spec: &Spec,
    opts: &RunOptions,
    sim: &str,
    scratch: &Path,
) -> Result<SimRun, RunError> {
    let _ = std::fs::remove_file(scratch);
    let opts = opts
        .clone()
        .env("SYNC_KIT_SIM", sim)
        .env("SYNC_KIT_SIM_REPORT", scratch.display().to_string());
    let report = run_with_spec(bin, spec, &opts)?;
    let text = std::fs::read_to_string(scratch).unwrap_or_default();
    let _ = std::fs::remove_file(scratch);
    let field = |key: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(key).and_then(|v| v.strip_prefix('=')))
            .map(str::to_owned)
    };
    Ok(SimRun {
        report,
        schedule: field("schedule"),
        choices: field("choices").and_then(|c| c.parse().ok()),
    })
}

fn scratch_file(tag: &str) -> PathBuf {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    std::env::temp_dir().join(format!("golden-sim-{}-{tag}-{n}.txt", std::process::id()))
}

/// Output with object addresses masked, for counting distinct outputs.
fn masked(output: &str) -> String {
    let mut out = String::with_capacity(output.len());
    let mut rest = output;
    while let Some(at) = rest.find("0x") {
        out.push_str(&rest[..at]);
        let hex = rest[at + 2..]
            .bytes()
            .take_while(u8::is_ascii_hexdigit)
            .count();
        out.push_str(if hex >= 6 {
            "0x…"
        } else {
            &rest[at..at + 2 + hex]
        });
        rest = &rest[at + 2 + hex..];
    }
    out.push_str(rest);
    out
}

/// Runs `bin` under `opts.schedules` simulated schedules and checks each run
/// against `spec`.
///
/// # Errors
/// A run that could not be made at all (spawn failure, timeout, output that
/// is not UTF-8); a run that ran and did not match is a [`ScheduleFailure`].
pub fn explore(bin: &Path, spec: &Spec, opts: &ExploreOptions) -> Result<ExploreReport, RunError> {
    let start = Instant::now();
    let sim_for = |seed: u64, steps: u64| match opts.strategy {
        Strategy::Random => format!("random:{seed}"),
        Strategy::Pct(depth) => format!("pct:{depth}:{seed}:{}", steps.max(1)),
    };
    // PCT spreads its change points over the run's real choices: learn how many.
    let steps = match opts.strategy {
        Strategy::Random => 0,
        Strategy::Pct(_) => {
            let first = run_once(
                bin,
                spec,
                &opts.run,
                &format!("random:{}", opts.first_seed),
                &scratch_file("steps"),
            )?;
            first.choices.unwrap_or(100)
        }
    };
    let next = AtomicU64::new(0);
    let done = AtomicUsize::new(0);
    let outputs = Mutex::new(HashSet::new());
    let failures = Mutex::new(Vec::new());
    let divergences = Mutex::new(Vec::new());
    let error = Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..opts.jobs.max(1) {
            scope.spawn(|| {
                let scratch = scratch_file("run");
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= opts.schedules || error.lock().map_or(true, |e| e.is_some()) {
                        return;
                    }
                    let seed = opts.first_seed.wrapping_add(i);
                    let sim = sim_for(seed, steps);
                    let run = match run_once(bin, spec, &opts.run, &sim, &scratch) {
                        Ok(run) => run,
                        Err(err) => {
                            if let Ok(mut slot) = error.lock() {
                                slot.get_or_insert(err);
                            }
                            return;
                        }
                    };
                    if i < opts.determinism_sample {
                        let again = run
                            .schedule
                            .as_ref()
                            .map_or_else(|| sim.clone(), |s| format!("replay:{s}"));
                        match run_once(bin, spec, &opts.run, &again, &scratch) {
                            Ok(again) => {
                                if let Some(detail) = compare(&run, &again) {
                                    if let Ok(mut d) = divergences.lock() {
                                        d.push(Divergence { seed, detail });
                                    }
                                }
                            }
                            Err(err) => {
                                if let Ok(mut slot) = error.lock() {
                                    slot.get_or_insert(err);
                                }
                                return;
                            }
                        }
                    }
                    if let Ok(mut seen) = outputs.lock() {
                        seen.insert(masked(&run.report.output));
                    }
                    if !run.report.passed() {
                        if let Ok(mut f) = failures.lock() {
                            f.push(ScheduleFailure {
                                seed,
                                sim,
                                schedule: run.schedule,
                                report: run.report.to_string(),
                                output: run.report.output,
                            });
                        }
                    }
                    done.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
    });
    if let Some(err) = error.into_inner().ok().flatten() {
        return Err(err);
    }
    let mut failures = failures.into_inner().unwrap_or_default();
    failures.sort_by_key(|f| f.seed);
    let mut nondeterministic = divergences.into_inner().unwrap_or_default();
    nondeterministic.sort_by_key(|d| d.seed);
    Ok(ExploreReport {
        schedules: done.into_inner() as u64,
        distinct_outputs: outputs.into_inner().map_or(0, |o| o.len()),
        failures,
        nondeterministic,
        elapsed: start.elapsed(),
    })
}

/// Where two runs of one seed differ, or `None` when they agree.
fn compare(a: &SimRun, b: &SimRun) -> Option<String> {
    if let (Some(sa), Some(sb)) = (&a.schedule, &b.schedule) {
        if sa != sb {
            let (ca, cb) = (decode(sa), decode(sb));
            let at = ca
                .iter()
                .zip(&cb)
                .position(|(x, y)| x != y)
                .unwrap_or(ca.len().min(cb.len()));
            let show = |c: &[u32]| {
                c.get(at)
                    .map_or("nothing (the run had ended)".to_owned(), |t| {
                        format!("thread {t}")
                    })
            };
            return Some(format!(
                "the schedules part at choice {}: the first run ran {}, the second {}",
                at + 1,
                show(&ca),
                show(&cb)
            ));
        }
    }
    let (ma, mb) = (masked(&a.report.output), masked(&b.report.output));
    if ma != mb {
        let line = ma
            .lines()
            .zip(mb.lines())
            .position(|(x, y)| x != y)
            .unwrap_or(ma.lines().count().min(mb.lines().count()));
        return Some(format!(
            "same schedule, different output from line {}: {:?} vs {:?}",
            line + 1,
            ma.lines().nth(line).unwrap_or(""),
            mb.lines().nth(line).unwrap_or("")
        ));
    }
    None
}

/// The thread indices of a schedule string (`SEEDHEX-` then `a`=0 … `Z`=51,
/// `(N)` for larger, each optionally followed by a repeat count).
fn decode(schedule: &str) -> Vec<u32> {
    let body = schedule.split_once('-').map_or("", |(_, b)| b);
    let mut out = Vec::new();
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        let tid = match c {
            'a'..='z' => c as u32 - 'a' as u32,
            'A'..='Z' => c as u32 - 'A' as u32 + 26,
            '(' => {
                let digits: String = chars.by_ref().take_while(|&d| d != ')').collect();
                digits.parse().unwrap_or(u32::MAX)
            }
            _ => continue,
        };
        let mut count = 0usize;
        while let Some(d) = chars.peek().and_then(|d| d.to_digit(10)) {
            count = count.saturating_mul(10).saturating_add(d as usize);
            chars.next();
        }
        out.extend(std::iter::repeat_n(tid, count.max(1)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules_decode_like_sync_kit_writes_them() {
        assert_eq!(
            decode("2a-ab3ca2(60)2BZ"),
            vec![0, 1, 1, 1, 2, 0, 0, 60, 60, 27, 51]
        );
        assert_eq!(decode("0-"), Vec::<u32>::new());
    }

    #[test]
    fn long_hex_numbers_are_masked_short_ones_kept() {
        assert_eq!(masked("at 0x7ffd1234abcd and 0x1f"), "at 0x… and 0x1f");
    }
}
