//! Helpers shared by the tests in `tests/`: exact JSON comparison (numbers by value) that names
//! the first difference by its JSON pointer, and loading of the published documents in
//! `../shared/upstream/`, which are read at run time and never copied into the repo.

use serde_json::Value;
use std::path::PathBuf;

/// Where the first difference between `want` and `got` is, and what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// RFC 6901 pointer to the differing value (`""` for the root).
    pub pointer: String,
    /// What differs there.
    pub what: String,
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let at = if self.pointer.is_empty() { "(root)" } else { &self.pointer };
        write!(f, "at {at}: {}", self.what)
    }
}

/// The first difference between `want` and `got`, or `None` when they are the same JSON:
/// the same keys with the same values (key order aside, as JSON objects have none), `null`
/// only where `null` was, arrays of the same length, and numbers equal by value (`1` and `1.0`
/// are the same number; `1` and `2` are not, nor `1` and `"1"`).
pub fn first_difference(want: &Value, got: &Value) -> Option<Difference> {
    let mut pointer = String::new();
    diff(want, got, &mut pointer).map(|what| Difference { pointer, what })
}

/// Compares recursively; on a difference `pointer` is left pointing at it.
fn diff(want: &Value, got: &Value, pointer: &mut String) -> Option<String> {
    match (want, got) {
        (Value::Number(a), Value::Number(b)) => (!numbers_equal(a, b)).then(|| format!("{a} became {b}")),
        (Value::Object(a), Value::Object(b)) => {
            for (key, va) in a {
                let len = pointer.len();
                push_token(pointer, key);
                match b.get(key) {
                    Some(vb) => {
                        if let Some(what) = diff(va, vb, pointer) {
                            return Some(what);
                        }
                    }
                    None => return Some(format!("{} was dropped", short(va))),
                }
                pointer.truncate(len);
            }
            let added = b.iter().find(|(key, _)| !a.contains_key(key.as_str()));
            added.map(|(key, vb)| {
                push_token(pointer, key);
                format!("{} was added", short(vb))
            })
        }
        (Value::Array(a), Value::Array(b)) => {
            for (i, (va, vb)) in a.iter().zip(b).enumerate() {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&i.to_string());
                if let Some(what) = diff(va, vb, pointer) {
                    return Some(what);
                }
                pointer.truncate(len);
            }
            (a.len() != b.len()).then(|| format!("{} items became {}", a.len(), b.len()))
        }
        (a, b) if a == b => None,
        (a, b) => Some(format!("{} became {}", short(a), short(b))),
    }
}

/// Integers compare exactly; a float compares with anything by its `f64` value.
fn numbers_equal(a: &serde_json::Number, b: &serde_json::Number) -> bool {
    if let (Some(x), Some(y)) = (a.as_i64(), b.as_i64()) {
        return x == y;
    }
    if let (Some(x), Some(y)) = (a.as_u64(), b.as_u64()) {
        return x == y;
    }
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

/// Appends one reference token, escaped as RFC 6901 says (`~` as `~0`, `/` as `~1`).
fn push_token(pointer: &mut String, key: &str) {
    pointer.push('/');
    pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
}

/// A value as JSON, cut to a readable length.
fn short(v: &Value) -> String {
    let text = v.to_string();
    match text.char_indices().nth(80) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

/// The published document `name` from `../shared/upstream/`, parsed; `None` (with a message)
/// when it is absent, and a panic instead when `REQUIRE_CORPUS=1`.
pub fn upstream(name: &str) -> Option<Value> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/upstream").join(name);
    if !path.exists() {
        assert!(std::env::var("REQUIRE_CORPUS").as_deref() != Ok("1"), "REQUIRE_CORPUS=1 but {} is absent", path.display());
        eprintln!("skipped: {} is absent", path.display());
        return None;
    }
    Some(load(&path))
}

/// Our subset of the document, `spec/openapi.yaml`, parsed.
pub fn our_spec() -> Value {
    load(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../spec/openapi.yaml"))
}

/// The generated crate does not parse YAML; the tests use the generator's loader.
fn load(path: &std::path::Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    oa_load::Document::parse(path.display().to_string(), text).unwrap_or_else(|e| panic!("parse {}: {e}", path.display())).root
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_by_value_and_nothing_else() {
        assert_eq!(first_difference(&json!({"a": 1}), &json!({"a": 1.0})), None);
        assert_eq!(first_difference(&json!([1.5e9]), &json!([1_500_000_000])), None);
        let d = first_difference(&json!({"a": [0, {"b~/c": 1}]}), &json!({"a": [0, {"b~/c": 2}]})).unwrap();
        assert_eq!(d.pointer, "/a/1/b~0~1c");
        assert_eq!(first_difference(&json!({"a": 1}), &json!({"a": "1"})).unwrap().pointer, "/a");
    }

    #[test]
    fn null_absent_and_added_keys_differ() {
        let d = first_difference(&json!({"a": null}), &json!({})).unwrap();
        assert_eq!((d.pointer.as_str(), d.what.as_str()), ("/a", "null was dropped"));
        let d = first_difference(&json!({}), &json!({"a": ""})).unwrap();
        assert_eq!((d.pointer.as_str(), d.what.as_str()), ("/a", "\"\" was added"));
        let d = first_difference(&json!({"a": null}), &json!({"a": []})).unwrap();
        assert_eq!(d.pointer, "/a");
        assert_eq!(first_difference(&json!([1, 2]), &json!([1])).unwrap().what, "2 items became 1");
        assert_eq!(first_difference(&json!({"x": 1, "y": 2}), &json!({"y": 2, "x": 1})), None, "key order aside");
    }
}
