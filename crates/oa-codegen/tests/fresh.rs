//! `generated/` must be exactly what `cargo xtask codegen` makes from `spec/`.

use oa_codegen::settings::Settings;
use oa_load::Document;
use std::path::Path;

#[test]
fn generated_crate_is_up_to_date() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).ancestors().nth(2).unwrap();
    let settings = Settings::read(&root.join("spec/settings.yaml")).unwrap();
    let spec = Document::read(&root.join("spec").join(settings.spec.as_deref().unwrap_or("openapi.yaml"))).unwrap();
    let generated = oa_codegen::generate(&spec, &settings).unwrap_or_else(|e| panic!("{e}"));
    let report = oa_codegen::output::sync(&root.join("generated"), &generated.files, true).unwrap();
    assert!(
        report.is_clean(),
        "generated/ is stale (changed: {:?}, no longer generated: {:?}); run `cargo xtask codegen`",
        report.written,
        report.removed
    );
    // Running the generator twice gives the same bytes.
    let again = oa_codegen::generate(&spec, &settings).unwrap();
    assert_eq!(again.files, generated.files);
    assert_eq!(generated.operations, 7);
}

#[test]
fn sync_writes_only_changes_and_removes_only_our_files() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = std::collections::BTreeMap::new();
    files.insert("src/a.rs".to_owned(), format!("{}\nfn a() {{}}\n", oa_codegen::format::HEADER));
    let first = oa_codegen::output::sync(dir.path(), &files, false).unwrap();
    assert_eq!(first.written, vec!["src/a.rs"]);
    std::fs::write(dir.path().join("src/mine.rs"), "// hand-written\n").unwrap();
    std::fs::write(dir.path().join("src/old.rs"), format!("{}\n", oa_codegen::format::HEADER)).unwrap();
    let check = oa_codegen::output::sync(dir.path(), &files, true).unwrap();
    assert_eq!(check.removed, vec!["src/old.rs"]);
    assert!(dir.path().join("src/old.rs").exists(), "check mode must not delete");
    let second = oa_codegen::output::sync(dir.path(), &files, false).unwrap();
    assert!(second.written.is_empty());
    assert_eq!(second.removed, vec!["src/old.rs"]);
    assert!(dir.path().join("src/mine.rs").exists());
    // A hand-written file where a generated one would go is never overwritten.
    std::fs::write(dir.path().join("src/a.rs"), "// mine\n").unwrap();
    let err = oa_codegen::output::sync(dir.path(), &files, false).unwrap_err();
    assert!(err.to_string().contains("src/a.rs"), "{err}");
    assert_eq!(std::fs::read_to_string(dir.path().join("src/a.rs")).unwrap(), "// mine\n");
    // Nested crates and hidden folders are not ours to clean.
    std::fs::create_dir_all(dir.path().join("nested/src")).unwrap();
    std::fs::write(dir.path().join("nested/Cargo.toml"), "[package]\n").unwrap();
    std::fs::write(dir.path().join("nested/src/x.rs"), format!("{}\n", oa_codegen::format::HEADER)).unwrap();
    std::fs::remove_file(dir.path().join("src/a.rs")).unwrap();
    oa_codegen::output::sync(dir.path(), &files, false).unwrap();
    assert!(dir.path().join("nested/src/x.rs").exists());
}
