//! A typed view over raw schema JSON: folds the dialect differences of OpenAPI 3.0 and 3.1
//! (`nullable`, `type: [.., "null"]`, `anyOf [X, null]`, `const` vs one-value `enum`) into
//! one reading, and resolves local `$ref`s.

use serde_json::{Map, Value};

/// Keywords the lowering understands or deliberately ignores (prose, validation-only limits).
const KNOWN_KEYWORDS: &[&str] = &[
    "$ref", "$recursiveRef", "$recursiveAnchor", "$dynamicRef", "$dynamicAnchor", "$id", "$schema", "$anchor",
    "$comment", "$defs", "type", "properties", "required", "additionalProperties", "items", "prefixItems",
    "enum", "const", "nullable", "allOf", "anyOf", "oneOf", "not", "discriminator", "description", "title",
    "default", "example", "examples", "format", "deprecated", "readOnly", "writeOnly", "minimum", "maximum",
    "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "pattern", "minItems", "maxItems",
    "uniqueItems", "minProperties", "maxProperties", "multipleOf", "patternProperties", "propertyNames",
    "externalDocs", "xml", "contentEncoding", "contentMediaType", "contentSchema", "unevaluatedProperties",
    "unevaluatedItems", "dependentRequired", "dependentSchemas", "if", "then", "else", "contains",
    "minContains", "maxContains",
];

/// Keywords that are neither known nor extensions (`x-…`): reported as warnings, never dropped silently.
pub fn unknown_keywords(schema: &Map<String, Value>) -> impl Iterator<Item = &str> {
    schema.keys().map(String::as_str).filter(|k| !k.starts_with("x-") && !KNOWN_KEYWORDS.contains(k))
}

/// The `type` keyword as a list (3.1 allows an array).
pub fn types(schema: &Map<String, Value>) -> Vec<&str> {
    match schema.get("type") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// True for a schema that only admits `null`.
pub fn is_null_schema(v: &Value) -> bool {
    match v.as_object() {
        Some(m) => {
            let t = types(m);
            (t == ["null"] && !m.contains_key("$ref"))
                || matches!(m.get("enum"), Some(Value::Array(a)) if a.iter().all(Value::is_null) && !a.is_empty())
                || matches!(m.get("const"), Some(Value::Null))
        }
        None => false,
    }
}

/// Whether the schema admits `null` by any of the three spellings (3.0 `nullable`, a `null`
/// member of `type`, or a `null` branch of `anyOf`/`oneOf`), or by a `null` enum value.
pub fn is_nullable(schema: &Map<String, Value>) -> bool {
    schema.get("nullable").and_then(Value::as_bool).unwrap_or(false)
        || types(schema).contains(&"null")
        || ["anyOf", "oneOf"].iter().any(|k| match schema.get(*k) {
            Some(Value::Array(a)) => a.iter().any(is_null_schema),
            _ => false,
        })
        || matches!(schema.get("enum"), Some(Value::Array(a)) if a.iter().any(Value::is_null))
}

/// The non-null branches of `anyOf`/`oneOf`, with the keyword that held them.
pub fn union_branches(schema: &Map<String, Value>) -> Option<(&'static str, Vec<(usize, &Value)>)> {
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(a)) = schema.get(key) {
            let branches = a.iter().enumerate().filter(|(_, b)| !is_null_schema(b)).collect();
            return Some((key, branches));
        }
    }
    None
}

/// String values of `enum` (nulls dropped) or of a string `const`.
pub fn string_literals(schema: &Map<String, Value>) -> Option<Vec<String>> {
    if let Some(Value::String(s)) = schema.get("const") {
        return Some(vec![s.clone()]);
    }
    match schema.get("enum") {
        Some(Value::Array(a)) => {
            let non_null: Vec<&Value> = a.iter().filter(|v| !v.is_null()).collect();
            if !non_null.is_empty() && non_null.iter().all(|v| v.is_string()) {
                let mut out: Vec<String> = Vec::new();
                for v in non_null {
                    let s = v.as_str().unwrap_or_default().to_owned();
                    if !out.contains(&s) {
                        out.push(s);
                    }
                }
                Some(out)
            } else {
                None
            }
        }
        _ => None,
    }
}

/// Resolves a local `$ref` (`#/a/b`) against the document root.
pub fn resolve<'a>(root: &'a Value, reference: &str) -> Option<&'a Value> {
    let fragment = reference.strip_prefix('#')?;
    if fragment.is_empty() {
        return Some(root);
    }
    root.pointer(fragment)
}

/// Follows `$ref` chains (bounded, so a ref cycle cannot hang us) to the first non-ref node.
pub fn deref<'a>(root: &'a Value, mut v: &'a Value) -> &'a Value {
    for _ in 0..16 {
        match v.get("$ref").and_then(Value::as_str).and_then(|r| resolve(root, r)) {
            Some(next) => v = next,
            None => break,
        }
    }
    v
}

/// Properties and required names of an object schema, merging `allOf` branches (later wins)
/// and following refs, to a bounded depth.
pub fn object_shape<'a>(root: &'a Value, v: &'a Value, depth: usize) -> (Vec<(&'a str, &'a Value)>, Vec<&'a str>) {
    if depth > 12 {
        return (Vec::new(), Vec::new());
    }
    match deref(root, v).as_object() {
        Some(m) => map_shape(root, m, depth),
        None => (Vec::new(), Vec::new()),
    }
}

/// `object_shape` of a schema object that is not a `$ref` (for a `$ref` it would be the
/// target's), without wrapping it into a `Value` first.
pub fn map_shape<'a>(root: &'a Value, m: &'a Map<String, Value>, depth: usize) -> (Vec<(&'a str, &'a Value)>, Vec<&'a str>) {
    let mut props: Vec<(&str, &Value)> = Vec::new();
    let mut required: Vec<&str> = Vec::new();
    if depth > 12 {
        return (props, required);
    }
    if let Some(Value::Array(all)) = m.get("allOf") {
        for branch in all {
            let (p, r) = object_shape(root, branch, depth + 1);
            merge_props(&mut props, p);
            for name in r {
                if !required.contains(&name) {
                    required.push(name);
                }
            }
        }
    }
    if let Some(Value::Object(p)) = m.get("properties") {
        merge_props(&mut props, p.iter().map(|(k, v)| (k.as_str(), v)).collect());
    }
    if let Some(Value::Array(r)) = m.get("required") {
        for name in r.iter().filter_map(Value::as_str) {
            if !required.contains(&name) {
                required.push(name);
            }
        }
    }
    (props, required)
}

/// Like `object_shape`, with the JSON pointer where each property is declared (for diagnostics:
/// a property merged from an `allOf` branch or a referenced schema is located there).
pub fn located_properties<'a>(root: &'a Value, v: &'a Value, ptr: &str, depth: usize) -> Vec<(&'a str, &'a Value, String)> {
    if depth > 12 {
        return Vec::new();
    }
    let (v, ptr) = match v.get("$ref").and_then(Value::as_str) {
        Some(r) => match resolve(root, r) {
            Some(target) => (target, r.trim_start_matches('#')),
            None => return Vec::new(),
        },
        None => (v, ptr),
    };
    match v.as_object() {
        Some(m) => map_properties(root, m, ptr, depth),
        None => Vec::new(),
    }
}

/// `located_properties` of a schema object that is not a `$ref`, without wrapping it into a
/// `Value` first.
pub fn map_properties<'a>(root: &'a Value, m: &'a Map<String, Value>, ptr: &str, depth: usize) -> Vec<(&'a str, &'a Value, String)> {
    let mut out: Vec<(&str, &Value, String)> = Vec::new();
    if depth > 12 {
        return out;
    }
    let add = |name: &'a str, schema: &'a Value, at: String, out: &mut Vec<(&'a str, &'a Value, String)>| {
        match out.iter_mut().find(|(n, _, _)| *n == name) {
            Some(slot) => *slot = (name, schema, at),
            None => out.push((name, schema, at)),
        }
    };
    if let Some(Value::Array(all)) = m.get("allOf") {
        for (i, branch) in all.iter().enumerate() {
            for (name, schema, at) in located_properties(root, branch, &format!("{ptr}/allOf/{i}"), depth + 1) {
                add(name, schema, at, &mut out);
            }
        }
    }
    if let Some(Value::Object(p)) = m.get("properties") {
        for (k, schema) in p {
            add(k.as_str(), schema, format!("{ptr}/properties/{}", oa_load::escape_token(k)), &mut out);
        }
    }
    out
}

fn merge_props<'a>(into: &mut Vec<(&'a str, &'a Value)>, from: Vec<(&'a str, &'a Value)>) {
    for (k, v) in from {
        match into.iter_mut().find(|(n, _)| *n == k) {
            Some(slot) => slot.1 = v,
            None => into.push((k, v)),
        }
    }
}

/// The literal values a union branch carries in property `prop` (its tags), looking through
/// refs, `allOf`, and nested unions (whose tags are the union of their branches').
pub fn tag_values(root: &Value, v: &Value, prop: &str, depth: usize) -> Option<Vec<String>> {
    if depth > 12 {
        return None;
    }
    let target = deref(root, v);
    let m = target.as_object()?;
    if let Some((_, branches)) = union_branches(m) {
        if !m.contains_key("properties") {
            let mut all = Vec::new();
            for (_, b) in branches {
                for t in tag_values(root, b, prop, depth + 1)? {
                    if !all.contains(&t) {
                        all.push(t);
                    }
                }
            }
            return Some(all);
        }
    }
    let (props, _) = object_shape(root, target, 0);
    let schema = props.iter().find(|(n, _)| *n == prop)?.1;
    let schema = deref(root, schema).as_object()?;
    string_literals(schema)
}

/// Whether `prop` is required in the (merged) object shape of `v`.
pub fn is_required(root: &Value, v: &Value, prop: &str) -> bool {
    object_shape(root, v, 0).1.contains(&prop)
}

/// A schema that refers to the enclosing document recursively (`$recursiveRef`, `$dynamicRef`).
pub fn is_recursive_ref(schema: &Map<String, Value>) -> bool {
    schema.contains_key("$recursiveRef") || schema.contains_key("$dynamicRef")
}
