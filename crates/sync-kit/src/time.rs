//! Sleeps and timeouts, in one place, so that a whole program can be sped up.
//!
//! Every sleep and every timeout in sync-kit goes through this module, and the
//! examples sleep with [`sleep`] too. The environment variable
//! `SYNC_KIT_TIME_SCALE` multiplies them all: `SYNC_KIT_TIME_SCALE=0.05` makes a
//! 2 s `join` timeout last 100 ms, so a golden suite of programs that sleep for
//! seconds runs in a fraction of that. Unset means real time.
//!
//! Guarantees:
//! - the scale is read once per process, the first time it is needed;
//! - a value that is not a finite number greater than 0 is reported by [`init`]
//!   (which [`crate::main`] calls first) as an [`ErrorKind::Environment`] error;
//!   code that never calls `init` gets real time and a one-line warning on stderr;
//! - timeouts never end early: a [`Deadline`] is computed once on a monotonic clock
//!   and every wait re-checks it;
//! - huge timeouts do not overflow: a deadline past what [`Instant`] can represent
//!   means "wait forever".
//!
//! ```
//! use std::time::Duration;
//! // With SYNC_KIT_TIME_SCALE unset, scaling is the identity.
//! # unsafe { std::env::remove_var("SYNC_KIT_TIME_SCALE") };
//! assert_eq!(sync_kit::time::scaled(Duration::from_millis(20)), Duration::from_millis(20));
//! sync_kit::time::sleep(Duration::from_millis(1));
//! ```

use std::panic::Location;
use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime};

use crate::error::{Error, ErrorKind, Result};

/// The environment variable that scales every sleep and timeout.
pub const SCALE_VAR: &str = "SYNC_KIT_TIME_SCALE";

static SCALE: OnceLock<Result<f64>> = OnceLock::new();

/// Parses a time-scale value as found in `SYNC_KIT_TIME_SCALE`.
///
/// ```
/// assert_eq!(sync_kit::time::parse_scale("0.05").unwrap(), 0.05);
/// assert!(sync_kit::time::parse_scale("fast").is_err());
/// assert!(sync_kit::time::parse_scale("0").is_err());
/// ```
pub fn parse_scale(text: &str) -> Result<f64> {
    let bad = |why: &str| {
        Error::new(
            ErrorKind::Environment,
            format!("{SCALE_VAR}={text:?} is not usable: {why}"),
        )
    };
    let value: f64 = text
        .trim()
        .parse()
        .map_err(|_| bad("expected a number such as 0.05"))?;
    if !value.is_finite() || value <= 0.0 {
        return Err(bad("it must be a finite number greater than 0"));
    }
    Ok(value)
}

fn read_scale() -> Result<f64> {
    match std::env::var(SCALE_VAR) {
        Ok(text) => parse_scale(&text),
        Err(std::env::VarError::NotPresent) => Ok(1.0),
        Err(std::env::VarError::NotUnicode(_)) => Err(Error::new(
            ErrorKind::Environment,
            format!("{SCALE_VAR} is not valid UTF-8"),
        )),
    }
}

/// Reads `SYNC_KIT_TIME_SCALE` now and reports a bad value as an error.
///
/// [`crate::main`] calls this before running anything, so a typo in the variable
/// stops the program with a clear message instead of running at the wrong speed.
pub fn init() -> Result<f64> {
    SCALE.get_or_init(read_scale).clone()
}

/// The factor every sleep and timeout is multiplied by (1.0 when unset).
pub fn scale() -> f64 {
    match SCALE.get_or_init(read_scale) {
        Ok(value) => *value,
        Err(err) => {
            static WARNED: OnceLock<()> = OnceLock::new();
            WARNED.get_or_init(|| eprintln!("sync-kit: {err}; using real time"));
            1.0
        }
    }
}

/// `duration` multiplied by the time scale.
pub fn scaled(duration: Duration) -> Duration {
    // Virtual time costs nothing: the simulator never scales it, so a
    // simulated run's timestamps are the program's own.
    if crate::sim::active() {
        return duration;
    }
    let factor = scale();
    if factor == 1.0 {
        return duration;
    }
    // Saturate rather than panic on absurdly long durations.
    Duration::try_from_secs_f64(duration.as_secs_f64() * factor).unwrap_or(Duration::MAX)
}

/// The monotonic clock every deadline is measured on: [`Instant::now`], or
/// the simulator's virtual clock for a thread under [`crate::sim`].
#[inline]
pub fn now() -> Instant {
    crate::sim::now().unwrap_or_else(Instant::now)
}

/// Real microseconds since the process first asked, plus one (never 0): a
/// timestamp small enough to keep in an atomic beside other bits.
pub(crate) fn real_micros() -> u64 {
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_micros() as u64 + 1
}

/// The first instant of a simulated run's wall clock: 2000-01-01 00:00:00 UTC.
pub const SIM_WALL_EPOCH_SECS: u64 = 946_684_800;

/// The wall clock (for `%(asctime)s`): [`SystemTime::now`], or for a thread
/// under the simulator [`SIM_WALL_EPOCH_SECS`] plus virtual time.
pub fn wall_now() -> SystemTime {
    match crate::sim::virtual_elapsed() {
        Some(elapsed) => {
            SystemTime::UNIX_EPOCH + Duration::from_secs(SIM_WALL_EPOCH_SECS) + elapsed
        }
        None => SystemTime::now(),
    }
}

/// Sleeps for `duration`, scaled. Never returns early.
///
/// Under the simulator this is a scheduling point and the sleep takes virtual
/// time only; a zero sleep is a bare scheduling point (Python's
/// `time.sleep(0)`, a yield).
#[track_caller]
pub fn sleep(duration: Duration) {
    sleep_unscaled(scaled(duration), Location::caller());
}

/// Sleeps for `seconds` (Python's `time.sleep(seconds)`), scaled.
/// Negative, zero and NaN values only yield.
#[track_caller]
pub fn sleep_secs(seconds: f64) {
    let duration = if seconds > 0.0 {
        Duration::try_from_secs_f64(seconds).unwrap_or(Duration::MAX)
    } else {
        Duration::ZERO
    };
    sleep(duration);
}

fn sleep_unscaled(duration: Duration, site: &'static Location<'static>) {
    crate::sim::point();
    if crate::sim::active() {
        if !duration.is_zero() {
            crate::park::sleep_until(Deadline::after_unscaled(duration), site);
        }
        return;
    }
    // A real sleep is seen by the observers (the trace's sleeping slices) as a
    // wait that nothing ends early.
    let on = (!crate::observe::quiet() && !duration.is_zero())
        .then(|| crate::park::WaitOn::new("sleep", site as *const _ as usize, None, site));
    if let Some(on) = &on {
        crate::observe::wait_begin(on);
    }
    // std::thread::sleep already loops over EINTR; the deadline loop covers
    // platforms whose sleep may return a hair early.
    let deadline = Deadline::after_unscaled(duration);
    while let Some(left) = deadline.remaining() {
        if left.is_zero() {
            break;
        }
        std::thread::sleep(left);
    }
    if let Some(on) = &on {
        crate::observe::wait_end(on, crate::park::Park::TimedOut, 0);
    }
}

/// A point in time a wait must not end before (unless woken), or "never".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Deadline {
    at: Option<Instant>,
}

impl Deadline {
    /// No deadline: wait until woken.
    pub const NEVER: Deadline = Deadline { at: None };

    /// The deadline `timeout` from now, with `timeout` scaled by the time scale.
    /// `None` means no deadline.
    pub fn after(timeout: Option<Duration>) -> Self {
        match timeout {
            None => Self::NEVER,
            Some(timeout) => Self::after_unscaled(scaled(timeout)),
        }
    }

    /// The deadline `timeout` from now, ignoring the time scale.
    pub fn after_unscaled(timeout: Duration) -> Self {
        Deadline {
            at: now().checked_add(timeout),
        }
    }

    /// The deadline's instant, `None` for "never".
    pub fn instant(&self) -> Option<Instant> {
        self.at
    }

    /// Time left before the deadline: `None` if there is no deadline, zero once it
    /// has passed.
    pub fn remaining(&self) -> Option<Duration> {
        self.at.map(|at| at.saturating_duration_since(now()))
    }

    /// Whether the deadline has passed. Never true for [`Deadline::NEVER`].
    pub fn expired(&self) -> bool {
        self.remaining().is_some_and(|left| left.is_zero())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_accepts_positive_finite_numbers() {
        assert_eq!(parse_scale("1").unwrap(), 1.0);
        assert_eq!(parse_scale(" 0.5 ").unwrap(), 0.5);
        assert_eq!(parse_scale("20").unwrap(), 20.0);
    }

    #[test]
    fn parse_rejects_bad_values_with_the_variable_name() {
        for text in ["", "abc", "0", "-1", "inf", "NaN", "1e999"] {
            let err = parse_scale(text).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Environment, "{text:?}");
            assert!(err.message().contains(SCALE_VAR), "{err}");
        }
    }

    #[test]
    fn huge_timeouts_do_not_overflow() {
        let deadline = Deadline::after_unscaled(Duration::MAX);
        assert!(!deadline.expired());
        assert_eq!(deadline, Deadline::NEVER);
    }

    #[test]
    fn zero_timeout_is_already_expired() {
        assert!(Deadline::after_unscaled(Duration::ZERO).expired());
        assert!(!Deadline::NEVER.expired());
        assert_eq!(Deadline::NEVER.remaining(), None);
    }

    #[test]
    fn sleep_never_returns_early() {
        let start = Instant::now();
        sleep_unscaled(Duration::from_millis(30), Location::caller());
        assert!(start.elapsed() >= Duration::from_millis(30));
    }
}
