//! Every directive, through the public API, with the hard cases of issue 4.

use golden::Spec;

fn spec(text: &str) -> Spec {
    match Spec::parse("test.txt", text) {
        Ok(s) => s,
        Err(e) => panic!("spec should parse: {e}"),
    }
}

#[track_caller]
fn pass(s: &Spec, out: &str) {
    let o = s.check(out);
    assert!(o.is_match(), "expected a match for:\n{out}\nreport:\n{o}");
}

#[track_caller]
fn fail(s: &Spec, out: &str) -> String {
    let o = s.check(out);
    assert!(!o.is_match(), "expected a mismatch for:\n{out}");
    o.to_string()
}

#[track_caller]
fn parse_err(text: &str) -> String {
    match Spec::parse("bad.txt", text) {
        Ok(_) => panic!("spec should not parse:\n{text}"),
        Err(e) => e.to_string(),
    }
}

const KEY: &str = "%key /^\\((.*?) *\\)/\n";
const IDENT: &str = "%ident thread /Thread-\\d+/\n";

// ----- strictness -----

#[test]
fn every_line_is_accounted_for() {
    let s = spec("%%\na\nb\n");
    pass(&s, "a\nb\n");
    pass(&s, "a  \r\nb\n\n\n");
    fail(&s, "a\nb\nc\n");
    fail(&s, "a\n");
    fail(&s, "");
    fail(&s, "a\n\nb\n");
}

#[test]
fn empty_body_matches_empty_output_only() {
    let s = spec("%%\n");
    pass(&s, "");
    pass(&s, "\n\n");
    fail(&s, "x\n");
}

// ----- %key and %interleave -----

#[test]
fn interleave_keeps_each_threads_order() {
    let s = spec(&format!(
        "{KEY}%%\n%interleave\n(a) 1\n(b) 1\n(a) 2\n(b) 2\n%end\n"
    ));
    pass(&s, "(b) 1\n(b) 2\n(a) 1\n(a) 2\n");
    pass(&s, "(a) 1\n(b) 1\n(a) 2\n(b) 2\n");
    let report = fail(&s, "(a) 2\n(b) 1\n(a) 1\n(b) 2\n");
    assert!(report.contains("interleave block (lines 3-8)"), "{report}");
    fail(&s, "(a) 1\n(b) 1\n(a) 2\n");
    fail(&s, "(a) 1\n(b) 1\n(a) 2\n(b) 2\n(c) 1\n");
}

#[test]
fn key_padding_follows_the_name_length() {
    let s = spec(&format!(
        "{KEY}{IDENT}%%\n%interleave\n(Thread-21 ) Starting\n(worker    ) Starting\n%end\n"
    ));
    pass(&s, "(Thread-1  ) Starting\n(worker    ) Starting\n");
    pass(&s, "(worker    ) Starting\n(Thread-1000) Starting\n");
    // The padding is the format's: a name padded to the wrong width is a bug.
    fail(&s, "(Thread-1 ) Starting\n(worker    ) Starting\n");
    fail(&s, "(Thread-1  ) Starting\n(worker) Starting\n");
}

#[test]
fn unkeyed_lines_in_an_interleave_block_form_their_own_stream() {
    let s = spec(&format!(
        "{KEY}%%\n%interleave\n(a) x\nplain 1\n(b) y\nplain 2\n%end\n"
    ));
    pass(&s, "plain 1\n(b) y\nplain 2\n(a) x\n");
    fail(&s, "plain 2\n(b) y\nplain 1\n(a) x\n");
}

// ----- %ident -----

#[test]
fn identity_renaming_with_identical_lines() {
    // Two threads print identical lines: any pairing works, none may be shared.
    let s = spec(&format!(
        "{KEY}{IDENT}%%\n%interleave\n(Thread-21 ) running\n(Thread-22 ) running\n(Thread-21 ) done\n(Thread-22 ) done\n%end\n"
    ));
    pass(
        &s,
        "(Thread-2  ) running\n(Thread-1  ) running\n(Thread-1  ) done\n(Thread-2  ) done\n",
    );
    pass(
        &s,
        "(Thread-7  ) running\n(Thread-7  ) done\n(Thread-9  ) running\n(Thread-9  ) done\n",
    );
    // One actual thread cannot stand for both labels.
    fail(
        &s,
        "(Thread-1  ) running\n(Thread-1  ) running\n(Thread-1  ) done\n(Thread-1  ) done\n",
    );
    fail(
        &s,
        "(Thread-1  ) running\n(Thread-2  ) running\n(Thread-1  ) done\n(Thread-1  ) done\n",
    );
}

#[test]
fn cross_thread_name_inside_a_message() {
    let s = spec(&format!(
        "{KEY}{IDENT}%%\n%interleave\n(Thread-1  ) sleeping 3\n(Thread-2  ) sleeping 4\n(MainThread) joining Thread-2\n(Thread-2  ) ending\n(Thread-1  ) ending\n(MainThread) joining Thread-1\n%end\n"
    ));
    // Renamed: Thread-1 -> Thread-8, Thread-2 -> Thread-5; messages follow.
    pass(
        &s,
        "(Thread-8  ) sleeping 3\n(Thread-5  ) sleeping 4\n(MainThread) joining Thread-5\n(Thread-5  ) ending\n(MainThread) joining Thread-8\n(Thread-8  ) ending\n",
    );
    // The thread that sleeps 4 is the one joined first: messages must agree.
    let report = fail(
        &s,
        "(Thread-8  ) sleeping 3\n(Thread-5  ) sleeping 4\n(MainThread) joining Thread-8\n(Thread-5  ) ending\n(MainThread) joining Thread-5\n(Thread-8  ) ending\n",
    );
    assert!(report.contains("identity mapping tried"), "{report}");
}

#[test]
fn identities_are_consistent_across_blocks() {
    let s = spec(&format!(
        "{KEY}{IDENT}%%\n%unordered\n(Thread-1  ) a\n(Thread-2  ) b\n%end\n(Thread-1  ) last\n"
    ));
    pass(&s, "(Thread-6  ) b\n(Thread-3  ) a\n(Thread-3  ) last\n");
    fail(&s, "(Thread-6  ) b\n(Thread-3  ) a\n(Thread-6  ) last\n");
}

#[test]
fn relational_identities_need_a_real_search() {
    // Every line mentions two labels; only one renaming is consistent.
    let s = spec(&format!(
        "{IDENT}%%\n%unordered\nlink Thread-1 -> Thread-2\nlink Thread-2 -> Thread-3\nlink Thread-3 -> Thread-4\n%end\nhead Thread-1\n"
    ));
    pass(
        &s,
        "link Thread-9 -> Thread-5\nlink Thread-7 -> Thread-9\nlink Thread-6 -> Thread-7\nhead Thread-6\n",
    );
    fail(
        &s,
        "link Thread-9 -> Thread-5\nlink Thread-7 -> Thread-9\nlink Thread-6 -> Thread-7\nhead Thread-7\n",
    );
    fail(
        &s,
        "link Thread-9 -> Thread-5\nlink Thread-5 -> Thread-9\nlink Thread-6 -> Thread-7\nhead Thread-6\n",
    );
}

#[test]
fn addresses_as_identities() {
    let s = spec(
        "%ident addr /0x[0-9a-f]+/\n%%\ninit <obj at 0x10ae0de20>\ninit <obj at 0x10ae0de20>\nother <obj at 0x10ae0ff00>\n",
    );
    pass(
        &s,
        "init <obj at 0x7f00aa>\ninit <obj at 0x7f00aa>\nother <obj at 0x7f00bb>\n",
    );
    fail(
        &s,
        "init <obj at 0x7f00aa>\ninit <obj at 0x7f00ab>\nother <obj at 0x7f00bb>\n",
    );
    // Two labels, two objects: one address cannot be both.
    fail(
        &s,
        "init <obj at 0x7f00aa>\ninit <obj at 0x7f00aa>\nother <obj at 0x7f00aa>\n",
    );
}

// ----- %unordered -----

#[test]
fn wildcard_cannot_steal_the_exact_lines_partner() {
    for body in [
        "T{{\\d}}: start\nT1: start\n",
        "T1: start\nT{{\\d}}: start\n",
    ] {
        let s = spec(&format!("%%\n%unordered\n{body}%end\n"));
        pass(&s, "T1: start\nT2: start\n");
        pass(&s, "T2: start\nT1: start\n");
        fail(&s, "T2: start\nT3: start\n");
    }
}

#[test]
fn unordered_counts_duplicates() {
    let s = spec("%%\n%unordered\nx\nx\ny\n%end\n");
    pass(&s, "y\nx\nx\n");
    fail(&s, "y\nx\n");
    fail(&s, "y\nx\nx\nx\n");
    fail(&s, "y\ny\nx\n");
}

#[test]
fn unordered_with_ranges_and_optional_lines() {
    let s = spec("%%\n%unordered\n%times 1..2\nHolding\n%optional\nNot holding\ndone\n%end\n");
    pass(&s, "done\nHolding\n");
    pass(&s, "Holding\nNot holding\nHolding\ndone\n");
    fail(&s, "done\n");
    fail(&s, "Holding\nHolding\nHolding\ndone\n");
    fail(&s, "Holding\nNot holding\nNot holding\ndone\n");
}

// ----- order between blocks -----

#[test]
fn blocks_are_barriers() {
    let s = spec("%%\n%unordered\nw1\nw2\n%end\nall joined\n");
    pass(&s, "w2\nw1\nall joined\n");
    let report = fail(&s, "w2\nall joined\nw1\n");
    assert!(report.contains("FAIL test.txt"), "{report}");
}

#[test]
fn variable_sized_blocks_are_placed_by_search() {
    let s =
        spec("%%\n%unordered\n%times 1..\ntick\n%end\n%unordered\n%times 0..\ntick\nend\n%end\n");
    pass(&s, "tick\ntick\nend\n");
    pass(&s, "tick\nend\ntick\n");
    fail(&s, "end\ntick\n");
}

// ----- %redact, inline patterns, captures -----

#[test]
fn redactions_match_any_value_of_their_regex() {
    let s = spec("%redact /\\d\\d:\\d\\d:\\d\\d/\n%%\n17:07:55 (c1) start\n");
    pass(&s, "01:02:03 (c1) start\n");
    fail(&s, "01:02:03 (c2) start\n");
    fail(&s, "1:02:03 (c1) start\n");
}

#[test]
fn inline_regex_and_wildcard() {
    let s = spec("%%\nvalue={{\\d+}}\nSleeping {{\\d\\.\\d\\d}}\n[..]end\n");
    pass(&s, "value=58\nSleeping 0.63\nthe end\n");
    fail(&s, "value=5x\nSleeping 0.63\nthe end\n");
    fail(&s, "value=58\nSleeping 0.631\nthe end\n");
}

#[test]
fn captures_repeat_across_the_file() {
    let s = spec("%%\n%unordered\nid [[N:int]]\nagain [[N]]\n%end\nlast [[N]]\n");
    pass(&s, "again 7\nid 7\nlast 7\n");
    fail(&s, "again 7\nid 7\nlast 8\n");
}

#[test]
fn escapes_are_literal() {
    let s = spec("%%\n\\%done \\{{x}} \\[..] \\[[y]]\n");
    pass(&s, "%done {{x}} [..] [[y]]\n");
    fail(&s, "%done {{x}} abc [[y]]\n");
}

// ----- %forbid -----

#[test]
fn forbid_in_header_and_in_block() {
    let s = spec("%forbid /Exiting/\n%%\n%unordered\n%times 0..\n[..]\n%end\n");
    pass(&s, "(daemon) Starting\n");
    let r = fail(&s, "(daemon) Starting\n(daemon) Exiting\n");
    assert!(r.contains("forbid"), "{r}");
    let s = spec("%%\n%unordered\n%forbid /bad/\n%times 0..\n[..]\n%end\nbad but allowed here\n");
    pass(&s, "ok\nbad but allowed here\n");
    fail(&s, "bad\nbad but allowed here\n");
}

// ----- %tokens -----

#[test]
fn tokens_accept_torn_output_and_whole_lines() {
    // Each reference line is one writer's; a torn run interleaves them.
    let s =
        spec("%%\n%tokens\nWorker: 0\nWorker: 1\nWorker: 2\nWorker: 3\nWorker: 4\n%end\ndone\n");
    pass(
        &s,
        "Worker: 0\nWorker:Worker:Worker:   Worker:312\n\n\n4\ndone\n",
    );
    pass(
        &s,
        "Worker: 0\nWorker: 1\nWorker: 2\nWorker: 3\nWorker: 4\ndone\n",
    );
    pass(
        &s,
        "Worker: 0Worker: 1\n\nWorker: 2\nWorker: 3\nWorker: 4\ndone\n",
    );
    fail(&s, "Worker: 0\nWorker: 1\nWorker: 2\nWorker: 3\ndone\n");
    fail(
        &s,
        "Worker: 0\nWorker: 1\nWorker: 2\nWorker: 3\nWorker: 4\nWorker: 4\ndone\n",
    );
    fail(
        &s,
        "Worker: 0\nWorker: 1\nWorker: 2\nWorker: 3\ndone\nWorker: 4\n",
    );
    // The tokens are all there, but not in any writer's order.
    let r = fail(
        &s,
        "0: Worker\n1: Worker\n2: Worker\n3: Worker\n4: Worker\ndone\n",
    );
    assert!(r.contains("no interleaving"), "{r}");
    fail(
        &s,
        "Worker: 01\nWorker:\nWorker: 2\nWorker: 3\nWorker: 4\ndone\n",
    );
}

// ----- %times and %optional -----

#[test]
fn times_in_ordered_blocks() {
    let s = spec("%%\nstart\n%times 2\nstep\n%times 0..\nmore\nend\n");
    pass(&s, "start\nstep\nstep\nend\n");
    pass(&s, "start\nstep\nstep\nmore\nmore\nend\n");
    fail(&s, "start\nstep\nend\n");
    fail(&s, "start\nstep\nstep\nstep\nend\n");
}

#[test]
fn optional_lines_in_a_thread() {
    let s = spec(&format!(
        "{KEY}%%\n%interleave\n(h) Starting\n%optional\n(h) Holding\n(w) Done\n%end\n"
    ));
    pass(&s, "(h) Starting\n(w) Done\n");
    pass(&s, "(w) Done\n(h) Starting\n(h) Holding\n");
    fail(&s, "(h) Holding\n(h) Starting\n(w) Done\n");
}

// ----- %exit -----

#[test]
fn exit_status_is_recorded() {
    assert_eq!(spec("%%\n").expected_exit(), 0);
    assert_eq!(spec("%exit 1\n%%\n").expected_exit(), 1);
}

// ----- order independence of the header -----

#[test]
fn header_order_does_not_matter() {
    let decls = [
        "%key /^\\((.*?) *\\)/",
        "%ident thread /Thread-\\d+/",
        "%redact /\\d+ms/",
        "%forbid /panic/",
    ];
    let body =
        "%%\n%interleave\n(Thread-3  ) took 5ms\n(Thread-4  ) took 7ms\n(Thread-3  ) done\n%end\n";
    let runs = [
        "(Thread-1  ) took 9ms\n(Thread-2  ) took 1ms\n(Thread-1  ) done\n",
        "(Thread-1  ) took 9ms\n(Thread-2  ) took 1ms\n(Thread-1  ) done\n(Thread-2  ) done\n",
        "(Thread-1  ) took 9ms\n(Thread-2  ) panic\n(Thread-1  ) done\n",
    ];
    let mut verdicts = Vec::new();
    // Every rotation and its reverse.
    for r in 0..decls.len() {
        for rev in [false, true] {
            let mut d: Vec<&str> = decls
                .iter()
                .cycle()
                .skip(r)
                .take(decls.len())
                .copied()
                .collect();
            if rev {
                d.reverse();
            }
            let s = spec(&format!("{}\n{body}", d.join("\n")));
            verdicts.push(
                runs.iter()
                    .map(|run| s.check(run).is_match())
                    .collect::<Vec<_>>(),
            );
        }
    }
    assert_eq!(verdicts[0], vec![true, false, false]);
    assert!(verdicts.iter().all(|v| *v == verdicts[0]));
}

// ----- report -----

#[test]
fn report_names_block_mapping_closest_line_and_diff() {
    let s = spec(&format!(
        "{KEY}{IDENT}%%\nstart\n%interleave\n(Thread-21 ) Starting\n(Thread-21 ) Exiting\n%end\n"
    ));
    let r = fail(&s, "start\n(Thread-1  ) Starting\n(Thread-1  ) Exitting\n");
    let first = r.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("FAIL test.txt: interleave block (lines 5-8)"),
        "{r}"
    );
    assert!(r.contains("Thread-21 -> Thread-1"), "{r}");
    assert!(
        r.contains("missing (spec line 7): (Thread-21 ) Exiting"),
        "{r}"
    );
    assert!(
        r.contains("closest actual line 3: (Thread-1  ) Exitting"),
        "{r}"
    );
    assert!(r.contains("+     3 | (Thread-1  ) Exitting"), "{r}");
}

// ----- spec errors -----

#[test]
fn spec_errors_have_position_and_hint() {
    assert_eq!(
        parse_err("%%\n%unorderd\nx\n%end\n"),
        "bad.txt:2:1: unknown directive `%unorderd` in the body (did you mean `%unordered`?)"
    );
    assert_eq!(
        parse_err("%keys /(a)/\n%%\n"),
        "bad.txt:1:1: unknown directive `%keys` in the header (did you mean `%key`?)"
    );
    assert!(
        parse_err("%%\n%unordered\nx\n").starts_with("bad.txt:2:1: unclosed `%unordered` block")
    );
    assert!(parse_err("%redact /a(/\n%%\na\n").starts_with("bad.txt:1:10: bad regex `a(`"));
    assert!(parse_err("%%\nx {{a(}} y\n").starts_with("bad.txt:2:5: bad regex `a(`"));
    assert!(parse_err("hello\n%%\n").contains("text in the header"));
    assert!(parse_err("%key /(a)/\n").contains("missing `%%`"));
    assert!(parse_err("%%\n%times 2\n%end\n").contains("must be followed by a line"));
    assert!(parse_err("%%\nx\n%times 2\n").contains("applies to no line"));
    assert!(parse_err("%%\n%times 3..1\nx\n").contains("empty range"));
    assert!(parse_err("%%\n%times 1..1000001\nx\n").contains("too large"));
    assert!(parse_err("%%\n%end\n").contains("without an open block"));
    assert!(parse_err("%%\n%ordered\n%unordered\n%end\n").contains("blocks do not nest"));
    assert!(parse_err("%%\n%interleave\n%end\n").contains("needs a `%key`"));
    assert!(parse_err("%key /x/\n%%\n").contains("no capture group"));
    assert!(
        parse_err("%ident thread /T-\\d/\n%%\nnothing\n").contains("matches nothing in the body")
    );
    assert!(parse_err("%%\nuse [[N]]\n").contains("never defined"));
    assert!(parse_err("%%\n%interleave\n").contains("needs a `%key`"));
    assert!(parse_err("%%\n%key /(a)/\n").contains("belongs in the header"));
    assert!(parse_err("%ident a /x\\d/\n%redact /x\\d/\n%%\nx1\n").contains("claimed by several"));
}

#[test]
fn search_budget_is_reported() {
    // Eight interchangeable threads: 8! mappings, none can supply the missing
    // last line. The checker gives up after its budget and says so.
    let mut body = String::new();
    let mut run = String::new();
    for i in 1..=8 {
        body.push_str(&format!("({:<10}) hi\n", format!("Thread-{i}")));
        run.push_str(&format!("({:<10}) hi\n", format!("Thread-{}", i + 10)));
    }
    let s = spec(&format!(
        "{KEY}{IDENT}%%\n%interleave\n{body}%end\n(Thread-1  ) bye\n"
    ));
    let r = fail(&s, &run);
    assert!(r.contains("note: gave up after trying"), "{r}");
}

#[test]
fn sync_orders_two_threads_of_an_interleave_block() {
    let s = spec(&format!(
        "{KEY}{IDENT}%%\n%interleave\n(Thread-1  ) start\n(MainThread) joining Thread-1\n(Thread-1  ) end\n%sync Thread-1 -> MainThread\n(MainThread) joined\n%end\n"
    ));
    pass(
        &s,
        "(MainThread) joining Thread-4\n(Thread-4  ) start\n(Thread-4  ) end\n(MainThread) joined\n",
    );
    let r = fail(
        &s,
        "(Thread-4  ) start\n(MainThread) joining Thread-4\n(MainThread) joined\n(Thread-4  ) end\n",
    );
    assert!(
        r.contains("`%sync Thread-1 -> MainThread` (spec line"),
        "{r}"
    );
    // The directive is checked when the spec is parsed.
    assert!(
        parse_err(&format!(
            "{KEY}%%\n%interleave\n(a) x\n%sync a -> b\n(a) y\n%end\n"
        ))
        .contains("no thread `b`")
    );
    assert!(
        parse_err(&format!("{KEY}%%\n%interleave\n(a) x\n%sync a b\n%end\n"))
            .contains("bad `%sync`")
    );
    assert!(
        parse_err("%%\n%unordered\nx\n%sync a -> b\n%end\n")
            .contains("must be inside an `%interleave`")
    );
    assert!(
        parse_err(&format!(
            "{KEY}%%\n%interleave\n%times 1..2\n(a) x\n(b) y\n%sync a -> b\n(b) z\n%end\n"
        ))
        .contains("variable count")
    );
}

#[test]
fn non_ascii_text_and_keys() {
    let s = spec(&format!(
        "{KEY}%%\n%interleave\n(é         ) café [..] ünïcode {{{{\\d}}}}€\n(ß         ) 日本語\n%end\n"
    ));
    pass(&s, "(ß         ) 日本語\n(é         ) café — ünïcode 7€\n");
    fail(&s, "(ß         ) 日本語\n(é         ) cafe — ünïcode 7€\n");
}
