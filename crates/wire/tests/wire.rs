//! Tag peeking and string mapping on raw JSON.

use oa_wire::{deserialize_str, Raw};

#[test]
fn peeks_tag_anywhere_in_the_object() {
    let raw: Raw = serde_json::from_str(r#"{"a": {"type": "inner"}, "b": [1, 2], "type": "outer\u0021"}"#).unwrap();
    assert_eq!(raw.tag("type").as_deref(), Some("outer!"));
    assert_eq!(raw.tag("missing"), None);
    let not_object: Raw = serde_json::from_str(r#""text""#).unwrap();
    assert_eq!(not_object.tag("type"), None);
    let non_string_tag: Raw = serde_json::from_str(r#"{"type": 3}"#).unwrap();
    assert_eq!(non_string_tag.tag("type"), None);
}

#[test]
fn decodes_and_keeps_raw() {
    let raw: Raw = serde_json::from_str(r#"{"x": 1}"#).unwrap();
    assert_eq!(raw.try_decode::<std::collections::BTreeMap<String, i64>>().unwrap()["x"], 1);
    assert!(raw.try_decode::<Vec<i64>>().is_none());
    let v = raw.into_value::<serde_json::Error>().unwrap();
    assert_eq!(v, serde_json::json!({"x": 1}));
}

#[test]
fn maps_strings() {
    let mut de = serde_json::Deserializer::from_str(r#""a\nb""#);
    let n = deserialize_str(&mut de, |s| s.len()).unwrap();
    assert_eq!(n, 3);
}
