//! The `golden` command line (placeholder while the CLI module lands).

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let spec_text = std::fs::read_to_string(&args[1]).unwrap();
    let actual = std::fs::read_to_string(&args[2]).unwrap();
    let spec = golden::Spec::parse(&args[1], &spec_text).unwrap();
    let o = spec.check(&actual);
    print!("{o}");
    std::process::exit(if o.is_match() { 0 } else { 1 });
}
