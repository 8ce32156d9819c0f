//! Python's `random` functions that the tutorial's scripts use, seeded from
//! the simulation seed under [`crate::sim`] and from entropy otherwise.
//!
//! Under the simulator every draw comes from one stream seeded by the run's
//! seed, taken in schedule order, so a seed (or a replayed schedule) gives the
//! same values every time. Outside it, draws come from `rand`'s thread-local
//! generator.
//!
//! ```
//! let x = sync_kit::random::random();
//! assert!((0.0..1.0).contains(&x));
//! let n = sync_kit::random::randint(1, 5);
//! assert!((1..=5).contains(&n));
//! ```

use rand::Rng;

fn draw<R>(f: impl Fn(&mut dyn rand::RngCore) -> R) -> R {
    match crate::sim::with_values(|rng| f(rng)) {
        Some(value) => value,
        None => f(&mut rand::rng()),
    }
}

/// A float in `[0.0, 1.0)` (Python's `random.random()`).
pub fn random() -> f64 {
    draw(|rng| rng.random::<f64>())
}

/// An integer in `a..=b`, both ends included (Python's `random.randint(a, b)`).
///
/// # Panics
/// If `a > b`, as Python raises `ValueError` (an empty range is a caller bug).
pub fn randint(a: i64, b: i64) -> i64 {
    assert!(a <= b, "empty range for randint({a}, {b})");
    draw(|rng| rng.random_range(a..=b))
}

/// A float between `a` and `b` (Python's `random.uniform(a, b)`).
pub fn uniform(a: f64, b: f64) -> f64 {
    a + (b - a) * random()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{self, Config};

    #[test]
    fn a_seed_gives_the_same_draws() {
        let draws = |seed| {
            sim::run(Config::random(seed), || {
                (0..8).map(|_| randint(1, 100)).collect::<Vec<_>>()
            })
        };
        let a = draws(11).result.unwrap();
        assert_eq!(a, draws(11).result.unwrap());
        assert_ne!(a, draws(12).result.unwrap());
        assert!(a.iter().all(|n| (1..=100).contains(n)));
    }

    #[test]
    fn uniform_stays_in_range() {
        for _ in 0..100 {
            let x = uniform(2.0, 3.0);
            assert!((2.0..=3.0).contains(&x));
        }
    }
}
