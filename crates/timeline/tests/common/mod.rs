//! Shared by the integration tests: the fixtures and a well-formedness check.
#![allow(dead_code, unreachable_pub)]

use serde_json::Value;
use std::path::PathBuf;

pub const FIXTURES: [&str; 5] = ["lock", "condition", "semaphore", "event", "lock_noblock"];

pub fn fixture_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(format!("{name}.json"))
}

pub fn fixture(name: &str) -> Value {
    timeline::read_trace(&fixture_path(name)).expect("fixture is JSON")
}

/// A minimal XML well-formedness check: balanced, properly nested tags, quoted
/// attributes, one root, and `&` only as an entity. Returns the first problem.
pub fn xml_problem(doc: &str) -> Option<String> {
    let mut stack: Vec<String> = Vec::new();
    let mut roots = 0;
    let mut rest = doc;
    while let Some(lt) = rest.find('<') {
        if let Some(p) = bad_text(&rest[..lt]) {
            return Some(p);
        }
        let Some(gt) = rest[lt..].find('>') else {
            return Some("unclosed tag".into());
        };
        let tag = &rest[lt + 1..lt + gt];
        rest = &rest[lt + gt + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            match stack.pop() {
                Some(open) if open == name.trim() => {}
                other => return Some(format!("</{name}> closes {other:?}")),
            }
            continue;
        }
        let self_closing = tag.ends_with('/');
        let body = tag.trim_end_matches('/');
        let name: String = body.chars().take_while(|c| !c.is_whitespace()).collect();
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == ':' || c == '-')
        {
            return Some(format!("bad tag name in <{tag}>"));
        }
        if let Some(p) = bad_attributes(&body[name.len()..]) {
            return Some(format!("<{name}>: {p}"));
        }
        if stack.is_empty() {
            roots += 1;
        }
        if !self_closing {
            stack.push(name);
        }
    }
    if !rest.trim().is_empty() {
        return Some("text after the root".into());
    }
    match (stack.len(), roots) {
        (0, 1) => None,
        (0, n) => Some(format!("{n} root elements")),
        _ => Some(format!("unclosed {stack:?}")),
    }
}

fn bad_text(text: &str) -> Option<String> {
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        let after = &rest[amp + 1..];
        let Some(end) = after.find(';') else {
            return Some("bare `&`".into());
        };
        let entity = &after[..end];
        let ok = ["amp", "lt", "gt", "quot", "apos"].contains(&entity)
            || entity
                .strip_prefix('#')
                .is_some_and(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()));
        if !ok {
            return Some(format!("bad entity &{entity};"));
        }
        rest = &after[end..];
    }
    None
}

fn bad_attributes(mut s: &str) -> Option<String> {
    loop {
        s = s.trim_start();
        if s.is_empty() {
            return None;
        }
        let Some(eq) = s.find('=') else {
            return Some(format!("attribute without value: {s:?}"));
        };
        let name = s[..eq].trim();
        if name.is_empty() || name.contains(char::is_whitespace) {
            return Some(format!("bad attribute name {name:?}"));
        }
        let value = &s[eq + 1..];
        if !value.starts_with('"') {
            return Some(format!("unquoted attribute {name}"));
        }
        let Some(close) = value[1..].find('"') else {
            return Some(format!("unclosed attribute {name}"));
        };
        let v = &value[1..1 + close];
        if v.contains('<') {
            return Some(format!("`<` in attribute {name}"));
        }
        if let Some(p) = bad_text(v) {
            return Some(p);
        }
        s = &value[close + 2..];
    }
}
