//! `cargo xtask codegen [--check]`: the ledger client from api/ by the generator's four entry
//! points, written to client/ (or only checked).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn codegen(check: bool) -> Result<bool, String> {
    let settings = oa_codegen::settings::Settings::read(&root().join("api/settings.yaml"))?;
    let doc = oa_load::Document::read(&root().join("api/openapi.yaml")).map_err(|e| e.to_string())?;
    let generated = oa_codegen::generate(&doc, &settings).map_err(|e| e.to_string())?;
    eprint!("{}", generated.warnings.render(&doc));
    let report = oa_codegen::output::sync(&root().join("client"), &generated.files, check).map_err(|e| e.to_string())?;
    Ok(report.is_clean())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let check = args.iter().any(|a| a == "--check");
    match (args.first().map(String::as_str), codegen(check)) {
        (Some("codegen"), Ok(clean)) if clean || !check => ExitCode::SUCCESS,
        (Some("codegen"), Ok(_)) => {
            eprintln!("client/ is out of date: run `cargo xtask codegen`");
            ExitCode::FAILURE
        }
        (Some("codegen"), Err(e)) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
        _ => {
            eprintln!("usage: cargo xtask codegen [--check]");
            ExitCode::FAILURE
        }
    }
}
