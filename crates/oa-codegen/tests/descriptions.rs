//! `spec/openapi.yaml` is fully described, so the generated crate can deny `missing_docs`:
//! every schema, every property (also inside inline `allOf`/`anyOf`/`oneOf` members, `items`
//! and `additionalProperties`), every inline schema that becomes a type of its own (object,
//! enum or union), and every operation parameter has a `description`. The descriptions come
//! from `spec/docs.overlay.yaml`, which may add prose and nothing else.

use oa_codegen::settings::Settings;
use oa_load::{escape_token, Document};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).ancestors().nth(2).unwrap().to_path_buf()
}

fn described(v: &Value) -> bool {
    v.get("description").and_then(Value::as_str).is_some_and(|d| !d.trim().is_empty())
}

/// An inline schema that the generator turns into a type of its own, whose doc comment
/// therefore comes from this node.
fn own_type(v: &Value) -> bool {
    v.as_object().is_some_and(|m| !m.contains_key("$ref") && ["properties", "enum", "anyOf", "oneOf"].iter().any(|k| m.contains_key(*k)))
}

/// Two or more string members (besides `null`) merge into one open enum documented by the
/// parent; a single member next to `null` is lowered as the type itself.
fn merged_strings(members: &[Value]) -> bool {
    let kind = |m: &Value| if m.get("$ref").is_some() { None } else { m.get("type").and_then(Value::as_str).map(str::to_owned) };
    let strings = members.iter().filter(|m| kind(m).as_deref() == Some("string")).count();
    strings >= 2 && members.iter().all(|m| matches!(kind(m).as_deref(), Some("string" | "null")))
}

/// Walks one schema; `needs` says whether this node itself must carry a description.
fn walk(v: &Value, ptr: &str, needs: bool, missing: &mut Vec<String>) {
    let Some(m) = v.as_object() else { return };
    if needs && !described(v) {
        missing.push(ptr.to_owned());
    }
    if let Some(Value::Object(props)) = m.get("properties") {
        for (name, p) in props {
            walk(p, &format!("{ptr}/properties/{}", escape_token(name)), true, missing);
        }
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(Value::Array(members)) = m.get(key) {
            let merged = merged_strings(members);
            for (i, member) in members.iter().enumerate() {
                walk(member, &format!("{ptr}/{key}/{i}"), own_type(member) && !merged, missing);
            }
        }
    }
    // `allOf` members are merged into the parent type: their properties count, they do not.
    if let Some(Value::Array(members)) = m.get("allOf") {
        for (i, member) in members.iter().enumerate() {
            walk(member, &format!("{ptr}/allOf/{i}"), false, missing);
        }
    }
    for key in ["items", "additionalProperties"] {
        if let Some(inner @ Value::Object(_)) = m.get(key) {
            walk(inner, &format!("{ptr}/{key}"), own_type(inner), missing);
        }
    }
}

fn undescribed(root: &Value) -> Vec<String> {
    let mut missing = Vec::new();
    if let Some(Value::Object(schemas)) = root.pointer("/components/schemas") {
        for (name, schema) in schemas {
            walk(schema, &format!("/components/schemas/{}", escape_token(name)), true, &mut missing);
        }
    }
    if let Some(Value::Object(paths)) = root.get("paths") {
        for (path, item) in paths {
            let Some(item) = item.as_object() else { continue };
            for (method, op) in item {
                let Some(Value::Array(params)) = op.get("parameters") else { continue };
                for (i, p) in params.iter().enumerate() {
                    let p = match p.get("$ref").and_then(Value::as_str) {
                        Some(r) if !described(p) => root.pointer(r.trim_start_matches('#')).unwrap_or(p),
                        _ => p,
                    };
                    if !described(p) {
                        missing.push(format!("/paths/{}/{method}/parameters/{i}", escape_token(path)));
                    }
                }
            }
        }
    }
    missing
}

#[test]
fn every_schema_property_and_parameter_is_described() {
    let spec = Document::read(&repo_root().join("spec/openapi.yaml")).unwrap();
    let missing = undescribed(&spec.root);
    assert!(
        missing.is_empty(),
        "{} node(s) of spec/openapi.yaml have no description; add them to spec/docs.overlay.yaml and run `cargo xtask subset`:\n  {}",
        missing.len(),
        missing.join("\n  ")
    );
}

#[test]
fn the_check_finds_what_is_missing() {
    let doc = serde_json::json!({
        "paths": {"/a": {"get": {"parameters": [{"name": "x", "in": "query"}, {"name": "y", "in": "query", "description": "d"}]}}},
        "components": {"schemas": {
            "S": {"description": "d", "allOf": [{"$ref": "#/components/schemas/T"}, {"properties": {"p": {"type": "string"}}}]},
            "T": {"description": "d", "properties": {
                "q": {"description": "d", "anyOf": [{"type": "string", "enum": ["a"]}, {"type": "null"}]},
                "r": {"description": "d", "anyOf": [{"type": "string"}, {"type": "string", "enum": ["a"]}]},
                "s": {"description": "d", "type": "array", "items": {"properties": {"t": {"description": "d"}}}}
            }},
            "U": {"type": "string", "enum": ["b"]}
        }}
    });
    assert_eq!(
        undescribed(&doc),
        [
            "/components/schemas/S/allOf/1/properties/p",
            "/components/schemas/T/properties/q/anyOf/0",
            "/components/schemas/T/properties/s/items",
            "/components/schemas/U",
            "/paths/~1a/get/parameters/0",
        ]
    );
}

/// Pointers (at most 20) where two values differ.
fn differences(a: &Value, b: &Value, ptr: &str, out: &mut Vec<String>) {
    if out.len() >= 20 {
        return;
    }
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for k in x.keys().chain(y.keys().filter(|k| !x.contains_key(*k))) {
                let p = format!("{ptr}/{}", escape_token(k));
                match (x.get(k), y.get(k)) {
                    (Some(c), Some(d)) => differences(c, d, &p, out),
                    _ => out.push(p),
                }
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (c, d)) in x.iter().zip(y).enumerate() {
                differences(c, d, &format!("{ptr}/{i}"), out);
            }
        }
        _ if a != b => out.push(ptr.to_owned()),
        _ => {}
    }
}

/// Every leaf of an update is a `description` or `summary` string.
fn prose_only(update: &Value, at: &str, bad: &mut Vec<String>) {
    match update {
        Value::Object(m) => {
            for (k, v) in m {
                let at = format!("{at}/{k}");
                match v {
                    Value::String(_) if k == "description" || k == "summary" => {}
                    Value::Object(_) => prose_only(v, &at, bad),
                    _ => bad.push(at),
                }
            }
        }
        _ => bad.push(at.to_owned()),
    }
}

#[test]
fn docs_overlay_adds_only_prose() {
    let root = repo_root();
    let settings = Settings::from_value(Document::read(&root.join("spec/settings.yaml")).unwrap().root).unwrap();
    let docs = Document::read(&root.join("spec/docs.overlay.yaml")).unwrap().root;
    let mut bad = Vec::new();
    for (i, action) in docs["actions"].as_array().unwrap().iter().enumerate() {
        let target = action["target"].as_str().unwrap_or("?");
        for key in action.as_object().unwrap().keys().filter(|k| *k != "target" && *k != "update") {
            bad.push(format!("action {i} ({target}): `{key}`"));
        }
        prose_only(&action["update"], &format!("action {i} ({target}): update"), &mut bad);
    }
    assert!(bad.is_empty(), "spec/docs.overlay.yaml may only add `description` and `summary` strings:\n  {}", bad.join("\n  "));

    // With the publication at hand: the docs overlay changes nothing but prose, so it cannot
    // create a node (a misspelt property name would) or change the structure.
    let header = std::fs::read_to_string(root.join("spec/openapi.yaml")).unwrap();
    let source = header.lines().next().and_then(|l| l.split("--from ").nth(1)).map(|s| s.split('`').next().unwrap_or_default().to_owned());
    let path = root.join("../shared/upstream").join(source.as_deref().unwrap_or("openai-openapi-2026-08-21.yaml"));
    if !path.exists() {
        assert!(std::env::var("REQUIRE_CORPUS").as_deref() != Ok("1"), "REQUIRE_CORPUS=1 but {} is absent", path.display());
        eprintln!("skipped: {} is absent, the docs overlay's structure is not compared", path.display());
        return;
    }
    let published = Document::read(&path).unwrap();
    let mut without_docs = oa_codegen::subset::extract(&published.root, &settings);
    for name in settings.overlays.iter().filter(|o| *o != "docs.overlay.yaml") {
        let overlay = Document::read(&root.join("spec").join(name)).unwrap().root;
        oa_codegen::subset::apply_overlay(&mut without_docs, &overlay).unwrap();
    }
    let mut with_docs = without_docs.clone();
    oa_codegen::subset::apply_overlay(&mut with_docs, &docs).unwrap();
    let mut diff = Vec::new();
    differences(&oa_codegen::subset::without_prose(&without_docs), &oa_codegen::subset::without_prose(&with_docs), "", &mut diff);
    assert!(diff.is_empty(), "spec/docs.overlay.yaml changes more than prose at:\n  {}", diff.join("\n  "));
}
