//! Timeline pictures of the examples: run an example under a fixed simulated
//! schedule with `SYNC_KIT_TRACE`, and draw the trace with the `timeline`
//! crate. The committed pictures live in `docs/timelines/NAME.svg`; the seed
//! of each is in `docs/timelines/seeds.txt` (`NAME SEED` lines, default 1),
//! and each example's golden test fails when its committed picture is stale.

use std::path::{Path, PathBuf};

use crate::{RunError, RunOptions, Spec, run_with_spec};

/// Where the committed pictures are, below the workspace root.
pub const PICTURE_DIR: &str = "docs/timelines";

/// The seed the picture of `name` is drawn from.
pub fn picture_seed(root: &Path, name: &str) -> u64 {
    let seeds =
        std::fs::read_to_string(root.join(PICTURE_DIR).join("seeds.txt")).unwrap_or_default();
    seeds
        .lines()
        .filter_map(|line| line.split_once(' '))
        .find(|(n, _)| *n == name)
        .and_then(|(_, seed)| seed.trim().parse().ok())
        .unwrap_or(1)
}

/// The committed picture's path.
pub fn picture_path(root: &Path, name: &str) -> PathBuf {
    root.join(PICTURE_DIR).join(format!("{name}.svg"))
}

/// Runs `bin` under `random:SEED` with a trace and returns the SVG of the
/// trace. The run's output must match `spec` (a picture of a wrong run would
/// mislead) and the trace must pass the format check.
///
/// # Errors
/// The run failing, or an invalid trace, in words.
pub fn draw(bin: &Path, spec: &Spec, seed: u64) -> Result<String, String> {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let trace = std::env::temp_dir().join(format!("golden-trace-{}-{n}.json", std::process::id()));
    let opts = RunOptions::default()
        .env("SYNC_KIT_SIM", format!("random:{seed}"))
        .env("SYNC_KIT_TRACE", trace.display().to_string());
    let report = run_with_spec(bin, spec, &opts).map_err(|e: RunError| e.to_string())?;
    let bytes = std::fs::read(&trace).map_err(|e| format!("no trace written: {e}"));
    let _ = std::fs::remove_file(&trace);
    if !report.passed() {
        return Err(format!(
            "the traced run does not match its reference:\n{report}"
        ));
    }
    let value = timeline::parse_json(&bytes?).map_err(|e| e.to_string())?;
    let problems = timeline::check(&value);
    if let Some(problem) = problems.first() {
        return Err(format!(
            "the trace is not valid: {problem} ({} problems)",
            problems.len()
        ));
    }
    let trace = timeline::Trace::from_value(&value);
    Ok(timeline::render_svg(&trace, &timeline::Options::default()))
}

/// An SVG with long hex numbers (object addresses in log lines) masked, for
/// comparing a fresh picture with the committed one.
pub fn masked_svg(svg: &str) -> String {
    let mut out = String::with_capacity(svg.len());
    let mut rest = svg;
    while let Some(at) = rest.find("0x") {
        out.push_str(&rest[..at + 2]);
        let hex = rest[at + 2..]
            .bytes()
            .take_while(u8::is_ascii_hexdigit)
            .count();
        if hex < 6 {
            out.push_str(&rest[at + 2..at + 2 + hex]);
        } else {
            out.push('…');
        }
        rest = &rest[at + 2 + hex..];
    }
    out.push_str(rest);
    out
}
