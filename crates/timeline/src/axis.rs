//! Time-axis ticks: steps of 1, 2 or 5 times a power of ten, in s, ms or µs.

/// One tick: time in µs and its label.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Tick {
    pub(crate) t: f64,
    pub(crate) label: String,
}

/// Ticks for `[t0, t1]` µs drawn over `width` px: the finest nice step whose
/// labels (each `char_px` per character) leave at least 28 px between them.
pub(crate) fn ticks(t0: f64, t1: f64, width: f64, char_px: f64) -> Vec<Tick> {
    let range = (t1 - t0).max(1.0);
    let mut step = 1.0;
    for _ in 0..40 {
        for m in [1.0, 2.0, 5.0] {
            let s = step * m;
            let px = s / range * width;
            let widest = sample(t0, t1, s)
                .iter()
                .map(|t| label(*t, s).chars().count())
                .max()
                .unwrap_or(0);
            if px >= widest as f64 * char_px + 28.0 {
                return sample(t0, t1, s)
                    .into_iter()
                    .map(|t| Tick {
                        t,
                        label: label(t, s),
                    })
                    .collect();
            }
        }
        step *= 10.0;
    }
    Vec::new()
}

fn sample(t0: f64, t1: f64, step: f64) -> Vec<f64> {
    let first = (t0 / step).ceil() as i64;
    let last = (t1 / step + 1e-9).floor() as i64;
    (first..=last.min(first + 200))
        .map(|k| k as f64 * step)
        .collect()
}

/// `1.5 s`, `250 ms`, `40 µs`: the unit follows the step, decimals as the step needs.
pub(crate) fn label(t: f64, step: f64) -> String {
    let (scale, unit) = if step >= 100_000.0 {
        (1e6, "s")
    } else if step >= 100.0 {
        (1e3, "ms")
    } else {
        (1.0, "µs")
    };
    let v = t / scale;
    let s = step / scale;
    let decimals = if s >= 1.0 {
        0
    } else {
        (-s.log10()).ceil() as usize
    };
    let mut text = format!("{v:.decimals$}");
    if text.contains('.') {
        text = text.trim_end_matches('0').trim_end_matches('.').to_owned();
    }
    if text == "-0" {
        text = "0".to_owned();
    }
    format!("{text} {unit}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_for_a_three_second_run() {
        let t = ticks(0.0, 3_200_000.0, 800.0, 6.7);
        let labels: Vec<&str> = t.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(
            labels,
            ["0 s", "0.5 s", "1 s", "1.5 s", "2 s", "2.5 s", "3 s"]
        );
    }

    #[test]
    fn milliseconds_for_a_short_run() {
        let t = ticks(0.0, 230_000.0, 800.0, 6.7);
        assert_eq!(t[1].label, "20 ms");
        assert!(t.len() >= 5 && t.len() <= 16, "{t:?}");
    }

    #[test]
    fn microseconds_and_an_empty_range() {
        assert_eq!(label(40.0, 10.0), "40 µs");
        assert!(!ticks(5.0, 5.0, 800.0, 6.7).is_empty());
    }
}
