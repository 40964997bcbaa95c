//! The `derives` setting: extra derives reach the types a schema holds, skip what a type already
//! implements, keep types with different derives unmerged, and are refused (a schema named
//! explicitly) or skipped with a warning (`"*"`) where a type cannot have them. That the output
//! compiles is `tests/compile.rs`'s (four fixtures again with `"*": [Eq, Hash]`; the adopter
//! fixture derives them and hashes tags).

use oa_codegen::settings::Settings;
use oa_load::Document;

const DOC: &str = r##"
openapi: 3.1.0
info: { title: Pets, version: "1" }
servers: [{ url: "https://pets.example" }]
paths: {}
components:
  schemas:
    Tag:
      type: object
      properties:
        name: { type: string }
        color: { type: string, enum: [red, blue] }
    Label:
      type: object
      properties:
        name: { type: string }
        color: { type: string, enum: [red, blue] }
    Pet:
      type: object
      properties:
        name: { type: string }
        tags: { type: array, items: { $ref: "#/components/schemas/Tag" } }
        meta: { type: object }
    Point:
      type: object
      properties:
        x: { type: number }
    Shape:
      oneOf:
        - $ref: "#/components/schemas/Circle"
        - $ref: "#/components/schemas/Square"
      discriminator: { propertyName: kind }
    Circle:
      type: object
      required: [kind]
      properties:
        kind: { type: string, const: circle }
        radius: { type: integer }
    Square:
      type: object
      required: [kind]
      properties:
        kind: { type: string, const: square }
        side: { type: integer }
"##;

fn settings(derives: serde_json::Value) -> Settings {
    Settings::from_value(serde_json::json!({ "crate_name": "pets", "include": ["/"], "derives": derives })).unwrap()
}

/// All generated Rust text, one string.
fn generate(settings: &Settings) -> Result<(String, Vec<String>), String> {
    let doc = Document::parse("pets.yaml", DOC).unwrap();
    let generated = oa_codegen::generate(&doc, settings).map_err(|f| f.to_string())?;
    let text = generated.files.iter().filter(|(p, _)| p.ends_with(".rs")).map(|(_, t)| t.as_str()).collect::<Vec<_>>().join("\n");
    Ok((text, generated.warnings.items.iter().map(|d| format!("{}: {}", d.pointer, d.message)).collect()))
}

fn derive_of(text: &str, item: &str) -> String {
    let at = text.find(item).unwrap_or_else(|| panic!("no `{item}` in the output"));
    let before = &text[..at];
    let line = before.rfind("#[derive(").expect("a derive before the item");
    before[line..].lines().next().unwrap().to_owned()
}

#[test]
fn a_schema_s_derives_reach_what_it_holds_and_keep_it_apart() {
    let (text, warnings) = generate(&settings(serde_json::json!({ "Tag": ["Eq", "Hash"], "Shape": ["Eq", "Hash"] }))).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(derive_of(&text, "pub struct Tag {"), "#[derive(Clone, PartialEq, Default, Eq, Hash)]");
    // `Label` has `Tag`'s shape but not its derives: not merged into it.
    assert_eq!(derive_of(&text, "pub struct Label {"), "#[derive(Clone, PartialEq, Default)]");
    assert!(!text.contains("pub type Label ="), "Label was merged");
    // The union's variants get them too; its `Hash` is by hand, its catch-all hashed by its JSON.
    assert_eq!(derive_of(&text, "pub struct Circle {"), "#[derive(Clone, PartialEq, Default, Eq, Hash)]");
    assert_eq!(derive_of(&text, "pub enum Shape {"), "#[derive(Debug, Clone, PartialEq, Eq)]");
    assert!(text.contains("impl ::std::hash::Hash for Shape {"), "no Hash for Shape");
    assert!(text.contains("Self::Other(raw) => crate::wire::hash_json(raw, state)"));
    // The open enum `TagColor` already implements both through `open_enum!`: nothing repeated.
    assert!(!text.contains("#[derive(Debug, Clone, Eq"), "an open enum got a derive");
    assert_eq!(derive_of(&text, "pub struct Pet {"), "#[derive(Clone, PartialEq, Default)]");
}

#[test]
fn star_skips_with_a_warning_what_cannot_hold() {
    let (text, warnings) = generate(&settings(serde_json::json!({ "*": ["Eq", "Hash"] }))).unwrap();
    assert_eq!(derive_of(&text, "pub struct Pet {"), "#[derive(Clone, PartialEq, Default, Eq)]");
    assert_eq!(derive_of(&text, "pub struct Point {"), "#[derive(Clone, PartialEq, Default)]");
    assert_eq!(derive_of(&text, "pub struct Tag {"), "#[derive(Clone, PartialEq, Default, Eq, Hash)]");
    let expected = [
        "/components/schemas/Pet: settings: `derives: \"*\"` skips `Hash` for `Pet`: field `meta` of `Pet` holds a serde_json::Value",
        "/components/schemas/Point: settings: `derives: \"*\"` skips `Eq` for `Point`: field `x` of `Point` is an f64",
        "/components/schemas/Point: settings: `derives: \"*\"` skips `Hash` for `Point`: field `x` of `Point` is an f64",
    ];
    for w in expected {
        assert!(warnings.iter().any(|x| x == w), "missing warning {w}\nin {warnings:#?}");
    }
}

#[test]
fn a_schema_named_explicitly_is_refused_with_the_reason() {
    let err = generate(&settings(serde_json::json!({ "Pet": ["Hash"], "Point": ["Eq"], "Nope": ["Eq"] }))).unwrap_err();
    assert!(err.contains("settings: `derives` asks `Hash` for `Pet`, which cannot have it: field `meta` of `Pet` holds a serde_json::Value"), "{err}");
    assert!(err.contains("settings: `derives` asks `Eq` for `Point`, which cannot have it: field `x` of `Point` is an f64"), "{err}");
    assert!(err.contains("settings: `derives` names the schema `Nope`, which the document does not declare"), "{err}");
    assert!(err.contains("pets.yaml:"), "not located: {err}");
}

#[test]
fn an_unknown_derive_name_is_refused_at_load() {
    let err = Settings::from_value(serde_json::json!({ "crate_name": "pets", "derives": { "Tag": ["Ord"] } })).unwrap_err();
    assert!(err.contains("unknown variant `Ord`"), "{err}");
}
