//! Golden tests: each fixture under `tests/fixtures/` is generated and its types and API
//! modules are snapshotted; each spec under `tests/broken/` has its diagnostics snapshotted.
//! A new case is a new file.

use oa_codegen::settings::Settings;
use oa_load::Document;
use std::path::Path;

fn fixtures(dir: &str) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    files
}

#[test]
fn generated_code() {
    for path in fixtures("fixtures") {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let doc = Document::read(&path).unwrap();
        let generated = oa_codegen::generate(&doc, &Settings::new("fixture")).unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut text = String::new();
        for (file, contents) in &generated.files {
            if (file.starts_with("src/types/") || file.starts_with("src/api/")) && !file.ends_with("mod.rs") {
                text.push_str(&format!("==> {file}\n{contents}\n"));
            }
        }
        insta::assert_snapshot!(name, text);
    }
}

#[test]
fn diagnostics() {
    for path in fixtures("broken") {
        let name = format!("diag_{}", path.file_stem().unwrap().to_string_lossy());
        let text = std::fs::read_to_string(&path).unwrap();
        let rel = format!("tests/broken/{}", path.file_name().unwrap().to_string_lossy());
        let rendered = match Document::parse(rel, text) {
            Err(e) => e.to_string(),
            Ok(doc) => match oa_codegen::generate(&doc, &Settings::new("broken")) {
                Ok(_) => panic!("{name}: a broken spec generated code"),
                Err(failure) => failure.to_string(),
            },
        };
        insta::assert_snapshot!(name, rendered);
    }
}

/// Defaults that contradict the schema are ignored with a warning, not an error; a
/// `discriminator` on an array node is ignored without a word.
#[test]
fn contradicting_defaults_warn() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/defaults_and_misplaced_discriminator.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let doc = Document::parse("tests/fixtures/defaults_and_misplaced_discriminator.yaml", text).unwrap();
    let generated = oa_codegen::generate(&doc, &Settings::new("fixture")).unwrap();
    insta::assert_snapshot!("warnings_defaults", generated.warnings.render(&doc));
}
