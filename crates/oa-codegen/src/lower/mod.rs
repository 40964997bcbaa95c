//! Lowering stage: selects what the settings ask for and turns schemas and operations into
//! the IR. Split by construct: `schema` (objects, enums, scalars), `union`, `operation`,
//! and `finish` (recursion boxing and printing types into the IR).

mod client;
mod derives;
mod events;
mod finish;
mod merge;
mod modules;
mod operation;
mod paginate;
mod params;
mod schema;
mod socket;
mod union;
mod webhooks;

pub use webhooks::webhooks_key;

use crate::diag::Diagnostics;
use crate::ir::{self, Ir, StructTag};
use crate::naming::{self, Scope};
use crate::settings::Settings;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
pub(crate) use crate::ty::Ty;

/// A type as lowering builds it; `finish` turns it into an `ir::TypeDef`.
#[derive(Debug, Clone)]
pub(crate) struct Draft {
    pub name: String,
    /// The component this type was lowered from (itself, for a component).
    pub owner: String,
    pub origin: String,
    pub doc: Vec<String>,
    pub kind: DraftKind,
    /// Derives the settings add (`derives`), set by `derives::assign` before merging.
    pub derives: Vec<String>,
}

#[derive(Debug, Clone)]
pub(crate) enum DraftKind {
    Struct { fields: Vec<DraftField>, tag: Option<StructTag> },
    Enum(ir::EnumDef),
    Union { tag: Option<String>, variants: Vec<(String, Ty, Vec<String>)>, dispatch: Vec<ir::TagArm>, untagged: Vec<String>, other: String },
    Alias(Ty),
}

#[derive(Debug, Clone)]
pub(crate) struct DraftField {
    pub name: String,
    pub wire: String,
    pub ty: Ty,
    pub required: bool,
    pub nullable: bool,
    pub doc: Vec<String>,
}

/// How the type produced for a schema is to be named.
#[derive(Debug, Clone)]
pub(crate) enum NameHint {
    /// A component schema: its name is fixed in advance.
    Fixed(String),
    /// An inline schema: named from its context if it needs a type of its own.
    Context(String),
    /// Like `Context`, the name `naming::nested_type_name(parent, word)`, composed only when
    /// a type is made (most properties and parameters are scalars and need none).
    Nested(String, String),
}

impl NameHint {
    fn base(&self) -> std::borrow::Cow<'_, str> {
        match self {
            NameHint::Fixed(n) | NameHint::Context(n) => n.into(),
            NameHint::Nested(parent, word) => naming::nested_type_name(parent, word).into(),
        }
    }
}

pub(crate) struct Lowerer<'a> {
    pub root: &'a Value,
    pub diags: Diagnostics,
    pub drafts: BTreeMap<String, Draft>,
    pub names: Scope,
    /// Component pointer (`#/components/schemas/X`) -> Rust type name.
    pub components: BTreeMap<String, String>,
    /// What is being lowered (for `$recursiveRef` and the grouping of inline types).
    pub current: Current,
    /// Pointers of inline `$ref` targets being lowered: a target met again is a cycle.
    pub active: Vec<String>,
    /// Objects being lowered, by pointer: an `allOf` that copies in a schema holding the
    /// object again (inline, not through a named component) is a cycle (`lower_object`).
    pub objects: Vec<String>,
    pub settings: &'a Settings,
    /// Component pointer -> the project's type that `replace` puts in its place.
    pub replaced: BTreeMap<String, Ty>,
}

/// The component (or operation) being lowered.
#[derive(Debug, Clone, Default)]
pub(crate) struct Current {
    /// Its Rust type name (the target of `$recursiveRef: "#"`).
    pub name: String,
    /// The component its inline types belong to, for grouping them into modules.
    pub owner: String,
    /// Its `$ref` pointer (`#/components/schemas/X`).
    pub pointer: String,
}

/// Lowers the selected part of `root` into the IR.
pub fn lower(root: &Value, settings: &Settings) -> (Option<Ir>, Diagnostics) {
    let mut diags = Diagnostics::default();
    if !root.is_object() {
        diags.error("", "the document is not an object");
        return (None, diags);
    }
    let selected = operation::select(root, settings, &mut diags);
    let hooks = webhooks::select(root, settings, &mut diags);
    let named = named_schema_refs(settings);
    let component_ptrs = reachable_components(root, &selected, &hooks, &named, settings.includes_everything(), &mut diags);

    let mut lowerer = Lowerer {
        root,
        diags,
        drafts: BTreeMap::new(),
        names: Scope::with_reserved(naming::reserved_type_names()),
        components: BTreeMap::new(),
        current: Current::default(),
        active: Vec::new(),
        objects: Vec::new(),
        settings,
        replaced: BTreeMap::new(),
    };
    let raw_name = |ptr: &str| ptr.rsplit('/').next().unwrap_or_default().replace("~1", "/").replace("~0", "~");
    for (schema, rust) in &settings.replace {
        let ptr = format!("#/components/schemas/{}", oa_load::escape_token(schema));
        if root.pointer(&ptr[1..]).is_none() {
            lowerer.diags.error("/components/schemas", format!("settings: `replace` names the schema `{schema}`, which the document does not declare"));
        }
        lowerer.replaced.insert(ptr, Ty::from_setting(rust));
    }
    let component_ptrs: Vec<String> = component_ptrs.into_iter().filter(|p| !lowerer.replaced.contains_key(p)).collect();
    for ptr in &component_ptrs {
        let raw = raw_name(ptr);
        let name = lowerer.names.claim(&naming::type_name(&raw), "Schema");
        lowerer.components.insert(ptr.clone(), name);
    }
    for ptr in &component_ptrs {
        let name = lowerer.components[ptr].clone();
        let schema = schema::resolve_ptr(root, ptr).unwrap_or(&Value::Null);
        lowerer.current = Current { name: name.clone(), owner: name.clone(), pointer: ptr.clone() };
        lowerer.lower_component(&name, schema, ptr);
    }
    let (hook_payloads, hook_event) = lowerer.lower_webhooks(&hooks);
    let mut groups = operation::lower_operations(&mut lowerer, &selected);
    // WebSocket mode: the socket type is named among the crate's types.
    let socket_name = settings.websocket.as_ref().map(|ws| {
        let base = ws.socket.clone().unwrap_or_else(|| format!("{}Socket", naming::type_name(&ws.group)));
        lowerer.names.claim(&base, "Type")
    });
    let Lowerer { mut diags, mut drafts, components, .. } = lowerer;
    let client = client::lower_client(root, settings, &selected, &mut groups, &mut diags);
    let externals = external_types(settings);
    derives::assign(&mut drafts, &components, settings, &mut diags);
    let merged = if settings.merge_same_shapes { merge::merge_same_shapes(&mut drafts) } else { BTreeMap::new() };
    let mut pages: Vec<ir::Pagination> = Vec::new();
    for op in groups.iter().flat_map(|g| &g.operations) {
        // Only pages of the `has_more` + `last_id` shape implement `runtime::Page`.
        if let Some(p) = op.pagination.as_ref().filter(|p| p.implements_page()) {
            let mut p = p.clone();
            p.page.rename(&merged);
            p.item.rename(&merged);
            if !pages.iter().any(|q| q.page == p.page) {
                pages.push(p);
            }
        }
    }
    pages.sort_by(|a, b| a.page.cmp(&b.page));
    let cycles = finish::alias_cycles(&drafts);
    if !cycles.is_empty() {
        // `finish` expands aliases: with a cycle among them there is no IR to build.
        for (origin, message) in cycles {
            diags.error(origin, message);
        }
        return (None, diags);
    }
    let mut types = finish::finish(drafts);
    if let (Some(ws), Some(name)) = (&settings.websocket, socket_name) {
        socket::attach(ws, name, &components, &types, &mut groups, &mut diags);
    }
    let components = components
        .into_iter()
        .map(|(ptr, rust)| ir::ComponentRef {
            wire: ptr.rsplit('/').next().unwrap_or_default().replace("~1", "/").replace("~0", "~"),
            rust,
        })
        .collect();
    let modules = modules::assign(&mut types);
    let stream_events = events::stream_events(&types, &groups);
    let title = root.pointer("/info/title").and_then(Value::as_str).unwrap_or("API").to_owned();
    let ir = Ir {
        crate_name: settings.crate_name.clone(),
        lib_name: settings.crate_name.replace('-', "_"),
        version: settings.crate_version.clone(),
        title,
        types,
        groups,
        pages,
        extensions: settings.extensions.clone(),
        components,
        modules,
        stream_events,
        deny_missing_docs: settings.deny_missing_docs,
        crate_doc: settings.crate_doc_text.as_deref().map(|t| t.lines().map(str::to_owned).collect()).unwrap_or_default(),
        client,
        dependencies: settings.dependencies.clone().into_iter().collect(),
        externals,
        webhooks: ir::WebhooksIr {
            hooks: hook_payloads
                .into_iter()
                .map(|(key, mut payload)| {
                    payload.rename(&merged);
                    ir::WebhookIr { key, payload }
                })
                .collect(),
            event: hook_event,
            verify: settings.webhooks.signatures.is_some(),
            secret_env: settings.webhooks.secret_env.clone(),
        },
    };
    (Some(ir), diags)
}

/// The project's types the settings name (each once), with the setting that names it.
fn external_types(settings: &Settings) -> Vec<ir::ExternalType> {
    let mut out: Vec<ir::ExternalType> = Vec::new();
    let named = settings.replace.iter().map(|(k, v)| (format!("replace: {k}"), v)).chain(settings.formats.iter().map(|(k, v)| (format!("formats: {k}"), v)));
    for (setting, rust) in named {
        if let Ty::External(path) = Ty::from_setting(rust) {
            match out.iter_mut().find(|e| e.rust == path) {
                Some(e) => e.settings.push(setting),
                None => out.push(ir::ExternalType { rust: path, settings: vec![setting] }),
            }
        }
    }
    out
}

/// Component schemas reachable from the selected operations (or all of them), sorted by pointer.
fn reachable_components(
    root: &Value,
    ops: &[operation::Selected<'_>],
    hooks: &[webhooks::SelectedHook<'_>],
    named: &[(String, Value)],
    everything: bool,
    diags: &mut Diagnostics,
) -> Vec<String> {
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut stack: Vec<(String, &Value)> = Vec::new();
    if everything {
        if let Some(Value::Object(schemas)) = root.pointer("/components/schemas") {
            for (k, v) in schemas {
                let ptr = format!("#/components/schemas/{}", oa_load::escape_token(k));
                if seen.insert(ptr.clone()) {
                    stack.push((ptr[1..].to_owned(), v));
                }
            }
        }
    }
    for op in ops {
        stack.push((op.pointer.clone(), op.node));
    }
    for hook in hooks {
        stack.push((hook.pointer.clone(), hook.schema));
    }
    for (at, node) in named {
        stack.push((at.clone(), node));
    }
    while let Some((ptr, v)) = stack.pop() {
        walk_refs(v, &ptr, &mut |r, at| {
            // A pointer already seen was resolved then: most refs are met again and again.
            if r.starts_with("#/components/schemas/") {
                // The component itself: the ref up to its fourth `/`.
                let name_ptr = r.match_indices('/').nth(3).map_or(r, |(i, _)| &r[..i]);
                if seen.contains(name_ptr) {
                    return;
                }
                // A ref that does not resolve is reported where it is lowered: a warning in a
                // schema, which becomes a `serde_json::Value`; an error in an operation, which
                // is then left out.
                if let Some(target) = schema::resolve_ptr(root, name_ptr) {
                    seen.insert(name_ptr.to_owned());
                    stack.push((name_ptr[1..].to_owned(), target));
                }
            } else if r.starts_with("#/") {
                if seen.contains(r) {
                    return;
                }
                if let Some(target) = schema::resolve_ptr(root, r) {
                    seen.insert(r.to_owned());
                    stack.push((r[1..].to_owned(), target));
                }
            } else if !r.starts_with('#') {
                // `Document::read` bundles other files; this is a document built by hand.
                diags.error(at, format!("external $ref `{r}`: load the document with `Document::read` or `Document::bundle`"));
            }
        });
    }
    seen.into_iter().filter(|p| p.starts_with("#/components/schemas/") && p.split('/').count() == 4).collect()
}

// --- WebSocket mode ---
/// A `$ref` to each schema the settings name (the WebSocket event unions), located at the
/// settings' key: they are lowered although no selected operation reaches them.
fn named_schema_refs(settings: &Settings) -> Vec<(String, Value)> {
    settings
        .named_schemas()
        .into_iter()
        .map(|name| ("/websocket".to_owned(), serde_json::json!({ "$ref": format!("#/components/schemas/{}", oa_load::escape_token(name)) })))
        .collect()
}
// --- end WebSocket mode ---

/// Calls `f` with every `$ref` string under `v` and the pointer of the node holding it.
pub(crate) fn walk_refs(v: &Value, ptr: &str, f: &mut dyn FnMut(&str, &str)) {
    // One pointer buffer, grown and cut back on the way, instead of a new string per node.
    let mut at = String::from(ptr);
    walk_refs_at(v, &mut at, f);
}

fn walk_refs_at(v: &Value, at: &mut String, f: &mut dyn FnMut(&str, &str)) {
    let len = at.len();
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                if k == "$ref" {
                    if let Value::String(r) = child {
                        at.push_str("/$ref");
                        f(r, at);
                        at.truncate(len);
                    }
                } else if k == "examples" || k == "example" || k == "x-oaiMeta" {
                    continue;
                } else if matches!(child, Value::Object(_) | Value::Array(_)) {
                    at.push('/');
                    at.push_str(&oa_load::escape_token(k));
                    walk_refs_at(child, at, f);
                    at.truncate(len);
                }
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                if matches!(child, Value::Object(_) | Value::Array(_)) {
                    use std::fmt::Write;
                    let _ = write!(at, "/{i}");
                    walk_refs_at(child, at, f);
                    at.truncate(len);
                }
            }
        }
        _ => {}
    }
}
