//! Unit tests of the format and the filter. Expected strings were printed by
//! CPython 3.11 for the same format (`logging.Formatter(fmt).format(record)`).

use super::*;

fn render(format: &str, level: Level, message: &str, thread: &str) -> String {
    Format::parse(format)
        .unwrap()
        .render_parts(level, message, thread)
}

#[test]
fn width_and_alignment_modifiers() {
    let f = "(%(threadName)-10s) %(message)s";
    assert_eq!(
        render(f, Level::Debug, "Starting", "worker"),
        "(worker    ) Starting"
    );
    assert_eq!(render(f, Level::Debug, "x", "my_service"), "(my_service) x");
    // Longer than the width: never truncated by a width alone.
    assert_eq!(
        render(f, Level::Debug, "x", "non-blocking"),
        "(non-blocking) x"
    );
    assert_eq!(render("(%(threadName)-2s)", Level::Debug, "", "0"), "(0 )");
    assert_eq!(render("(%(threadName)-2s)", Level::Debug, "", "c1"), "(c1)");
    assert_eq!(
        render("[%(threadName)8s]", Level::Debug, "", "w"),
        "[       w]"
    );
    // Width counts characters, not bytes.
    assert_eq!(render("[%(message)4s]", Level::Info, "é", "t"), "[   é]");
}

#[test]
fn precision_truncates_text_after_repr() {
    assert_eq!(render("%(levelname).1s", Level::Warn, "", "t"), "W");
    assert_eq!(
        render("%(threadName)-5.3s|", Level::Info, "", "worker"),
        "wor  |"
    );
    assert_eq!(render("%(message).1r", Level::Info, "abc", "t"), "'");
    assert_eq!(
        render("%(message).3s", Level::Info, "日本語です", "t"),
        "日本語"
    );
    // On a number `%s` truncates its text too: str(10)[:1].
    assert_eq!(render("%(levelno).1s", Level::Debug, "", "t"), "1");
}

#[test]
fn level_names_and_numbers_are_pythons() {
    let f = "%(levelname)s %(levelno)d";
    assert_eq!(render(f, Level::Warn, "", "t"), "WARNING 30");
    assert_eq!(render(f, Level::Debug, "", "t"), "DEBUG 10");
    assert_eq!(render(f, Level::Error, "", "t"), "ERROR 40");
}

#[test]
fn integer_conversions_follow_pythons_percent_operator() {
    // (format, level) -> what CPython's `format % {'levelno': n}` prints.
    for (format, level, expected) in [
        ("%(levelno).3d", Level::Debug, "010"),
        ("%(levelno)5.3d", Level::Debug, "  010"),
        ("%(levelno)-6.3d|", Level::Debug, "010   |"),
        ("%(levelno)+.3d", Level::Debug, "+010"),
        ("%(levelno) .3d", Level::Debug, " 010"),
        ("%(levelno)05.3d", Level::Debug, "00010"),
        ("%(levelno)08.3d", Level::Debug, "00000010"),
        ("%(levelno).1d", Level::Debug, "10"),
        ("%(levelno)05d", Level::Info, "00020"),
        ("%(levelno)+d", Level::Info, "+20"),
        ("%(levelno)+ d", Level::Info, "+20"),
        ("%(levelno)-4d|", Level::Info, "20  |"),
        ("%(levelno)-05d|", Level::Info, "20   |"),
        ("%(levelno)#d", Level::Info, "20"),
        (
            "%(levelno)ld %(levelno)hi %(levelno)Ld",
            Level::Info,
            "20 20 20",
        ),
        ("%(levelno)5s|%(levelno)-5r|", Level::Info, "   20|20   |"),
        ("%(levelno)05s", Level::Info, "   20"),
        ("%(levelno)r", Level::Error, "40"),
        ("%(lineno).2d", Level::Info, "00"),
    ] {
        assert_eq!(render(format, level, "", "t"), expected, "{format}");
    }
    let pid = std::process::id().to_string();
    assert_eq!(render("%(process)d", Level::Info, "", "t"), pid);
}

#[test]
fn repr_is_pythons() {
    for (message, expected) in [
        ("it's", "\"it's\""),
        ("a", "'a'"),
        ("bell\x07", r"'bell\x07'"),
        ("zw\u{200b}", r"'zw\u200b'"),
        ("\x1b[31mred\x1b[0m", r"'\x1b[31mred\x1b[0m'"),
        ("both '\"", r#"'both \'"'"#),
        ("line\nbreak", r"'line\nbreak'"),
    ] {
        assert_eq!(render("%(message)r", Level::Info, message, "t"), expected);
    }
    assert_eq!(render("%(levelname)r", Level::Warn, "", "t"), "'WARNING'");
    assert_eq!(render("%(message)8r|", Level::Info, "ab", "t"), "    'ab'|");
}

#[test]
fn messages_are_written_as_they_are() {
    let raw = "bell\x07 \x1b[31mred\x1b[0m\ttab\r\u{200b}\u{7f}";
    assert_eq!(render("%(message)s", Level::Info, raw, "t"), raw);
}

#[test]
fn percent_escape_and_empty_format() {
    assert_eq!(
        render("100%% %(message)s", Level::Info, "done", "t"),
        "100% done"
    );
    // Python: Formatter('') formats as '%(message)s'.
    assert_eq!(render("", Level::Info, "just this", "t"), "just this");
}

#[test]
fn asctime_looks_like_pythons() {
    let line = render("%(asctime)s", Level::Info, "", "t");
    let re = |s: &str| {
        let b = s.as_bytes();
        s.len() == 23
            && b[4] == b'-'
            && b[7] == b'-'
            && b[10] == b' '
            && b[13] == b':'
            && b[16] == b':'
            && b[19] == b','
            && s.chars().filter(char::is_ascii_digit).count() == 17
    };
    assert!(re(&line), "{line:?}");
}

#[test]
fn malformed_formats_are_errors_with_a_column() {
    for (format, needle) in [
        ("%(nope)s", "unknown key `nope`"),
        ("%(threadname)s", "did you mean `threadName`"),
        ("%(message)", "missing conversion"),
        ("%(message", "unclosed"),
        ("%d", "expected `%(key)s`"),
        ("%(message)d", "needs a number"),
        ("%(message)q", "unsupported conversion"),
        ("%(levelno)%", "unsupported conversion"),
        ("%(levelno)lld", "unsupported conversion"),
        ("trailing %", "expected `%(key)s`"),
        ("%(message)70000s", "width above 65535"),
        ("%(message).99999999999999999999s", "precision above 65535"),
    ] {
        let err = Format::parse(format).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::LogFormat);
        assert!(err.message().contains(needle), "{format}: {err}");
        assert!(err.message().contains("column"), "{format}: {err}");
    }
}

#[test]
fn a_format_without_any_field_is_an_error() {
    // CPython: ValueError: Invalid format 'hello' for '%' style.
    for format in ["hello", "100%%", "(%%)", " "] {
        let err = Format::parse(format).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::LogFormat, "{format:?}");
        assert!(err.message().contains("names no field"), "{err}");
        assert!(
            err.message()
                .contains(&format!("Invalid format {format:?} for '%' style")),
            "{err}"
        );
        assert!(err.message().contains("%(message)s"), "names a fix: {err}");
    }
}

#[test]
fn thread_name_comes_from_the_registry() {
    let format = Format::parse("%(threadName)s: %(message)s").unwrap();
    let t = crate::thread::Thread::builder()
        .name("logger-test")
        .target(move || {
            let record = log::Record::builder()
                .args(format_args!("hello"))
                .level(Level::Info)
                .build();
            assert_eq!(format.render(&record), "logger-test: hello");
        });
    t.start().unwrap();
    t.join().unwrap();
}

fn passes(filter: &env_logger::Logger, level: Level, target: &str) -> bool {
    let metadata = log::Metadata::builder().level(level).target(target).build();
    log::Log::enabled(filter, &metadata)
}

#[test]
fn rust_log_replaces_the_level_given_in_code() {
    // Unset or blank: the level given in code.
    for unset in [None, Some(""), Some("  ")] {
        let filter = build_filter(LevelFilter::Info, unset);
        assert!(passes(&filter, Level::Info, "app"));
        assert!(!passes(&filter, Level::Debug, "app"));
    }
    // A level replaces it, up or down.
    let filter = build_filter(LevelFilter::Info, Some("debug"));
    assert!(passes(&filter, Level::Debug, "app"));
    let filter = build_filter(LevelFilter::Debug, Some("warn"));
    assert!(!passes(&filter, Level::Info, "app"));
    assert!(passes(&filter, Level::Warn, "app"));
    // Module directives are the whole filter: other modules get nothing.
    let filter = build_filter(LevelFilter::Debug, Some("app=info"));
    assert!(passes(&filter, Level::Info, "app::worker"));
    assert!(!passes(&filter, Level::Debug, "app"));
    assert!(!passes(&filter, Level::Error, "other"));
}

#[test]
fn a_bogus_rust_log_filters_as_env_logger_does() {
    // A word that is not a level names a module: nothing else passes.
    let filter = build_filter(LevelFilter::Trace, Some("bogus"));
    assert!(!passes(&filter, Level::Error, "app"));
    assert!(passes(&filter, Level::Trace, "bogus"));
    assert_eq!(filter.filter(), LevelFilter::Trace);
    // Unparsable directives are dropped (with a warning on stderr); with none
    // left, errors only, as env_logger's default.
    let filter = build_filter(LevelFilter::Trace, Some("app=loud"));
    assert!(passes(&filter, Level::Error, "app"));
    assert!(!passes(&filter, Level::Warn, "app"));
    // The valid part of a mixed value still counts.
    let filter = build_filter(LevelFilter::Error, Some("info,app=loud"));
    assert!(passes(&filter, Level::Info, "app"));
}
