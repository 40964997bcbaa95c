//! Regression fixtures of `cargo xtask fuzz`: every reproducer saved under
//! `tests/fuzz-reproducers/` is loaded and generated as the fuzzer ran it, and must end in `Ok`
//! or in a located refusal, never a panic, a hang, an internal error or a check-stage failure.
//! A reproducer whose `.txt` says `open: <reason>` is a known finding not fixed yet: it runs
//! only in the ignored test. A short fuzz run over the fixtures checks the engine itself
//! without the published documents.

use oa_codegen::fuzz::{self, Input, Options, Outcome, Source};
use oa_load::Document;
use std::path::{Path, PathBuf};
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(60);

fn reproducers() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-reproducers");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "json" || x == "yaml")).collect())
        .unwrap_or_default();
    files.sort();
    files
}

/// Runs the reproducers that are (`open`) or are not marked open; the bad outcomes.
fn run_reproducers(open: bool) -> Vec<String> {
    let mut bad = Vec::new();
    for path in reproducers() {
        let (include, reason) = fuzz::notes_of(&path);
        if reason.is_some() != open {
            if let Some(reason) = reason {
                eprintln!("{}: open, skipped: {reason}", path.display());
            }
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let input = if path.extension().is_some_and(|x| x == "yaml") { Input::Yaml(text) } else { Input::Json(text) };
        let outcome = fuzz::run(input, &include, LIMIT);
        if let Outcome::Finding { kind, message } = outcome {
            bad.push(format!("{}: {kind}: {message}", path.display()));
        }
    }
    bad
}

#[test]
fn saved_reproducers_end_in_ok_or_a_located_failure() {
    let bad = run_reproducers(false);
    assert!(bad.is_empty(), "{} reproducer(s) still fail:\n{}", bad.len(), bad.join("\n\n"));
}

#[test]
#[ignore = "the reproducers marked `open:` in their .txt: findings not fixed yet"]
fn open_reproducers_end_in_ok_or_a_located_failure() {
    let bad = run_reproducers(true);
    assert!(bad.is_empty(), "{} open reproducer(s) still fail:\n{}", bad.len(), bad.join("\n\n"));
}

/// The engine over the fixtures, from a fixed seed: cases are made, run and classified, and
/// the same seed and number make the same case.
#[test]
fn fuzzing_the_fixtures_finds_nothing() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut sources: Vec<Source> = Vec::new();
    for name in ["operations.yaml", "tagged_union.yaml", "parameters_and_bodies.yaml", "allof_recursion_maps.yaml"] {
        let doc = Document::read(&dir.join(name)).unwrap_or_else(|e| panic!("{e}"));
        sources.push(Source::new(name, doc.root));
    }
    let (a, b) = (fuzz::case(&sources, 7, 3), fuzz::case(&sources, 7, 3));
    assert_eq!((&a.origin, &a.mutations), (&b.origin, &b.mutations));
    let out = tempfile::tempdir().unwrap();
    let opts = Options { seed: 0x5eed, duration: Duration::from_secs(3), case_limit: LIMIT, only_case: None, out: out.path().to_owned() };
    let summary = fuzz::fuzz(&sources, &opts, &mut |_| {}).unwrap();
    assert!(summary.cases > 0 && summary.rejected > 0, "{} cases, {} rejected", summary.cases, summary.rejected);
    assert!(summary.findings.is_empty(), "findings: {:?}", summary.findings);
}
