//! The strategies' run-time state: which runnable thread goes next.
//!
//! Only steps with a real choice (two or more runnable threads) reach
//! [`Picker::pick`]; they are numbered from 1, and PCT's change points are drawn
//! over those numbers, as the PCT paper's bound assumes.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::schedule::{ADVANCE, Config, STAY, Strategy};

/// Uniform random lets time pass early at one pending-deadline point in this many.
const ADVANCE_ODDS: u32 = 16;

/// A strategy with its random state.
pub(super) enum Picker {
    Random(StdRng),
    Pct(Pct),
    Replay {
        choices: Vec<u32>,
        next: usize,
        diverged: Option<String>,
    },
}

pub(super) struct Pct {
    rng: StdRng,
    /// Priority of each thread by index; higher runs first.
    priorities: Vec<u64>,
    /// Real-choice numbers at which the running thread is demoted, ascending.
    change_points: Vec<u64>,
    /// The priority the next demotion gives (below every initial one).
    next_low: u64,
}

impl Picker {
    pub(super) fn new(config: &Config) -> Picker {
        // The strategy's stream differs from the program's values stream.
        let rng = StdRng::seed_from_u64(config.seed ^ 0x5EED_5C4E_D000_0001);
        match &config.strategy {
            Strategy::Random => Picker::Random(rng),
            Strategy::Pct { depth, steps } => {
                let mut rng = rng;
                let mut change_points: Vec<u64> =
                    (1..*depth).map(|_| rng.random_range(1..=*steps)).collect();
                change_points.sort_unstable();
                Picker::Pct(Pct {
                    rng,
                    priorities: Vec::new(),
                    change_points,
                    next_low: u64::from(*depth),
                })
            }
            Strategy::Replay(choices) => Picker::Replay {
                choices: choices.clone(),
                next: 0,
                diverged: None,
            },
        }
    }

    /// A new thread (index `tid`) joined the run.
    pub(super) fn thread_added(&mut self, tid: usize) {
        if let Picker::Pct(pct) = self {
            // Initial priorities are far above the demoted ones (< 64).
            let priority = pct.rng.random_range(1u64 << 32..u64::MAX);
            if pct.priorities.len() <= tid {
                pct.priorities.resize(tid + 1, 0);
            }
            pct.priorities[tid] = priority;
        }
    }

    /// Picks among `runnable` (ascending thread indices, at least two) at real
    /// choice number `choice` (from 1); `running` is the thread that reached the
    /// scheduling point.
    pub(super) fn pick(&mut self, runnable: &[usize], running: usize, choice: u64) -> usize {
        match self {
            Picker::Random(rng) => runnable[rng.random_range(0..runnable.len())],
            Picker::Pct(pct) => {
                while pct.change_points.first().is_some_and(|&at| at <= choice) {
                    pct.change_points.remove(0);
                    if let Some(p) = pct.priorities.get_mut(running) {
                        pct.next_low -= 1;
                        *p = pct.next_low;
                    }
                }
                *runnable
                    .iter()
                    .max_by_key(|&&tid| pct.priorities.get(tid).copied().unwrap_or(0))
                    .unwrap_or(&runnable[0])
            }
            Picker::Replay {
                choices,
                next,
                diverged,
            } => {
                let wanted = choices.get(*next).copied();
                *next += 1;
                match wanted {
                    Some(tid) if runnable.contains(&(tid as usize)) => tid as usize,
                    _ => {
                        if diverged.is_none() {
                            *diverged = Some(match wanted {
                                Some(tid) => format!(
                                    "replay diverged at choice {choice}: thread {tid} is not runnable (runnable: {runnable:?})"
                                ),
                                None => format!(
                                    "replay ran past the end of its schedule at choice {choice}"
                                ),
                            });
                        }
                        runnable[0]
                    }
                }
            }
        }
    }

    /// Whether the clock moves on to the next deadline now, although some
    /// thread is runnable: uniform random does so at one point in
    /// [`ADVANCE_ODDS`] where a near deadline is pending; PCT has no such
    /// option (`None`: its bound counts thread choices only); a replay does
    /// what its schedule recorded.
    pub(super) fn advance(&mut self) -> Option<bool> {
        match self {
            Picker::Random(rng) => Some(rng.random_ratio(1, ADVANCE_ODDS)),
            Picker::Pct(_) => None,
            Picker::Replay { choices, next, .. } => match choices.get(*next) {
                Some(&ADVANCE) => {
                    *next += 1;
                    Some(true)
                }
                Some(&STAY) => {
                    *next += 1;
                    Some(false)
                }
                // The recorded run had no such option here (PCT, say).
                _ => None,
            },
        }
    }

    /// The first divergence of a replay from its schedule, if any.
    pub(super) fn divergence(&self) -> Option<&str> {
        match self {
            Picker::Replay { diverged, .. } => diverged.as_deref(),
            _ => None,
        }
    }
}
