//! Unit tests of template compilation and matching.

use super::*;

fn compiled(segs: Vec<Seg>, cx: &Cx<'_>) -> Template {
    let t = Template::new(segs);
    t.compile(cx).unwrap_or_else(|e| panic!("{e}"));
    t
}

#[test]
fn literal_regex_and_slots() {
    let mut regexes = Regexes::default();
    let digits = regexes.intern(r"\d+").unwrap();
    let thread = regexes.intern(r"Thread-\d+").unwrap();
    let var_regex = vec![thread];
    let cx = Cx {
        regexes: &regexes,
        var_regex: &var_regex,
        width: 10,
    };
    let t = compiled(
        vec![
            Seg::Lit("(".into()),
            Seg::ColStart,
            Seg::Slot(0),
            Seg::Col,
            Seg::Lit(") sleeping ".into()),
            Seg::Re(digits),
        ],
        &cx,
    );
    let mut b = Bind::binding();
    assert!(matches(&t, "(Thread-1  ) sleeping 3", &cx, &mut b));
    assert_eq!(b.local, vec![(0, "Thread-1".to_owned())]);
    // Same binding must repeat; wrong padding fails.
    assert!(!matches(&t, "(Thread-2  ) sleeping 3", &cx, &mut b));
    assert!(!matches(&t, "(Thread-1 ) sleeping 3", &cx, &mut b));
    assert!(!matches(&t, "(Thread-1  ) sleeping x", &cx, &mut b));
    let values = vec![Some("Thread-1000".to_owned())];
    let mut fixed = Bind::fixed(&values);
    assert!(matches(&t, "(Thread-1000) sleeping 12", &cx, &mut fixed));
}

#[test]
fn regex_before_literal_tries_every_split() {
    let mut regexes = Regexes::default();
    let any = regexes.intern(".*").unwrap();
    let cx = Cx {
        regexes: &regexes,
        var_regex: &[],
        width: 0,
    };
    let t = compiled(
        vec![Seg::Lit("a".into()), Seg::Re(any), Seg::Lit("b".into())],
        &cx,
    );
    assert!(matches(&t, "abab", &cx, &mut Bind::binding()));
    assert!(!matches(&t, "abac", &cx, &mut Bind::binding()));
}

#[test]
fn a_value_followed_by_a_wildcard_is_the_longest() {
    let mut regexes = Regexes::default();
    let int = regexes.intern(r"-?\d+").unwrap();
    let any = regexes.intern(".*").unwrap();
    let var_regex = vec![int];
    let cx = Cx {
        regexes: &regexes,
        var_regex: &var_regex,
        width: 10,
    };
    let t = compiled(
        vec![Seg::Lit("count ".into()), Seg::Slot(0), Seg::Re(any)],
        &cx,
    );
    let mut b = Bind::binding();
    assert!(matches(&t, "count 12x", &cx, &mut b));
    assert_eq!(b.local, vec![(0, "12".to_owned())]);
    let one = vec![Some("1".to_owned())];
    assert!(!matches(&t, "count 12", &cx, &mut Bind::fixed(&one)));
    assert!(matches(&t, "count 1 x", &cx, &mut Bind::fixed(&one)));
}

#[test]
fn many_wildcards_on_a_long_line_are_linear() {
    let mut regexes = Regexes::default();
    let any = regexes.intern(".*").unwrap();
    let cx = Cx {
        regexes: &regexes,
        var_regex: &[],
        width: 0,
    };
    let mut segs = Vec::new();
    for _ in 0..12 {
        segs.push(Seg::Re(any));
        segs.push(Seg::Lit(" ".into()));
    }
    segs.push(Seg::Lit("END".into()));
    let t = compiled(segs, &cx);
    let line = "x ".repeat(5000);
    let start = std::time::Instant::now();
    assert!(!matches(&t, &line, &cx, &mut Bind::binding()));
    // Backtracking over splits took minutes on 400 characters.
    assert!(start.elapsed() < std::time::Duration::from_secs(5));
}
