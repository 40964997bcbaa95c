//! Subset: extracts the part of a published document that the selected operations reach,
//! drops its prose (descriptions, summaries, examples), applies OpenAPI Overlay 1.0 files
//! that hold our own prose and our fixes, and prints the result as YAML.

use crate::settings::Settings;
use serde_json::{Map, Value};
use std::collections::BTreeSet;

/// Keys whose object values map names to things (so their keys are names, never prose).
const NAME_MAPS: &[&str] = &[
    "properties", "patternProperties", "$defs", "definitions", "schemas", "responses", "parameters",
    "requestBodies", "headers", "content", "paths", "securitySchemes", "links", "callbacks", "mapping",
    "encoding", "webhooks", "variables",
];

/// Keys that carry prose or sample payloads, dropped from the subset.
const PROSE: &[&str] = &["description", "summary", "example", "examples", "x-oaiMeta", "externalDocs", "termsOfService"];

/// The selected paths and every component they reach, prose removed.
pub fn extract(root: &Value, settings: &Settings) -> Value {
    let mut paths = Map::new();
    if let Some(Value::Object(all)) = root.get("paths") {
        for (p, item) in all {
            if settings.selects_path(p) {
                paths.insert(p.clone(), item.clone());
            }
        }
    }
    // --- webhooks (issue 18): the selected ones, under `webhooks` whatever key the source used.
    let mut webhooks = Map::new();
    if let Some(Value::Object(all)) = crate::lower::webhooks_key(root).and_then(|k| root.get(k)) {
        for (key, item) in all {
            if settings.selects_webhook(key) {
                webhooks.insert(key.clone(), item.clone());
            }
        }
    }
    // --- end webhooks ---
    // --- WebSocket mode: schemas the settings name, which no path reaches ---
    let named: Vec<Value> = settings
        .named_schemas()
        .into_iter()
        .map(|name| serde_json::json!({ "$ref": format!("#/components/schemas/{}", oa_load::escape_token(name)) }))
        .collect();
    // --- end WebSocket mode ---
    extract_paths(root, paths, webhooks, named)
}

/// `paths` (path items taken from `root`, whole or in part: one operation of one path for
/// `oa_codegen::fuzz`), `webhooks` and `named` (refs to schemas kept although nothing reaches
/// them), and every component they reach in `root`, prose removed.
pub fn extract_paths(root: &Value, paths: Map<String, Value>, webhooks: Map<String, Value>, named: Vec<Value>) -> Value {
    let mut out = Map::new();
    for key in ["openapi", "info", "servers", "security"] {
        if let Some(v) = root.get(key) {
            out.insert(key.into(), v.clone());
        }
    }
    // Reachable components, by pointer, to a fixed point.
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut stack: Vec<Value> = paths.values().chain(webhooks.values()).cloned().collect();
    if let Some(sec) = root.pointer("/components/securitySchemes") {
        stack.push(sec.clone());
    }
    stack.extend(named);
    while let Some(v) = stack.pop() {
        collect_refs(&v, &mut |r| {
            let parts: Vec<&str> = r.trim_start_matches('#').split('/').collect();
            if parts.len() >= 4 && parts[1] == "components" {
                let ptr = parts[..4].join("/");
                if seen.insert(ptr.clone()) {
                    if let Some(t) = root.pointer(&ptr) {
                        stack.push(t.clone());
                    }
                }
            }
        });
    }
    let mut components = Map::new();
    if let Some(Value::Object(sec)) = root.pointer("/components/securitySchemes") {
        components.insert("securitySchemes".into(), Value::Object(sec.clone()));
    }
    for ptr in &seen {
        let parts: Vec<&str> = ptr.split('/').collect();
        let (kind, name) = (parts[2], parts[3].replace("~1", "/").replace("~0", "~"));
        if let Some(v) = root.pointer(ptr) {
            let entry = components.entry(kind.to_owned()).or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(m) = entry {
                m.insert(name, v.clone());
            }
        }
    }
    out.insert("paths".into(), Value::Object(paths));
    if !webhooks.is_empty() {
        out.insert("webhooks".into(), Value::Object(webhooks));
    }
    out.insert("components".into(), Value::Object(components));
    let mut out = Value::Object(out);
    strip_prose(&mut out, false);
    describe_responses(&mut out);
    out
}

/// OpenAPI requires a description on every response object; with the prose gone, state the status.
fn describe_responses(doc: &mut Value) {
    let fill = |responses: &mut Map<String, Value>| {
        for (status, r) in responses.iter_mut() {
            if let Value::Object(r) = r {
                if !r.contains_key("$ref") && !r.contains_key("description") {
                    r.insert("description".into(), Value::String(format!("Status {status}.")));
                }
            }
        }
    };
    // Webhooks (issue 18) have responses too.
    for items in ["paths", "webhooks"] {
        if let Some(Value::Object(paths)) = doc.get_mut(items) {
            for item in paths.values_mut() {
                if let Value::Object(item) = item {
                    for op in item.values_mut() {
                        if let Some(Value::Object(responses)) = op.get_mut("responses") {
                            fill(responses);
                        }
                    }
                }
            }
        }
    }
    if let Some(Value::Object(responses)) = doc.pointer_mut("/components/responses") {
        fill(responses);
    }
}

fn collect_refs(v: &Value, f: &mut dyn FnMut(&str)) {
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                match (k.as_str(), child) {
                    ("$ref", Value::String(r)) => f(r),
                    ("examples" | "example" | "x-oaiMeta", _) => {}
                    _ => collect_refs(child, f),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|c| collect_refs(c, f)),
        _ => {}
    }
}

/// The whole `cargo xtask subset` result as text: the structure of `published` selected by
/// `settings`, without prose, with each overlay applied in order, and our header.
pub fn build_spec(published: &Value, source_name: &str, settings: &Settings, overlays: &[Value]) -> Result<String, String> {
    let mut spec = extract(published, settings);
    for (i, overlay) in overlays.iter().enumerate() {
        apply_overlay(&mut spec, overlay).map_err(|e| format!("overlay {}: {e}", settings.overlays.get(i).map_or("?", String::as_str)))?;
    }
    Ok(format!(
        "# generated by `cargo xtask subset --from {source_name}`, do not edit: change the overlays\n# listed in spec/settings.yaml and run it again.\n{}",
        to_yaml(&spec)
    ))
}

/// Removes prose (descriptions, summaries, examples) from a schema or document, keeping names.
pub fn without_prose(v: &Value) -> Value {
    let mut v = v.clone();
    strip_prose(&mut v, false);
    if let Value::Object(m) = &mut v {
        m.remove("title");
    }
    v
}

fn strip_prose(v: &mut Value, is_name_map: bool) {
    match v {
        Value::Object(m) => {
            if !is_name_map {
                m.retain(|k, _| !PROSE.contains(&k.as_str()));
            }
            for (k, child) in m.iter_mut() {
                strip_prose(child, !is_name_map && NAME_MAPS.contains(&k.as_str()));
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|c| strip_prose(c, false)),
        _ => {}
    }
}

/// Applies an OpenAPI Overlay 1.0 document. Targets use the JSONPath subset `$`, `.name`,
/// `['name']`, `["name"]` and `[index]`; `update` merges objects deeply (and appends to arrays),
/// `remove: true` deletes the target.
pub fn apply_overlay(doc: &mut Value, overlay: &Value) -> Result<(), String> {
    let actions = overlay.get("actions").and_then(Value::as_array).ok_or("overlay: `actions` must be an array")?;
    for (i, action) in actions.iter().enumerate() {
        let target = action.get("target").and_then(Value::as_str).ok_or(format!("overlay action {i}: no `target`"))?;
        let path = parse_path(target).map_err(|e| format!("overlay action {i}: {e}"))?;
        if action.get("remove").and_then(Value::as_bool) == Some(true) {
            let (last, parent) = path.split_last().ok_or(format!("overlay action {i}: cannot remove the root"))?;
            let parent = walk_mut(doc, parent).ok_or(format!("overlay action {i}: target `{target}` not found"))?;
            let removed = match parent {
                Value::Array(items) => last.parse::<usize>().ok().filter(|i| *i < items.len()).map(|i| items.remove(i)),
                other => other.as_object_mut().and_then(|m| m.shift_remove(last)),
            };
            if removed.is_none() {
                return Err(format!("overlay action {i}: target `{target}` not found"));
            }
        }
        if let Some(update) = action.get("update") {
            let node = walk_mut(doc, &path).ok_or(format!("overlay action {i}: target `{target}` not found"))?;
            merge(node, update);
        }
    }
    Ok(())
}

fn parse_path(target: &str) -> Result<Vec<String>, String> {
    let mut rest = target.strip_prefix('$').ok_or("a target must start with `$`")?;
    let mut out = Vec::new();
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('.') {
            let end = r.find(['.', '[']).unwrap_or(r.len());
            out.push(r[..end].to_owned());
            rest = &r[end..];
        } else if let Some(r) = rest.strip_prefix('[').filter(|r| r.starts_with(|c: char| c.is_ascii_digit())) {
            // An array index: `[0]`.
            let end = r.find(']').ok_or("unclosed bracket")?;
            out.push(r[..end].to_owned());
            rest = &r[end + 1..];
        } else if let Some(r) = rest.strip_prefix('[') {
            let quote = r.chars().next().filter(|c| *c == '\'' || *c == '"').ok_or("only quoted names and indexes are supported in brackets")?;
            let close = format!("{quote}]");
            let end = r[1..].find(&close).ok_or("unclosed bracket")?;
            out.push(r[1..1 + end].to_owned());
            rest = &r[1 + end + 2..];
        } else {
            return Err(format!("cannot parse target at `{rest}`"));
        }
    }
    Ok(out)
}

fn walk_mut<'a>(mut v: &'a mut Value, path: &[String]) -> Option<&'a mut Value> {
    for token in path {
        v = match v {
            Value::Array(items) => items.get_mut(token.parse::<usize>().ok()?)?,
            other => other.as_object_mut()?.get_mut(token)?,
        };
    }
    Some(v)
}

fn merge(into: &mut Value, update: &Value) {
    match (into, update) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in b {
                match a.get_mut(k) {
                    Some(slot) => merge(slot, v),
                    None => {
                        a.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => a.extend(b.iter().cloned()),
        (slot, v) => *slot = v.clone(),
    }
}

/// Prints a value as block-style YAML; strings are quoted whenever plain style could misread them.
pub fn to_yaml(v: &Value) -> String {
    let mut out = String::new();
    emit(v, 0, &mut out);
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => {
            let plain = !s.is_empty()
                && s.chars().all(|c| c.is_ascii_alphanumeric() || "_-./{}".contains(c))
                && s.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '/' || c == '_')
                && !matches!(s.as_str(), "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n" | "True" | "False" | "Null" | "NULL" | "TRUE" | "FALSE" | "Y" | "N")
                && !s.contains('{');
            if plain {
                s.clone()
            } else {
                serde_json::to_string(s).unwrap_or_default()
            }
        }
        Value::Object(m) if m.is_empty() => "{}".into(),
        Value::Array(a) if a.is_empty() => "[]".into(),
        other => other.to_string(),
    }
}

fn is_scalar(v: &Value) -> bool {
    match v {
        Value::Object(m) => m.is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => true,
    }
}

fn emit(v: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match v {
        Value::Object(m) if !m.is_empty() => {
            for (k, child) in m {
                out.push_str(&pad);
                out.push_str(&scalar(&Value::String(k.clone())));
                if is_scalar(child) {
                    out.push_str(": ");
                    out.push_str(&scalar(child));
                    out.push('\n');
                } else {
                    out.push_str(":\n");
                    emit(child, indent + 2, out);
                }
            }
        }
        Value::Array(a) if !a.is_empty() => {
            for child in a {
                out.push_str(&pad);
                out.push_str("- ");
                if is_scalar(child) {
                    out.push_str(&scalar(child));
                    out.push('\n');
                } else {
                    let mut inner = String::new();
                    emit(child, indent + 2, &mut inner);
                    out.push_str(inner.trim_start());
                }
            }
        }
        other => {
            out.push_str(&pad);
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn yaml_round_trips_through_the_loader() {
        let v = json!({"a": ["x", "y", "1", 1, true, null, "", {"b": {"c": "multi\nline"}}], "200": {}, "n": "null", "d": []});
        let text = to_yaml(&v);
        let back = oa_load::Document::parse("t.yaml", text.clone()).unwrap().root;
        assert_eq!(back, v, "{text}");
    }

    #[test]
    fn overlay_updates_and_removes() {
        let mut doc = json!({"paths": {"/a": {"get": {"x": 1}}}, "components": {"schemas": {"S": {"oneOf": [1]}}}});
        let overlay = json!({"overlay": "1.0.0", "actions": [
            {"target": "$.paths['/a'].get", "update": {"description": "ours"}},
            {"target": "$.components.schemas.S.oneOf", "remove": true},
            {"target": "$.components.schemas.S", "update": {"anyOf": [1]}}
        ]});
        apply_overlay(&mut doc, &overlay).unwrap();
        assert_eq!(doc, json!({"paths": {"/a": {"get": {"x": 1, "description": "ours"}}}, "components": {"schemas": {"S": {"anyOf": [1]}}}}));
        let mut with_list = json!({"p": [{"name": "a"}, {"name": "b"}]});
        apply_overlay(&mut with_list, &json!({"actions": [{"target": "$.p[1]", "update": {"description": "second"}}]})).unwrap();
        assert_eq!(with_list["p"][1]["description"], "second");
        let bad = json!({"actions": [{"target": "$.nope", "update": {}}]});
        assert!(apply_overlay(&mut doc, &bad).unwrap_err().contains("not found"));
    }

    #[test]
    fn prose_is_dropped_but_property_names_stay() {
        let mut v = json!({"description": "x", "properties": {"description": {"type": "string", "description": "y"}}});
        strip_prose(&mut v, false);
        assert_eq!(v, json!({"properties": {"description": {"type": "string"}}}));
    }
}
