//! The decoding and encoding helpers generated code calls: one-pass unions, lenient objects, open enums, form and multipart bodies.

use oa_wire::deserialize_text;
use serde::Deserialize;

/// A struct written as `object!` would write it (the macro itself is crate-private).
#[derive(Default, Debug, PartialEq)]
struct Item {
    id: oa_wire::Field<String>,
    count: oa_wire::Field<i64>,
    extra: oa_wire::Extra,
}

impl oa_wire::Object for Item {
    const TAG: Option<(&'static str, &'static str)> = Some(("type", "item"));

    fn field<'de, A: serde::de::MapAccess<'de>>(&mut self, key: oa_wire::Key<'de>, map: &mut A) -> Result<(), A::Error> {
        match key.as_str() {
            "id" => oa_wire::de_field(map, &mut self.id, key, &mut self.extra),
            "count" => oa_wire::de_field(map, &mut self.count, key, &mut self.extra),
            "type" => oa_wire::de_tag(map, "item", key, &mut self.extra),
            _ => oa_wire::de_extra(map, key, &mut self.extra),
        }
    }

    fn visit<V: oa_wire::Visit>(&self, v: &mut V) {
        v.field("id", "id", &self.id);
        v.field("count", "count", &self.count);
    }

    fn extra(&self) -> &oa_wire::Extra {
        &self.extra
    }

    fn extra_mut(&mut self) -> &mut oa_wire::Extra {
        &mut self.extra
    }
}

impl<'de> serde::Deserialize<'de> for Item {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        oa_wire::deserialize_object(d)
    }
}

impl serde::Serialize for Item {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        oa_wire::serialize_object(self, s)
    }
}

#[derive(Debug, PartialEq)]
enum Union {
    Item(Item),
    Other(serde_json::Value),
}

impl oa_wire::Union for Union {
    const TAG: Option<&'static str> = Some("type");
    const FAST: &'static [&'static str] = &["item"];

    fn fast<'de, A: serde::de::MapAccess<'de>>(tag: &str, seen: oa_wire::Seen<'de>, map: &mut A) -> Result<Result<Self, oa_wire::Seen<'de>>, A::Error> {
        Ok(match tag {
            "item" => Ok(Union::Item(oa_wire::finish_object(seen, map)?)),
            _ => Err(seen),
        })
    }

    fn from_value(value: serde_json::Value) -> Self {
        match oa_wire::fast_from_value::<Self>(value) {
            Ok(done) => done,
            Err(value) => Union::Other(value),
        }
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
    assert_eq!(item.id, "a");
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
fn entries_before_the_tag_are_replayed_from_every_kind_of_input() {
    let json = r#"{"id": "a\u00e9", "q\"uote\n": "\"", "count": 3, "new": [1, {"x": null}], "type": "item", "more": true}"#;
    let value: serde_json::Value = serde_json::from_str(json).unwrap();
    // Text in a slice or str (borrowed raw JSON), from a reader (owned), and a `Value` (which
    // serde_json writes out), then a deserializer that knows no raw JSON at all.
    let decoded = [
        serde_json::from_slice::<Union>(json.as_bytes()).unwrap(),
        serde_json::from_str::<Union>(json).unwrap(),
        serde_json::from_reader::<_, Union>(json.as_bytes()).unwrap(),
        serde_json::from_value::<Union>(value.clone()).unwrap(),
        Union::deserialize(serde::de::value::MapDeserializer::<_, serde_json::Error>::new(
            value.as_object().unwrap().clone().into_iter(),
        ))
        .unwrap(),
        Union::deserialize(&value).unwrap(),
    ];
    for u in decoded {
        let Union::Item(item) = &u else { panic!("{u:?}") };
        assert_eq!(item.id, "a\u{e9}");
        assert_eq!(*item.count, 3);
        assert_eq!(serde_json::to_value(item).unwrap(), value);
    }
}

#[test]
fn lenient_scalars_keep_wrong_types_raw() {
    let u: Union = serde_json::from_str(r#"{"type": "item", "id": 42}"#).unwrap();
    let Union::Item(item) = u else { panic!() };
    assert!(item.id.is_absent());
    assert_eq!(item.extra["id"], 42);
}

/// Absent stays absent, `null` stays `null`, a wrong-typed value and an unknown key come back
/// as they came, and a struct decoded without its tag does not gain one.
#[test]
fn round_trips_are_exact() {
    for text in [
        r#"{"type":"item","id":"a","count":null,"new":[1]}"#,
        r#"{"type":"item","count":"seven"}"#,
        r#"{"id":"b"}"#,
        r#"{"type":"other-tag","id":"c"}"#,
    ] {
        let item: Item = serde_json::from_str(text).unwrap();
        let back = serde_json::to_value(&item).unwrap();
        assert_eq!(back, serde_json::from_str::<serde_json::Value>(text).unwrap(), "{text}");
    }
    let item: Item = serde_json::from_str(r#"{"type":"item","count":null}"#).unwrap();
    assert!(item.id.is_absent() && item.count.is_null() && item.count.get().is_none());
    // A value built with Default sends its tag alone; a set field is sent.
    let built = Item { id: "x".into(), ..Default::default() };
    assert_eq!(serde_json::to_string(&built).unwrap(), r#"{"type":"item","id":"x"}"#);
}

#[test]
fn a_buffered_value_with_a_fast_tag_takes_the_one_pass_path() {
    use oa_wire::Union as _;
    let u = Union::from_value(serde_json::json!({"id": "z", "type": "item"}));
    assert!(matches!(&u, Union::Item(item) if item.id == "z"), "{u:?}");
}

/// Text that records whether it was built from a borrowed or an owned string.
#[derive(Debug, PartialEq)]
enum Made {
    Borrowed(String),
    Owned(String),
}

impl From<&str> for Made {
    fn from(s: &str) -> Self {
        Made::Borrowed(s.to_owned())
    }
}

impl From<String> for Made {
    fn from(s: String) -> Self {
        Made::Owned(s)
    }
}

#[test]
fn text_is_borrowed_unless_it_has_escapes() {
    let read = |json: &str| deserialize_text::<_, Made>(&mut serde_json::Deserializer::from_str(json));
    assert_eq!(read(r#""ab""#).unwrap(), Made::Borrowed("ab".into()));
    assert_eq!(read(r#""a\nb""#).unwrap(), Made::Owned("a\nb".into()));
    assert!(read("5").is_err());
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
    let body = serde_json::json!({"a": "x y&z", "n": 3, "list": ["p", "q"], "none": null, "address": {"city": "P"}});
    let encoded = oa_wire::form_body(&body, &[("address", "deepObject", true)]).unwrap();
    let mut pairs: Vec<&str> = encoded.split('&').collect();
    pairs.sort();
    assert_eq!(pairs, ["a=x+y%26z", "address%5Bcity%5D=P", "list=p", "list=q", "n=3"]);
}

/// `Extra` and raw JSON hash consistently with `==`: equal maps kept in different key orders
/// (`preserve_order`) hash the same; different values do not.
#[test]
fn extra_hashes_as_it_compares() {
    use std::hash::{BuildHasher, RandomState};
    let state = RandomState::new();
    let extra = |text: &str| oa_wire::Extra::from(serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(text).unwrap());
    let (a, b) = (extra(r#"{"x": 1, "y": {"p": [1, 2.5], "q": null}}"#), extra(r#"{"y": {"q": null, "p": [1, 2.5]}, "x": 1}"#));
    assert_eq!(a, b);
    assert_eq!(state.hash_one(&a), state.hash_one(&b));
    assert_ne!(state.hash_one(&a), state.hash_one(extra(r#"{"x": 2, "y": {"p": [1, 2.5], "q": null}}"#)));
    let json = |v: &serde_json::Value| {
        let mut h = state.build_hasher();
        oa_wire::hash_json(v, &mut h);
        std::hash::Hasher::finish(&h)
    };
    assert_eq!(json(&serde_json::json!({"a": 1, "b": true})), json(&serde_json::json!({"b": true, "a": 1})));
    assert_ne!(json(&serde_json::json!("1")), json(&serde_json::json!(1)));
}

/// A next page's cursor is the text its value serializes to: a string as it is, a number as its
/// digits, a project's type (a `Uuid` behind a mapped `format`) as its string form.
#[test]
fn cursor_text_is_the_serialized_text() {
    struct Id(u128);
    impl serde::Serialize for Id {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_str(&format!("{:032x}", self.0))
        }
    }
    assert_eq!(oa_wire::cursor_text("abc").as_deref(), Some("abc"));
    assert_eq!(oa_wire::cursor_text(&42_i64).as_deref(), Some("42"));
    assert_eq!(oa_wire::cursor_text(&Id(0x1234)).as_deref(), Some("00000000000000000000000000001234"));
    assert_eq!(oa_wire::cursor_text(&vec![1]), None);
}
