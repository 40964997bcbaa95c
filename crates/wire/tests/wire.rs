//! The decoding and encoding helpers generated code calls: one-pass unions, lenient objects, open enums, form and multipart bodies.

use oa_wire::deserialize_str;

#[derive(Default, Debug, PartialEq)]
struct Item {
    kind: String,
    id: String,
    extra: serde_json::Map<String, serde_json::Value>,
}

impl oa_wire::Object for Item {
    fn field<'de, A: serde::de::MapAccess<'de>>(&mut self, key: oa_wire::Key<'de>, map: &mut A) -> Result<(), A::Error> {
        match key.as_str() {
            "type" => oa_wire::de_scalar(map, &mut self.kind, key, &mut self.extra),
            "id" => oa_wire::de_scalar(map, &mut self.id, key, &mut self.extra),
            _ => oa_wire::de_extra(map, key, &mut self.extra),
        }
    }
}

#[derive(Debug, PartialEq)]
enum Union {
    Item(Item),
    Other(serde_json::Value),
}

impl oa_wire::Union for Union {
    const TAG: Option<&'static str> = Some("type");

    fn fast<'de, A: serde::de::MapAccess<'de>>(tag: &str, seen: oa_wire::Seen<'de>, map: &mut A) -> Result<Result<Self, oa_wire::Seen<'de>>, A::Error> {
        Ok(match tag {
            "item" => Ok(Union::Item(oa_wire::finish_object(seen, map)?)),
            _ => Err(seen),
        })
    }

    fn from_value(value: serde_json::Value) -> Self {
        Union::Other(value)
    }

    fn is_catch_all(&self) -> bool {
        matches!(self, Union::Other(_))
    }
}

impl<'de> serde::Deserialize<'de> for Union {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        oa_wire::deserialize_union(d)
    }
}

#[test]
fn union_decodes_in_one_pass_with_entries_before_the_tag() {
    // `id` comes before the tag: it is replayed into the struct.
    let u: Union = serde_json::from_str(r#"{"id": "a", "type": "item", "new": 1}"#).unwrap();
    let Union::Item(item) = u else { panic!("{u:?}") };
    assert_eq!((item.kind.as_str(), item.id.as_str()), ("item", "a"));
    assert_eq!(item.extra["new"], 1);
    // Unknown tag, no tag, not an object: buffered into the catch-all.
    let other: Union = serde_json::from_str(r#"{"id": "b", "type": "gizmo"}"#).unwrap();
    assert_eq!(other, Union::Other(serde_json::json!({"id": "b", "type": "gizmo"})));
    let untagged: Union = serde_json::from_str(r#"{"id": "c"}"#).unwrap();
    assert_eq!(untagged, Union::Other(serde_json::json!({"id": "c"})));
    let text: Union = serde_json::from_str(r#""text""#).unwrap();
    assert_eq!(text, Union::Other(serde_json::json!("text")));
}

#[test]
fn lenient_scalars_keep_wrong_types_raw() {
    let u: Union = serde_json::from_str(r#"{"type": "item", "id": 42}"#).unwrap();
    let Union::Item(item) = u else { panic!() };
    assert_eq!(item.id, "");
    assert_eq!(item.extra["id"], 42);
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
