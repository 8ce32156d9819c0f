//! Golden-output checking for multi-threaded programs.
//!
//! (Format documentation: see below.)

mod check;
mod error;
mod matching;
mod pattern;
mod report;
mod seq;
mod spec;
mod tokens;

pub use error::SpecError;
pub use spec::Spec;

use std::fmt;

/// The result of checking one run against a [`Spec`].
#[derive(Debug, Clone)]
pub struct Outcome {
    failure: Option<report::Failure>,
}

impl Outcome {
    /// True when the run matches the spec.
    pub fn is_match(&self) -> bool {
        self.failure.is_none()
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.failure {
            None => writeln!(f, "ok"),
            Some(fail) => fail.fmt(f),
        }
    }
}

impl Spec {
    /// Check one run's output (stdout and stderr merged) against this spec.
    pub fn check(&self, actual: &str) -> Outcome {
        Outcome {
            failure: check::check(self, actual).failure,
        }
    }
}
