//! Right verdicts on inputs built to break the checker: key column widths,
//! values followed by wildcards, optional threads, `%sync` that says nothing,
//! and a property test (random legal interleavings pass, random single-line
//! mutations fail) over specs with padded, overflowing and renamed keys.

use golden::Spec;

fn spec(text: &str) -> Spec {
    Spec::parse("t.txt", text).unwrap_or_else(|e| panic!("spec should parse: {e}\n{text}"))
}

#[track_caller]
fn verdict(s: &str, out: &str) -> bool {
    spec(s).check(out).is_match()
}

#[track_caller]
fn parse_err(text: &str) -> String {
    match Spec::parse("bad.txt", text) {
        Ok(_) => panic!("spec should not parse:\n{text}"),
        Err(e) => e.to_string(),
    }
}

// ----- key column width -----

#[test]
fn a_separator_space_is_not_padding() {
    let s = "%key /^(\\S+) /\n%ident thread /Thread-\\d+/\n%%\n%interleave\nThread-9 start\nThread-9 end\n%end\n";
    assert!(verdict(s, "Thread-10 start\nThread-10 end\n"));
    assert!(verdict(s, "Thread-1 start\nThread-1 end\n"));
    assert!(!verdict(s, "Thread-1  start\nThread-1 end\n"));
    assert!(!verdict(s, "Thread-1start\nThread-1 end\n"));
}

#[test]
fn padding_and_separator_together() {
    // `%(threadName)-10s %(message)s`: two spaces of padding, one separator.
    let s =
        "%key /^(\\S+) /\n%ident thread /Thread-\\d+/\n%%\n%interleave\nThread-1   start\n%end\n";
    assert!(verdict(s, "Thread-2   start\n"));
    assert!(verdict(s, "Thread-10  start\n"));
    assert!(verdict(s, "Thread-1000 start\n"));
    assert!(!verdict(s, "Thread-10 start\n"));
    assert!(!verdict(s, "Thread-2  start\n"));
}

#[test]
fn an_overflowing_reference_key_does_not_set_the_width() {
    let s = "%key /^\\((.*?) *\\)/\n%ident thread /Thread-\\d+/\n%%\n%interleave\n(Thread-10) start\n%end\n";
    assert!(verdict(s, "(Thread-1) start\n"));
    // Unpadded everywhere: padding a short name is wrong.
    assert!(!verdict(s, "(Thread-1 ) start\n"));
    let w = "%key /^\\((.*?) *\\)/\n%ident thread /Thread-\\d+/\n%width 9\n%%\n%interleave\n(Thread-10) start\n%end\n";
    assert!(verdict(w, "(Thread-1 ) start\n"));
    assert!(!verdict(w, "(Thread-1) start\n"));
    assert!(verdict(w, "(Thread-123) start\n"));
}

#[test]
fn widths_that_disagree_are_a_spec_error() {
    let e = parse_err("%key /^\\((.*?) *\\)/\n%%\n(a   ) x\n(b  ) y\n");
    assert!(
        e.contains("bad.txt:4:1: the key column is 3 characters wide here but 4 on line 3"),
        "{e}"
    );
    let e = parse_err("%key /^\\((.*?) *\\)/\n%width 6\n%%\n(a   ) x\n");
    assert!(e.contains("4 characters wide here but 6"), "{e}");
}

#[test]
fn a_key_written_as_a_pattern_takes_the_spec_width() {
    let s = "%key /^\\((.*?) *\\)/\n%%\n%interleave\n(main  ) go\n({{w\\d+}}) start\n%end\n";
    assert!(verdict(s, "(main  ) go\n(w1    ) start\n"));
    assert!(verdict(s, "(main  ) go\n(w12345678) start\n"));
    assert!(!verdict(s, "(main  ) go\n(w1) start\n"));
    let s = "%key /^\\((.*?) *\\)/\n%%\n%unordered\n([..]) start\n%end\n";
    assert!(verdict(s, "(Thread-1) start\n"));
    assert!(verdict(s, "(x) start\n"));
}

// ----- values followed by wildcards -----

#[test]
fn a_capture_before_a_wildcard_takes_the_whole_value() {
    let s = "%%\nobj [[ADDR:hex]][..]\nagain [[ADDR]]\n";
    assert!(verdict(s, "obj 0x7f01 made\nagain 0x7f01\n"));
    assert!(!verdict(s, "obj 0x7f01 made\nagain 0x7f\n"));
    let s = "%%\ncount [[N:int]][..]\ncount again [[N]][..]\n";
    assert!(!verdict(s, "count 12\ncount again 13x\n"));
    assert!(!verdict(s, "count 12\ncount again 123\n"));
    assert!(verdict(s, "count 12\ncount again 12x\n"));
    assert!(verdict(s, "count 12 apples\ncount again 12\n"));
}

#[test]
fn a_label_before_a_wildcard_takes_the_whole_name() {
    let s = "%key /^(\\w+):/\n%ident thread /Thread-\\d+/\n%%\n%interleave\nThread-1: go\n%end\nmain: joined Thread-1[..]\n";
    assert!(verdict(s, "Thread-12: go\nmain: joined Thread-12 ok\n"));
    assert!(!verdict(s, "Thread-12: go\nmain: joined Thread-123 ok\n"));
    let s = "%ident thread /Thread-\\d+/\n%%\njoined Thread-1[..]\n";
    assert!(verdict(s, "joined Thread-12 ok\n"));
}

// ----- optional threads -----

#[test]
fn a_thread_whose_lines_are_all_optional_may_be_absent() {
    let s =
        "%key /^(\\w+):/\n%%\n%interleave\nm: go\n%optional\nw: maybe\n%times 0..\nw: more\n%end\n";
    assert!(verdict(s, "m: go\n"));
    assert!(verdict(s, "w: maybe\nm: go\n"));
    assert!(verdict(s, "w: more\nm: go\nw: more\n"));
    assert!(!verdict(s, "w: other\nm: go\n"));
    assert!(!verdict(s, "w: go\n"));
    // With labels: an absent optional thread leaves its label unbound.
    let s = "%key /^(\\S+):/\n%ident thread /T-\\d+/\n%%\n%interleave\nT-1: go\n%optional\nT-2: maybe\n%end\n";
    assert!(verdict(s, "T-5: go\n"));
    assert!(verdict(s, "T-5: go\nT-6: maybe\n"));
    assert!(!verdict(s, "T-5: maybe\n"));
}

// ----- %sync, BOM, hints -----

#[test]
fn a_sync_that_constrains_nothing_is_an_error() {
    let key = "%key /^(\\w+):/\n%%\n%interleave\n";
    let e = parse_err(&format!("{key}%sync w -> m\nm: a\nw: b\n%end\n"));
    assert!(
        e.contains(
            "bad.txt:4:1: `%sync w -> m` constrains nothing: no line of `w` comes before it"
        ),
        "{e}"
    );
    let e = parse_err(&format!("{key}m: a\nw: b\n%sync w -> m\n%end\n"));
    assert!(e.contains("no line of `m` comes after it"), "{e}");
    let e = parse_err(&format!("{key}m: a\n%sync m -> m\nm: b\n%end\n"));
    assert!(
        e.contains("a thread's own lines are already in order"),
        "{e}"
    );
}

#[test]
fn a_sync_names_keys_with_spaces() {
    let s = "%key /^\\((.*?) *\\) /\n%%\n%interleave\n(Thread-1 (worker)) done\n%sync Thread-1 (worker) -> MainThread\n(MainThread      ) joined\n%end\n";
    assert!(verdict(
        s,
        "(Thread-1 (worker)) done\n(MainThread      ) joined\n"
    ));
    assert!(!verdict(
        s,
        "(MainThread      ) joined\n(Thread-1 (worker)) done\n"
    ));
    let e = parse_err("%key /^(\\w+):/\n%%\n%interleave\nw: a\n%sync w -> -> m\nm: b\n%end\n");
    assert!(e.contains("bad `%sync`"), "{e}");
}

#[test]
fn a_byte_order_mark_is_not_header_text() {
    assert!(verdict("\u{feff}%key /^(\\w+):/\n%%\nm: a\n", "m: a\n"));
    assert!(verdict("\u{feff}%%\na\n", "a\n"));
}

#[test]
fn a_python_list_of_lists_gets_an_escape_hint() {
    let e = parse_err("%%\nvalues [[1, 2]]\n");
    assert!(e.contains("bad capture name `1, 2`"), "{e}");
    assert!(e.contains("write `\\[[` for a literal `[[`"), "{e}");
    assert!(verdict("%%\nvalues \\[[1, 2]]\n", "values [[1, 2]]\n"));
}

// ----- property test -----

/// A small deterministic generator (xorshift).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// One random spec: an interleave block of threads with names of several
/// lengths in a padded column (some longer than it), renamed by `%ident`,
/// lines with captures and wildcards, then the main thread's last line.
/// Returns the spec text and, per thread, its key and the lines it prints for
/// a run where thread i is named `names[i]`.
fn random_case(rng: &mut Rng) -> (String, Vec<Vec<String>>) {
    let width = 6 + rng.below(6);
    let nthreads = 2 + rng.below(4);
    let sep = rng.below(2) == 0;
    let pad = |name: &str| format!("{name:<width$}");
    let mut header = String::new();
    if sep {
        header.push_str("%key /^(\\S+) /\n");
    } else {
        header.push_str("%key /^\\((.*?) *\\)/\n");
    }
    header.push_str(&format!("%width {width}\n%ident thread /T-\\d+/\n"));
    let fmt = |name: &str, msg: &str| {
        if sep {
            format!("{} {msg}", pad(name))
        } else {
            format!("({}) {msg}", pad(name))
        }
    };
    let mut threads: Vec<Vec<(String, String)>> = Vec::new(); // (spec line, run line)
    let run_names: Vec<String> = (0..nthreads)
        .map(|i| format!("T-{}", [3, 10_000, 42, 7, 123_456][i]))
        .collect();
    for (t, run_name) in run_names.iter().enumerate() {
        let ref_name = format!("T-{}", 90 + t);
        let mut lines = Vec::new();
        let n = 1 + rng.below(4);
        for k in 0..n {
            let (spec_msg, run_msg) = match rng.below(3) {
                0 => (format!("step {k}"), format!("step {k}")),
                1 => (
                    format!("value [[V{t}_{k}:int]][..] at {k}"),
                    format!("value {} units at {k}", rng.below(1000)),
                ),
                _ => (
                    format!("pause {{{{0\\.\\d\\d}}}} {k}"),
                    format!("pause 0.{:02} {k}", rng.below(100)),
                ),
            };
            lines.push((fmt(&ref_name, &spec_msg), fmt(run_name, &run_msg)));
        }
        threads.push(lines);
    }
    let mut body = String::from("%%\n%interleave\n");
    // The reference's own interleaving: round robin.
    let most = threads.iter().map(Vec::len).max().unwrap_or(0);
    for k in 0..most {
        for t in &threads {
            if let Some((l, _)) = t.get(k) {
                body.push_str(l);
                body.push('\n');
            }
        }
    }
    body.push_str("%end\n");
    let runs = threads
        .into_iter()
        .map(|t| t.into_iter().map(|(_, r)| r).collect())
        .collect();
    (format!("{header}{body}"), runs)
}

/// A random interleaving of the threads' lines, each thread in order.
fn interleave(rng: &mut Rng, threads: &[Vec<String>]) -> Vec<String> {
    let mut next = vec![0; threads.len()];
    let mut out = Vec::new();
    let total: usize = threads.iter().map(Vec::len).sum();
    while out.len() < total {
        let t = rng.below(threads.len());
        if next[t] < threads[t].len() {
            out.push(threads[t][next[t]].clone());
            next[t] += 1;
        }
    }
    out
}

fn text(lines: &[String]) -> String {
    let mut s = lines.join("\n");
    s.push('\n');
    s
}

#[test]
fn random_interleavings_pass_and_single_line_mutations_fail() {
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let mut checked = 0;
    for _ in 0..100 {
        let (spec_text, threads) = random_case(&mut rng);
        let s = spec(&spec_text);
        for _ in 0..4 {
            let run = interleave(&mut rng, &threads);
            let o = s.check(&text(&run));
            assert!(
                o.is_match(),
                "legal run rejected:\n{spec_text}\n---\n{}\n{o}",
                text(&run)
            );
            // Mutations: drop, duplicate, change one character, swap two lines of
            // one thread.
            let j = rng.below(run.len());
            let mut dropped = run.clone();
            dropped.remove(j);
            let mut dup = run.clone();
            dup.insert(j, run[j].clone());
            let mut changed = run.clone();
            changed[j] = changed[j]
                .replacen("step", "stop", 1)
                .replacen("at", "At", 1);
            if changed[j] == run[j] {
                changed[j].push('!');
            }
            let mut mutants = vec![dropped, dup, changed];
            let t = rng.below(threads.len());
            if threads[t].len() >= 2 {
                let pos: Vec<usize> = (0..run.len())
                    .filter(|&i| threads[t].contains(&run[i]))
                    .collect();
                let mut swapped = run.clone();
                swapped.swap(pos[0], pos[1]);
                mutants.push(swapped);
            }
            for m in mutants {
                assert!(
                    !s.check(&text(&m)).is_match(),
                    "mutant accepted:\n{spec_text}\n---\n{}",
                    text(&m)
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 1000);
}

// ----- groups -----

#[test]
fn a_group_repeats_lines_as_a_whole() {
    let s = "%key /^(\\w+):/\n%%\n%interleave\nh: Holding\n%times 0..\n%group\nh: Not holding\nh: Holding\n%end\nw: Done\n%end\n";
    assert!(verdict(s, "h: Holding\nw: Done\n"));
    assert!(verdict(
        s,
        "h: Holding\nh: Not holding\nw: Done\nh: Holding\n"
    ));
    assert!(!verdict(s, "h: Holding\nh: Holding\nw: Done\n"));
    assert!(!verdict(s, "h: Holding\nh: Not holding\nw: Done\n"));
    let s = "%%\n%ordered\n%times 2\n%group\na\n%optional\nb\n%end\nc\n%end\n";
    assert!(verdict(s, "a\na\nc\n"));
    assert!(verdict(s, "a\nb\na\nc\n"));
    assert!(!verdict(s, "a\nb\nb\na\nc\n"));
    assert!(!verdict(s, "a\nc\n"));
}

#[test]
fn groups_are_checked_when_parsed() {
    let e = parse_err("%%\n%group\na\n%end\n");
    assert!(e.contains("`%group` must be inside a block"), "{e}");
    let e = parse_err("%%\n%unordered\n%group\na\n%end\n%end\n");
    assert!(e.contains("cannot be used in a unordered block"), "{e}");
    let e = parse_err("%%\n%ordered\n%group\n%group\na\n%end\n%end\n%end\n");
    assert!(e.contains("groups do not nest"), "{e}");
    let e = parse_err("%%\n%ordered\n%group\n%end\n%end\n");
    assert!(e.contains("empty `%group`"), "{e}");
    let e = parse_err("%key /^(\\w+):/\n%%\n%interleave\n%group\na: x\nb: y\n%end\n%end\n");
    assert!(e.contains("must be of one thread"), "{e}");
    let e = parse_err("%%\n%ordered\n%times 1..5000\n%group\na\n%end\n%end\n");
    assert!(e.contains("a group's count goes up to 1000"), "{e}");
    let e = parse_err("%%\n%ordered\n%group\na\n%end\n");
    assert!(e.contains("unclosed `%ordered` block"), "{e}");
}

// ----- numeric captures -----

#[test]
fn numeric_captures_count_and_compare() {
    let s = "%num T 0\n%%\n%ordered\n%times 0..\n%group\ntry\niter [[#T:T+1]] no\n%end\ntry\niter [[#T:T+1]] yes\ndone after [[#T]]\n%end\n";
    assert!(verdict(s, "try\niter 1 yes\ndone after 1\n"));
    assert!(verdict(
        s,
        "try\niter 1 no\ntry\niter 2 no\ntry\niter 3 yes\ndone after 3\n"
    ));
    assert!(!verdict(
        s,
        "try\niter 1 no\ntry\niter 3 yes\ndone after 3\n"
    ));
    assert!(!verdict(
        s,
        "try\niter 1 no\ntry\niter 2 yes\ndone after 3\n"
    ));
    assert!(!verdict(s, "try\niter 2 yes\ndone after 2\n"));
    // Set from the output, then used with arithmetic.
    let s = "%%\n%ordered\nstart [[#N:]]\nnext [[#N+1]]\nprev [[#N-1]]\n%end\n";
    assert!(verdict(s, "start 41\nnext 42\nprev 40\n"));
    assert!(!verdict(s, "start 41\nnext 43\nprev 40\n"));
    // Each thread of an interleave block counts on its own.
    let s = "%key /^(\\w+):/\n%num K 0\n%%\n%interleave\na: [[#K:K+1]]\na: [[#K:K+1]]\nb: [[#K:K+1]]\n%end\n";
    assert!(verdict(s, "a: 1\nb: 1\na: 2\n"));
    assert!(!verdict(s, "a: 1\nb: 2\na: 2\n"));
}

#[test]
fn numeric_captures_are_checked_when_parsed() {
    let e = parse_err("%%\n%ordered\nx [[#N+1]]\n%end\n");
    assert!(
        e.contains("numeric variable `N` is used but never set"),
        "{e}"
    );
    let e = parse_err("%%\n%unordered\nx [[#N:]]\n%end\n");
    assert!(
        e.contains("numeric capture outside an ordered or interleave block"),
        "{e}"
    );
    let e = parse_err("%%\n%ordered\nx [[#N+y]]\n%end\n");
    assert!(e.contains("bad numeric capture"), "{e}");
    let e = parse_err("%num N x\n%%\na\n");
    assert!(e.contains("bad `%num`"), "{e}");
}

// ----- counts -----

#[test]
fn a_count_bounds_the_lines_of_a_block_that_match() {
    let s = "%key /^(\\w+):/\n%%\n%interleave\n%count 3 /^w: .*Acquired$/\n%times 1..\nw: {{Not acquired|Acquired}}\nm: done\n%end\n";
    assert!(verdict(
        s,
        "w: Acquired\nw: Not acquired\nw: Acquired\nm: done\nw: Acquired\n"
    ));
    let r = spec(s)
        .check("w: Acquired\nw: Acquired\nm: done\n")
        .to_string();
    assert!(r.contains("2 line(s) match `%count 3"), "{r}");
    assert!(!verdict(
        s,
        "w: Acquired\nw: Acquired\nw: Acquired\nw: Acquired\nm: done\n"
    ));
    let e = parse_err("%%\n%count 3 /x/\na\n");
    assert!(e.contains("`%count` must be inside a block"), "{e}");
    let e = parse_err("%%\n%ordered\n%count 3..1 /x/\na\n%end\n");
    assert!(e.contains("empty range"), "{e}");
}

#[test]
fn identical_unordered_lines_add_up_their_counts() {
    // Two blocks, identical patterns within and across them: each block's
    // identical lines stand for that many lines, whatever their order.
    let s = "%%\n%unordered\nitem {{\\d+}}\nother {{\\d+}}\nitem {{\\d+}}\n%end\n%unordered\nitem {{\\d+}}\n%end\n";
    assert!(verdict(s, "item 1\nother 2\nitem 3\nitem 4\n"));
    assert!(verdict(s, "other 2\nitem 1\nitem 3\nitem 4\n"));
    // Too few or too many of the repeated pattern in the first block.
    assert!(!verdict(s, "item 1\nother 2\nother 3\nitem 4\n"));
    assert!(!verdict(s, "item 1\nother 2\nitem 3\nitem 5\nitem 4\n"));
    // Plain-text lines too.
    let p = "%%\n%unordered\na\nb\na\n%end\n";
    assert!(verdict(p, "a\na\nb\n"));
    assert!(!verdict(p, "a\nb\nb\n"));
    assert!(!verdict(p, "a\nb\n"));
}
