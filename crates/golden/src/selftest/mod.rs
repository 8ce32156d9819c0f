//! Mutation self-test: every spec in `expected-output/` (and the fixtures) must
//! reject every mutant of its own body that the spec does not declare legitimate.
//!
//! 1. The body is rendered as a run would print it (inline patterns replaced by a
//!    sample value; each line as often as its count requires). The rendering must
//!    pass.
//! 2. Mutants: drop a line, duplicate a line, swap two lines of one thread, change a
//!    word or a fixed number (never inside an identity, a redaction or an inline
//!    pattern).
//! 3. Each mutant is classified **from the spec's structure**, without running the
//!    checker: mutations keep every line in its block, so each block's stretch of
//!    the mutant is known; the mutant is *equivalent* when every stretch is again an
//!    instance of its block by the format's definition (counts, order per thread,
//!    multisets, token bags), evaluated by brute force with labels standing for
//!    themselves, after exchanging the labels of two swapped lines when they differ
//!    only there. That naive evaluation shares only the one-line matcher with the
//!    checker: no projection classes, no bipartite matching, no search.
//! 4. Every non-equivalent mutant must fail the check (killed); every equivalent
//!    one must pass (a checker stricter than its spec is wrong too).

mod mutants;
mod naive;
mod render;

use crate::keys::KeyFinder;
use crate::pattern::{Bind, Env, matches, matches_env};
use crate::spec::{Block, Kind, Spec};
use crate::tokens::tokens;
use mutants::*;
pub(crate) use mutants::{join, label_exchange, thread_of};
pub(crate) use naive::block_instance;
use render::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Result of mutating one spec.
#[derive(Default)]
struct Tally {
    total: usize,
    equivalent: usize,
    killed: usize,
    problems: Vec<String>,
}

fn mutate_spec(name: &str, text: &str, tally: &mut Tally) {
    let spec = match Spec::parse(name, text) {
        Ok(s) => s,
        Err(e) => {
            tally.problems.push(format!("{name}: does not parse: {e}"));
            return;
        }
    };
    let Some((lines, sigma)) = render(&spec) else {
        tally.problems.push(format!(
            "{name}: cannot render an inline pattern of the body"
        ));
        return;
    };
    let rendered = join(lines.iter().map(|l| l.text.clone()).collect());
    let own = spec.check(&rendered);
    if !own.is_match() {
        tally
            .problems
            .push(format!("{name}: its own body does not pass:\n{own}"));
        return;
    }
    for m in mutants(&spec, &lines) {
        let out = apply(&lines, &m);
        if out == rendered {
            continue;
        }
        tally.total += 1;
        let eq = equivalent(&spec, &lines, &m, &sigma);
        let passed = spec.check(&out).is_match();
        match (eq, passed) {
            (true, true) => tally.equivalent += 1,
            (false, false) => tally.killed += 1,
            (false, true) => tally
                .problems
                .push(format!("{name}: mutant {m:?} SURVIVED:\n{out}")),
            (true, false) => tally.problems.push(format!(
                "{name}: legitimate mutant {m:?} was REJECTED:\n{out}"
            )),
        }
    }
}

fn spec_files() -> Vec<PathBuf> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in [
        manifest.join("../../expected-output"),
        manifest.join("tests/fixtures"),
    ] {
        if let Ok(entries) = std::fs::read_dir(&dir) {
            for e in entries.flatten() {
                if e.path().extension().is_some_and(|x| x == "txt") {
                    files.push(e.path());
                }
            }
        }
    }
    files.sort();
    files
}

#[test]
fn every_non_equivalent_mutant_is_killed() {
    let files = spec_files();
    assert!(!files.is_empty(), "no spec files found");
    let mut all = Tally::default();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let name = f
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut t = Tally::default();
        mutate_spec(&name, &text, &mut t);
        println!(
            "{name}: {} mutants, {} equivalent, {} of {} others killed",
            t.total,
            t.equivalent,
            t.killed,
            t.total - t.equivalent
        );
        all.total += t.total;
        all.equivalent += t.equivalent;
        all.killed += t.killed;
        all.problems.extend(t.problems);
    }
    let others = all.total - all.equivalent;
    println!(
        "mutation self-test: {} files, {} mutants, {} equivalent, {}/{} non-equivalent killed ({:.1}%)",
        files.len(),
        all.total,
        all.equivalent,
        all.killed,
        others,
        if others == 0 {
            100.0
        } else {
            100.0 * all.killed as f64 / others as f64
        }
    );
    assert!(all.problems.is_empty(), "{}", all.problems.join("\n\n"));
}
