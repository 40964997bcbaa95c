//! Loader behaviour on small inputs and, when the corpus is present, on the published documents.

use oa_load::Document;
use serde_json::json;

#[test]
fn yaml_core_schema_scalars() {
    let doc = Document::parse(
        "t.yaml",
        "a: [x, y, 'n', \"200\"]\nb: 200\nc: -9223372036854776000\nd: 1.5\ne: null\nf: ~\ng: true\nh: |\n  text\n'404': k\n",
    )
    .unwrap();
    assert_eq!(
        doc.root,
        json!({"a": ["x", "y", "n", "200"], "b": 200, "c": -9.223372036854776e18, "d": 1.5, "e": null, "f": null,
               "g": true, "h": "text\n", "404": "k"})
    );
}

#[test]
fn anchors_and_order() {
    let doc = Document::parse("t.yaml", "z: &a {k: 1}\ny: *a\n").unwrap();
    assert_eq!(doc.root.as_object().unwrap().keys().collect::<Vec<_>>(), ["z", "y"]);
    assert_eq!(doc.root["y"], json!({"k": 1}));
}

#[test]
fn locates_pointers() {
    let src = "openapi: 3.1.0\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        x: {$ref: '#/nope'}\n    B: [1, 2]\n";
    let doc = Document::parse("t.yaml", src).unwrap();
    let found = doc.locate(&["/components/schemas/A", "/components/schemas/A/properties/x/$ref", "/components/schemas/B/1", "/missing"]);
    let lines: Vec<_> = found.iter().map(|p| p.map(|(line, _)| line)).collect();
    assert_eq!(lines, vec![Some(5), Some(7), Some(8), None]);
    // Scalars are located exactly (the opening quote of the `$ref` value), block mappings at
    // their first key, flow collections at their bracket.
    assert_eq!(found[1], Some((7, 19)));
    assert_eq!(found[0], Some((5, 7)));
    let doc = Document::parse("t.yaml", "a:
  - x: 1
    y: 2
  - {z: 3}
b: {}
").unwrap();
    let found = doc.locate(&["/a", "/a/0", "/a/1", "/b", ""]);
    assert_eq!(found, [Some((2, 3)), Some((2, 5)), Some((4, 5)), Some((5, 4)), Some((1, 1))]);
}

#[test]
fn syntax_error_is_located() {
    let err = Document::parse("bad.yaml", "a: [1, 2\nb: c\n").unwrap_err();
    assert_eq!(err.name, "bad.yaml");
    assert!(err.line >= 1, "{err}");
}

#[test]
fn json_input() {
    let doc = Document::parse("t.json", "{\"b\": 1, \"a\": [true]}").unwrap();
    assert_eq!(doc.root.as_object().unwrap().keys().collect::<Vec<_>>(), ["b", "a"]);
}

/// Probes on the published documents: the below-i64 literal, `required` lists that keep
/// strings, a `$ref` with a sibling, and an `anyOf [X, null]`.
#[test]
fn published_documents_load() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/upstream");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    if files.is_empty() {
        assert!(std::env::var("REQUIRE_CORPUS").as_deref() != Ok("1"), "REQUIRE_CORPUS=1 but {} is absent", dir.display());
        eprintln!("skipped: {} is absent", dir.display());
        return;
    }
    for path in files {
        let doc = Document::read(&path).unwrap_or_else(|e| panic!("{e}"));
        // Single-file documents: nothing to bundle.
        assert_eq!(doc.files(), [doc.name.as_str()]);
        let text = serde_json::to_string(&doc.root).unwrap();
        let schemas = doc.root.pointer("/components/schemas").and_then(|s| s.as_object()).unwrap();
        assert!(schemas.len() > 300, "{}: {} schemas", path.display(), schemas.len());
        if doc.source.contains("-9223372036854776000") {
            assert!(text.contains("-9.223372036854776e+18"), "{}: the seed bound is kept as a float", path.display());
        }
        assert!(text.contains(r#"{"type":"null"}"#), "{}: an anyOf-null branch", path.display());
        // `$ref` siblings survive (openapiv3 drops them).
        let has_ref_sibling = text.contains(r#""$ref":"#) && text.contains(r#","nullable":true"#);
        assert!(has_ref_sibling, "{}: keys beside $ref are kept", path.display());
        for (name, s) in schemas {
            if let Some(req) = s.get("required").and_then(|r| r.as_array()) {
                assert!(req.iter().all(|v| v.is_string()), "{name}: required holds non-strings");
            }
        }
    }
}

#[test]
fn locates_in_json_too() {
    let doc = Document::parse("t.json", "{\n  \"a\": {\"b\": [1, {\"c\": \"x\"}]},\n  \"d\": null\n}\n").unwrap();
    assert_eq!(doc.locate(&["/a/b/1/c", "/d", "/a/b"]), [Some((2, 24)), Some((3, 8)), Some((2, 14))]);
}

/// The other published documents (YAML and JSON) are single files too: `read` must give
/// exactly what `read_unbundled` does.
#[test]
fn corpus_documents_are_not_bundled() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/openapi-corpus");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|x| x == "json" || x == "yaml"));
    files.sort();
    if files.is_empty() {
        assert!(std::env::var("REQUIRE_CORPUS").as_deref() != Ok("1"), "REQUIRE_CORPUS=1 but {} is absent", dir.display());
        eprintln!("skipped: {} is absent", dir.display());
        return;
    }
    for path in files {
        let doc = Document::read(&path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(doc.files().len(), 1, "{}", path.display());
        assert!(doc.root == Document::read_unbundled(&path).unwrap().root, "{}", path.display());
    }
}

/// Two diagnostics about one node both get its position.
#[test]
fn a_pointer_asked_twice_is_located_twice() {
    let doc = Document::parse("t.json", "{\n  \"a\": {\"b\": [1, {\"c\": \"x\"}]},\n  \"d\": null\n}\n").unwrap();
    assert_eq!(doc.locate(&["/d", "/a/b", "/d"]), [Some((3, 8)), Some((2, 14)), Some((3, 8))]);
}
