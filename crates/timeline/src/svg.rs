//! Writing a [`Layout`] as a self-contained SVG document: no scripts, no
//! external fonts or images, a white background (readable in dark mode too),
//! tooltips as `<title>` elements. Coordinates are rounded to 0.1 px.

use crate::layout::{Anchor, Layout, Options, layout};
use crate::model::Trace;
use std::fmt::Write;

/// Font stack: widths are laid out for a monospace font.
const FONT: &str = "DejaVu Sans Mono, Menlo, Consolas, Liberation Mono, monospace";

/// Renders `trace` as an SVG document.
pub fn render_svg(trace: &Trace, opts: &Options) -> String {
    write_svg(&layout(trace, opts))
}

/// Escapes text for XML character data and attribute values.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn n(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r == r.trunc() {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

fn title(t: &Option<String>) -> String {
    t.as_ref()
        .map(|t| format!("<title>{}</title>", escape(t)))
        .unwrap_or_default()
}

/// Writes `l` as SVG.
pub fn write_svg(l: &Layout) -> String {
    let mut s = String::new();
    let (w, h) = (n(l.width), n(l.height));
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="{FONT}">"#
    );
    s.push_str(concat!(
        r#"<defs><marker id="head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">"#,
        r##"<path d="M0,0 L10,5 L0,10 z" fill="#111111"/></marker>"##,
        r##"<pattern id="timeout" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">"##,
        r##"<rect width="6" height="6" fill="#fbd5d3"/><rect width="2" height="6" fill="#e8534f"/></pattern></defs>"##,
        "\n"
    ));
    let _ = writeln!(
        s,
        r##"<rect x="0" y="0" width="{w}" height="{h}" fill="#ffffff"/>"##
    );
    for ln in l.lines.iter().filter(|ln| !ln.arrow) {
        let _ = writeln!(
            s,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="{}"/>"#,
            n(ln.x1),
            n(ln.y1),
            n(ln.x2),
            n(ln.y2),
            ln.stroke,
            n(ln.width)
        );
    }
    for r in &l.rects {
        let _ = writeln!(
            s,
            r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{}">{}</rect>"#,
            n(r.x),
            n(r.y),
            n(r.w),
            n(r.h),
            r.fill,
            title(&r.title)
        );
    }
    for m in &l.markers {
        let shape = if m.diamond {
            let (x, y) = (m.x, m.y);
            format!(
                r##"<path d="M{},{} L{},{} L{},{} L{},{} z" fill="{}" stroke="#ffffff" stroke-width="0.8">"##,
                n(x),
                n(y - 4.5),
                n(x + 4.5),
                n(y),
                n(x),
                n(y + 4.5),
                n(x - 4.5),
                n(y),
                m.fill
            )
        } else {
            format!(
                r##"<circle cx="{}" cy="{}" r="3" fill="{}" stroke="#ffffff" stroke-width="0.8">"##,
                n(m.x),
                n(m.y),
                m.fill
            )
        };
        let close = if m.diamond { "</path>" } else { "</circle>" };
        let _ = writeln!(s, "{shape}<title>{}</title>{close}", escape(&m.title));
    }
    for t in &l.texts {
        let anchor = match t.anchor {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        };
        let weight = if t.bold { r#" font-weight="bold""# } else { "" };
        let halo = if t.halo {
            r##" stroke="#ffffff" stroke-width="3" stroke-linejoin="round" paint-order="stroke""##
        } else {
            ""
        };
        let _ = writeln!(
            s,
            r#"<text x="{}" y="{}" font-size="{}" text-anchor="{anchor}" fill="{}"{weight}{halo}>{}</text>"#,
            n(t.x),
            n(t.y),
            n(t.size),
            t.fill,
            escape(&t.text)
        );
    }
    for ln in l.lines.iter().filter(|ln| ln.arrow) {
        let (cx, cy) = ((ln.x1 + ln.x2) / 2.0 + ln.bend, (ln.y1 + ln.y2) / 2.0);
        let _ = writeln!(
            s,
            r#"<path d="M{},{} Q{},{} {},{}" fill="none" stroke="{}" stroke-width="{}" marker-end="url(#head)"/>"#,
            n(ln.x1),
            n(ln.y1),
            n(cx),
            n(cy),
            n(ln.x2),
            n(ln.y2),
            ln.stroke,
            n(ln.width)
        );
    }
    s.push_str("</svg>\n");
    s
}
