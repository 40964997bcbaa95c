//! `cargo xtask diff OLD NEW`: argument parsing and printing around `oa_codegen::diff`, which
//! compares the IRs that the two documents lower to under `spec/settings.yaml`.

use crate::cli::{load_settings, workspace_root};
use oa_codegen::diff::report;
use oa_load::Document;
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask diff OLD NEW [--include PREFIX]... [--with-query-paths] [--format json|markdown] [--fail-on-breaking] [--changelog]\n  exit status: 0 done, 1 error, 2 breaking changes with --fail-on-breaking";

#[derive(PartialEq)]
enum Format {
    Markdown,
    Json,
}

pub fn run(args: &[String]) -> Result<ExitCode, String> {
    let mut files: Vec<PathBuf> = Vec::new();
    let mut include: Vec<String> = Vec::new();
    let mut with_query_paths = false;
    let mut format = Format::Markdown;
    let mut fail_on_breaking = false;
    let mut changelog = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--include" => include.push(it.next().cloned().ok_or("--include needs a value")?),
            "--with-query-paths" => with_query_paths = true,
            "--format" => {
                format = match it.next().map(String::as_str) {
                    Some("json") => Format::Json,
                    Some("markdown") => Format::Markdown,
                    other => return Err(format!("--format takes json or markdown, not {other:?}\n{USAGE}")),
                }
            }
            "--fail-on-breaking" => fail_on_breaking = true,
            "--changelog" => changelog = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(ExitCode::SUCCESS);
            }
            flag if flag.starts_with("--") => return Err(format!("unknown flag `{flag}`\n{USAGE}")),
            file => files.push(file.into()),
        }
    }
    let [old_path, new_path] = <[PathBuf; 2]>::try_from(files).map_err(|_| USAGE.to_owned())?;

    let mut settings = load_settings(&workspace_root())?;
    if !include.is_empty() {
        settings.include = include;
    }
    settings.with_query_paths |= with_query_paths;
    // One type per schema: a type that joins or leaves a shape shared with another is an
    // emission detail, not a change of the API, and would read as a change of its kind.
    settings.merge_same_shapes = false;

    let lower = |path: &PathBuf| {
        let doc = Document::read(path).map_err(|e| e.to_string())?;
        oa_codegen::lower(&doc, &settings).map(|(ir, _warnings)| ir).map_err(|e| e.to_string())
    };
    let old = lower(&old_path)?;
    let new = lower(&new_path)?;
    let changes = oa_codegen::diff::diff(&old, &new);
    let summary = report::summarize(&changes, &old.version);

    let name =
        |p: &PathBuf| p.file_name().map_or_else(|| p.display().to_string(), |n| n.to_string_lossy().into_owned());
    let (old_name, new_name) = (name(&old_path), name(&new_path));
    let entry = changelog.then(|| report::changelog(&settings.crate_name, &new_name, &changes, &summary));
    match format {
        Format::Json => {
            let json = report::JsonReport {
                old: &old_name,
                new: &new_name,
                summary: &summary,
                changes: &changes,
                changelog: entry,
            };
            println!("{}", serde_json::to_string_pretty(&json).map_err(|e| e.to_string())?);
        }
        Format::Markdown => match entry {
            Some(entry) => print!("{entry}"),
            None => print!(
                "{}",
                report::markdown(
                    &format!("API diff: {old_name} -> {new_name}"),
                    &settings.crate_name,
                    &changes,
                    &summary
                )
            ),
        },
    }
    Ok(if fail_on_breaking && summary.breaking > 0 { ExitCode::from(2) } else { ExitCode::SUCCESS })
}
