//! Golden tests: each fixture under `tests/fixtures/` is generated and its types and API
//! modules are snapshotted; each spec under `tests/broken/` has its diagnostics snapshotted.
//! A new case is a new file.

use oa_codegen::settings::Settings;
use oa_load::Document;
use std::path::Path;

/// One snapshot of the emitted types and API modules per fixture, and one of its IR, so that a
/// failing snapshot says whether lowering or rendering changed; every fixture is reported.
#[test]
fn generated_code() {
    insta::glob!("fixtures/*.yaml", |path| {
        let doc = Document::read(path).unwrap();
        let settings = Settings::new("fixture");
        let generated = oa_codegen::generate(&doc, &settings).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut text = String::new();
        for (file, contents) in &generated.files {
            if (file.starts_with("src/types/") || file.starts_with("src/api/")) && !file.ends_with("mod.rs") {
                text.push_str(&format!("==> {file}\n{contents}\n"));
            }
        }
        insta::assert_snapshot!("code", text);
        let (ir, _) = oa_codegen::lower(&doc, &settings).unwrap();
        insta::assert_json_snapshot!("ir", ir);
    });
}

/// One snapshot of the rendered diagnostics per broken spec: located, all of a stage at once.
#[test]
fn diagnostics() {
    insta::glob!("broken/*.yaml", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let rel = format!("tests/broken/{}", path.file_name().unwrap().to_string_lossy());
        let rendered = match Document::parse(rel, text) {
            Err(e) => e.to_string(),
            Ok(doc) => match oa_codegen::generate(&doc, &Settings::new("broken")) {
                Ok(_) => panic!("{}: a broken spec generated code", path.display()),
                Err(failure) => failure.to_string(),
            },
        };
        insta::assert_snapshot!("diag", rendered);
    });
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

/// A message said at several places is one line with the count and the first place; the
/// verbose rendering lists every place.
#[test]
fn repeated_warnings_are_grouped() {
    let rel = "tests/warnings/repeated_warning.yaml";
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)).unwrap();
    let doc = Document::parse(rel, text).unwrap();
    let mut settings = Settings::new("fixture");
    settings.include = vec!["/".into()];
    let generated = oa_codegen::generate(&doc, &settings).unwrap();
    let grouped = generated.warnings.render_grouped(&doc, false);
    let verbose = generated.warnings.render_grouped(&doc, true);
    assert_eq!(verbose, generated.warnings.render(&doc));
    insta::assert_snapshot!("warnings_grouped", format!("{grouped}\n--verbose:\n{verbose}"));
}

/// Webhooks whose payloads carry no tag get their payload types and one warning, no union; a
/// selected webhook the document lacks is a warning too.
#[test]
fn untagged_webhooks_warn() {
    let rel = "tests/fixtures/webhooks_untagged.yaml";
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)).unwrap();
    let doc = Document::parse(rel, text).unwrap();
    let mut settings = Settings::new("fixture");
    settings.webhooks.select = vec!["push".into(), "fork".into()];
    let generated = oa_codegen::generate(&doc, &settings).unwrap();
    assert!(!generated.files.iter().any(|(p, f)| p.starts_with("src/types") && f.contains("WebhookEvent")));
    insta::assert_snapshot!("warnings_untagged_webhooks", generated.warnings.render(&doc));
    // Only the selected ones without `include: [/]`.
    settings.include = vec!["/nothing".into()];
    let (ir, _) = oa_codegen::lower(&doc, &settings).unwrap();
    assert_eq!(ir.webhooks.hooks.iter().map(|h| h.key.as_str()).collect::<Vec<_>>(), ["push"]);
}
