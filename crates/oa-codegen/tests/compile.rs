//! Every output must compile: the fixtures' crates and, when the published documents are
//! present in `../shared/upstream/`, the client of each of the four with `--include /responses`
//! and the whole of the newest and the oldest (`--include /`), and the subsets of the documents
//! of other origins listed in `corpus-subsets.txt`,
//! all checked by one `cargo clippy` (clippy's default lints; `cargo check` where clippy is not
//! installed, said in the output) over a scratch workspace (its own target dir, so it does not
//! wait on the lock of the workspace being tested), with warnings denied.

use oa_codegen::settings::Settings;
use oa_load::Document;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).ancestors().nth(2).unwrap().to_path_buf()
}

/// The published documents, or `None` (with a message) when they are absent; absent fails
/// under `REQUIRE_CORPUS=1`.
pub fn corpus() -> Option<Vec<PathBuf>> {
    let dir = repo_root().join("../shared/upstream");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "yaml")).collect())
        .unwrap_or_default();
    files.sort();
    if files.is_empty() {
        assert!(std::env::var("REQUIRE_CORPUS").as_deref() != Ok("1"), "REQUIRE_CORPUS=1 but {} has no documents", dir.display());
        eprintln!("skipped: {} is absent, the published documents are not checked", dir.display());
        return None;
    }
    Some(files)
}

/// The documents of other origins (`../shared/openapi-corpus/`), or `None` (with a message)
/// when they are absent; absent fails under `REQUIRE_CORPUS=1`.
fn other_origins() -> Option<PathBuf> {
    let dir = repo_root().join("../shared/openapi-corpus");
    if !dir.join("SOURCES.md").exists() {
        assert!(std::env::var("REQUIRE_CORPUS").as_deref() != Ok("1"), "REQUIRE_CORPUS=1 but {} is absent", dir.display());
        eprintln!("skipped: {} is absent, documents of other origins are not checked", dir.display());
        return None;
    }
    Some(dir)
}

/// (document file, include prefixes) from `tests/corpus-subsets.txt`.
fn subsets() -> Vec<(String, Vec<String>)> {
    let text = std::fs::read_to_string(repo_root().join("crates/oa-codegen/tests/corpus-subsets.txt")).unwrap();
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let mut words = l.split_whitespace().map(str::to_owned);
            (words.next().unwrap(), words.collect())
        })
        .collect()
}

fn write_crate(dir: &Path, files: &std::collections::BTreeMap<String, String>) {
    for (rel, contents) in files {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }
}

#[test]
fn every_output_compiles() {
    let scratch = tempfile::tempdir().unwrap();
    let mut members = Vec::new();
    let mut wire_checks: Vec<String> = Vec::new();
    let fixtures = repo_root().join("crates/oa-codegen/tests/fixtures");
    let mut inputs: Vec<(String, PathBuf, Vec<String>)> = std::fs::read_dir(&fixtures)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| (format!("fixture-{}", p.file_stem().unwrap().to_string_lossy().replace('_', "-")), p, vec!["/".to_owned()]))
        .collect();
    // Fixtures of unions (tagged, untagged, boxed), recursion and merged shapes again, with
    // `derives: "*": [Eq, Hash]`: every type that can have them derives them (unions hash by hand).
    for stem in ["tagged_union", "untagged_mixes", "allof_recursion_maps", "same_shapes"] {
        inputs.push((format!("derives-{}", stem.replace('_', "-")), fixtures.join(format!("{stem}.yaml")), vec!["/".to_owned()]));
    }
    for doc in corpus().unwrap_or_default() {
        let stem = doc.file_stem().unwrap().to_string_lossy().replace("openai-openapi-", "corpus-");
        // The newest and the oldest documents are also checked whole (every operation and schema).
        if stem.ends_with("2025-04-29") || stem.ends_with("2026-08-21") {
            inputs.push((stem.replace("corpus-", "whole-"), doc.clone(), vec!["/".to_owned()]));
        }
        inputs.push((stem, doc, vec!["/responses".to_owned()]));
    }
    if let Some(dir) = other_origins() {
        for (file, include) in subsets() {
            let stem = file.split('.').next().unwrap_or_default().to_owned();
            inputs.push((format!("subset-{stem}"), dir.join(&file), include));
        }
    }
    inputs.sort();
    for (name, path, include) in &inputs {
        let doc = Document::read(path).unwrap();
        let mut settings = Settings::new(name);
        settings.include = include.clone();
        if name.starts_with("derives-") {
            settings.derives.insert("*".into(), vec![oa_codegen::settings::Derive::Eq, oa_codegen::settings::Derive::Hash]);
        }
        let generated = oa_codegen::generate(&doc, &settings).unwrap_or_else(|e| panic!("{name}: {e}"));
        if name.starts_with("corpus-") {
            let expected = if name.contains("2025-04-29") { 4 } else { 7 };
            assert_eq!(generated.operations, expected, "{name}: operations generated");
            println!("{name}: {} operations, {} types, {} files", generated.operations, generated.types, generated.files.len());
        }
        write_crate(&scratch.path().join(name), &generated.files);
        members.push(format!("{name:?}"));
        // A fixture with a wire check gets it as an integration test, built and run below.
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let check = repo_root().join("crates/oa-codegen/tests/wire_checks").join(format!("{stem}.rs"));
        if name.starts_with("fixture-") && check.exists() {
            let dir = scratch.path().join(name);
            std::fs::create_dir_all(dir.join("tests")).unwrap();
            std::fs::copy(&check, dir.join("tests/wire.rs")).unwrap();
            let mut manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
            // The generated manifest ends with its own `[dev-dependencies]` table.
            if !manifest.ends_with('\n') {
                manifest.push('\n');
            }
            manifest.push_str("tokio = { version = \"1.40\", features = [\"macros\", \"rt\"] }\n");
            manifest.push_str("futures-util = \"0.3.31\"\n");
            std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
            wire_checks.push(name.clone());
        }
    }
    std::fs::write(
        scratch.path().join("Cargo.toml"),
        // Built once and thrown away: no debugger will read them, and disk is scarce on CI.
        format!(
            "[workspace]\nresolver = \"2\"\nmembers = [{}]\n\n[profile.dev]\ndebug = false\nincremental = false\n",
            members.join(", ")
        ),
    )
    .unwrap();
    std::fs::copy(repo_root().join("Cargo.lock"), scratch.path().join("Cargo.lock")).unwrap();
    let target = repo_root().join("target/compile-check");
    let clippy = Command::new(env!("CARGO")).args(["clippy", "--version"]).output().is_ok_and(|o| o.status.success());
    if !clippy {
        eprintln!("clippy is not installed: the generated crates are checked without its lints");
    }
    let out = Command::new(env!("CARGO"))
        .args([if clippy { "clippy" } else { "check" }, "--workspace", "--quiet", "--message-format=short"])
        .current_dir(scratch.path())
        .env("CARGO_TARGET_DIR", &target)
        .env("RUSTFLAGS", "-Dwarnings")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "cargo clippy/check of generated crates failed:\n{stderr}");
    for name in &wire_checks {
        let out = Command::new(env!("CARGO"))
            .args(["test", "--quiet", "-p", name, "--test", "wire"])
            .current_dir(scratch.path())
            .env("CARGO_TARGET_DIR", &target)
            .output()
            .unwrap();
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success(), "wire check of {name} failed:\n{text}");
    }
}

/// Every published document generates whole, `?beta=true` paths included (compiling these is
/// `cargo xtask corpus`'s job: it is too slow for every test run).
#[test]
fn whole_documents_with_query_paths_generate() {
    for doc in corpus().unwrap_or_default() {
        let parsed = Document::read(&doc).unwrap();
        let mut settings = Settings::new("whole");
        settings.with_query_paths = true;
        let generated = oa_codegen::generate(&parsed, &settings).unwrap_or_else(|e| panic!("{}: {e}", doc.display()));
        println!("{}: {} operations, {} types", doc.display(), generated.operations, generated.types);
        assert!(generated.operations > 100);
    }
}

/// Every document of other origins generates whole, with no error and no operation left out
/// (their check is `cargo xtask corpus`'s; `every_output_compiles` checks the listed subsets).
#[test]
fn documents_of_other_origins_generate_whole() {
    let Some(dir) = other_origins() else { return };
    for (file, operations) in [("stripe.yaml", 468), ("github.json", 1223), ("kubernetes-core-v1.json", 245)] {
        let doc = Document::read(&dir.join(file)).unwrap();
        let generated = oa_codegen::generate(&doc, &Settings::new("other")).unwrap_or_else(|e| panic!("{file}: {e}"));
        let warnings: Vec<_> = generated.warnings.warnings().collect();
        println!("{file}: {} operations, {} types, {} files, {} warnings", generated.operations, generated.types, generated.files.len(), warnings.len());
        assert_eq!(generated.operations, operations, "{file}: every operation generated");
        assert!(warnings.iter().all(|w| !w.message.contains("left out") && !w.message.contains("skipped")), "{file}: {warnings:#?}");
    }
}
