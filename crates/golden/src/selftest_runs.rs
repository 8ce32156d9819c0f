//! Mutation score against real runs: every recorded run of an example
//! (`tests/runs/NAME.txt`, the Python script under CPython, and
//! `tests/runs/rust/NAME-K.txt`, the Rust port) must pass its reference, and
//! every mutant of it (a line dropped, a line duplicated, two lines of one
//! thread swapped) must fail unless it is *equivalent*: an instance of the
//! reference by the format's definition, evaluated naively (the identity
//! mapping found for the run, each block's stretch of output tried at every
//! boundary, brute force within blocks). The equivalent mutants are counted
//! and printed: they are what the reference does not rule out.

use super::selftest::{block_instance, join, label_exchange, thread_of};
use crate::keys::KeyFinder;
use crate::spec::Spec;
use std::collections::BTreeSet;
use std::path::Path;

/// Is `lines` an instance of the spec under `sigma`, with some segmentation
/// into blocks? Naive: every block boundary is tried.
fn naive_match(spec: &Spec, lines: &[String], sigma: &[Option<String>]) -> bool {
    let n = lines.len();
    let mut reach: BTreeSet<usize> = BTreeSet::from([0]);
    for b in 0..spec.blocks.len() {
        let last = b + 1 == spec.blocks.len();
        let mut next = BTreeSet::new();
        for &s in &reach {
            let ends: Vec<usize> = if last { vec![n] } else { (s..=n).collect() };
            for e in ends {
                if !next.contains(&e) && block_instance(spec, b, &lines[s..e], sigma) {
                    next.insert(e);
                }
            }
        }
        reach = next;
    }
    reach.contains(&n)
}

/// A mutant: what was done, its lines, the mappings it is evaluated under.
type Mutant = (String, Vec<String>, Vec<Vec<Option<String>>>);

#[derive(Default)]
struct Score {
    runs: usize,
    mutants: usize,
    equivalent: usize,
    killed: usize,
    problems: Vec<String>,
}

fn score_run(name: &str, spec: &Spec, text: &str, sc: &mut Score) {
    let Some(sigma) = crate::check::mapping(spec, text) else {
        sc.problems.push(format!(
            "{name}: the run does not pass:\n{}",
            spec.check(text)
        ));
        return;
    };
    sc.runs += 1;
    let lines: Vec<String> = text.lines().map(|l| l.trim_end().to_owned()).collect();
    let mut finder = spec.key.as_ref().map(KeyFinder::new);
    let keys: Vec<Option<String>> = lines
        .iter()
        .map(|l| thread_of(spec, &mut finder, l))
        .collect();
    // Mutants, each with the mappings it is evaluated under: the run's, and for
    // a swap of two lines that differ only in identity values, the run's with
    // those values exchanged (`joining Thread-2` and `joining Thread-3` swapped
    // is the same run with the two workers' names exchanged).
    let exchanged = |a: &str, b: &str| -> Option<Vec<Option<String>>> {
        let map = label_exchange(spec, a, b)?;
        Some(
            sigma
                .iter()
                .map(|v| {
                    v.as_ref()
                        .map(|v| map.get(v).cloned().unwrap_or_else(|| v.clone()))
                })
                .collect(),
        )
    };
    let mut mutants: Vec<Mutant> = Vec::new();
    for j in 0..lines.len() {
        let mut v = lines.clone();
        v.remove(j);
        mutants.push((format!("drop line {}", j + 1), v, vec![sigma.clone()]));
        let mut v = lines.clone();
        v.insert(j, lines[j].clone());
        mutants.push((format!("duplicate line {}", j + 1), v, vec![sigma.clone()]));
        // The next line of the same thread (any thread when there is no key).
        if let Some(k) = (j + 1..lines.len()).find(|&k| keys[k] == keys[j]) {
            if lines[k] != lines[j] {
                let mut v = lines.clone();
                v.swap(j, k);
                let mut sigmas = vec![sigma.clone()];
                sigmas.extend(exchanged(&lines[j], &lines[k]));
                mutants.push((format!("swap lines {} and {}", j + 1, k + 1), v, sigmas));
            }
        }
    }
    for (what, m, sigmas) in mutants {
        sc.mutants += 1;
        let out = join(m.clone());
        let passed = spec.check(&out).is_match();
        if sigmas.iter().any(|sg| naive_match(spec, &m, sg)) {
            sc.equivalent += 1;
            if std::env::var_os("SHOW_EQUIVALENT").is_some() {
                println!("EQUIV {name}: {what}");
            }
            if !passed {
                sc.problems.push(format!(
                    "{name}: equivalent mutant ({what}) REJECTED:\n{out}"
                ));
            }
        } else if passed {
            sc.problems
                .push(format!("{name}: mutant ({what}) SURVIVED:\n{out}"));
        } else {
            sc.killed += 1;
        }
    }
}

#[test]
fn every_non_equivalent_mutant_of_a_real_run_is_killed() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let refs = manifest.join("../../expected-output");
    let mut runs: Vec<(String, std::path::PathBuf)> = Vec::new();
    for dir in [
        manifest.join("tests/runs"),
        manifest.join("tests/runs/rust"),
    ] {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            let Some(stem) = p.file_stem().map(|s| s.to_string_lossy().into_owned()) else {
                continue;
            };
            if p.extension().is_some_and(|x| x == "txt") {
                let example = stem.split('-').next().unwrap_or_default().to_owned();
                runs.push((example, p));
            }
        }
    }
    runs.sort();
    assert!(runs.len() >= 21, "recorded runs missing: {}", runs.len());
    let mut all = Score::default();
    let mut per: std::collections::BTreeMap<String, Score> = Default::default();
    for (example, path) in &runs {
        let spec_path = refs.join(format!("{example}.txt"));
        let spec_text = std::fs::read_to_string(&spec_path)
            .unwrap_or_else(|e| panic!("{}: {e}", spec_path.display()));
        let spec = Spec::parse(example, &spec_text).unwrap_or_else(|e| panic!("{e}"));
        let text =
            std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let name = path.display().to_string();
        score_run(&name, &spec, &text, per.entry(example.clone()).or_default());
    }
    for (example, sc) in &per {
        println!(
            "{example}: {} runs, {} mutants, {} equivalent, {} of {} others killed",
            sc.runs,
            sc.mutants,
            sc.equivalent,
            sc.killed,
            sc.mutants - sc.equivalent
        );
        all.runs += sc.runs;
        all.mutants += sc.mutants;
        all.equivalent += sc.equivalent;
        all.killed += sc.killed;
        all.problems.extend(sc.problems.iter().cloned());
    }
    println!(
        "real runs: {} runs, {} mutants, {} equivalent, {}/{} non-equivalent killed",
        all.runs,
        all.mutants,
        all.equivalent,
        all.killed,
        all.mutants - all.equivalent
    );
    assert!(all.problems.is_empty(), "{}", all.problems.join("\n\n"));
}
