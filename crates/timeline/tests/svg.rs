//! The picture: well-formed SVG, lanes in start order, no overlapping text,
//! everything inside the canvas, labels dropped rather than overlapped.

mod common;

use serde_json::{Value, json};
use timeline::{Layout, Options, Trace, layout, render_svg};

fn layout_of(v: &Value, width: f64) -> Layout {
    layout(&Trace::from_value(v), &Options { width, title: None })
}

/// Every pair of text boxes that intersect (with a 0.5 px tolerance).
fn overlaps(l: &Layout) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (i, a) in l.texts.iter().enumerate() {
        for b in &l.texts[i + 1..] {
            let (a0, ay0, a1, ay1) = a.bbox();
            let (b0, by0, b1, by1) = b.bbox();
            if a0 < b1 - 0.5 && b0 < a1 - 0.5 && ay0 < by1 - 0.5 && by0 < ay1 - 0.5 {
                out.push((a.text.clone(), b.text.clone()));
            }
        }
    }
    out
}

fn assert_readable(l: &Layout, what: &str) {
    assert_eq!(
        overlaps(l),
        Vec::<(String, String)>::new(),
        "{what}: overlapping texts"
    );
    for t in &l.texts {
        let (x0, y0, x1, y1) = t.bbox();
        assert!(
            x0 >= 0.0 && x1 <= l.width && y0 >= 0.0 && y1 <= l.height,
            "{what}: {:?} outside the canvas",
            t.text
        );
        assert!(t.size >= 10.0, "{what}: {:?} smaller than 10 px", t.text);
    }
}

#[test]
fn every_fixture_is_well_formed_svg() {
    for name in common::FIXTURES {
        let svg = render_svg(
            &Trace::from_value(&common::fixture(name)),
            &Options::default(),
        );
        assert!(
            svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""),
            "{name}"
        );
        assert_eq!(common::xml_problem(&svg), None, "{name}");
    }
}

#[test]
fn the_xml_check_catches_what_it_should() {
    assert!(common::xml_problem("<svg><g></svg>").is_some());
    assert!(common::xml_problem("<svg><text>a & b</text></svg>").is_some());
    assert!(common::xml_problem("<svg x=1/>").is_some());
    assert!(common::xml_problem("<svg/><svg/>").is_some());
    assert_eq!(
        common::xml_problem("<svg a=\"&lt;\"><t>x &amp; y</t></svg>"),
        None
    );
}

#[test]
fn no_text_overlaps_in_any_fixture_at_readme_widths() {
    for name in common::FIXTURES {
        for width in [900.0, 960.0, 1000.0, 640.0] {
            assert_readable(
                &layout_of(&common::fixture(name), width),
                &format!("{name} at {width}px"),
            );
        }
    }
}

#[test]
fn lanes_follow_start_order_whatever_the_file_order() {
    let mut v = common::fixture("semaphore");
    v["traceEvents"].as_array_mut().unwrap().reverse();
    let l = layout_of(&v, 960.0);
    let names: Vec<&str> = l.lanes.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["MainThread", "0", "1", "2", "3"]);
    assert!(
        l.lanes.windows(2).all(|w| w[0].bottom <= w[1].top),
        "{:?}",
        l.lanes
    );
    // The sort index decides, not the tid.
    let mut v = common::fixture("event");
    for e in v["traceEvents"].as_array_mut().unwrap() {
        if e["name"] == "thread_sort_index" && e["tid"] == 2 {
            e["args"]["sort_index"] = json!(-1);
        }
    }
    let l = layout_of(&v, 960.0);
    assert_eq!(l.lanes[0].name, "non-block");
}

#[test]
fn the_daemon_thread_is_tagged() {
    let l = layout_of(&common::fixture("lock_noblock"), 960.0);
    let holder = l.lanes.iter().find(|l| l.name == "LockHolder").unwrap();
    let tag = l
        .texts
        .iter()
        .find(|t| t.text == "daemon")
        .expect("a daemon tag");
    assert!(
        tag.y > holder.bar_y && tag.y <= holder.bottom + 4.0,
        "{tag:?} {holder:?}"
    );
}

#[test]
fn the_picture_says_who_held_who_waited_and_who_woke_whom() {
    let l = layout_of(&common::fixture("lock"), 960.0);
    let texts: Vec<&str> = l.texts.iter().map(|t| t.text.as_str()).collect();
    assert!(texts.contains(&"holds Lock#1"), "{texts:?}");
    assert!(texts.contains(&"wait Lock#1"), "{texts:?}");
    assert!(texts.contains(&"holds Lock#1") && texts.contains(&"Counter: 4"));
    // One arrow per wake edge, drawn between two different lanes.
    let arrows: Vec<_> = l.lines.iter().filter(|l| l.arrow && l.y1 != l.y2).collect();
    assert_eq!(arrows.len(), 5);
    let t = layout_of(&common::fixture("event"), 960.0);
    assert!(t.texts.iter().any(|t| t.text == "wait Event#1 (timeout)"));
    assert!(t.rects.iter().any(|r| r.fill == "url(#timeout)"));
}

#[test]
fn ticks_are_in_seconds_for_a_run_of_seconds() {
    let l = layout_of(&common::fixture("event"), 960.0);
    let ticks: Vec<&str> = l
        .texts
        .iter()
        .filter(|t| t.text.ends_with(" s"))
        .map(|t| t.text.as_str())
        .collect();
    assert_eq!(ticks.first(), Some(&"0 s"));
    assert!(ticks.contains(&"3 s"), "{ticks:?}");
    let l = layout_of(&common::fixture("semaphore"), 960.0);
    assert!(l.texts.iter().any(|t| t.text == "100 ms"));
}

/// A lane with far more log lines than fit: some are truncated or dropped,
/// none overlap, and the legend says how many were dropped.
#[test]
fn crowded_labels_are_truncated_or_dropped_never_overlapped() {
    let mut events = vec![
        json!({"ph":"M","name":"process_name","pid":1,"args":{"name":"crowd"}}),
        json!({"ph":"M","name":"thread_name","pid":1,"tid":0,"args":{"name":"MainThread"}}),
        json!({"ph":"X","cat":"thread","name":"thread","pid":1,"tid":0,"ts":0,"dur":1000}),
    ];
    for k in 0..60 {
        let text = format!("log line number {k} with some words");
        events.push(json!({"ph":"i","s":"t","cat":"log","name":text,"pid":1,"tid":0,"ts":k as f64 * 16.0,"args":{"text":text}}));
    }
    let v = json!({"traceEvents": events, "displayTimeUnit": "ms", "otherData": {"clock": "real", "program": "crowd"}});
    assert_eq!(timeline::check(&v), vec![]);
    let l = layout_of(&v, 960.0);
    assert_readable(&l, "crowd");
    assert!(l.dropped_labels > 0);
    assert!(l.texts.iter().any(|t| t.text.ends_with('…')));
    let note = format!("{} labels without room (marker only)", l.dropped_labels);
    assert!(
        l.texts.iter().any(|t| t.text == note),
        "legend note {note:?} missing"
    );
    assert_eq!(
        l.markers
            .iter()
            .filter(|m| m.title.starts_with("log line number"))
            .count(),
        60
    );
}

#[test]
fn text_is_escaped_and_output_deterministic() {
    let mut v = common::fixture("lock");
    for e in v["traceEvents"].as_array_mut().unwrap() {
        if e["cat"] == "log" && e["name"] == "Done" {
            e["args"]["text"] = json!("<done> & \"dusted\"");
        }
    }
    let svg = render_svg(&Trace::from_value(&v), &Options::default());
    assert!(svg.contains("&lt;done&gt; &amp; &quot;dusted&quot;"));
    assert_eq!(common::xml_problem(&svg), None);
    assert_eq!(svg, render_svg(&Trace::from_value(&v), &Options::default()));
}

#[test]
fn a_title_and_width_are_honoured() {
    let opts = Options {
        width: 1000.0,
        title: Some("Two workers & one lock".to_owned()),
    };
    let svg = render_svg(&Trace::from_value(&common::fixture("lock")), &opts);
    assert!(svg.contains(r#"width="1000""#));
    assert!(svg.contains("Two workers &amp; one lock"));
}

#[test]
fn any_json_renders_without_panicking() {
    for v in [
        json!(null),
        json!([]),
        json!({"traceEvents": [1, {"ph": "X"}, {"ph": "X", "name": "thread", "cat": "thread", "tid": 0, "ts": 1e300, "dur": 1e300}]}),
    ] {
        let svg = render_svg(&Trace::from_value(&v), &Options::default());
        assert_eq!(common::xml_problem(&svg), None, "{v}");
    }
}
