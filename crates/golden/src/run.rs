//! Running an example binary and checking its output.
//!
//! The child's stdout and stderr share one pipe, so their lines keep the order in
//! which the program wrote them. A child that outlives the timeout is killed and
//! reported as an error; one that exits with an unexpected status or a signal fails
//! the check with that status in the report.

use crate::{Outcome, Spec, SpecError};
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How to run an example.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Kill the example and report an error after this long (default 60 s).
    pub timeout: Duration,
    /// Value for `SYNC_KIT_TIME_SCALE` in the child's environment (sleeps scale by it).
    pub time_scale: Option<String>,
    /// More variables for the child's environment (`SYNC_KIT_SIM`, ...).
    pub env: Vec<(String, String)>,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            timeout: Duration::from_secs(60),
            time_scale: None,
            env: Vec::new(),
        }
    }
}

impl RunOptions {
    /// Set `SYNC_KIT_TIME_SCALE` for the child (sleeps and timeouts scale by it).
    pub fn time_scale(mut self, scale: impl Into<String>) -> Self {
        self.time_scale = Some(scale.into());
        self
    }

    /// Set an environment variable for the child.
    pub fn env(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }

    /// Kill the example after `timeout`.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
}

/// One checked run.
#[derive(Debug)]
pub struct Report {
    /// The check of the output.
    pub outcome: Outcome,
    /// How the example ended.
    pub status: ExitStatus,
    /// The exit code the spec expects (`%exit`, default 0).
    pub expected_exit: i32,
    /// What the example printed (stdout and stderr, merged).
    pub output: String,
    /// Wall-clock time of the run.
    pub elapsed: Duration,
}

impl Report {
    /// True when the output matches and the exit status is the expected one.
    pub fn passed(&self) -> bool {
        self.outcome.is_match() && self.status.code() == Some(self.expected_exit)
    }

    /// How the example crashed, if it did: killed by a signal, or an exit
    /// status other than the spec's `%exit` (a Rust panic in `main` exits 101).
    pub fn crash(&self) -> Option<String> {
        (self.status.code() != Some(self.expected_exit)).then(|| {
            format!(
                "the example {} (expected exit status {})",
                describe_status(&self.status),
                self.expected_exit
            )
        })
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.status.code() != Some(self.expected_exit) {
            writeln!(
                f,
                "FAIL: the example {} (expected exit status {})",
                describe_status(&self.status),
                self.expected_exit
            )?;
        }
        if !self.outcome.is_match() || self.status.code() == Some(self.expected_exit) {
            write!(f, "{}", self.outcome)?;
        }
        Ok(())
    }
}

fn describe_status(status: &ExitStatus) -> String {
    if let Some(code) = status.code() {
        return format!("exited with status {code}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = status.signal() {
            return format!("was killed by signal {sig}");
        }
    }
    format!("ended abnormally ({status})")
}

/// Why an example could not be checked.
#[derive(Debug)]
pub enum RunError {
    /// The spec file could not be read.
    ReadSpec(PathBuf, std::io::Error),
    /// The spec file is malformed.
    Spec(SpecError),
    /// The example could not be started.
    Spawn(PathBuf, std::io::Error),
    /// The example ran longer than the timeout and was killed.
    Timeout(Duration),
    /// The example printed bytes that are not UTF-8.
    NotUtf8,
    /// Reading the example's output failed.
    Io(std::io::Error),
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::ReadSpec(p, e) => write!(f, "cannot read {}: {e}", p.display()),
            RunError::Spec(e) => write!(f, "{e}"),
            RunError::Spawn(p, e) => write!(f, "cannot run {}: {e}", p.display()),
            RunError::Timeout(t) => {
                write!(
                    f,
                    "the example was still running after {:.1} s and was killed",
                    t.as_secs_f64()
                )
            }
            RunError::NotUtf8 => write!(f, "the example's output is not UTF-8"),
            RunError::Io(e) => write!(f, "reading the example's output: {e}"),
        }
    }
}

impl std::error::Error for RunError {}

/// Run the example binary `bin` and check its output against the spec file `spec`.
pub fn run_example(bin: &Path, spec: &Path, opts: &RunOptions) -> Result<Report, RunError> {
    let text =
        std::fs::read_to_string(spec).map_err(|e| RunError::ReadSpec(spec.to_path_buf(), e))?;
    let spec = Spec::parse(&spec.display().to_string(), &text).map_err(RunError::Spec)?;
    run_with_spec(bin, &spec, opts)
}

/// Run the example binary `bin` and check its output against a parsed spec.
pub fn run_with_spec(bin: &Path, spec: &Spec, opts: &RunOptions) -> Result<Report, RunError> {
    let start = Instant::now();
    let (output, status) = run_merged(bin, opts)?;
    let elapsed = start.elapsed();
    let output = String::from_utf8(output).map_err(|_| RunError::NotUtf8)?;
    Ok(Report {
        outcome: spec.check(&output),
        status,
        expected_exit: spec.expected_exit(),
        output,
        elapsed,
    })
}

/// Run `bin` with stdout and stderr on one pipe; returns what it wrote and its status.
fn run_merged(bin: &Path, opts: &RunOptions) -> Result<(Vec<u8>, ExitStatus), RunError> {
    let (mut reader, writer) = std::io::pipe().map_err(RunError::Io)?;
    let writer2 = writer.try_clone().map_err(RunError::Io)?;
    let mut cmd = Command::new(bin);
    cmd.stdin(Stdio::null()).stdout(writer).stderr(writer2);
    if let Some(scale) = &opts.time_scale {
        cmd.env("SYNC_KIT_TIME_SCALE", scale);
    }
    for (key, value) in &opts.env {
        cmd.env(key, value);
    }
    // A binary just written (by a build, or a test) can be briefly "busy" while
    // another process forked in the meantime still holds it open: retry a little.
    let mut spawned = cmd.spawn();
    for _ in 0..20 {
        match &spawned {
            Err(e) if e.kind() == std::io::ErrorKind::ExecutableFileBusy => {
                std::thread::sleep(Duration::from_millis(10));
                spawned = cmd.spawn();
            }
            _ => break,
        }
    }
    // The parent's copies of the write end must close, or the reader never sees EOF.
    drop(cmd);
    let mut child = spawned.map_err(|e| RunError::Spawn(bin.to_path_buf(), e))?;
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        let r = reader.read_to_end(&mut buf).map(|_| buf);
        let _ = tx.send(r);
    });
    let deadline = Instant::now() + opts.timeout;
    // Poll often at first: a simulated run takes a millisecond or two, and a
    // fixed 5 ms poll would dominate an exploration of thousands of them.
    let mut poll = Duration::from_micros(50);
    let status = loop {
        match child.try_wait().map_err(RunError::Io)? {
            Some(status) => break status,
            None if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(RunError::Timeout(opts.timeout));
            }
            None => {
                std::thread::sleep(poll);
                poll = (poll * 2).min(Duration::from_millis(5));
            }
        }
    };
    // A grandchild could keep the pipe open; do not wait for it forever.
    match rx.recv_timeout(Duration::from_secs(5)) {
        Ok(Ok(buf)) => Ok((buf, status)),
        Ok(Err(e)) => Err(RunError::Io(e)),
        Err(_) => Err(RunError::Io(std::io::Error::other(
            "output pipe still open after the example exited",
        ))),
    }
}

/// The workspace root: the nearest ancestor of `from` whose `Cargo.toml` has `[workspace]`.
pub fn workspace_root(from: &Path) -> Option<PathBuf> {
    from.ancestors()
        .find(|dir| {
            std::fs::read_to_string(dir.join("Cargo.toml"))
                .is_ok_and(|t| t.lines().any(|l| l.trim() == "[workspace]"))
        })
        .map(Path::to_path_buf)
}

/// The built example binary `name`: in `CARGO_TARGET_DIR` or `<root>/target`, the
/// newest of `release/NAME` and `debug/NAME`.
pub fn find_example(root: &Path, name: &str) -> Option<PathBuf> {
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    let target = if target.is_relative() {
        root.join(target)
    } else {
        target
    };
    let file = format!("{name}{}", std::env::consts::EXE_SUFFIX);
    ["release", "debug"]
        .iter()
        .map(|p| target.join(p).join(&file))
        .filter(|p| p.is_file())
        .max_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok())
}
