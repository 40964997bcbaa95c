//! Bundling multi-file documents: the fixtures under `tests/fixtures/` (YAML and JSON, a cycle
//! across files, fragments into a file's own components, a name collision, broken references).
//! Cargo runs tests in the package directory, so the relative paths below are also the file
//! names diagnostics print.

use oa_load::{Document, LoadError};
use serde_json::json;
use std::path::Path;

const MULTI: &str = "tests/fixtures/multi";

fn read(path: &str) -> Document {
    Document::read(Path::new(path)).unwrap_or_else(|e| panic!("{e}"))
}

fn read_err(path: &str) -> LoadError {
    match Document::read(Path::new(path)) {
        Ok(doc) => panic!("{path} bundled: {}", serde_json::to_string_pretty(&doc.root).unwrap()),
        Err(e) => e,
    }
}

#[test]
fn bundles_yaml_and_json_parts_into_components() {
    let doc = read(&format!("{MULTI}/openapi.yaml"));
    let expected = json!({
        "openapi": "3.1.0",
        "info": {"title": "Split across files", "version": "1"},
        "paths": {
            // A path item is copied in place of its reference.
            "/pets": {
                "summary": "every pet",
                "get": {"responses": {
                    "200": {"description": "the pets", "content": {"application/json": {"schema": {
                        "type": "array", "items": {"$ref": "#/components/schemas/Pet"}}}}},
                    "default": {"$ref": "#/components/responses/Problem"}
                }}
            },
            "/owners": {"get": {"responses": {
                "200": {"description": "one owner", "content": {"application/json": {"schema": {
                    "$ref": "#/components/schemas/Owner"}}}},
                "404": {"$ref": "#/components/responses/NotFound"}
            }}}
        },
        "components": {
            "schemas": {
                // The root's `Pet: {$ref: schemas/pet.yaml}` receives the file.
                "Pet": {
                    "type": "object",
                    "required": ["name"],
                    "properties": {
                        "name": {"type": "string"},
                        "owner": {"$ref": "#/components/schemas/Owner"},
                        // pet.yaml's own `#/$defs/Tag`, relative to pet.yaml.
                        "tag": {"$ref": "#/components/schemas/Tag"},
                        // Example values are data: not followed, not rewritten.
                        "sample": {"type": "object", "example": {"$ref": "not-a-file.yaml"}}
                    },
                    "$defs": {"Tag": {"type": "string"}}
                },
                "Error": {"type": "string"},
                "Local": {"$ref": "#/components/schemas/Error"},
                // owner.json and pet.yaml refer to each other: each is copied once.
                "Owner": {"type": "object", "properties": {
                    "pets": {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}},
                    "error": {"$ref": "#/components/schemas/CommonError"}
                }},
                "Tag": {"type": "string"},
                // `Error` is the root's: common.yaml's gets its file's stem.
                "CommonError": {"type": "object", "properties": {
                    "code": {"type": "integer"},
                    "detail": {"$ref": "#/components/schemas/Detail"}
                }},
                "Detail": {"type": "string"}
            },
            // A fragment outside `components` lands in the section its position calls for.
            "responses": {
                "Problem": {"description": "something else", "content": {"application/json": {"schema": {
                    "$ref": "#/components/schemas/CommonError"}}}},
                "NotFound": {"description": "no such thing", "content": {"application/json": {"schema": {
                    "$ref": "#/components/schemas/CommonError"}}}}
            }
        }
    });
    assert_eq!(doc.root, expected, "{}", serde_json::to_string_pretty(&doc.root).unwrap());
    // Key order is deterministic: the root's keys first, then parts in the order first met.
    let schemas: Vec<_> = doc.root["components"]["schemas"].as_object().unwrap().keys().collect();
    assert_eq!(schemas, ["Pet", "Error", "Local", "Owner", "Tag", "CommonError", "Detail"]);
    assert_eq!(
        doc.files(),
        [
            "tests/fixtures/multi/openapi.yaml",
            // Read first: the root's `components/schemas/Pet` is claimed before the walk.
            "tests/fixtures/multi/schemas/pet.yaml",
            "tests/fixtures/multi/paths/pets.yaml",
            "tests/fixtures/multi/common.yaml",
            "tests/fixtures/multi/schemas/owner.json",
        ]
    );
    assert_eq!(doc.name, "tests/fixtures/multi/openapi.yaml");
}

#[test]
fn origins_name_the_file_each_node_came_from() {
    let doc = read(&format!("{MULTI}/openapi.yaml"));
    let pointers = [
        "/components/schemas/Pet/properties/name",
        "/components/schemas/Owner/properties/error/$ref",
        "/paths/~1pets/get/responses/200/description",
        "/paths/~1pets/summary",
        "/paths/~1owners/get/responses/404",
        "/components/responses/NotFound/content",
        "/components/schemas/CommonError/properties/detail",
        "/components/schemas/Local",
        "/components/schemas/Nope",
    ];
    let found: Vec<_> = doc.origins(&pointers).into_iter().map(|o| (o.file, o.pointer, o.position)).collect();
    let f = |name: &str| format!("tests/fixtures/multi/{name}");
    assert_eq!(
        found,
        [
            (f("schemas/pet.yaml").as_str(), "/properties/name".to_owned(), Some((4, 9))),
            (f("schemas/owner.json").as_str(), "/properties/error/$ref".to_owned(), Some((5, 23))),
            (f("paths/pets.yaml").as_str(), "/get/responses/200/description".to_owned(), Some((5, 20))),
            (f("paths/pets.yaml").as_str(), "/summary".to_owned(), Some((1, 10))),
            (f("openapi.yaml").as_str(), "/paths/~1owners/get/responses/404".to_owned(), Some((18, 11))),
            (f("common.yaml").as_str(), "/responses/NotFound/content".to_owned(), Some((12, 7))),
            (f("common.yaml").as_str(), "/Error/properties/detail".to_owned(), Some((5, 13))),
            (f("openapi.yaml").as_str(), "/components/schemas/Local".to_owned(), Some((26, 7))),
            (f("openapi.yaml").as_str(), "/components/schemas/Nope".to_owned(), None),
        ]
    );
    // `locate` gives the same positions, whatever file they are in.
    assert_eq!(doc.locate(&pointers[..1]), [Some((4, 9))]);
}

#[test]
fn json_root_with_fragments_into_a_files_components() {
    let doc = read("tests/fixtures/json/openapi.json");
    assert_eq!(
        doc.root["paths"]["/things"]["get"],
        json!({
            "parameters": [{"$ref": "#/components/parameters/Limit"}],
            "responses": {"200": {"description": "things", "content": {"application/json": {"schema": {
                "$ref": "#/components/schemas/Thing"}}}}}
        })
    );
    let components = &doc.root["components"];
    assert_eq!(
        *components,
        json!({
            "schemas": {
                // A root entry referring deep into a component receives just that node.
                "Id": {"type": "string"},
                "Thing": {
                    "oneOf": [{"$ref": "#/components/schemas/Rock"}, {"$ref": "#/components/schemas/Count"}],
                    // Mapping values that are references are rewritten; bare names stay.
                    "discriminator": {"propertyName": "kind", "mapping": {"rock": "#/components/schemas/Rock", "count": "Count"}},
                    "properties": {"id": {"type": "string"}}
                },
                "Count": {"type": "integer"},
                "Rock": {"type": "object"}
            },
            "parameters": {"Limit": {"name": "limit", "in": "query", "schema": {"$ref": "#/components/schemas/Count"}}}
        })
    );
    let o = doc.origins(&["/components/parameters/Limit/in", "/paths/~1things/get/parameters/0"]);
    assert_eq!((o[0].file, o[0].position), ("tests/fixtures/json/parts.yaml", Some((5, 11))));
    // Positions in JSON sources too.
    assert_eq!((o[1].file, o[1].position), ("tests/fixtures/json/openapi.json", Some((7, 24))));
}

#[test]
fn deep_ref_into_a_copied_component_points_into_it() {
    let dir = std::env::temp_dir().join(format!("oa-load-deep-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("parts.yaml"), "components:\n  schemas:\n    Thing:\n      properties:\n        id: {type: string}\n").unwrap();
    let root = "openapi: 3.1.0\ncomponents:\n  schemas:\n    A: {properties: {x: {$ref: 'parts.yaml#/components/schemas/Thing/properties/id'}, y: {$ref: 'parts.yaml#/components/schemas/Thing'}}}\n";
    let doc = Document::parse("root.yaml", root).unwrap().bundle(&dir.join("root.yaml")).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(doc.root["components"]["schemas"]["A"]["properties"]["x"], json!({"$ref": "#/components/schemas/Thing/properties/id"}));
    assert_eq!(doc.root["components"]["schemas"]["A"]["properties"]["y"], json!({"$ref": "#/components/schemas/Thing"}));
    assert_eq!(doc.root["components"]["schemas"]["Thing"], json!({"properties": {"id": {"type": "string"}}}));
}

#[test]
fn single_file_documents_are_left_alone() {
    let path = Path::new("tests/fixtures/multi/common.yaml");
    let bundled = Document::read(path).unwrap();
    let plain = Document::read_unbundled(path).unwrap();
    assert_eq!(bundled.root, plain.root);
    assert_eq!(bundled.files(), ["tests/fixtures/multi/common.yaml"]);
    let o = bundled.origins(&["/Error/type"]);
    assert_eq!((o[0].file, o[0].pointer.as_str(), o[0].position), ("tests/fixtures/multi/common.yaml", "/Error/type", Some((2, 9))));
    // Unbundled, references to other files stay as written.
    let root = Document::read_unbundled(Path::new("tests/fixtures/multi/openapi.yaml")).unwrap();
    assert_eq!(root.root["paths"]["/pets"]["$ref"], "paths/pets.yaml");
}

#[test]
fn missing_file_is_located_at_the_ref() {
    let e = read_err("tests/fixtures/errors/missing.yaml");
    assert_eq!((e.name.as_str(), e.line, e.column), ("tests/fixtures/errors/missing.yaml", 7, 17), "{e}");
    assert!(e.message.contains("cannot read `parts/absent.yaml` (tests/fixtures/errors/parts/absent.yaml)"), "{e}");
    assert!(e.message.ends_with("(at /components/schemas/A/properties/b/$ref)"), "{e}");
}

#[test]
fn bad_fragments_are_located_in_the_referring_file() {
    let e = read_err("tests/fixtures/errors/bad-fragment.yaml");
    assert_eq!((e.name.as_str(), e.line, e.column), ("tests/fixtures/errors/bad-fragment.yaml", 5, 21), "{e}");
    assert!(e.message.contains("`/Nope` is not in tests/fixtures/errors/parts/inner.yaml"), "{e}");
    // A broken internal reference of a referenced file is that file's error.
    let e = read_err("tests/fixtures/errors/inner.yaml");
    assert_eq!((e.name.as_str(), e.line, e.column), ("tests/fixtures/errors/parts/inner.yaml", 5, 13), "{e}");
    assert!(e.message.contains("`#/Missing`") && e.message.ends_with("(at /Good/properties/broken/$ref)"), "{e}");
}

#[test]
fn remote_refs_are_refused() {
    let e = read_err("tests/fixtures/errors/remote.yaml");
    assert_eq!((e.name.as_str(), e.line, e.column), ("tests/fixtures/errors/remote.yaml", 4, 11), "{e}");
    assert!(e.message.contains("remote $ref `https://example.com/x.yaml` is not supported"), "{e}");
}

#[test]
fn syntax_errors_in_parts_name_the_part_and_who_refers_to_it() {
    let e = read_err("tests/fixtures/errors/syntax.yaml");
    assert_eq!(e.name, "tests/fixtures/errors/parts/broken.yaml");
    assert!(e.line >= 2, "{e}");
    assert!(e.message.contains("referred to from tests/fixtures/errors/syntax.yaml at /components/schemas/A/$ref"), "{e}");
}

#[test]
fn path_items_in_a_cycle_fail() {
    let e = read_err("tests/fixtures/errors/loop.yaml");
    assert_eq!((e.name.as_str(), e.line, e.column), ("tests/fixtures/errors/parts/item.yaml", 5, 15), "{e}");
    assert!(e.message.contains("cycle"), "{e}");
}

/// Writes `files` (name, text) to a fresh directory, bundles `root.yaml` there and removes it.
fn bundle_files(tag: &str, files: &[(&str, &str)]) -> Result<Document, LoadError> {
    let dir = std::env::temp_dir().join(format!("oa-load-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    let result = Document::read(&dir.join("root.yaml"));
    std::fs::remove_dir_all(&dir).unwrap();
    result
}

#[test]
fn a_section_copied_in_place_keeps_its_names() {
    let doc = bundle_files(
        "section",
        &[
            ("root.yaml", "openapi: 3.1.0\ncomponents:\n  schemas:\n    $ref: schemas.yaml\n"),
            ("schemas.yaml", "Item: {$ref: 'item.yaml'}\nOther: {type: string}\n"),
            ("item.yaml", "type: object\nproperties:\n  other: {$ref: 'other.yaml'}\n"),
            // Named like the section's own `Other`: must not overwrite it.
            ("other.yaml", "type: integer\n"),
        ],
    )
    .unwrap();
    assert_eq!(
        doc.root["components"]["schemas"],
        json!({
            "Item": {"$ref": "#/components/schemas/Item2"},
            "Other": {"type": "string"},
            "Item2": {"type": "object", "properties": {"other": {"$ref": "#/components/schemas/Other2"}}},
            "Other2": {"type": "integer"}
        })
    );
}

#[test]
fn parts_referring_back_to_the_root_and_sections_by_position() {
    let doc = bundle_files(
        "back",
        &[
            (
                "root.yaml",
                "openapi: 3.1.0\npaths:\n  /a:\n    get:\n      parameters: [{$ref: 'limit.yaml'}]\n      responses:\n        '200': {$ref: 'ok.yaml'}\ncomponents:\n  schemas:\n    Count: {type: integer}\n",
            ),
            ("limit.yaml", "name: limit\nin: query\nschema: {$ref: './root.yaml#/components/schemas/Count'}\n"),
            ("ok.yaml", "description: fine\nheaders:\n  X-Rate: {$ref: 'rate.yaml'}\n"),
            ("rate.yaml", "schema: {$ref: 'root.yaml#/components/schemas/Count'}\n"),
        ],
    )
    .unwrap();
    assert_eq!(doc.root["paths"]["/a"]["get"]["parameters"], json!([{"$ref": "#/components/parameters/Limit"}]));
    assert_eq!(doc.root["paths"]["/a"]["get"]["responses"]["200"], json!({"$ref": "#/components/responses/Ok"}));
    assert_eq!(
        doc.root["components"],
        json!({
            "schemas": {"Count": {"type": "integer"}},
            "parameters": {"Limit": {"name": "limit", "in": "query", "schema": {"$ref": "#/components/schemas/Count"}}},
            "responses": {"Ok": {"description": "fine", "headers": {"X-Rate": {"$ref": "#/components/headers/Rate"}}}},
            "headers": {"Rate": {"schema": {"$ref": "#/components/schemas/Count"}}}
        })
    );
    // The root, referred to by its own name, is not read again.
    assert_eq!(doc.files().len(), 4, "{:?}", doc.files());
}
