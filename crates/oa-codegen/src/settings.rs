//! Generation settings: what to select from the spec and how to name the client's surface.
//! Read from `spec/settings.yaml`; command-line flags override them.

use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Cargo package name of the generated crate.
    pub crate_name: String,
    #[serde(default = "default_version")]
    pub crate_version: String,
    /// The spec file, relative to the settings file.
    #[serde(default)]
    pub spec: Option<String>,
    /// Path prefixes to keep, matched segment by segment; `/` keeps everything, including
    /// component schemas that no operation reaches.
    #[serde(default)]
    pub include: Vec<String>,
    /// Also keep paths that carry a query string, such as `/responses?beta=true`.
    #[serde(default)]
    pub with_query_paths: bool,
    /// Name of the body field or query parameter that switches an operation to streaming.
    #[serde(default = "default_stream_flag")]
    pub stream_flag: String,
    /// OpenAPI Overlay files (relative to the settings file) that `cargo xtask subset` applies
    /// on top of the extracted structure: our prose and our fixes of the publication.
    #[serde(default)]
    pub overlays: Vec<String>,
    /// Hand-written, API-specific modules from `crates/extensions/<name>/` copied into the crate
    /// as `ext::<name>` (for example `responses`: the stream accumulator, `output_text`).
    #[serde(default)]
    pub extensions: Vec<String>,
    /// Per-operation overrides, keyed by operationId.
    #[serde(default)]
    pub operations: BTreeMap<String, OperationSettings>,
    /// Array query parameters sent in the bracket form `name[]=a&name[]=b` (a vendor convention a
    /// document cannot express): wire names, for every operation.
    #[serde(default)]
    pub array_query_brackets: Vec<String>,
    /// `#![deny(missing_docs)]` in the generated crate: for specs that document every item.
    #[serde(default)]
    pub deny_missing_docs: bool,
    /// A Markdown file (relative to the settings file) that becomes the crate's root doc.
    #[serde(default)]
    pub crate_doc: Option<String>,
    /// Types of the same shape (fields, values or variants, and their docs) are emitted once,
    /// the others as aliases of it: fewer types to compile. Off keeps one type per schema.
    #[serde(default = "yes")]
    pub merge_same_shapes: bool,
    /// The conventions of the API's vendor that a document cannot express (environment
    /// variables, extra headers, request ids, retries, stream resumption) and its security
    /// schemes' builder methods. Without it, a client of the document alone.
    #[serde(default)]
    pub client: ClientSettings,
    /// Component schemas replaced by a type the project provides: schema name -> Rust type
    /// (`Money: rust_decimal::Decimal`). The schema emits nothing; every use is that type.
    #[serde(default)]
    pub replace: BTreeMap<String, String>,
    /// Extra derives: `"*"` (every type) or a component schema name -> derive names
    /// (`"*": [Eq]`, `Pet: [Hash]`). A schema's derives reach the types it holds; an unknown
    /// derive name is refused here, an unknown schema name at generation.
    #[serde(default)]
    pub derives: BTreeMap<String, Vec<Derive>>,
    /// String formats mapped to a Rust type (`date-time: chrono::DateTime<chrono::Utc>`), in
    /// fields and parameters alike.
    #[serde(default)]
    pub formats: BTreeMap<String, String>,
    /// Dependencies added to the generated `Cargo.toml` (for the types of `replace` and
    /// `formats`): crate name -> a version requirement or a table as Cargo writes it.
    #[serde(default)]
    pub dependencies: BTreeMap<String, serde_json::Value>,
    /// A folder (relative to the settings file) whose `<name>.j2` files replace the built-in
    /// templates of the same name.
    #[serde(default)]
    pub templates: Option<String>,
    /// A folder (relative to the settings file) of the project's own extensions: each name in
    /// `extensions` found there as `<folder>/<name>/*.rs` is copied in as `ext::<name>`.
    #[serde(default)]
    pub extensions_dir: Option<String>,
    // --- webhooks (issue 18) ---
    /// The document's webhooks (`webhooks`, or GitHub's `x-webhooks` in OpenAPI 3.0) that the
    /// crate carries, and how their signatures are checked.
    #[serde(default)]
    pub webhooks: WebhookSettings,
    // --- end webhooks ---
    // --- WebSocket mode (`websocket`) ---
    /// A WebSocket endpoint bound to a group: its path and the client and server event types.
    #[serde(default)]
    pub websocket: Option<WebSocketSettings>,
    // --- end WebSocket mode ---
    /// The contents of `crate_doc`, read by the caller (the generator itself reads no files).
    #[serde(skip)]
    pub crate_doc_text: Option<String>,
    /// The templates of the `templates` folder: name -> text, read by [`Settings::read`].
    #[serde(skip)]
    pub template_texts: BTreeMap<String, String>,
    /// The project's extensions: name -> (file name -> text), read by [`Settings::read`].
    #[serde(skip)]
    pub extension_files: BTreeMap<String, BTreeMap<String, String>>,
}

/// A derive the `derives` setting may ask for: those a generated type can have that it does not
/// already implement (`Clone`, `PartialEq`, `Default` and `Debug` it always has).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
pub enum Derive {
    Eq,
    Hash,
}

impl Derive {
    /// The derive's Rust name.
    pub fn as_str(self) -> &'static str {
        match self {
            Derive::Eq => "Eq",
            Derive::Hash => "Hash",
        }
    }
}

/// The `client` key: see `docs/settings.md`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientSettings {
    /// The `user-agent` product name; the crate version is appended (default: the crate name).
    pub user_agent: Option<String>,
    /// Response headers holding the server's request id, the first present wins (default `x-request-id`).
    pub request_id_headers: Option<Vec<String>>,
    /// A header sent with the attempt number (0 for the first), for APIs that read one.
    pub retry_count_header: Option<String>,
    /// A response header whose `true`/`false` overrides the status's retry rule.
    pub should_retry_header: Option<String>,
    /// A header carrying a key generated per call on POST and PATCH, which makes them retryable.
    pub idempotency_header: Option<String>,
    /// How a dropped event stream is resumed.
    pub resume: Option<ResumeSettings>,
    /// Where the message of an error body is, as a JSON pointer, for operations whose declared
    /// error schema does not show it.
    pub error_message: Option<String>,
    /// Builder methods that set a default header: method name -> header.
    #[serde(default)]
    pub headers: BTreeMap<String, HeaderSetting>,
    /// `ApiResponse` methods that read a response header: method name -> header.
    #[serde(default)]
    pub response_headers: BTreeMap<String, ResponseHeaderSetting>,
    /// `Client::from_env()` and `ClientBuilder::load_env()`: builder method -> variable.
    #[serde(default)]
    pub env: BTreeMap<String, EnvSetting>,
    /// Builder method names and alternative headers of the document's security schemes, and
    /// schemes or a requirement the document lacks.
    #[serde(default)]
    pub security: SecuritySettings,
}

// --- webhooks (issue 18) ---
/// The `webhooks` key: see `docs/settings.md`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookSettings {
    /// Webhook keys of the document to carry (`response_completed`); `include: [/]` carries all.
    #[serde(default)]
    pub select: Vec<String>,
    /// `standard`: the crate's `Webhooks` (cargo feature `webhooks`) checks Standard Webhooks
    /// signatures and decodes into the crate's `WebhookEvent`.
    #[serde(default)]
    pub signatures: Option<WebhookSignatures>,
    /// `Webhooks::from_env()` reads the signing secret from this variable.
    #[serde(default)]
    pub secret_env: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WebhookSignatures {
    /// `webhook-id`, `webhook-timestamp`, `webhook-signature` (standardwebhooks.com).
    Standard,
}
// --- end webhooks ---

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResumeSettings {
    /// The path of the retrieval, with `{id}` for the streamed resource's id.
    pub path: String,
    /// The query parameter and value that ask for a stream.
    pub stream_query: (String, String),
    /// The query parameter taking the last sequence number seen.
    pub cursor: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeaderSetting {
    pub header: String,
    #[serde(default)]
    pub doc: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResponseHeaderSetting {
    pub header: String,
    /// `string` (the default) or `u64`.
    #[serde(default, rename = "type")]
    pub ty: Option<String>,
    #[serde(default)]
    pub doc: Option<String>,
}

/// A variable name, or `{ var, required }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum EnvSetting {
    Name(String),
    Full {
        var: String,
        #[serde(default)]
        required: bool,
    },
}

impl EnvSetting {
    pub fn var(&self) -> &str {
        match self {
            EnvSetting::Name(v) | EnvSetting::Full { var: v, .. } => v,
        }
    }

    pub fn required(&self) -> bool {
        matches!(self, EnvSetting::Full { required: true, .. })
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecuritySettings {
    /// Per scheme key of the document.
    #[serde(default)]
    pub schemes: BTreeMap<String, SchemeSettings>,
    /// Schemes the document lacks, as OpenAPI security scheme objects.
    #[serde(default)]
    pub add: BTreeMap<String, serde_json::Value>,
    /// A global requirement for a document that has none, as OpenAPI writes one.
    #[serde(default)]
    pub require: Option<Vec<BTreeMap<String, Vec<String>>>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchemeSettings {
    /// The builder method (default: the key in snake_case).
    pub method: Option<String>,
    /// A header the credential may go in instead, as its bare value.
    pub alternative_header: Option<String>,
    /// The builder method that switches to it (`api_key_header(true)`).
    pub alternative_method: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperationSettings {
    /// Group handle on the client (`client.responses()`); defaults to the operation's first tag.
    pub group: Option<String>,
    /// Rust method name; defaults to the snake_case operationId.
    pub method: Option<String>,
    /// How the operation's list is walked, where detection cannot see it (ARCHITECTURE.md,
    /// "Pagination"); `{ style: none }` turns it off.
    #[serde(default)]
    pub pagination: Option<PaginationSettings>,
}

/// A list operation's pagination: the style, and the names detection would otherwise guess.
/// Fields are wire names; a path into nested objects is dotted (`metadata.continue`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaginationSettings {
    /// Detected when absent.
    #[serde(default)]
    pub style: Option<PageStyleSetting>,
    /// The query parameter that takes the cursor or the offset.
    #[serde(default)]
    pub param: Option<String>,
    /// Where the page holds the cursor (`cursor`), the next URL (`next_url`) or the last id
    /// (`last_item`; without it, the last item's `id`).
    #[serde(default)]
    pub next: Option<String>,
    /// The page's boolean saying more pages follow (`last_item`, `offset`).
    #[serde(default)]
    pub has_more: Option<String>,
    /// The page's total item count (`offset`).
    #[serde(default)]
    pub total: Option<String>,
    /// The page's array holding the items, when it has several arrays of objects.
    #[serde(default)]
    pub items: Option<String>,
}

/// The pagination styles a setting can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PageStyleSetting {
    /// Not paginated: no `_pages` and `_stream` methods.
    None,
    LastItem,
    Cursor,
    Offset,
    Link,
    NextUrl,
}

// --- WebSocket mode (`websocket`) ---
/// The `websocket` key: see `docs/settings.md`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebSocketSettings {
    /// The group handle that gets `connect()` (`client.responses().connect()`).
    pub group: String,
    /// The path appended to the base URL, its scheme turned to `ws`/`wss`; the handshake sends
    /// the credentials of the operations at this path.
    pub path: String,
    /// The component schema of the events the client sends (a tagged union).
    pub client_event: String,
    /// The component schema of the events the server sends (a tagged union).
    pub server_event: String,
    /// The property of both event kinds that names a lane of the connection, if there is one.
    #[serde(default)]
    pub lane: Option<String>,
    /// The Rust name of the socket type (default: the group's handle name followed by `Socket`).
    #[serde(default)]
    pub socket: Option<String>,
    /// How one result is asked for: `send` and `create` on the socket.
    pub create: WebSocketCreate,
}

/// The `websocket.create` key: the client event that starts one result and the events that end it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebSocketCreate {
    /// The operationId whose request body the event carries (`createResponse`).
    pub operation: String,
    /// The tag of the client event that carries it (`response.create`).
    pub event: String,
    /// Body fields never sent over the socket (the stream flag).
    #[serde(default)]
    pub omit: Vec<String>,
    /// Boolean body fields that the socket refuses when `true`, with a typed error.
    #[serde(default)]
    pub refuse: Vec<String>,
    /// Server event tags that end a result: the first on its lane ends it.
    pub ends: Vec<String>,
    /// Server event tags among `ends` that are errors (their `error` object gives code and message).
    #[serde(default)]
    pub errors: Vec<String>,
    /// The field of an ending event that holds the result (`response`).
    pub result: String,
}

impl Settings {
    /// Component schemas the settings name although no path may reach them.
    pub fn named_schemas(&self) -> Vec<&str> {
        self.websocket.iter().flat_map(|w| [w.client_event.as_str(), w.server_event.as_str()]).collect()
    }
}
// --- end WebSocket mode ---

fn default_version() -> String {
    "0.1.0".into()
}

fn yes() -> bool {
    true
}

fn default_stream_flag() -> String {
    "stream".into()
}

impl Settings {
    /// Settings for a document with no settings file: everything, default names.
    pub fn new(crate_name: &str) -> Self {
        Settings {
            crate_name: crate_name.into(),
            crate_version: default_version(),
            spec: None,
            include: vec!["/".into()],
            with_query_paths: false,
            stream_flag: default_stream_flag(),
            overlays: Vec::new(),
            extensions: Vec::new(),
            operations: BTreeMap::new(),
            array_query_brackets: Vec::new(),
            deny_missing_docs: false,
            crate_doc: None,
            merge_same_shapes: true,
            client: ClientSettings::default(),
            replace: BTreeMap::new(),
            derives: BTreeMap::new(),
            formats: BTreeMap::new(),
            dependencies: BTreeMap::new(),
            templates: None,
            extensions_dir: None,
            webhooks: WebhookSettings::default(),
            websocket: None,
            crate_doc_text: None,
            template_texts: BTreeMap::new(),
            extension_files: BTreeMap::new(),
        }
    }

    pub fn from_value(v: serde_json::Value) -> Result<Self, String> {
        serde_json::from_value(v).map_err(|e| e.to_string())
    }

    /// Reads a settings file and the files it names (`crate_doc`); an edge of the generator,
    /// like `output::sync`: `generate` itself reads nothing. A key it does not know, or a value
    /// of the wrong type, is an error naming the file, line and column.
    pub fn read(path: &std::path::Path) -> Result<Self, String> {
        let doc = oa_load::Document::read_unbundled(path).map_err(|e| e.to_string())?;
        let mut settings: Settings = serde_path_to_error::deserialize(&doc.root).map_err(|e| {
            let pointer = located_pointer(&e);
            let at = match doc.locate(&[pointer.as_str()]).first().copied().flatten() {
                Some((line, column)) => format!("{}:{line}:{column}", path.display()),
                None => path.display().to_string(),
            };
            format!("{at}: error: {} (at {})", e.inner(), if pointer.is_empty() { "/" } else { &pointer })
        })?;
        for (key, map) in [("replace", &settings.replace), ("formats", &settings.formats)] {
            for (name, ty) in map {
                if syn::parse_str::<syn::Type>(ty).is_err() {
                    let pointer = format!("/{key}/{}", oa_load::escape_token(name));
                    let at = match doc.locate(&[pointer.as_str()]).first().copied().flatten() {
                        Some((line, column)) => format!("{}:{line}:{column}", path.display()),
                        None => path.display().to_string(),
                    };
                    return Err(format!("{at}: error: `{ty}` is not a Rust type (at {pointer})"));
                }
            }
        }
        let dir = path.parent().unwrap_or(std::path::Path::new("."));
        if let Some(file) = &settings.crate_doc {
            let file = dir.join(file);
            settings.crate_doc_text = Some(std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?);
        }
        if let Some(folder) = &settings.templates {
            settings.template_texts = read_folder(&dir.join(folder), "j2")?;
        }
        if let Some(folder) = &settings.extensions_dir {
            for name in &settings.extensions {
                let ext = dir.join(folder).join(name);
                if ext.is_dir() {
                    settings.extension_files.insert(name.clone(), read_folder(&ext, "rs")?);
                }
            }
        }
        Ok(settings)
    }

    /// True when `path` is selected by the include prefixes (segment-wise match).
    pub fn selects_path(&self, path: &str) -> bool {
        let (bare, query) = match path.split_once('?') {
            Some((p, _)) => (p, true),
            None => (path, false),
        };
        if query && !self.with_query_paths {
            return false;
        }
        self.include.iter().any(|prefix| path_has_prefix(bare, prefix))
    }

    pub fn includes_everything(&self) -> bool {
        self.include.iter().any(|p| p.trim_end_matches('/').is_empty())
    }

    /// True when the webhook `key` is carried: named by `webhooks.select`, or everything included.
    pub fn selects_webhook(&self, key: &str) -> bool {
        self.includes_everything() || self.webhooks.select.iter().any(|k| k == key)
    }
}

/// The files of `dir` with extension `ext`: file name -> text.
fn read_folder(dir: &std::path::Path, ext: &str) -> Result<BTreeMap<String, String>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut out = BTreeMap::new();
    for entry in entries {
        let path = entry.map_err(|e| format!("{}: {e}", dir.display()))?.path();
        if path.extension().is_some_and(|x| x == ext) {
            let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
            out.insert(name, std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?);
        }
    }
    Ok(out)
}

/// The JSON pointer of what a settings error is about: the path serde was at, and the unknown
/// key itself where the error names one.
fn located_pointer(e: &serde_path_to_error::Error<serde_json::Error>) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in e.path().iter() {
        match segment {
            Segment::Seq { index } => pointer.push_str(&format!("/{index}")),
            Segment::Map { key } | Segment::Enum { variant: key } => pointer.push_str(&format!("/{}", oa_load::escape_token(key))),
            Segment::Unknown => {}
        }
    }
    let message = e.inner().to_string();
    if let Some(key) = message.strip_prefix("unknown field `").and_then(|r| r.split('`').next()) {
        if !pointer.ends_with(&format!("/{}", oa_load::escape_token(key))) {
            pointer.push_str(&format!("/{}", oa_load::escape_token(key)));
        }
    }
    pointer
}

fn path_has_prefix(path: &str, prefix: &str) -> bool {
    let p: Vec<&str> = prefix.split('/').filter(|s| !s.is_empty()).collect();
    let s: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    s.len() >= p.len() && s.iter().zip(&p).all(|(a, b)| a == b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_key_is_located() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("settings.yaml");
        std::fs::write(&file, "crate_name: x\nclient:\n  security:\n    schemes:\n      Key: { methd: k }\n").unwrap();
        let err = Settings::read(&file).unwrap_err();
        assert!(err.contains("settings.yaml:5:"), "{err}");
        assert!(err.contains("unknown field `methd`") && err.contains("/client/security/schemes/Key/methd"), "{err}");
        std::fs::write(&file, "crate_name: x\nderive: {}\n").unwrap();
        assert!(Settings::read(&file).unwrap_err().contains("settings.yaml:2:"));
        std::fs::write(&file, "crate_name: x\nderives:\n  Pet: [Eq, Ord]\n").unwrap();
        let err = Settings::read(&file).unwrap_err();
        assert!(err.contains("settings.yaml:3:") && err.contains("unknown variant `Ord`"), "{err}");
    }

    #[test]
    fn prefix_matches_segments() {
        let mut s = Settings::new("x");
        s.include = vec!["/responses".into()];
        assert!(s.selects_path("/responses"));
        assert!(s.selects_path("/responses/{id}/cancel"));
        assert!(!s.selects_path("/responsesx"));
        assert!(!s.selects_path("/responses?beta=true"));
        s.with_query_paths = true;
        assert!(s.selects_path("/responses?beta=true"));
    }

    #[test]
    fn pagination_setting_reads_and_rejects_unknown_keys() {
        let read = |v: serde_json::Value| Settings::from_value(serde_json::json!({"crate_name": "x", "operations": {"listThings": {"pagination": v}}}));
        let s = read(serde_json::json!({"style": "cursor", "param": "token", "next": "meta.next_token"})).unwrap();
        let p = s.operations["listThings"].pagination.clone().unwrap();
        assert_eq!(p.style, Some(PageStyleSetting::Cursor));
        assert_eq!(p.next.as_deref(), Some("meta.next_token"));
        assert!(read(serde_json::json!({"style": "pages"})).is_err());
        assert!(read(serde_json::json!({"cursor": "x"})).is_err());
    }
}
