//! `timeline`: pictures and checks of sync-kit traces.
//!
//! ```text
//! timeline svg TRACE.json [-o OUT.svg] [--width PX] [--title T]
//! timeline check TRACE.json
//! ```
//!
//! `svg` writes to standard output without `-o` (or with `-o -`). It refuses a
//! trace that fails `check` and lists the problems instead.
//!
//! Exit status: 0 done / valid, 1 the trace has problems, 2 bad input (usage,
//! unreadable file, not JSON, output not writable).

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

const USAGE: &str = "usage: timeline svg TRACE.json [-o OUT.svg] [--width PX] [--title T]
       timeline check TRACE.json";

/// The message is printed on one line and the exit status is 2.
struct BadInput(String);

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("svg") => svg(&args[1..]),
        Some("check") => check(&args[1..]),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(true)
        }
        Some(other) => Err(BadInput(format!("unknown command `{other}`\n{USAGE}"))),
        None => Err(BadInput(USAGE.to_owned())),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(BadInput(msg)) => {
            let _ = writeln!(std::io::stderr(), "timeline: {msg}");
            ExitCode::from(2)
        }
    }
}

/// Reads and checks; `Ok(Err(..))` carries the problems already printed.
fn load(path: &str) -> Result<Result<serde_json::Value, ()>, BadInput> {
    let value = timeline::read_trace(Path::new(path)).map_err(|e| BadInput(e.to_string()))?;
    let problems = timeline::check(&value);
    if problems.is_empty() {
        return Ok(Ok(value));
    }
    let mut err = std::io::stderr().lock();
    for p in &problems {
        let _ = writeln!(err, "{path}: {p}");
    }
    let s = if problems.len() == 1 { "" } else { "s" };
    let _ = writeln!(err, "{path}: {} problem{s}", problems.len());
    Ok(Err(()))
}

fn check(args: &[String]) -> Result<bool, BadInput> {
    let [path] = args else {
        return Err(BadInput(format!("check takes one trace file\n{USAGE}")));
    };
    let ok = load(path)?.is_ok();
    if ok {
        println!("{path}: ok");
    }
    Ok(ok)
}

fn svg(args: &[String]) -> Result<bool, BadInput> {
    let mut input = None;
    let mut output = None;
    let mut opts = timeline::Options::default();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |flag: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| BadInput(format!("{flag} needs a value")))
        };
        match a.as_str() {
            "-o" | "--output" => output = Some(value("-o")?),
            "--width" => {
                let v = value("--width")?;
                opts.width = v
                    .parse::<f64>()
                    .ok()
                    .filter(|w| (480.0..=4000.0).contains(w))
                    .ok_or_else(|| {
                        BadInput(format!(
                            "--width must be a number of px in 480..=4000, not `{v}`"
                        ))
                    })?;
            }
            "--title" => opts.title = Some(value("--title")?),
            flag if flag.starts_with('-') && flag != "-" => {
                return Err(BadInput(format!("unknown option `{flag}`\n{USAGE}")));
            }
            path if input.is_none() => input = Some(path.to_owned()),
            extra => return Err(BadInput(format!("unexpected argument `{extra}`\n{USAGE}"))),
        }
    }
    let input = input.ok_or_else(|| BadInput(format!("svg needs a trace file\n{USAGE}")))?;
    let Ok(value) = load(&input)? else {
        return Ok(false);
    };
    let svg = timeline::render_svg(&timeline::Trace::from_value(&value), &opts);
    match output.as_deref() {
        None | Some("-") => {
            let _ = std::io::stdout().write_all(svg.as_bytes());
        }
        Some(path) => {
            std::fs::write(path, svg).map_err(|e| BadInput(format!("cannot write {path}: {e}")))?
        }
    }
    Ok(true)
}
