//! The intermediate model: everything the templates may see. Names are final here and types
//! are typed (`Ty`); Rust text is printed from them once, when the IR is handed to the templates.

use serde::Serialize;
pub use crate::ty::Ty;

#[derive(Debug, Clone, Serialize)]
pub struct Ir {
    pub crate_name: String,
    pub lib_name: String,
    pub version: String,
    pub title: String,
    pub types: Vec<TypeDef>,
    pub groups: Vec<Group>,
    /// Page types in the `has_more` + `last_id` shape, each once (they implement `runtime::Page`).
    pub pages: Vec<Pagination>,
    /// Extension modules copied in (`ext::<name>`).
    pub extensions: Vec<String>,
    /// Component schema name (as in the spec) -> Rust type, sorted by schema name.
    pub components: Vec<ComponentRef>,
    /// `runtime::StreamEvent` for the event types of streaming operations.
    pub stream_events: Vec<StreamEventImpl>,
    /// Modules of `types`, each with the types it holds (sorted by module name).
    pub modules: Vec<TypeModule>,
    /// The crate's root doc, as lines (from the settings); empty for a short generic one.
    pub crate_doc: Vec<String>,
    /// `#![deny(missing_docs)]` in the generated crate (a setting: for crates whose spec documents everything).
    pub deny_missing_docs: bool,
    /// What the runtime is told about the API, and the builder's methods for it.
    pub client: ClientIr,
    /// Dependencies the settings add to the crate: (name, version requirement or table).
    pub dependencies: Vec<(String, serde_json::Value)>,
    /// The project's types that `replace` and `formats` name: read leniently by the wire layer
    /// and checked at compile time for what a field type needs.
    pub externals: Vec<ExternalType>,
    /// The selected webhooks and how the crate checks them.
    pub webhooks: WebhooksIr,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExternalType {
    /// The Rust type, as the settings spell it.
    pub rust: String,
    /// The settings that name it (`replace: Money`), for the compile-time check's note.
    pub settings: Vec<String>,
}

/// The document's selected webhooks (`lower::webhooks`).
#[derive(Debug, Clone, Serialize, Default)]
pub struct WebhooksIr {
    /// Each selected webhook, in document order.
    pub hooks: Vec<WebhookIr>,
    /// The union of the payloads (`WebhookEvent`), when every payload carries a tag.
    pub event: Option<String>,
    /// The crate's `Webhooks` checks Standard Webhooks signatures (cargo feature `webhooks`).
    pub verify: bool,
    /// The variable `Webhooks::from_env()` reads the secret from.
    pub secret_env: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct WebhookIr {
    /// The webhook's key in the document (`response_completed`).
    pub key: String,
    pub payload: Ty,
}

/// The API's profile (`runtime::ApiProfile`) and the methods generated around it.
#[derive(Debug, Clone, Serialize, Default)]
pub struct ClientIr {
    /// The default base URL: the first server, variables replaced by their defaults.
    pub base_url: Option<String>,
    /// Every server of the document, as constants.
    pub servers: Vec<Server>,
    /// `name/version`.
    pub user_agent: String,
    pub schemes: Vec<SchemeIr>,
    pub request_id_headers: Vec<String>,
    pub retry_count_header: Option<String>,
    pub should_retry_header: Option<String>,
    pub idempotency_header: Option<String>,
    /// (path, stream query name, stream query value, cursor parameter).
    pub resume: Option<(String, String, String, String)>,
    /// Builder methods setting a default header.
    pub headers: Vec<HeaderMethod>,
    /// `ApiResponse` methods reading a response header.
    pub response_headers: Vec<ResponseHeaderMethod>,
    /// `load_env`: (builder method, variable, required), required ones first; empty: no `from_env`.
    pub env: Vec<(String, String, bool)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Server {
    pub url: String,
    /// The server's description, if any.
    pub doc: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SchemeIr {
    /// The key in `components.securitySchemes`.
    pub key: String,
    /// `api_key` (with `place` and `param`), `basic` or `bearer`.
    pub kind: String,
    pub place: Option<String>,
    pub param: Option<String>,
    /// The builder method setting its credential.
    pub method: String,
    /// The builder method taking a token provider instead (bearer kinds).
    pub provider_method: Option<String>,
    /// (header, builder method switching to it).
    pub alternative: Option<(String, String)>,
    pub doc: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HeaderMethod {
    pub method: String,
    pub header: String,
    pub doc: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ResponseHeaderMethod {
    pub method: String,
    pub header: String,
    /// Parsed as a `u64`, else the text.
    pub number: bool,
    pub doc: String,
}

/// How an event type tells the stream its type, sequence number and response id.
#[derive(Debug, Clone, Serialize)]
pub struct StreamEventImpl {
    pub ty: String,
    pub tag_method: Option<String>,
    /// The `sequence_number` accessor.
    pub sequence: Option<String>,
    /// (variant, field holding the response, the response's `id` field).
    pub response_ids: Vec<(String, String, String)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TypeModule {
    pub name: String,
    pub doc: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ComponentRef {
    pub wire: String,
    pub rust: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TypeDef {
    pub name: String,
    /// Module (file stem) under `types/` that holds this type.
    pub module: String,
    /// JSON pointer of the schema it came from.
    pub origin: String,
    pub doc: Vec<String>,
    /// Derives the settings add to the type's `#[derive(..)]` (`Eq`, `Hash`); a union's `Hash`
    /// is `UnionDef::hash` instead. Left out of the template context when empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub derives: Vec<String>,
    #[serde(flatten)]
    pub kind: Kind,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Kind {
    Struct(StructDef),
    Enum(EnumDef),
    Union(UnionDef),
    Alias { target: Ty },
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
    /// The value's type; the struct holds it in a `Field` (absent, `null` or sent).
    pub ty: Ty,
    pub required: bool,
    pub nullable: bool,
    /// Doc lines: the description, the default, the wire name where it differs.
    pub doc: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EnumDef {
    pub variants: Vec<EnumVariant>,
    /// The catch-all arm holding unknown values.
    pub other: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct EnumVariant {
    pub name: String,
    pub wire: String,
    /// The variant's doc names its wire value: where the name does not spell it
    /// (`Gpt41Mini` for `gpt-4.1-mini`), or everywhere when every item must be documented.
    pub doc: bool,
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
    /// The struct variants decoded in one pass, each with the tags only it owns, in the order
    /// the tags first appear.
    pub fast: Vec<FastArm>,
    /// The tags of `fast`, in dispatch order.
    pub fast_tags: Vec<String>,
    /// Scalar fields every variant has (`sequence_number` of every stream event), readable
    /// without matching.
    pub accessors: Vec<Accessor>,
    /// The method returning the wire tag of any value (`event_type`), for tagged unions.
    pub tag_method: Option<String>,
    pub other: String,
    /// The union implements `Hash` by hand (the settings ask for it): its catch-all arm's
    /// `serde_json::Value` is hashed by its JSON. Left out of the template context when false.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub hash: bool,
}

/// One arm of a union's one-pass decoding: `"eq" | "ne" => Self::ComparisonFilter(..)`.
#[derive(Debug, Clone, Serialize)]
pub struct FastArm {
    pub tags: Vec<String>,
    pub variant: String,
    /// The variant's payload is boxed (decoded into its box).
    pub boxed: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct UnionVariant {
    pub name: String,
    /// The variant's type (boxed when large or recursive: see `boxed`).
    pub ty: Ty,
    /// The payload, unboxed.
    pub payload: Ty,
    pub tags: Vec<String>,
    /// Doc lines: the wire tags and the payload type.
    pub doc: Vec<String>,
    /// How `tag_method` reads this variant's tag.
    pub tag_read: TagRead,
    /// The variant holds a generated struct (decodable in one pass once its tag is known).
    pub object: bool,
    /// The payload is boxed (recursion, or a large payload that would make the union large).
    pub boxed: bool,
    /// The variant holds another union: it counts as matching only outside its catch-all arm.
    pub union: bool,
    /// No other variant holds the same type, so `From<ty>` can build this variant.
    pub from: bool,
    /// `From<&str>`/`From<String>` build this variant (it holds a `String`).
    pub text: bool,
    /// For a struct variant: the keys it requires (the tag aside). Where several variants could
    /// match, a candidate is taken only when the value has them all, since lenient structs
    /// accept any object.
    pub required: Vec<String>,
}

/// How a union variant's wire tag is read.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum TagRead {
    /// The variant has one tag.
    Literal(String),
    /// A field of the variant's struct holds it (open enum or string).
    Field(String),
    /// Not known: the empty string.
    Unknown,
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

/// The operations of one tag, reached through a handle (`client.responses().create(..)`), or
/// the root group: the operations without a tag, methods of `Client` itself (`client.list(..)`).
#[derive(Debug, Clone, Serialize)]
pub struct Group {
    /// Struct name of the group handle, e.g. `Responses`; `Client` for the root group.
    pub name: String,
    /// Accessor on `Client`, e.g. `responses`; `None` for the root group.
    pub accessor: Option<String>,
    /// Module (file stem) under `api/`: the accessor, or a free name for the root group.
    pub module: String,
    pub operations: Vec<Operation>,
    /// WebSocket mode, when the settings bind a socket to this group (`websocket`).
    pub socket: Option<SocketApi>,
}

// --- WebSocket mode ---
/// What `connect()` on a group's handle opens, and how its socket turns a request body into
/// the client event that starts a result and an ending server event into the result.
#[derive(Debug, Clone, Serialize)]
pub struct SocketApi {
    /// The socket type (`ResponsesSocket`), claimed among the crate's type names.
    pub name: String,
    /// Path under the base URL.
    pub path: String,
    /// The security requirement and error message pointer of the operation at that path.
    pub security: Option<Vec<Vec<String>>>,
    pub error_message: Option<String>,
    /// The client event union (or the one struct it stands for).
    pub client_event: Ty,
    /// The struct of the client event that starts a result, and its variant in `client_event`
    /// when that is a union (`None`: `client_event` is that struct).
    pub create_payload: Ty,
    pub create_variant: Option<String>,
    /// The start of the create event's JSON, its tag (`{"type":"response.create"`): the body's
    /// fields follow. A struct decoded without its tag would be written back without one.
    pub create_prefix: String,
    /// The request body it carries, and the result type.
    pub body: Ty,
    pub result: Ty,
    /// The server event union, its tag method and its lane accessor.
    pub server_event: Ty,
    pub tag_method: String,
    pub lane_method: Option<String>,
    /// The lane field of the create payload (Rust name).
    pub lane_field: Option<String>,
    /// Wire tags of the server events that end a result, and those that are errors.
    pub ends: Vec<String>,
    pub errors: Vec<String>,
    /// Ending variants that hold a result: (variant, Rust field of the result).
    pub results: Vec<(String, String)>,
    /// Payload fields left out (Rust names), and boolean ones refused when true (Rust, wire).
    pub omit: Vec<String>,
    pub refuse: Vec<(String, String)>,
}
// --- end WebSocket mode ---

#[derive(Debug, Clone, Serialize)]
pub struct Operation {
    pub id: String,
    /// Every method name this operation introduces, claimed in the group's scope.
    pub names: OpNames,
    pub locals: Locals,
    pub http_method: String,
    pub path: String,
    /// Path split into literal pieces and parameter identifiers, in order.
    pub path_parts: Vec<PathPart>,
    pub path_params: Vec<Param>,
    /// The parameter struct, when the operation has query or header parameters.
    pub query: Option<QueryStruct>,
    /// Query pairs fixed by the path itself (`/responses?beta=true`).
    pub fixed_query: Vec<(String, String)>,
    pub body: Option<Body>,
    /// The JSON success answer, if any.
    pub json_response: Option<Ty>,
    /// The success answer is empty or not JSON: the method returns the raw bytes and headers.
    pub raw_response: bool,
    /// One server-sent event, if the operation can stream.
    pub event_type: Option<Ty>,
    /// How a list answer is walked page by page (`lower::paginate`).
    pub pagination: Option<Pagination>,
    /// How the stream variant asks for a stream: a body field or a query parameter named so.
    pub stream_flag: Option<StreamFlag>,
    pub doc: Vec<String>,
    /// The security requirement: alternatives of scheme keys. `None` where the document states
    /// none anywhere: every configured credential is sent.
    pub security: Option<Vec<Vec<String>>>,
    /// JSON pointer of the message in the declared error body (`/error/message`).
    pub error_message: Option<String>,
}

/// The methods of one operation (`retrieve`, `retrieve_with`, `retrieve_stream`, ...). A name
/// is `None` where the operation has no such form.
#[derive(Debug, Clone, Serialize, Default)]
pub struct OpNames {
    /// The plain call: path arguments (and the body), the parameters left to their defaults.
    pub plain: Option<String>,
    /// With the parameter struct (`retrieve_with(id, &params)`): operations with parameters.
    pub with: Option<String>,
    pub with_response: Option<String>,
    /// The server-sent-event form.
    pub stream: Option<String>,
    /// Every page, and every item of every page (paginated operations); the `_with` forms
    /// exactly where `with` exists.
    pub pages: Option<String>,
    pub items: Option<String>,
    pub items_with: Option<String>,
    pub pages_with: Option<String>,
    /// The private builder of the request.
    pub request: String,
}

/// The locals of generated method bodies, claimed so that no parameter shadows them.
#[derive(Debug, Clone, Serialize)]
pub struct Locals {
    pub path: String,
    pub request: String,
    pub params: String,
    pub body: String,
    pub client: String,
    pub stream: String,
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
    /// The parameter's wire name and style, when it is not `simple`.
    pub style: Option<(String, String, bool)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Param {
    pub name: String,
    pub wire: String,
    /// `label` or `matrix` with its explode flag; `None` for the default `simple`.
    pub style: Option<(String, bool)>,
    pub doc: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Body {
    pub ty: Ty,
    pub required: bool,
    pub encoding: BodyEncoding,
    /// Media type sent for raw bodies (bytes or text).
    pub media: String,
    /// Form bodies: properties with a declared style (`deepObject`), as (wire name, style, explode).
    pub form_styles: Vec<(String, String, bool)>,
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
    /// The value's type (the field is an `Option` of it unless required).
    pub ty: Ty,
    pub required: bool,
    /// Where the parameter goes: `query` or `header`.
    pub place: ParamPlace,
    pub encoding: ParamEncoding,
    pub doc: Vec<String>,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ParamPlace {
    Query,
    Header,
}

/// How a parameter's value is written.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ParamEncoding {
    /// A scalar (string, number, boolean, string enum or alias of one), written as its text;
    /// `copy` for a number or boolean, passed by value.
    Scalar { copy: bool },
    /// An array of scalars, one pair per value: `name=a&name=b`, or `name[]=a` with `brackets`.
    Array { brackets: bool },
    /// Anything else, through OpenAPI's style table (`deepObject`: `created[gt]=1`).
    Styled { style: String, explode: bool },
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum BodyEncoding {
    Json,
    Multipart,
    Form,
    /// Bytes as they are (`application/octet-stream`, `*/*` without a schema).
    Bytes,
    /// Text (`text/plain`).
    Text,
}

/// A list operation walked page by page (`{method}_pages`, `{method}_stream`).
#[derive(Debug, Clone, Serialize)]
pub struct Pagination {
    /// The answer: a page type (`ResponseItemList`) or the list itself (`Vec<Issue>`).
    pub page: Ty,
    /// One item of the list.
    pub item: Ty,
    /// The page's field holding the items; `None` when the answer is the list.
    pub items: Option<String>,
    pub style: PageStyle,
    /// How each page leads to the next, in words (wire names), for the docs.
    pub how: String,
}

impl Pagination {
    /// The page type implements `runtime::Page` (`has_more` and a page field with the last id).
    pub fn implements_page(&self) -> bool {
        matches!(&self.style, PageStyle::LastItem { page_field: Some(_), .. })
    }
}

/// How the next page is asked for. `param` is the wire name of the query parameter that takes
/// the cursor or offset; fields are Rust field names (a path: into nested objects).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PageStyle {
    /// The cursor of the last item, while `has_more`: a field of the page (`after` <- `last_id`)
    /// or of the last item (`starting_after` <- `data[].id`).
    LastItem { param: String, page_field: Option<String>, item_field: Option<String>, has_more: String },
    /// A next-cursor field of the page (`continue` <- `metadata.continue`).
    Cursor { param: String, next: Vec<String> },
    /// The offset after the items received (`offset`), until `more` is false or `total` is reached.
    Offset { param: String, start: Option<String>, more: Option<String>, total: Option<String> },
    /// Page numbers: the next request is the `Link: rel="next"` header's URL.
    Link,
    /// A next-page URL in the page (`next_page_uri`), sent as given.
    NextUrl { next: Vec<String> },
}

#[derive(Debug, Clone, Serialize)]
pub struct Accessor {
    /// Method name (the field's Rust name).
    pub name: String,
    pub wire: String,
    pub scalar: Scalar,
    /// (variant, field name in that variant).
    pub arms: Vec<(String, String)>,
}

/// A JSON scalar type.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Scalar {
    String,
    I64,
    F64,
    Bool,
}
