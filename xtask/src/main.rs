//! Thin command shell over the generator: `cargo xtask codegen [--check]`, `subset`, `diff`,
//! `corpus`, `fuzz`, and `test` (installs the test tools, then runs every test).

mod cli;
mod corpus_cmd;
mod diff_cmd;
mod fuzz_cmd;
mod test_cmd;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("codegen") => cli::codegen(&args[1..]),
        Some("subset") => cli::subset(&args[1..]),
        Some("test") => test_cmd::run(&args[1..]),
        Some("diff") => diff_cmd::run(&args[1..]),
        Some("corpus") => corpus_cmd::run(&args[1..]),
        Some("fuzz") => fuzz_cmd::run(&args[1..]),
        _ => Err(
            "usage: cargo xtask <command>\n  codegen [--check] [--strict] [--spec FILE] [--out DIR] [--include PREFIX]... [--with-query-paths] [--crate-name NAME] [--settings FILE] [--verbose]\n  subset --from FILE [--out FILE]   (overlays come from spec/settings.yaml)\n  test [-- CARGO TEST ARGS]\n  diff OLD NEW [--format json] [--fail-on-breaking] [--changelog]\n  corpus [DIR]   generate and check every published document whole\n  fuzz [--seconds N] [--seed S] [--case K [--save]] [--case-limit SECONDS]   mutate the documents and generate each case"
            .to_owned()),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::from(1)
        }
    }
}
