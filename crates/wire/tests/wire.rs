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

#[test]
fn multipart_has_file_and_text_parts() {
    #[derive(serde::Serialize)]
    struct Upload {
        file: Vec<u8>,
        purpose: String,
        tags: Vec<String>,
        skip: Option<String>,
    }
    let body = Upload { file: b"abc".to_vec(), purpose: "batch".into(), tags: vec!["a".into(), "b".into()], skip: None };
    let (content_type, bytes) = oa_wire::multipart(&body, &["file"]).unwrap();
    let boundary = content_type.strip_prefix("multipart/form-data; boundary=").unwrap();
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.contains("name=\"file\"; filename=\"file\"\r\nContent-Type: application/octet-stream\r\n\r\nabc\r\n"), "{text}");
    assert!(text.contains("name=\"purpose\"\r\n\r\nbatch\r\n"));
    assert_eq!(text.matches("name=\"tags[]\"").count(), 2);
    assert!(!text.contains("skip"));
    assert!(text.ends_with(&format!("--{boundary}--\r\n")));
}

#[test]
fn form_encoding() {
    let body = serde_json::json!({"a": "x y&z", "n": 3, "list": ["p", "q"], "none": null});
    let encoded = oa_wire::form_urlencoded(&body).unwrap();
    let mut pairs: Vec<&str> = encoded.split('&').collect();
    pairs.sort();
    assert_eq!(pairs, ["a=x+y%26z", "list%5B%5D=p", "list%5B%5D=q", "n=3"]);
}
