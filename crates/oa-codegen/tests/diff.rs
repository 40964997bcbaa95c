//! API diff (`oa_codegen::diff`): each change kind and its class on small inline documents,
//! the semver bump rules, and hand-checked changes between published OpenAI documents.

use oa_codegen::diff::report::{self, Bump};
use oa_codegen::diff::{diff, Change, ChangeKind as K};
use oa_codegen::ir::Ir;
use oa_codegen::settings::Settings;
use oa_load::Document;
use std::path::{Path, PathBuf};

fn ir_with(yaml: &str, settings: &Settings) -> Ir {
    let doc = Document::parse("fixture.yaml", yaml).unwrap_or_else(|e| panic!("{e}"));
    oa_codegen::lower(&doc, settings).unwrap_or_else(|e| panic!("{e}")).0
}

/// A document with `paths` and `schemas` (YAML blocks indented for their place).
fn spec(paths: &str, schemas: &str) -> String {
    format!(
        "openapi: 3.1.0\ninfo: {{ title: t, version: \"1\" }}\npaths:{}\ncomponents:\n  schemas:\n{schemas}",
        if paths.is_empty() { " {}\n" } else { paths }
    )
}

/// Settings as `cargo xtask diff` lowers with: one type per schema.
fn diff_settings() -> Settings {
    let mut settings = Settings::new("x");
    settings.merge_same_shapes = false;
    settings
}

fn changes(old: &str, new: &str) -> Vec<Change> {
    let settings = diff_settings();
    diff(&ir_with(old, &settings), &ir_with(new, &settings))
}

/// The one change of `kind` at `rust`, or a panic listing what there is.
fn find<'a>(changes: &'a [Change], kind: K, rust: &str) -> &'a Change {
    let found: Vec<&Change> = changes.iter().filter(|c| c.kind == kind && c.rust == rust).collect();
    assert_eq!(found.len(), 1, "expected one {kind:?} at {rust}, got {found:?}\nall: {changes:#?}");
    found[0]
}

fn none_of(changes: &[Change], kind: K) {
    assert!(changes.iter().all(|c| c.kind != kind), "unexpected {kind:?}: {changes:#?}");
}

#[test]
fn identical_documents_have_no_changes() {
    let s = spec("", "    A: { type: object, properties: { a: { type: string } } }\n");
    assert!(changes(&s, &s).is_empty());
    let summary = report::summarize(&[], "1.2.3");
    assert_eq!((summary.bump, summary.next_version.as_str()), (Bump::Patch, "1.2.4"));
}

const FIELDS_OLD: &str = "    Item:
      type: object
      properties:
        id: { type: string }
        to_optional: { type: string }
        to_nullable_opt: { type: string }
        to_nullable_req: { type: string }
        count: { type: integer }
        gone: { type: string }
      required: [id, to_optional, to_nullable_req, count]
";

const FIELDS_NEW: &str = "    Item:
      type: object
      properties:
        id: { type: string }
        to_optional: { type: string }
        to_nullable_opt: { type: [string, \"null\"] }
        to_nullable_req: { type: [string, \"null\"] }
        count: { type: string }
        extra: { type: string }
        must: { type: boolean }
      required: [id, to_nullable_req, count, must]
";

#[test]
fn field_changes_and_their_class() {
    let c = changes(&spec("", FIELDS_OLD), &spec("", FIELDS_NEW));
    let added = find(&c, K::FieldAdded, "Item::extra");
    assert!(!added.breaking, "new optional field: every struct has Default");
    assert_eq!(added.wire, "extra");
    assert!(find(&c, K::FieldAdded, "Item::must").breaking, "new required field");
    let removed = find(&c, K::FieldRemoved, "Item::gone");
    assert!(removed.breaking);
    assert_eq!(removed.before.as_deref(), Some("String"));
    let opt = find(&c, K::FieldRequiredChanged, "Item::to_optional");
    assert!(!opt.breaking, "Field<T> either way");
    assert_eq!((opt.before.as_deref(), opt.after.as_deref()), (Some("required"), Some("optional")));
    assert!(!find(&c, K::FieldNullableChanged, "Item::to_nullable_opt").breaking, "Field<T> either way");
    assert!(!find(&c, K::FieldNullableChanged, "Item::to_nullable_req").breaking, "Field<T> either way");
    let ty = find(&c, K::FieldTypeChanged, "Item::count");
    assert!(ty.breaking);
    assert_eq!((ty.before.as_deref(), ty.after.as_deref()), (Some("i64 (required)"), Some("String (required)")));
    assert!(c.iter().all(|x| x.rust != "Item::id"));
    // Breaking changes come first.
    let first_non_breaking = c.iter().position(|x| !x.breaking).unwrap();
    assert!(c[first_non_breaking..].iter().all(|x| !x.breaking));
}

#[test]
fn enum_values_by_wire_value() {
    let old = spec("", "    Status: { type: string, enum: [active, archived] }\n");
    let new = spec("", "    Status: { type: string, enum: [active, pending] }\n");
    let c = changes(&old, &new);
    let added = find(&c, K::EnumValueAdded, "Status::Pending");
    assert_eq!(added.wire, "pending");
    assert!(!added.breaking, "open enums have a catch-all arm");
    let removed = find(&c, K::EnumValueRemoved, "Status::Archived");
    assert_eq!(removed.wire, "archived");
    assert!(removed.breaking);
    assert_eq!(c.len(), 2);
}

const EVENTS: &str = "    Event:
      oneOf:
        - $ref: \"#/components/schemas/Created\"
        - $ref: \"#/components/schemas/Deleted\"
      discriminator: { propertyName: type }
    Created:
      type: object
      properties: { type: { type: string, enum: [item.created] }, id: { type: string } }
      required: [type, id]
    Deleted:
      type: object
      properties: { type: { type: string, enum: [item.deleted] }, id: { type: string } }
      required: [type, id]
";

#[test]
fn union_variants_by_wire_tag() {
    let new_events = EVENTS
        .replace("Deleted\"\n      discriminator", "Updated\"\n      discriminator")
        .replace("    Deleted:", "    Updated:")
        .replace("item.deleted", "item.updated");
    let c = changes(&spec("", EVENTS), &spec("", &new_events));
    let added = find(&c, K::UnionVariantAdded, "Event::Updated");
    assert_eq!(added.wire, "item.updated");
    assert!(!added.breaking, "unions have a catch-all arm");
    let removed = find(&c, K::UnionVariantRemoved, "Event::Deleted");
    assert_eq!(removed.wire, "item.deleted");
    assert!(removed.breaking);
    assert!(find(&c, K::TypeRemoved, "Deleted").breaking);
    assert!(!find(&c, K::TypeAdded, "Updated").breaking);
    none_of(&c, K::TypeRenamed);
}

#[test]
fn struct_tag_change_moves_the_union_tag() {
    let new_events = EVENTS.replace("item.created", "item.made");
    let c = changes(&spec("", EVENTS), &spec("", &new_events));
    let tag = find(&c, K::StructTagChanged, "Created");
    assert!(tag.breaking);
    assert_eq!((tag.before.as_deref(), tag.after.as_deref()), (Some("type: item.created"), Some("type: item.made")));
    // Variants are named from their tag, so the variant itself is renamed.
    assert!(find(&c, K::UnionVariantRemoved, "Event::Created").breaking);
    assert_eq!(find(&c, K::UnionVariantAdded, "Event::Made").wire, "item.made");
}

#[test]
fn renamed_type_is_one_change_not_many() {
    let old = spec(
        "",
        "    Shape:
      type: object
      properties: { at: { $ref: \"#/components/schemas/Coord\" }, all: { type: array, items: { $ref: \"#/components/schemas/Coord\" } } }
    Coord:
      type: object
      properties: { x: { type: number }, y: { type: number }, unit: { type: object, properties: { name: { type: string } } } }
      required: [x, y]
",
    );
    let new = old.replace("Coord", "Point");
    let c = changes(&old, &new);
    let r = find(&c, K::TypeRenamed, "Point");
    assert!(r.breaking);
    assert_eq!((r.before.as_deref(), r.after.as_deref()), (Some("Coord"), Some("Point")));
    // The inline child is renamed with its parent.
    assert_eq!(find(&c, K::TypeRenamed, "PointUnit").before.as_deref(), Some("CoordUnit"));
    none_of(&c, K::FieldTypeChanged);
    none_of(&c, K::TypeRemoved);
    none_of(&c, K::TypeAdded);
    assert_eq!(c.len(), 2, "{c:#?}");
}

#[test]
fn kind_and_alias_changes() {
    let old = spec("", "    A: { type: string, enum: [x] }\n    B: { type: array, items: { type: string } }\n");
    let new = spec("", "    A: { type: object, properties: { x: { type: string } } }\n    B: { type: array, items: { type: integer } }\n");
    let c = changes(&old, &new);
    let k = find(&c, K::TypeKindChanged, "A");
    assert!(k.breaking);
    assert_eq!((k.before.as_deref(), k.after.as_deref()), (Some("enum"), Some("struct")));
    assert!(find(&c, K::AliasTargetChanged, "B").breaking);
}

/// Under `derives: "*"`, a struct that comes to hold an `f64` loses `Eq`: breaking; one that
/// gains a derive is not.
#[test]
fn derive_changes_and_their_class() {
    let mut settings = diff_settings();
    settings.derives.insert("*".into(), vec![oa_codegen::settings::Derive::Eq, oa_codegen::settings::Derive::Hash]);
    let old = spec("", "    A: { type: object, properties: { x: { type: integer } } }\n    B: { type: object, properties: { y: { type: number } } }\n");
    let new = spec("", "    A: { type: object, properties: { x: { type: number } } }\n    B: { type: object, properties: { y: { type: integer } } }\n");
    let c = diff(&ir_with(&old, &settings), &ir_with(&new, &settings));
    let a = find(&c, K::DerivesChanged, "A");
    assert!(a.breaking);
    assert_eq!((a.before.as_deref(), a.after.as_deref()), (Some("Eq, Hash"), Some("none")));
    let b = find(&c, K::DerivesChanged, "B");
    assert!(!b.breaking);
    assert_eq!((b.before.as_deref(), b.after.as_deref()), (Some("none"), Some("Eq, Hash")));
}

const OPS_OLD: &str = "
  /items:
    get:
      operationId: listItems
      tags: [items]
      parameters:
        - { name: limit, in: query, schema: { type: integer } }
        - { name: before, in: query, schema: { type: string } }
      responses:
        \"200\": { description: ok, content: { application/json: { schema: { $ref: \"#/components/schemas/Item\" } } } }
  /items/{id}:
    delete:
      operationId: deleteItem
      tags: [items]
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses:
        \"200\": { description: ok, content: { application/json: { schema: { $ref: \"#/components/schemas/Item\" } } } }
";

const OPS_NEW: &str = "
  /items:
    get:
      operationId: listItems
      tags: [items]
      parameters:
        - { name: limit, in: query, schema: { type: integer } }
        - { name: after, in: query, schema: { type: string } }
        - { name: project, in: query, required: true, schema: { type: string } }
      responses:
        \"200\":
          description: ok
          content:
            application/json: { schema: { $ref: \"#/components/schemas/Item\" } }
            text/event-stream: { schema: { $ref: \"#/components/schemas/Item\" } }
  /items/{id}:
    get:
      operationId: getItem
      tags: [items]
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses:
        \"200\": { description: ok, content: { application/json: { schema: { $ref: \"#/components/schemas/Item\" } } } }
";

#[test]
fn operations_and_query_parameters() {
    let item = "    Item: { type: object, properties: { id: { type: string } } }\n";
    let c = changes(&spec(OPS_OLD, item), &spec(OPS_NEW, item));
    let added = find(&c, K::OperationAdded, "Items::get_item");
    assert_eq!(added.wire, "GET /items/{id}");
    assert!(!added.breaking);
    let removed = find(&c, K::OperationRemoved, "Items::delete_item");
    assert_eq!(removed.wire, "DELETE /items/{id}");
    assert!(removed.breaking);
    let q = c.iter().find(|x| x.kind == K::QueryParamAdded && x.wire == "after").unwrap();
    assert!(!q.breaking, "optional query parameter: query structs have Default");
    assert!(c.iter().find(|x| x.kind == K::QueryParamAdded && x.wire == "project").unwrap().breaking);
    assert!(c.iter().find(|x| x.kind == K::QueryParamRemoved && x.wire == "before").unwrap().breaking);
    // `listItems` in `items` drops the group's name; `getItem` (singular) keeps its own.
    let stream = find(&c, K::EventTypeAdded, "Items::list");
    assert!(!stream.breaking);
    assert_eq!(stream.wire, "GET /items");
    assert!(c.iter().all(|x| x.wire != "limit"));
}

#[test]
fn semver_bumps() {
    assert_eq!(report::next_version("0.1.0", Bump::Major), (Bump::Minor, "0.2.0".into()));
    assert_eq!(report::next_version("0.1.0", Bump::Minor), (Bump::Patch, "0.1.1".into()));
    assert_eq!(report::next_version("0.0.3", Bump::Major), (Bump::Patch, "0.0.4".into()));
    assert_eq!(report::next_version("1.2.3", Bump::Major), (Bump::Major, "2.0.0".into()));
    assert_eq!(report::next_version("1.2.3", Bump::Minor), (Bump::Minor, "1.3.0".into()));
    assert_eq!(report::next_version("1.2.3-rc.1", Bump::Patch), (Bump::Patch, "1.2.4".into()));
    let old = spec("", "    Status: { type: string, enum: [a] }\n");
    let c = changes(&old, &spec("", "    Status: { type: string, enum: [a, b] }\n"));
    let s = report::summarize(&c, "1.0.0");
    assert_eq!((s.breaking, s.non_breaking, s.semver, s.next_version.as_str()), (0, 1, Bump::Minor, "1.1.0"));
    let entry = report::changelog("x", "new.yaml", &c, &s);
    assert!(entry.starts_with("## x 1.1.0\n"), "{entry}");
    assert!(entry.contains("### Added\n\n- enum value `b` added: `Status::B`"), "{entry}");
    let md = report::markdown("diff", "x", &c, &s);
    assert!(!md.contains("## Breaking"), "{md}");
}

// --- published documents -------------------------------------------------------------------

fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/upstream");
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("REQUIRE_CORPUS").as_deref() == Ok("1") {
        panic!("REQUIRE_CORPUS=1 but {} is missing", dir.display());
    }
    eprintln!("skipping: {} is absent (set REQUIRE_CORPUS=1 to require it)", dir.display());
    None
}

fn corpus_diff(dir: &Path, old: &str, new: &str) -> Vec<Change> {
    let mut settings = diff_settings();
    settings.include = vec!["/responses".into()];
    let lower = |name: &str| {
        let doc = Document::read(&dir.join(name)).unwrap_or_else(|e| panic!("{e}"));
        oa_codegen::lower(&doc, &settings).unwrap_or_else(|e| panic!("{e}")).0
    };
    diff(&lower(old), &lower(new))
}

#[test]
fn corpus_2026_07_22_to_2026_08_21() {
    let Some(dir) = corpus() else { return };
    let c = corpus_diff(&dir, "openai-openapi-2026-07-22.yaml", "openai-openapi-2026-08-21.yaml");
    // ResponseStreamEvent gains ShellCallCommandAdded (`response.shell_call_command.added`, only in 08-21).
    let ev = find(&c, K::UnionVariantAdded, "ResponseStreamEvent::ShellCallCommandAdded");
    assert_eq!(ev.wire, "response.shell_call_command.added");
    assert!(!ev.breaking);
    // ServiceTierEnum: [auto, default, flex, priority] -> [auto, default, fast, flex, priority].
    let fast = find(&c, K::EnumValueAdded, "ServiceTierEnum::Fast");
    assert_eq!(fast.wire, "fast");
    assert!(!fast.breaking);
    // ImageGenTool.model's enum gains gpt-image-2.
    assert_eq!(find(&c, K::EnumValueAdded, "ImageGenToolModel::GptImage2").wire, "gpt-image-2");
    // FunctionToolCallOutput: `call_id` leaves `required`; `name` and `namespace` are new, optional.
    let call_id = find(&c, K::FieldRequiredChanged, "FunctionToolCallOutput::call_id");
    assert!(!call_id.breaking, "Field<String> either way");
    assert!(!find(&c, K::FieldAdded, "FunctionToolCallOutput::name").breaking);
    assert!(!find(&c, K::FieldAdded, "FunctionToolCallOutput::namespace").breaking);
    // MCPToolCall.error: anyOf [string, null] -> anyOf [MCPToolCallError, null].
    let err = find(&c, K::FieldTypeChanged, "McpToolCall::error");
    assert!(err.breaking);
    assert!(err.after.as_deref().unwrap().starts_with("McpToolCallError"), "{err:?}");
    let breaking = c.iter().filter(|x| x.breaking).count();
    eprintln!("2026-07-22 -> 2026-08-21: {breaking} breaking, {} non-breaking", c.len() - breaking);
    assert!(breaking > 0 && c.len() > breaking);
    let s = report::summarize(&c, "0.1.0");
    assert_eq!((s.semver, s.next_version.as_str()), (Bump::Major, "0.2.0"));
}

#[test]
fn corpus_2025_04_29_to_2026_08_21() {
    let Some(dir) = corpus() else { return };
    let c = corpus_diff(&dir, "openai-openapi-2025-04-29.yaml", "openai-openapi-2026-08-21.yaml");
    // `/responses/{response_id}/cancel` and `/responses/compact` do not exist in 2025-04-29.
    assert!(!find(&c, K::OperationAdded, "Responses::cancel_response").breaking);
    let compact = c.iter().find(|x| x.kind == K::OperationAdded && x.wire == "POST /responses/compact").unwrap();
    assert!(compact.rust.ends_with("::compactconversation"), "{compact:?}");
    // The code interpreter delta event's tag: `response.code_interpreter_call.code.delta` ->
    // `response.code_interpreter_call_code.delta`.
    let tag = find(&c, K::StructTagChanged, "ResponseCodeInterpreterCallCodeDeltaEvent");
    assert!(tag.breaking);
    assert_eq!(tag.after.as_deref(), Some("type: response.code_interpreter_call_code.delta"));
    let removed = c
        .iter()
        .find(|x| x.kind == K::UnionTagRemoved && x.wire == "response.code_interpreter_call.code.delta")
        .expect("old tag removed from ResponseStreamEvent");
    assert!(removed.breaking);
    // Response.created_at: `type: number` -> integer unixtime.
    let created = find(&c, K::FieldTypeChanged, "Response::created_at");
    assert_eq!(created.before.as_deref(), Some("f64 (required)"));
    assert_eq!(created.after.as_deref(), Some("i64 (required)"));
    // `Wait` (2025) and `WaitParam` (2026) are the same object with tag `wait`.
    let wait = find(&c, K::TypeRenamed, "WaitParam");
    assert_eq!(wait.before.as_deref(), Some("Wait"));
}
