//! Simulation settings (`SYNC_KIT_SIM`) and the compact schedule string.
//!
//! A schedule string is the seed in hex, a dash, then the thread chosen at every
//! step that had a real choice (two or more runnable threads): thread 0 is `a`,
//! 1 is `b`, ... 25 is `z`, 26 is `A`, ... 51 is `Z`, and thread 52 or higher is
//! written `(52)`. A letter followed by a decimal number repeats it that many
//! times: `2a-ab3ca12` is seed 0x2a and the choices 0 1 1 1 2 0 ×12. A `~`
//! is a step at which virtual time moved on to the next deadline although some
//! thread was runnable, a `.` one at which it could have and did not.

use crate::error::{Error, ErrorKind, Result};

/// The choice "let virtual time pass now", in a recorded schedule.
pub(crate) const ADVANCE: u32 = u32::MAX;
/// The choice "do not let it pass", where it could have.
pub(crate) const STAY: u32 = u32::MAX - 1;

/// The environment variable that turns the simulator on.
pub const SIM_VAR: &str = "SYNC_KIT_SIM";

/// How the simulator picks the next thread at each scheduling point.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Strategy {
    /// Uniform choice among the runnable threads.
    Random,
    /// Probabilistic concurrency testing: random thread priorities, `depth - 1`
    /// priority change points spread over the first `steps` real choices.
    Pct {
        /// The bug depth the run targets (1 or more).
        depth: u32,
        /// How many real choices the change points are spread over.
        steps: u64,
    },
    /// Follow a recorded list of choices (thread indices).
    Replay(Vec<u32>),
}

/// A complete simulation setting: a strategy and the seed of every random draw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// The strategy.
    pub strategy: Strategy,
    /// Seeds the strategy's own draws and the program's [`crate::random`] values.
    pub seed: u64,
}

/// PCT's change points are spread over this many real choices unless told.
pub const DEFAULT_PCT_STEPS: u64 = 1000;

impl Config {
    /// Uniform random scheduling with `seed`.
    pub fn random(seed: u64) -> Config {
        Config {
            strategy: Strategy::Random,
            seed,
        }
    }

    /// PCT of the given depth over `steps` real choices, with `seed`.
    pub fn pct(depth: u32, steps: u64, seed: u64) -> Config {
        Config {
            strategy: Strategy::Pct {
                depth: depth.max(1),
                steps: steps.max(1),
            },
            seed,
        }
    }

    /// Replays a schedule string printed by an earlier run.
    ///
    /// # Errors
    /// [`ErrorKind::Environment`] if `schedule` is not a schedule string.
    pub fn replay(schedule: &str) -> Result<Config> {
        let (seed, choices) =
            decode(schedule).map_err(|why| bad(&format!("replay:{schedule}"), &why))?;
        Ok(Config {
            strategy: Strategy::Replay(choices),
            seed,
        })
    }

    /// Parses a `SYNC_KIT_SIM` value: `random:SEED`, `pct:DEPTH:SEED[:STEPS]`
    /// or `replay:SCHEDULE`. Seeds are decimal or `0x` hex.
    ///
    /// ```
    /// use sync_kit::sim::{Config, Strategy};
    /// assert_eq!(Config::parse("random:7").unwrap(), Config::random(7));
    /// assert_eq!(Config::parse("pct:2:0x10").unwrap().seed, 16);
    /// assert!(Config::parse("randm:7").is_err());
    /// ```
    ///
    /// # Errors
    /// [`ErrorKind::Environment`] naming the variable and the expected forms.
    pub fn parse(text: &str) -> Result<Config> {
        let text = text.trim();
        let mut parts = text.split(':');
        let config = match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some("random"), Some(seed), None, None) => parse_seed(seed).map(Config::random),
            (Some("pct"), Some(depth), Some(seed), steps) => {
                let depth = depth.parse::<u32>().ok().filter(|d| (1..=64).contains(d));
                let steps = match steps {
                    None => Some(DEFAULT_PCT_STEPS),
                    Some(s) => s.parse::<u64>().ok().filter(|s| *s > 0),
                };
                match (depth, parse_seed(seed), steps) {
                    (Some(depth), Ok(seed), Some(steps)) if parts.next().is_none() => {
                        Ok(Config::pct(depth, steps, seed))
                    }
                    _ => Err("pct takes DEPTH (1 to 64), SEED and optionally STEPS (> 0)".into()),
                }
            }
            (Some("replay"), Some(_), ..) => {
                return Config::replay(&text["replay:".len()..]);
            }
            _ => Err("expected random:SEED, pct:DEPTH:SEED[:STEPS] or replay:SCHEDULE".into()),
        };
        config.map_err(|why: String| bad(text, &why))
    }

    /// The setting in `SYNC_KIT_SIM` form.
    pub fn to_env(&self) -> String {
        match &self.strategy {
            Strategy::Random => format!("random:{}", self.seed),
            Strategy::Pct { depth, steps } => format!("pct:{depth}:{}:{steps}", self.seed),
            Strategy::Replay(choices) => format!("replay:{}", encode(self.seed, choices)),
        }
    }
}

fn bad(text: &str, why: &str) -> Error {
    Error::new(
        ErrorKind::Environment,
        format!("{SIM_VAR}={text:?} is not usable: {why}"),
    )
}

fn parse_seed(text: &str) -> std::result::Result<u64, String> {
    let parsed = match text.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => text.parse::<u64>(),
    };
    parsed.map_err(|_| format!("the seed {text:?} is not a number (decimal or 0x hex)"))
}

fn letter(tid: u32) -> Option<char> {
    match tid {
        0..=25 => Some((b'a' + tid as u8) as char),
        26..=51 => Some((b'A' + (tid - 26) as u8) as char),
        _ => None,
    }
}

/// The schedule string of `seed` and `choices`.
pub fn encode(seed: u64, choices: &[u32]) -> String {
    let mut out = format!("{seed:x}-");
    let mut at = 0;
    while at < choices.len() {
        let tid = choices[at];
        let run = choices[at..].iter().take_while(|&&c| c == tid).count();
        match letter(tid) {
            Some(c) => out.push(c),
            None if tid == ADVANCE => out.push('~'),
            None if tid == STAY => out.push('.'),
            None => out.push_str(&format!("({tid})")),
        }
        if run > 1 {
            out.push_str(&run.to_string());
        }
        at += run;
    }
    out
}

/// Splits a schedule string into its seed and choices.
pub fn decode(text: &str) -> std::result::Result<(u64, Vec<u32>), String> {
    let (seed, rest) = text
        .split_once('-')
        .ok_or("a schedule is SEEDHEX-CHOICES, as printed by a run")?;
    let seed = u64::from_str_radix(seed, 16).map_err(|_| format!("bad seed {seed:?}"))?;
    let mut choices = Vec::new();
    let mut chars = rest.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let tid = match c {
            'a'..='z' => c as u32 - 'a' as u32,
            'A'..='Z' => c as u32 - 'A' as u32 + 26,
            '~' => ADVANCE,
            '.' => STAY,
            '(' => {
                let mut digits = String::new();
                loop {
                    match chars.next() {
                        Some((_, ')')) => break,
                        Some((_, d)) if d.is_ascii_digit() => digits.push(d),
                        _ => return Err(format!("unclosed '(' at {at}")),
                    }
                }
                digits
                    .parse()
                    .map_err(|_| format!("bad thread number at {at}"))?
            }
            _ => return Err(format!("unexpected {c:?} at {at}")),
        };
        let mut count = String::new();
        while let Some(&(_, d)) = chars.peek() {
            if !d.is_ascii_digit() {
                break;
            }
            count.push(d);
            chars.next();
        }
        let count: usize = if count.is_empty() {
            1
        } else {
            count
                .parse()
                .ok()
                .filter(|&n| n <= 100_000_000)
                .ok_or(format!("bad repeat count at {at}"))?
        };
        choices.extend(std::iter::repeat_n(tid, count));
    }
    Ok((seed, choices))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule_strings_round_trip() {
        let choices = vec![
            0, 1, 1, 1, 2, 0, 0, 60, 60, 27, 51, ADVANCE, ADVANCE, 0, STAY,
        ];
        let text = encode(0x2a, &choices);
        assert_eq!(text, "2a-ab3ca2(60)2BZ~2a.");
        assert_eq!(decode(&text).unwrap(), (0x2a, choices));
        assert_eq!(decode("0-").unwrap(), (0, vec![]));
    }

    #[test]
    fn malformed_values_are_errors_naming_the_variable() {
        for text in [
            "",
            "random",
            "random:x",
            "pct:0:1",
            "pct:2",
            "pct:2:1:0",
            "replay:zz",
            "replay:1-a(",
            "fast:1",
        ] {
            let err = Config::parse(text).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Environment, "{text}");
            assert!(err.message().contains(SIM_VAR), "{err}");
        }
    }

    #[test]
    fn every_form_round_trips_through_to_env() {
        for config in [
            Config::random(3),
            Config::pct(3, 77, 0x10),
            Config::replay("5-ab2c").unwrap(),
        ] {
            assert_eq!(Config::parse(&config.to_env()).unwrap(), config);
        }
    }
}
