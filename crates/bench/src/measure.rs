//! The measurement loop behind the table: batches timed with [`Instant`],
//! variants interleaved sample by sample, medians reported.
//!
//! Interleaving matters on a shared 2-core machine: when another process takes
//! a core for a second, it slows the samples of every variant taken in that
//! second, not all the samples of one variant, so the ratio stays honest.

use std::hint::black_box;
use std::time::{Duration, Instant};

/// Wall-clock nanoseconds per call of `f`, over `iters` calls in one batch.
#[inline(never)]
pub fn ns_per_call<F: FnMut()>(iters: u64, mut f: F) -> f64 {
    let start = Instant::now();
    for _ in 0..iters {
        f();
    }
    start.elapsed().as_nanos() as f64 / iters as f64
}

/// A batch runner for `f`: given a count, runs `f` that many times in a
/// loop compiled for `f` alone (no call through a pointer per iteration) and
/// returns ns per call.
pub fn looped<F: FnMut()>(mut f: F) -> impl FnMut(u64) -> f64 {
    move |iters| ns_per_call(iters, &mut f)
}

/// How many iterations make a batch of about `target` (at least 1).
///
/// Also serves as warm-up: it runs the batch for roughly `2 * target`.
pub fn calibrate(target: Duration, batch: &mut dyn FnMut(u64) -> f64) -> u64 {
    let mut iters = 1u64;
    loop {
        let per_call = batch(iters);
        let took = per_call * iters as f64;
        if took >= target.as_nanos() as f64 / 2.0 || iters >= 1 << 32 {
            return ((target.as_nanos() as f64 / per_call.max(0.01)) as u64).max(1);
        }
        iters *= 2;
    }
}

/// The median of `values` (the mean of the two middle ones for an even count).
///
/// # Panics
///
/// If `values` is empty.
pub fn median(values: &[f64]) -> f64 {
    assert!(!values.is_empty(), "median of no samples");
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    if sorted.len() % 2 == 1 {
        sorted[mid]
    } else {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    }
}

/// Runs every variant once per round, `rounds` times, and returns each
/// variant's samples (variant order preserved). The order inside a round
/// rotates, so no variant always runs right after another.
pub fn interleave(rounds: usize, variants: &mut [&mut dyn FnMut() -> f64]) -> Vec<Vec<f64>> {
    let n = variants.len();
    let mut samples = vec![Vec::with_capacity(rounds); n];
    for round in 0..rounds {
        for k in 0..n {
            let i = (round + k) % n;
            samples[i].push(variants[i]());
        }
    }
    samples
}

/// Medians of interleaved samples of single-threaded operations: each
/// variant (a [`looped`] batch runner) is calibrated to batches of about
/// `batch`, then sampled `rounds` times, the order rotating every round.
/// Returns ns per call, one median per variant.
pub fn uncontended(
    rounds: usize,
    batch: Duration,
    variants: &mut [&mut dyn FnMut(u64) -> f64],
) -> Vec<f64> {
    let iters: Vec<u64> = variants
        .iter_mut()
        .map(|f| calibrate(batch, &mut **f))
        .collect();
    let n = variants.len();
    let mut samples = vec![Vec::with_capacity(rounds); n];
    for round in 0..rounds {
        for k in 0..n {
            let i = (round + k) % n;
            samples[i].push(variants[i](iters[i]));
        }
    }
    samples.iter().map(|s| median(s)).collect()
}

/// Spends a little time on thread-local arithmetic (the "work outside the
/// lock" of the contended benchmark); `rounds` steps of a dependent chain.
#[inline]
pub fn local_work(rounds: u32) -> u64 {
    let mut x = black_box(0x9e37_79b9_7f4a_7c15_u64);
    for _ in 0..rounds {
        x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
    }
    black_box(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
    }

    #[test]
    fn interleave_keeps_variant_order() {
        let mut a = || 1.0;
        let mut b = || 2.0;
        let got = interleave(3, &mut [&mut a, &mut b]);
        assert_eq!(got, vec![vec![1.0; 3], vec![2.0; 3]]);
    }
}
