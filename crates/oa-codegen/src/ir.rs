//! The intermediate model: everything the templates may see. Names and Rust type expressions
//! are final here; templates only arrange them.

use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Ir {
    pub crate_name: String,
    pub lib_name: String,
    pub version: String,
    pub title: String,
    pub types: Vec<TypeDef>,
    pub groups: Vec<Group>,
    /// Page types of paginated operations, each once (they implement `runtime::Page`).
    pub pages: Vec<Pagination>,
    /// Extension modules copied in (`ext::<name>`).
    pub extensions: Vec<String>,
    /// Component schema name (as in the spec) -> Rust type, sorted by schema name.
    pub components: Vec<ComponentRef>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ComponentRef {
    pub wire: String,
    pub rust: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TypeDef {
    pub name: String,
    /// Module (file stem) under `types/` that holds this type: its component's module.
    pub module: String,
    /// JSON pointer of the schema it came from.
    pub origin: String,
    pub doc: Vec<String>,
    #[serde(flatten)]
    pub kind: Kind,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Kind {
    Struct(StructDef),
    Enum(EnumDef),
    Union(UnionDef),
    Alias { target: String },
}

#[derive(Debug, Clone, Serialize)]
pub struct StructDef {
    pub fields: Vec<Field>,
    /// A single literal `type` tag, written by serde on serialization and omitted from the fields.
    pub tag: Option<StructTag>,
    /// Field that keeps the keys this version does not know, so they are written back.
    pub extra: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct StructTag {
    pub field: String,
    pub value: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Field {
    pub name: String,
    pub wire: String,
    /// Full Rust type, `Option<..>` included.
    pub ty: String,
    /// The field is an `Option`: decoded as is (null and missing are `None`).
    pub optional: bool,
    /// The value is a JSON scalar (string, number, boolean): a value of another JSON type is
    /// kept raw in the unknown-field map instead of failing the decode.
    pub scalar: Option<String>,
    pub rename: bool,
    pub required: bool,
    pub nullable: bool,
    /// `Option` field left out of the JSON when `None` (optional, not required-nullable).
    pub skip_none: bool,
    /// A factual line for the docs: wire name and presence.
    pub fact: String,
    pub doc: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EnumDef {
    pub variants: Vec<EnumVariant>,
    /// `Default` is the only value for one-value enums (`object: "response"`), else the empty
    /// catch-all `Other("")`: never a made-up known value.
    pub default_known: bool,
    /// The catch-all arm holding unknown values.
    pub other: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct EnumVariant {
    pub name: String,
    pub wire: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct UnionDef {
    /// The wire property that carries the tag, for tagged unions.
    pub tag: Option<String>,
    pub variants: Vec<UnionVariant>,
    /// Tag value -> variants to try, most specific first.
    pub dispatch: Vec<TagArm>,
    /// Variants tried when the tag is absent (all variants of an untagged union).
    pub untagged: Vec<String>,
    /// Tag value -> the one struct variant that owns it, decoded in one pass.
    pub fast: Vec<TagArm>,
    /// Scalar fields every variant has (`sequence_number` of every stream event), readable
    /// without matching.
    pub accessors: Vec<Accessor>,
    pub other: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct UnionVariant {
    pub name: String,
    pub ty: String,
    pub tags: Vec<String>,
    /// The variant holds a generated struct (decodable in one pass once its tag is known).
    pub object: bool,
    /// The struct is boxed (recursion).
    pub boxed: bool,
    /// The variant holds another union: it counts as matching only outside its catch-all arm.
    pub union: bool,
    /// No other variant holds the same type, so `From<ty>` can build this variant.
    pub from: bool,
    /// For a struct variant: the keys it requires (the tag aside). Where several variants could
    /// match, a candidate is taken only when the value has them all, since lenient structs
    /// accept any object.
    pub required: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TagArm {
    pub tag: String,
    pub candidates: Vec<String>,
    /// When several variants share the tag, a second property whose values tell them apart
    /// (`role` for input vs output messages), if there is one.
    pub by: Option<SubDispatch>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SubDispatch {
    pub field: String,
    /// (value, variant) pairs.
    pub arms: Vec<(String, String)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Group {
    /// Struct name of the group handle, e.g. `Responses`.
    pub name: String,
    /// Accessor on `Client` and module name, e.g. `responses`.
    pub accessor: String,
    pub operations: Vec<Operation>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Operation {
    pub id: String,
    pub method_name: String,
    pub http_method: String,
    pub path: String,
    /// Path split into literal pieces and parameter identifiers, in order.
    pub path_parts: Vec<PathPart>,
    pub path_params: Vec<Param>,
    /// The query struct, when the operation has query parameters.
    pub query: Option<QueryStruct>,
    /// Query pairs fixed by the path itself (`/responses?beta=true`).
    pub fixed_query: Vec<(String, String)>,
    pub body: Option<Body>,
    /// Rust type of the JSON success answer, if any.
    pub json_response: Option<String>,
    /// The success answer is empty or not JSON: the method returns the raw bytes and headers.
    pub raw_response: bool,
    /// Rust type of one server-sent event, if the operation can stream.
    pub event_type: Option<String>,
    /// Cursor pagination (`after` in the query; `data`, `has_more`, `last_id` in the answer).
    pub pagination: Option<Pagination>,
    /// How the stream variant asks for a stream: a body field or a query parameter named so.
    pub stream_flag: Option<StreamFlag>,
    pub doc: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StreamFlag {
    pub wire: String,
    pub in_body: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct PathPart {
    pub literal: Option<String>,
    pub param: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Param {
    pub name: String,
    pub wire: String,
    pub ty: String,
    pub doc: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Body {
    pub ty: String,
    pub required: bool,
    /// `json`, `multipart` or `form`.
    pub encoding: String,
    /// Wire names of file fields (`format: binary`), sent as file parts in multipart bodies.
    pub binary_fields: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct QueryStruct {
    pub name: String,
    pub doc: Vec<String>,
    pub params: Vec<QueryParam>,
}

#[derive(Debug, Clone, Serialize)]
pub struct QueryParam {
    pub name: String,
    pub wire: String,
    /// Rust type of the field, `Option` included.
    pub ty: String,
    pub required: bool,
    pub array: bool,
    /// The value is a typed enum or struct serialized through serde rather than `ToString`.
    pub serde: bool,
    pub doc: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Pagination {
    /// The page type (qualified, e.g. `types::ResponseItemList`).
    pub page: String,
    /// One element of `data`.
    pub item: String,
    pub has_more_optional: bool,
    pub data_optional: bool,
    pub last_id_optional: bool,
    /// Field name of the `after` query parameter.
    pub after: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Accessor {
    /// Method name (the field's Rust name).
    pub name: String,
    pub wire: String,
    /// `i64`, `f64`, `bool` or `String`.
    pub ty: String,
    /// (variant, field name in that variant, the field is an `Option`).
    pub arms: Vec<(String, String, bool)>,
}
