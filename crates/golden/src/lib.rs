//! Golden-output checking for multi-threaded programs.
//!
//! A *reference file* is a transcript of one run of a program (the tutorial's
//! printed output, verbatim) under a header that declares what may legitimately
//! differ in another run: the interleaving of threads, auto-numbered thread names,
//! object addresses, timestamps, random values, lines torn by unsynchronised writes.
//! [`Spec::check`] decides whether one run matches; nothing else is normalised.
//!
//! # Guarantees
//!
//! - **Strict by default.** Every output line must be accounted for by a reference
//!   line; trailing whitespace and trailing blank lines are the only slack.
//! - **Semantics, not search heuristics.** Unordered blocks use maximum bipartite
//!   matching (a wildcard never steals the line an exact pattern needs), interleave
//!   blocks compare each thread's projection and pair threads by bipartite matching,
//!   identity labels are renamed one-to-one across the whole file. Whether a spec
//!   passes never depends on the order its header directives are written in.
//! - **No silently ignored spec text.** Unknown directives, blocks left open,
//!   bad regexes, declarations that apply to nothing are [`SpecError`]s with
//!   `file:line:col` and a hint.
//! - **Fast.** Interleave blocks are checked per thread in linear time; threads
//!   with identical lines are compared once (a million lines from a thousand threads
//!   check well under a second in release mode: `cargo run --release -p golden
//!   --example bench`).
//!
//! # Bounds on adversarial input
//!
//! Measured by `cargo run --release -p golden --example adversarial` (nine
//! shapes at 10k, 100k and 1M lines, time and peak memory of parse, check and
//! report in a child process each; `golden check` exits without freeing the
//! spec, so the time it would take to free it is shown apart):
//!
//! - Matching one line is linear in its length, whatever its wildcards.
//! - A failing ordered block, or thread of an interleave block, is reported by
//!   its first bad line, found in one pass.
//! - The identity search does not start when an actual thread fits no reference
//!   thread, and stops when the blocks up to the failing one mention no variable.
//!   Its first guess (a bipartite matching) reads the candidate lists in place:
//!   4,000 threads that fit each other's keys are 16M candidates, not copied.
//! - Count ranges keep memory for the states that are live, not for every count;
//!   an ordered block whose lines occur at most once keeps intervals of them.
//! - Work is linear or n log n in the input: templates, plain-text lines and
//!   `%unordered` candidates (by hashed literal prefix and suffix) are found by
//!   hash, flow networks and per-group lists are flat arrays. Exceptions: an
//!   `%unordered` pattern with no literal text at either end is tried on every
//!   distinct line of its block; and the next item.
//! - A block of variable size that is not last, and is not followed by an
//!   ordered block with a required first line, is tried at each possible end.
//! - Identical templates share one id where the checker compares ids
//!   (`%unordered` patterns, interleave threads). `%unordered` lines without
//!   a key column are not looked up in the template index (a cache miss or two in an index of a
//!   million): their hashes are sorted once after the body and identical ones
//!   given the first line's id. In ordered blocks a line of text not seen
//!   before whose template is plain text or one regex or label between texts
//!   is not looked up either; unless a `%redact` applies, only a line of other
//!   text can have the same template, and a copy costs memory, not time. A
//!   key line with the same text around its key as the line before (a thread
//!   block's `(` and ` step 4`) reuses that line's compiled pieces and
//!   key-abstracted template; an interleave line's key pieces are found by the
//!   key's id.
//!
//! Measured on a shared 2-core machine (wall time varies by up to 1.5x from run
//! to run, more under load; this table at load average 0.9): every shape at 10k
//! and 100k lines takes under 0.3 s and 85 MB; at 1M lines every shape stays
//! under 800 MB and seven of the nine take under 2 s (ident-1-wrong 1.15 to
//! 1.75 s over 14 runs). Two are at the bound, under 2 s in some runs and not
//! in others (ranges over 8 to 12 runs, load average 0.4 to 3.6; the previous
//! version, run alternately with this one, took 1.7 to 3.0 s and 1.8 to 2.8 s):
//! 4,000 labelled threads with a wrong line (1.4 to 2.7 s, mostly parsing: the
//! key regex still runs twice per reference line, once to find the key and
//! once, on the line with the spaces after it cut out, to tell padding from
//! separator, each with a lookup of the matched prefix) and a million distinct
//! `%unordered` regex lines (1.5 to 2.2 s: two sorted tables of a million line
//! ends for the candidates, the actual lines grouped by text in a map of a
//! million, a flow network of three million edges). What remains is about
//! 1 µs per reference line of allocation and cache misses.
//!
//! ```text
//! shape                  lines    time s  free s  peak MiB  verdict
//! wildcards              10000     0.001   0.000         5  fail (6 report lines)
//! wildcards             100000     0.007   0.000        11  fail (6 report lines)
//! wildcards            1000000     0.071   0.002        73  fail (6 report lines)
//! ordered-1-wrong        10000     0.013   0.001        10  fail (9 report lines)
//! ordered-1-wrong       100000     0.206   0.015        64  fail (9 report lines)
//! ordered-1-wrong      1000000     1.211   0.142       568  fail (9 report lines)
//! ident-1-wrong          10000     0.012   0.001        10  fail (11 report lines)
//! ident-1-wrong         100000     0.154   0.015        55  fail (11 report lines)
//! ident-1-wrong        1000000     1.243   0.102       526  fail (11 report lines)
//! threads-1-wrong        10000     0.070   0.005        20  fail (9 report lines)
//! threads-1-wrong       100000     0.292   0.020        67  fail (11 report lines)
//! threads-1-wrong      1000000     2.092   0.096       505  fail (11 report lines)
//! unordered-regex        10000     0.027   0.002        12  pass
//! unordered-regex       100000     0.268   0.041        84  pass
//! unordered-regex      1000000     2.239   0.266       760  pass
//! interleave-ranged      10000     0.004   0.000         5  pass
//! interleave-ranged     100000     0.028   0.000        13  pass
//! interleave-ranged    1000000     0.252   0.000        84  pass
//! times-range            10000     0.002   0.000         5  pass
//! times-range           100000     0.031   0.000        16  pass
//! times-range          1000000     0.500   0.003       145  pass
//! optional-chain         10000     0.021   0.001         9  pass
//! optional-chain        100000     0.171   0.010        59  pass
//! optional-chain       1000000     1.570   0.073       542  pass
//! ordered-labels         10000     0.029   0.002        10  pass
//! ordered-labels        100000     0.258   0.017        62  pass
//! ordered-labels       1000000     1.503   0.190       534  pass
//! ```

//! # Limits
//!
//! - The search for an identity mapping tries at most 20,000 complete mappings;
//!   beyond 4,096 labels only the maximum bipartite matching is tried. A report
//!   says when the search gave up.
//! - Token mode sees each writer's order, not the order between writers.
//! - `%sync` is checked on the pairing of threads found by the matching; when a
//!   key pattern admits several threads, other pairings are not tried for it.
//! - Key columns are checked as left-aligned (`%-10s`), one width per file;
//!   `%times` counts go up to 100,000.
//! - A capture or label takes the value its regex's greedy match gives within
//!   the line's one regex (leftmost-first, as the `regex` crate matches), so
//!   `[[A:\w+]]_[[B:\w+]]` on `x_y_z` binds `A = x_y`: write a tighter regex
//!   when two adjacent values could trade characters.
//!
//! # File layout
//!
//! ```text
//! # comments and %directives          <- the header
//! %%                                  <- ends the header
//! the reference output, verbatim      <- the body, grouped into blocks
//! ```
//!
//! Body lines outside any block form ordered blocks. Blocks are matched against
//! consecutive stretches of the output, in order: the order *between* blocks is
//! what the program guarantees (a line after `join()` comes after the block of
//! worker lines). In the body, a line starting with `%` is a directive; write `\%`
//! for a literal `%`. `%#` starts a comment line.
//!
//! # Header directives
//!
//! ## `%key /REGEX/`: the thread of a line
//!
//! Group 1 of the regex is the line's key (its thread name, whitespace trimmed).
//! Used by `%interleave` blocks. The key column may be padded (`%(threadName)-10s`):
//! a name shorter than the width is padded with spaces to it, a longer one is
//! printed whole with no padding. The spaces after a key that the regex can do
//! without are padding; spaces it requires (`/^(\S+) /` for
//! `%(threadName)s %(message)s`) are a separator. The width is the one the padded
//! reference lines show (a key that fills or overflows its column says nothing
//! about it, and a key written as a pattern neither), or `%width N`; lines that
//! disagree are a spec error.
//!
//! ```
//! // `%(threadName)-8s`: the reference shows only a name longer than the column.
//! let spec = "%key /^\\((.*?) *\\)/\n%width 8\n%ident t /Thread-\\d+/\n%%\n(Thread-10) start\n";
//! let spec = golden::Spec::parse("doc", spec).unwrap();
//! assert!(spec.check("(Thread-1) start\n").is_match());
//! assert!(!spec.check("(Thread-1 ) start\n").is_match());
//! ```
//!
//! ```
//! let spec = "%key /^\\((.*?) *\\)/\n%%\n%interleave\n(a         ) one\n(b         ) two\n(a         ) three\n%end\n";
//! let spec = golden::Spec::parse("doc", spec).unwrap();
//! assert!(spec.check("(b         ) two\n(a         ) one\n(a         ) three\n").is_match());
//! // Each thread's own lines keep their order.
//! assert!(!spec.check("(a         ) three\n(b         ) two\n(a         ) one\n").is_match());
//! // The padding of the name column is part of the format.
//! assert!(!spec.check("(a ) one\n(b         ) two\n(a         ) three\n").is_match());
//! ```
//!
//! ## `%ident CLASS /REGEX/`: identities are labels
//!
//! Every match of the regex in the body is a *label* (`Thread-21`). A run matches
//! if some one-to-one renaming of labels to values found in the run (`Thread-1`)
//! makes it match, the same renaming everywhere in the file, messages included.
//! The renaming is found by bipartite matching and a search, never first-fit.
//!
//! ```
//! let spec = "%key /^\\((.*?) *\\)/\n%ident thread /Thread-\\d+/\n%%\n%interleave\n\
//!             (Thread-21 ) sleeping\n(Thread-22 ) sleeping\n(Thread-22 ) ending\n%end\n\
//!             (MainThread) joined Thread-22\n";
//! let spec = golden::Spec::parse("doc", spec).unwrap();
//! // Thread-21 -> Thread-2, Thread-22 -> Thread-1, also inside the message.
//! assert!(spec.check("(Thread-1  ) sleeping\n(Thread-2  ) sleeping\n(Thread-1  ) ending\n\
//!                     (MainThread) joined Thread-1\n").is_match());
//! assert!(!spec.check("(Thread-1  ) sleeping\n(Thread-2  ) sleeping\n(Thread-1  ) ending\n\
//!                      (MainThread) joined Thread-2\n").is_match());
//! ```
//!
//! ## `%redact /REGEX/`: values that carry no meaning
//!
//! Any match of the regex in a body line matches any text the regex matches in the
//! run (timestamps). Overlapping declarations: leftmost, then longest, wins; equal
//! spans of several redactions accept any of them.
//!
//! ```
//! let spec = "%redact /\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d{3}/\n%%\n2015-06-27 17:07:55,552 (c1) Starting\n";
//! let spec = golden::Spec::parse("doc", spec).unwrap();
//! assert!(spec.check("2026-01-02 03:04:05,006 (c1) Starting\n").is_match());
//! assert!(!spec.check("yesterday (c1) Starting\n").is_match());
//! ```
//!
//! ## `%forbid /REGEX/`: lines that must not appear
//!
//! In the header: no output line may contain a match. Inside a block: no line of
//! that block's stretch of output.
//!
//! ```
//! let spec = "%forbid /panicked/\n%%\n%unordered\n%times 0..\n[..]\n%end\n";
//! let spec = golden::Spec::parse("doc", spec).unwrap();
//! assert!(spec.check("anything\n").is_match());
//! assert!(!spec.check("thread 'x' panicked at src/main.rs\n").is_match());
//! ```
//!
//! ## `%width N`: the key column's width
//!
//! For a `%(threadName)-Ns` format whose reference lines do not show the width
//! (every name fills or overflows the column). See `%key`.
//!
//! ## `%exit N`: expected exit status
//!
//! Used by [`run_example`] (default 0).
//!
//! ```
//! let spec = golden::Spec::parse("doc", "%exit 3\n%%\nbye\n").unwrap();
//! assert_eq!(spec.expected_exit(), 3);
//! ```
//!
//! # Blocks
//!
//! ## `%ordered` ... `%end` (and lines outside blocks)
//!
//! ```
//! let spec = golden::Spec::parse("doc", "%%\n%ordered\nfirst\nsecond\n%end\n").unwrap();
//! assert!(spec.check("first\nsecond\n").is_match());
//! assert!(!spec.check("second\nfirst\n").is_match());
//! ```
//!
//! ## `%unordered` ... `%end`: a multiset of line patterns
//!
//! ```
//! let spec = golden::Spec::parse("doc", "%%\n%unordered\nT{{\\d}}: start\nT1: start\n%end\ndone\n").unwrap();
//! // The wildcard line must leave `T1: start` to the exact line.
//! assert!(spec.check("T1: start\nT2: start\ndone\n").is_match());
//! assert!(!spec.check("T1: start\ndone\nT2: start\n").is_match());
//! ```
//!
//! ## `%interleave` ... `%end`: per-thread order
//!
//! Lines are projected by `%key`; each reference thread is paired with one actual
//! thread (bipartite matching) whose lines match its lines in order. Lines without
//! a key form one more ordered stream. A reference thread all of whose lines are
//! `%optional` (or `%times 0..`) may be absent from the run.
//!
//! ```
//! let spec = "%key /^(\\w+):/\n%%\n%interleave\nw: Starting\nm: Starting\nw: Exiting\nm: Exiting\n%end\n";
//! let spec = golden::Spec::parse("doc", spec).unwrap();
//! assert!(spec.check("m: Starting\nw: Starting\nm: Exiting\nw: Exiting\n").is_match());
//! assert!(!spec.check("w: Starting\nw: Exiting\nm: Exiting\nm: Starting\n").is_match());
//! ```
//!
//! ## `%sync FROM -> TO`: order between two threads of an interleave block
//!
//! Inside an interleave block: the lines of thread FROM written above the `%sync`
//! come, in the output, before the lines of thread TO written below it (a
//! happens-before edge such as `join()` or an event being set). Threads are named
//! by their keys as written (keys may contain spaces: `%sync Thread-1 (worker) ->
//! MainThread`); the lines counted above must have fixed counts. A `%sync` that
//! constrains nothing (no FROM line above it, no TO line below it, FROM = TO) is
//! a spec error.
//!
//! ```
//! let spec = "%key /^(\\w+):/\n%%\n%interleave\nw: working\nm: joining w\nw: done\n%sync w -> m\nm: joined\n%end\n";
//! let spec = golden::Spec::parse("doc", spec).unwrap();
//! assert!(spec.check("m: joining w\nw: working\nw: done\nm: joined\n").is_match());
//! assert!(!spec.check("w: working\nm: joining w\nm: joined\nw: done\n").is_match());
//! ```
//!
//! ## `%count N /REGEX/`: how many lines of a block match
//!
//! Inside a block: the number of lines of the block's stretch of output that
//! the regex matches must be N (or in `N..M`, `N..`). With the key in the regex
//! it counts one thread's lines (exactly three `Acquired`).
//!
//! ```
//! let spec = "%%\n%unordered\n%count 2 /^ok/\n%times 1..\n[..]\n%end\n";
//! let spec = golden::Spec::parse("doc", spec).unwrap();
//! assert!(spec.check("ok 1\nfail\nok 2\n").is_match());
//! assert!(!spec.check("ok 1\nfail\n").is_match());
//! ```
//!
//! ## `%tokens` ... `%end`: output torn mid-line
//!
//! Unsynchronised writers can tear lines (`Worker: 0Worker: 1`). Each body line
//! is what one writer writes, in order; the block matches when the run's tokens
//! (runs of letters, single other characters; spaces and line breaks count for
//! nothing) are an interleaving of the body lines' tokens, each line's in its
//! order. Body lines are literal. The search for an interleaving has a budget of
//! 200,000 states; beyond it only the multisets of tokens are compared.
//!
//! ```
//! let spec = "%%\n%tokens\nWorker: 0\nWorker: 1\nWorker: 2\n%end\n";
//! let spec = golden::Spec::parse("doc", spec).unwrap();
//! assert!(spec.check("Worker: 0\nWorker:Worker:   21\n").is_match());
//! assert!(!spec.check("Worker: 0\nWorker: 1\n").is_match());
//! // A digit before its own writer's `Worker:`.
//! assert!(!spec.check("0: Worker\n1: Worker\n2: Worker\n").is_match());
//! ```
//!
//! # Line modifiers
//!
//! ## `%times N`, `%times N..M`, `%times N..`: counts and ranges
//!
//! ```
//! let spec = golden::Spec::parse("doc", "%%\n%times 1..3\ntick\nboom\n").unwrap();
//! assert!(spec.check("tick\ntick\nboom\n").is_match());
//! assert!(!spec.check("boom\n").is_match());
//! assert!(!spec.check("tick\ntick\ntick\ntick\nboom\n").is_match());
//! ```
//!
//! ## `%group` ... `%end`: lines repeated as a whole
//!
//! Inside an `%ordered` or `%interleave` block, a `%times` or `%optional` before
//! `%group` applies to the group: its lines repeat together, in order (a
//! holder's alternating `Holding` / `Not holding`, a worker's try and its
//! result). In an interleave block a group's lines are of one thread. Groups do
//! not nest; their finite counts go up to 1,000.
//!
//! ```
//! let spec = "%%\n%ordered\nHolding\n%times 0..\n%group\nNot holding\nHolding\n%end\n%end\n";
//! let spec = golden::Spec::parse("doc", spec).unwrap();
//! assert!(spec.check("Holding\nNot holding\nHolding\n").is_match());
//! assert!(!spec.check("Holding\nHolding\n").is_match());
//! ```
//!
//! ## `%optional`: a line that may be absent
//!
//! ```
//! let spec = golden::Spec::parse("doc", "%%\nstart\n%optional\nmaybe\nend\n").unwrap();
//! assert!(spec.check("start\nend\n").is_match());
//! assert!(spec.check("start\nmaybe\nend\n").is_match());
//! ```
//!
//! # Inline patterns
//!
//! ## `{{REGEX}}` and `[..]`
//!
//! `{{REGEX}}` matches a span the regex matches entirely; `[..]` is any text.
//! Every split of the line is tried, so `a[..]b` matches `abab`. A line compiles
//! to one regex, so matching it is linear in its length however many wildcards
//! it has.
//!
//! ```
//! let spec = golden::Spec::parse("doc", "%%\nvalue={{\\d+}}\n[..] done\n").unwrap();
//! assert!(spec.check("value=58\nall done\n").is_match());
//! assert!(!spec.check("value=x\nall done\n").is_match());
//! ```
//!
//! ## `[[NAME:TYPE]]` ... `[[NAME]]`: captures that must repeat
//!
//! TYPE is `int`, `hex`, `float`, `word` or a regex. Every occurrence of the
//! capture, wherever it is in the file, must have the same value. A value is as
//! long as the rest of the line lets it be: `[[N:int]][..]` binds `12` in
//! `12 apples`, and `[[N]]` with `N = 12` does not match `123`.
//!
//! ```
//! let spec = "%%\nInitializing <obj at [[ADDR:hex]]>\nInitializing <obj at [[ADDR]]>\n";
//! let spec = golden::Spec::parse("doc", spec).unwrap();
//! assert!(spec.check("Initializing <obj at 0x7f01>\nInitializing <obj at 0x7f01>\n").is_match());
//! assert!(!spec.check("Initializing <obj at 0x7f01>\nInitializing <obj at 0x7f02>\n").is_match());
//! ```
//!
//! ## `[[#N:]]`, `[[#N+1]]`, `[[#N:N+1]]`: numeric captures
//!
//! An integer tied to numeric variables, after FileCheck's `[[#...]]`: `[[#N:]]`
//! sets N from the output, `[[#N]]`, `[[#N+K]]`, `[[#N-K]]` must equal it (plus
//! or minus K), `[[#N:EXPR]]` must equal EXPR and sets N to it (a counter in a
//! `%group`). `%num N V` in the header starts N at V. Numeric variables follow
//! one sequence: an ordered block, or one thread of an interleave block, each
//! starting from the `%num` values.
//!
//! ```
//! let spec = "%num T 0\n%%\n%ordered\n%times 1..\n%group\ntry [[#T:T+1]]\n%end\ndone after [[#T]]\n%end\n";
//! let spec = golden::Spec::parse("doc", spec).unwrap();
//! assert!(spec.check("try 1\ntry 2\ndone after 2\n").is_match());
//! assert!(!spec.check("try 1\ntry 3\ndone after 3\n").is_match());
//! assert!(!spec.check("try 1\ntry 2\ndone after 3\n").is_match());
//! ```
//!
//! Escapes: `\{{`, `\[[`, `\[..]` are literal text.
//!
//! # Errors
//!
//! ```
//! let err = golden::Spec::parse("x.txt", "%%\n%unorderd\n").unwrap_err();
//! assert_eq!(err.to_string(), "x.txt:2:1: unknown directive `%unorderd` in the body (did you mean `%unordered`?)");
//! ```
//!
//! # Running examples
//!
//! [`run_example`] runs a binary with stdout and stderr on one pipe (so their
//! lines keep their relative order), under a timeout, and checks the output and
//! the exit status. A golden test of an example:
//!
//! ```no_run
//! use std::path::Path;
//! let root = golden::workspace_root(Path::new(env!("CARGO_MANIFEST_DIR"))).expect("in a workspace");
//! let report = golden::run_example(
//!     &root.join("target/debug/threading_lock"),
//!     &root.join("expected-output/threading_lock.txt"),
//!     &golden::RunOptions::default().time_scale("0.05"),
//! )
//! .unwrap_or_else(|e| panic!("{e}"));
//! assert!(report.passed(), "{report}\n--- output ---\n{}", report.output);
//! ```
//!
//! # Command line
//!
//! ```text
//! golden check EXPECTED ACTUAL      ACTUAL `-` reads standard input
//! golden run NAME [--repeat N] [--time-scale S] [--timeout SECS] [--bin PATH] [--spec PATH]
//! golden bless NAME [--time-scale S] [--bin PATH] [--spec PATH]
//! ```
//!
//! # Blessing a reference
//!
//! `golden bless NAME` runs the example once and writes its output as the body
//! of `expected-output/NAME.txt` under the existing header; `GOLDEN_BLESS=1
//! cargo test -p NAME` does the same from the example's golden test when the run
//! does not match. When the run has as many lines as the body has output lines,
//! the body's directives (`%interleave`, `%times`, `%sync`, ...) stay in place;
//! otherwise the body becomes one ordered block, and the note says so. Pattern
//! syntax in the output is escaped.
//!
//! ```
//! let old = "%key /^(\\w+):/\n%%\n%interleave\na: one\nb: two\n%end\n";
//! let new = golden::bless(old, "b: 2\na: 1\n").unwrap();
//! assert_eq!(new.text, "%key /^(\\w+):/\n%%\n%interleave\nb: 2\na: 1\n%end\n");
//! ```
//!
//! Pitfalls: a blessed body is one run. It is only as good as the header and
//! blocks that declare what varies (a timestamp not covered by `%redact`, a
//! thread name not covered by `%ident` fails the next run); a `%times` or
//! `%optional` line keeps its count whatever the run showed; and blessing a
//! wrong run makes the wrong output the reference. Review the diff before
//! committing it.
//!
//! `golden run NAME` finds the workspace root (the nearest `Cargo.toml` with
//! `[workspace]`), runs the newest of `target/{release,debug}/NAME` (or
//! `$CARGO_TARGET_DIR/...`, or `--bin`), checks it against
//! `expected-output/NAME.txt` (or `--spec`), and with `--repeat N` reports how many
//! of N runs passed. `--time-scale S` sets `SYNC_KIT_TIME_SCALE=S` for the example;
//! `--timeout` (default 60 s) kills an example that hangs.
//!
//! Exit status: 0 match, 1 mismatch, 2 bad input: malformed spec, unreadable
//! file, output that is not UTF-8, an example that cannot start, crashes (a
//! signal, or an exit status other than the spec's `%exit`) or times out. Bad
//! input is explained in one line on standard error; a crash also prints the
//! check of what the example printed before it.

mod bless;
mod chain;
mod check;
mod error;
mod example_test;
mod explore;
mod fxhash;
mod group;
mod keys;
mod matching;
mod parse;
mod pattern;
mod picture;
mod plan;
mod report;
mod run;
#[cfg(test)]
mod selftest;
#[cfg(test)]
mod selftest_runs;
mod seq;
mod spec;
mod tokens;
mod width;

pub use bless::{Blessed, bless, bless_file};
pub use error::SpecError;
pub use example_test::assert_example_at;
pub use explore::{Divergence, ExploreOptions, ExploreReport, ScheduleFailure, Strategy, explore};
pub use picture::{PICTURE_DIR, draw, masked_svg, picture_path, picture_seed};
pub use run::{
    Report, RunError, RunOptions, find_example, run_example, run_with_spec, workspace_root,
};
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
