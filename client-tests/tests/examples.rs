//! Every valid-JSON documented example of the schemas in our spec decodes into its generated
//! type and encodes back to the same JSON (numbers compared by value, key order aside), allowing
//! only the documented lenient-policy exceptions: a `null` optional field comes back absent, and
//! a missing required field comes back as its default: an empty value (`""`, `0`, `false`, `[]`,
//! `{}`, `null`, or an object of those) or, for the one-value enums of `object` and `type`
//! fields, that one value.
//! The examples are read from `../shared/upstream/` at run time, never copied into the repo.

use openai_responses::schemas;
use serde_json::Value;
use std::path::PathBuf;

fn upstream(name: &str) -> Option<Value> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/upstream").join(name);
    if !path.exists() {
        assert!(std::env::var("REQUIRE_CORPUS").as_deref() != Ok("1"), "REQUIRE_CORPUS=1 but {} is absent", path.display());
        eprintln!("skipped: {} is absent", path.display());
        return None;
    }
    let text = std::fs::read_to_string(&path).unwrap();
    Some(oa_load_free_yaml(&text))
}

/// The generated crate does not parse YAML; the tests use the generator's loader.
fn oa_load_free_yaml(text: &str) -> Value {
    oa_load::Document::parse("upstream", text.to_owned()).unwrap().root
}

/// (schema, example) pairs: `example`, each of `examples`, and `x-oaiMeta.example`; strings
/// that hold JSON are parsed, others skipped (they are prose or not valid JSON).
fn examples(doc: &Value) -> (Vec<(String, Value)>, usize) {
    let mut out = Vec::new();
    let mut invalid = 0;
    let schemas = doc.pointer("/components/schemas").and_then(Value::as_object).unwrap();
    for (name, schema) in schemas {
        let mut candidates = Vec::new();
        if let Some(e) = schema.get("example") {
            candidates.push(e.clone());
        }
        if let Some(Value::Array(es)) = schema.get("examples") {
            candidates.extend(es.iter().cloned());
        }
        if let Some(e) = schema.pointer("/x-oaiMeta/example") {
            candidates.push(e.clone());
        }
        for c in candidates {
            let v = match c {
                Value::String(s) => match serde_json::from_str::<Value>(&s) {
                    Ok(v) if v.is_object() || v.is_array() => v,
                    _ => {
                        invalid += 1;
                        continue;
                    }
                },
                other => other,
            };
            out.push((name.clone(), v));
        }
    }
    (out, invalid)
}

fn is_empty_default(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(m) => m.values().all(is_empty_default),
    }
}

/// Equality up to key order, numbers by value, and the lenient-policy exceptions.
fn equivalent(orig: &Value, out: &Value, path: &str) -> Result<(), String> {
    match (orig, out) {
        (Value::Number(a), Value::Number(b)) if a.as_f64() == b.as_f64() => Ok(()),
        (Value::Object(a), Value::Object(b)) => {
            for (k, va) in a {
                match b.get(k) {
                    Some(vb) => equivalent(va, vb, &format!("{path}/{k}"))?,
                    None if va.is_null() => {}
                    None => return Err(format!("{path}/{k}: dropped")),
                }
            }
            for (k, vb) in b {
                let one_value_enum = (k == "object" || k == "type") && vb.is_string();
                if !a.contains_key(k) && !is_empty_default(vb) && !one_value_enum {
                    return Err(format!("{path}/{k}: added {vb}"));
                }
            }
            Ok(())
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            a.iter().zip(b).enumerate().try_for_each(|(i, (x, y))| equivalent(x, y, &format!("{path}/{i}")))
        }
        (a, b) if a == b => Ok(()),
        (a, b) => Err(format!("{path}: {a} became {b}")),
    }
}

/// The documented answers of the Responses operations (`x-oaiMeta.examples[].response`), each
/// paired with the component our spec answers with: JSON answers whole, event streams by their
/// `data:` lines.
fn operation_examples(doc: &Value) -> Vec<(String, Value)> {
    let ours = oa_load_free_yaml(&std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../spec/openapi.yaml")).unwrap());
    let schema_name = |path: &str, method: &str, media: &str| -> Option<String> {
        let op = ours.get("paths")?.get(path)?.get(method)?;
        let r = op.pointer(&format!("/responses/200/content/{}/schema/$ref", media.replace('/', "~1")))?.as_str()?;
        Some(r.rsplit('/').next()?.to_owned())
    };
    let mut out = Vec::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else { return out };
    for (path, item) in paths {
        if !path.starts_with("/responses") || path.contains('?') {
            continue;
        }
        for (method, op) in item.as_object().into_iter().flatten() {
            let examples = match op.pointer("/x-oaiMeta/examples") {
                Some(Value::Array(list)) => list.clone(),
                Some(one @ Value::Object(_)) => vec![one.clone()],
                _ => continue,
            };
            for e in examples {
                let Some(text) = e.get("response").and_then(Value::as_str) else { continue };
                if let Ok(v) = serde_json::from_str::<Value>(text) {
                    if let Some(name) = schema_name(path, method, "application/json") {
                        out.push((name, v));
                    }
                } else if let Some(name) = schema_name(path, method, "text/event-stream") {
                    for line in text.lines().filter_map(|l| l.strip_prefix("data:")) {
                        if let Ok(v) = serde_json::from_str::<Value>(line.trim()) {
                            out.push((name.clone(), v));
                        }
                    }
                }
            }
        }
    }
    out
}

fn run(doc_name: &str, label: &str) -> Option<(usize, usize, usize, Vec<String>)> {
    let doc = upstream(doc_name)?;
    let (mut examples, invalid) = examples(&doc);
    let operation = operation_examples(&doc);
    println!("{label}: {} schema examples, {} operation answer examples", examples.len(), operation.len());
    examples.extend(operation);
    let (mut total, mut decoded, mut round_tripped) = (0, 0, 0);
    let mut failures = Vec::new();
    for (schema, value) in &examples {
        let Some(result) = schemas::round_trip(schema, value) else { continue };
        total += 1;
        match result {
            Err(e) => failures.push(format!("{schema}: decode failed: {e}")),
            Ok(out) => {
                decoded += 1;
                match equivalent(value, &out, "") {
                    Ok(()) => round_tripped += 1,
                    Err(e) => failures.push(format!("{schema}: round trip: {e}")),
                }
            }
        }
    }
    println!("{label}: decoded {decoded}/{total}, round-tripped {round_tripped}/{total} ({invalid} examples are not JSON and were skipped)");
    for f in &failures {
        println!("  {f}");
    }
    Some((total, decoded, round_tripped, failures))
}

#[test]
fn newest_document_examples_decode_and_round_trip() {
    let Some((total, decoded, round_tripped, failures)) = run("openai-openapi-2026-08-21.yaml", "2026-08-21") else { return };
    assert!(total > 50, "only {total} examples found");
    assert_eq!(decoded, total, "every example decodes: {failures:#?}");
    assert_eq!(round_tripped, total, "every example round-trips: {failures:#?}");
}

#[test]
fn oldest_document_examples_still_decode() {
    // Shapes renamed or removed since 2025-04-29 are not in our spec and are listed, not failed.
    let Some((total, decoded, _, failures)) = run("openai-openapi-2025-04-29.yaml", "2025-04-29 with the 2026-08-21 client") else { return };
    assert!(total > 10, "only {total} examples found");
    assert_eq!(decoded, total, "{failures:#?}");
}
