//! Lowering of operations: selection by path prefix, request bodies, JSON and event-stream
//! answers, and the naming of each operation's methods and of the group handles
//! (`client.responses()`). Parameters are lowered in `params`.

use super::schema::resolve_ptr;
use super::{Lowerer, NameHint, Ty};
use crate::diag::Diagnostics;
use crate::ir::{Body, BodyEncoding, Group, Locals, OpNames, Operation, ParamPlace, QueryStruct, StreamFlag};
use crate::naming::{self, Scope};
use crate::settings::Settings;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// An operation chosen by the settings.
pub(crate) struct Selected<'a> {
    pub path: String,
    pub method: &'static str,
    /// Pointer of the operation object (without `#`).
    pub pointer: String,
    pub node: &'a Value,
    pub path_item: &'a Map<String, Value>,
}

pub(crate) fn select<'a>(root: &'a Value, settings: &Settings, diags: &mut Diagnostics) -> Vec<Selected<'a>> {
    let mut out = Vec::new();
    let Some(paths) = root.get("paths") else { return out };
    let Some(paths) = paths.as_object() else {
        diags.error("/paths", "`paths` must be an object");
        return out;
    };
    for (path, item) in paths {
        if !settings.selects_path(path) {
            continue;
        }
        let item_ptr = format!("/paths/{}", oa_load::escape_token(path));
        let item = match item.get("$ref").and_then(Value::as_str) {
            Some(r) => resolve_ptr(root, r).unwrap_or(item),
            None => item,
        };
        let Some(item_map) = item.as_object() else {
            diags.error(&item_ptr, "a path item must be an object");
            continue;
        };
        for &method in METHODS {
            if let Some(op) = item_map.get(method) {
                if !op.is_object() {
                    diags.error(format!("{item_ptr}/{method}"), "an operation must be an object");
                    continue;
                }
                out.push(Selected { path: path.clone(), method, pointer: format!("{item_ptr}/{method}"), node: op, path_item: item_map });
            }
        }
    }
    out
}

pub(crate) fn deref_component<'a>(root: &'a Value, v: &'a Value) -> &'a Value {
    match v.get("$ref").and_then(Value::as_str).and_then(|r| resolve_ptr(root, r)) {
        Some(t) => t,
        None => v,
    }
}

/// An operation lowered but not yet named: method names are claimed per group afterwards, the
/// base names of all operations first, so that a suffixed form (`list_stream`) never takes the
/// name of another operation (`listStream`).
struct Lowered {
    /// The group's name (snake_case); empty for the root group (no tag): methods of `Client`.
    group: String,
    /// The method name the settings give, else the operationId's.
    base: String,
    /// `base` comes from the operationId, so it may drop the group's name.
    from_id: bool,
    op: Operation,
}

/// Names the method bodies use; parameters yield to them.
const LOCALS: [&str; 6] = ["path", "request", "params", "body", "api", "stream"];

pub(crate) fn lower_operations(lw: &mut Lowerer<'_>, ops: &[Selected<'_>]) -> Vec<Group> {
    let mut lowered: Vec<Lowered> = Vec::new();
    for sel in ops {
        let errors_before = lw.diags.errors().count();
        let mark = lw.diags.items.len();
        let Some(one) = lower_operation(lw, sel) else { continue };
        // A problem inside one operation leaves that operation out, not the whole document.
        if lw.diags.errors().count() > errors_before {
            demote(&mut lw.diags, mark, &sel.pointer);
            continue;
        }
        lowered.push(one);
    }
    name_groups(lw, lowered)
}

/// Turns the errors found from `mark` on into warnings, with one saying the operation is left out.
fn demote(diags: &mut Diagnostics, mark: usize, pointer: &str) {
    for d in &mut diags.items[mark..] {
        d.severity = crate::diag::Severity::Warning;
    }
    diags.warning(pointer, "operation left out: it cannot be generated (see the warnings above; --strict makes them errors)");
}

fn lower_operation(lw: &mut Lowerer<'_>, sel: &Selected<'_>) -> Option<Lowered> {
    let settings = lw.settings;
    let root = lw.root;
    let mut dangling = Vec::new();
    super::walk_refs(sel.node, &sel.pointer, &mut |r, at| {
        if r.starts_with('#') && resolve_ptr(root, r).is_none() {
            dangling.push((at.to_owned(), format!("unresolved $ref `{r}`")));
        }
    });
    if !dangling.is_empty() {
        for (at, message) in dangling {
            lw.diags.error(at, message);
        }
        return Some(placeholder(sel));
    }
    let op = sel.node.as_object().expect("checked in select");
    let op_id = op
        .get("operationId")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .unwrap_or_else(|| format!("{}{}", sel.method, naming::type_name(&sel.path)));
    let overrides = settings.operations.get(&op_id).cloned().unwrap_or_default();
    // Without a tag (or a group in the settings), an operation is a method of `Client` itself.
    let group = overrides.group.clone().or_else(|| op.get("tags").and_then(|t| t.get(0)).and_then(Value::as_str).map(str::to_owned));
    let group = group.map(|g| naming::bare(&naming::field_name(&g)).to_owned()).unwrap_or_default();
    let fixed_suffix = sel.path.split_once('?').map(|(_, q)| format!("_{}", naming::bare(&naming::field_name(q)))).unwrap_or_default();
    let base = format!("{}{fixed_suffix}", naming::bare(&overrides.method.clone().unwrap_or_else(|| naming::field_name(&op_id))));
    let type_base = naming::type_name(&op_id);
    // Inline types of this operation (parameter enums, inline bodies and answers) are grouped
    // by the resource the path names (`/v1/customers/{id}` -> `Customers`), not with the last
    // component lowered.
    let resource = sel
        .path
        .split(['/', '?'])
        .find(|s| !s.is_empty() && !s.starts_with('{') && !is_version(s))
        .map(naming::type_name)
        .unwrap_or_else(|| naming::type_name(if group.is_empty() { "default" } else { &group }));
    lw.current = super::Current { name: type_base.clone(), owner: resource, pointer: sel.pointer.clone() };
    let params_name = format!("{}Params", naming::type_name(&base));
    let params = super::params::lower(lw, sel, &LOCALS, &params_name);

    let (body, body_flag) = match op.get("requestBody") {
        // Stripe declares an empty form body on its GETs: nothing to send, no argument.
        Some(rb) if matches!(sel.method, "get" | "head" | "delete") && is_empty_object_body(root, rb) => (None, false),
        Some(rb) => match lower_body(lw, sel, rb, &type_base) {
            Some((body, flag)) => (Some(body), flag),
            None => return None,
        },
        None => (None, false),
    };
    let (json_response, event_type) = lower_answers(lw, sel, &type_base);
    let flag_in_query = params.query.iter().any(|q| q.wire == settings.stream_flag && q.place == ParamPlace::Query);
    let stream_flag = (event_type.is_some() && json_response.is_some() && (body_flag || flag_in_query))
        .then(|| StreamFlag { wire: settings.stream_flag.clone(), in_body: body_flag });
    // The method called decides the flag, so a query field for it would be ignored: left out.
    let mut params = params;
    if stream_flag.as_ref().is_some_and(|f| !f.in_body) {
        params.query.retain(|q| !(q.wire == settings.stream_flag && q.place == ParamPlace::Query));
    }
    let mut doc = Vec::new();
    for key in ["summary", "description"] {
        if let Some(s) = op.get(key).and_then(Value::as_str) {
            doc.extend(super::schema::prose_lines(s));
            doc.push(String::new());
        }
    }
    // The doc links the method: written once the names are claimed (`name_groups`).
    let query = (!params.query.is_empty()).then(|| QueryStruct { name: params_name.clone(), doc: Vec::new(), params: params.query });
    let pagination = super::paginate::detect(lw, sel, json_response.as_ref(), query.as_ref(), overrides.pagination.as_ref());
    let raw_response = json_response.is_none() && event_type.is_none();
    let locals = Locals {
        path: LOCALS[0].into(),
        request: LOCALS[1].into(),
        params: LOCALS[2].into(),
        body: LOCALS[3].into(),
        client: LOCALS[4].into(),
        stream: LOCALS[5].into(),
    };
    let op = Operation {
        id: op_id,
        names: OpNames::default(),
        locals,
        http_method: sel.method.to_ascii_uppercase(),
        path: sel.path.split_once('?').map_or(sel.path.as_str(), |p| p.0).to_owned(),
        path_parts: params.path_parts,
        path_params: params.path,
        query,
        fixed_query: params.fixed_query,
        body,
        json_response,
        raw_response,
        pagination,
        event_type,
        stream_flag,
        doc,
        security: None,
        error_message: None,
    };
    Some(Lowered { group, base, from_id: overrides.method.is_none(), op })
}

/// What an operation with dangling references lowers to: nothing usable; the caller sees the
/// errors and leaves it out.
fn placeholder(sel: &Selected<'_>) -> Lowered {
    let locals = Locals { path: String::new(), request: String::new(), params: String::new(), body: String::new(), client: String::new(), stream: String::new() };
    let op = Operation {
        id: String::new(),
        names: OpNames::default(),
        locals,
        http_method: sel.method.to_owned(),
        path: sel.path.clone(),
        path_parts: Vec::new(),
        path_params: Vec::new(),
        query: None,
        fixed_query: Vec::new(),
        body: None,
        json_response: None,
        raw_response: true,
        pagination: None,
        event_type: None,
        stream_flag: None,
        doc: Vec::new(),
        security: None,
        error_message: None,
    };
    Lowered { group: String::new(), base: String::new(), from_id: false, op }
}

/// The request body: JSON (also `*/*` with a schema), multipart and form bodies typed by their
/// schema; bytes and text as they are. `None` (with a warning) when no media type is usable.
fn lower_body(lw: &mut Lowerer<'_>, sel: &Selected<'_>, rb: &Value, type_base: &str) -> Option<(Body, bool)> {
    let rb = deref_component(lw.root, rb);
    let required = rb.get("required").and_then(Value::as_bool).unwrap_or(false);
    let content = rb.get("content").and_then(Value::as_object);
    let pick = |want: &dyn Fn(&str, &Value) -> bool| content.and_then(|c| c.iter().find(|(k, v)| want(k, v)));
    let structured = |v: &Value| v.get("schema").is_some_and(|s| !crate::view::types(crate::view::deref(lw.root, s).as_object().unwrap_or(&Map::new())).contains(&"string"));
    let chosen = pick(&|k, _| is_json(k))
        .map(|c| (c, BodyEncoding::Json))
        .or_else(|| pick(&|k, _| k == "multipart/form-data").map(|c| (c, BodyEncoding::Multipart)))
        .or_else(|| pick(&|k, _| k == "application/x-www-form-urlencoded").map(|c| (c, BodyEncoding::Form)))
        .or_else(|| pick(&|k, v| k == "*/*" && structured(v)).map(|c| (c, BodyEncoding::Json)))
        .or_else(|| pick(&|k, _| k.starts_with("text/")).map(|c| (c, BodyEncoding::Text)))
        .or_else(|| pick(&|k, _| k == "application/octet-stream" || k == "*/*" || k.ends_with("/*")).map(|c| (c, BodyEncoding::Bytes)));
    let Some(((media, mt), encoding)) = chosen else {
        lw.diags.warning(format!("{}/requestBody", sel.pointer), "operation skipped: no JSON, form, multipart, text or binary request body");
        return None;
    };
    let media = if media == "*/*" || media.ends_with("/*") {
        if encoding == BodyEncoding::Json { "application/json".to_owned() } else { "application/octet-stream".to_owned() }
    } else {
        media.clone()
    };
    let schema = mt.get("schema").cloned().unwrap_or(Value::Bool(true));
    let sptr = format!("{}/requestBody/content/{}/schema", sel.pointer, oa_load::escape_token(&media));
    let ty = match encoding {
        BodyEncoding::Bytes => Ty::Bytes,
        BodyEncoding::Text => Ty::String,
        _ => lw.lower(&schema, &sptr, NameHint::Context(format!("{type_base}Body"))).ty,
    };
    let flag = encoding == BodyEncoding::Json && view_has_property(lw.root, &schema, &lw.settings.stream_flag);
    let binary_fields = match encoding {
        BodyEncoding::Multipart => crate::view::located_properties(lw.root, &schema, "", 0)
            .into_iter()
            .filter(|(_, s, _)| is_binary(lw.root, s, 0))
            .map(|(n, _, _)| n.to_owned())
            .collect(),
        _ => Vec::new(),
    };
    let form_styles = match (encoding, mt.get("encoding").and_then(Value::as_object)) {
        (BodyEncoding::Form, Some(enc)) => enc
            .iter()
            .filter(|(_, e)| e.get("style").is_some() || e.get("explode").is_some())
            .map(|(name, e)| {
                let style = e.get("style").and_then(Value::as_str).unwrap_or("form").to_owned();
                let explode = e.get("explode").and_then(Value::as_bool).unwrap_or(style == "form");
                (name.clone(), style, explode)
            })
            .collect(),
        _ => Vec::new(),
    };
    Some((Body { ty, required, encoding, media, binary_fields, form_styles }, flag))
}

/// The first 2xx answer with content: its JSON type and its event type, if any.
fn lower_answers(lw: &mut Lowerer<'_>, sel: &Selected<'_>, type_base: &str) -> (Option<Ty>, Option<Ty>) {
    let mut json = None;
    let mut events = None;
    let responses = sel.node.get("responses").and_then(Value::as_object);
    let mut success: Vec<(&String, &Value)> = responses.map(|r| r.iter().filter(|(k, _)| k.starts_with('2')).collect()).unwrap_or_default();
    success.sort_by(|a, b| a.0.cmp(b.0));
    let Some((status, resp)) = success.first() else { return (None, None) };
    let resp = deref_component(lw.root, resp);
    let Some(content) = resp.get("content").and_then(Value::as_object) else { return (None, None) };
    let base = format!("{}/responses/{}/content", sel.pointer, oa_load::escape_token(status));
    for (media, mt) in content {
        let schema = mt.get("schema").cloned().unwrap_or(Value::Bool(true));
        let sptr = format!("{base}/{}/schema", oa_load::escape_token(media));
        if is_json(media) && json.is_none() {
            json = Some(lw.lower(&schema, &sptr, NameHint::Context(format!("{type_base}Response"))).ty);
        } else if media == "text/event-stream" && events.is_none() {
            events = Some(lw.lower(&schema, &sptr, NameHint::Context(format!("{type_base}Event"))).ty);
        }
    }
    (json, events)
}

/// Methods a group handle has of its own; an operation's method yields to them.
const HANDLE_METHODS: [&str; 4] = ["new", "client", "options", "with_options"];

/// Methods `Client` has besides those of `client.rs` (derived traits called as methods); a root
/// method would shadow them.
const CLIENT_TRAIT_METHODS: [&str; 2] = ["clone", "clone_from"];

/// Claims every name the operations introduce on `Client` and its group handles. The operations
/// without a tag come first: their methods are `Client`'s own (`client.list(..)`) and yield only
/// to the runtime's methods of `Client`; group accessors (`client.issues()`) yield to both. Per
/// group, the base names of all operations first, then the suffixed forms. Group handles and
/// parameter structs are claimed in the crate root's scope, where runtime names and types come first.
fn name_groups(lw: &mut Lowerer<'_>, lowered: Vec<Lowered>) -> Vec<Group> {
    let mut by_group: BTreeMap<String, Vec<Lowered>> = BTreeMap::new();
    for l in lowered {
        by_group.entry(l.group.clone()).or_default().push(l);
    }
    let mut on_client = Scope::with_reserved(crate::runtime_files::CLIENT_METHODS.iter().copied().chain(CLIENT_TRAIT_METHODS));
    let mut groups = Vec::new();
    if let Some(ops) = by_group.remove("") {
        let operations = name_methods(lw, ops, &mut on_client, ("Client", "crate::runtime::Client"));
        groups.push(Group { name: "Client".into(), accessor: None, module: String::new(), operations, socket: None });
    }
    for (group, ops) in by_group {
        let accessor = naming::bare(&on_client.claim(&naming::field_name(&group), "_api")).to_owned();
        let name = lw.names.claim(&naming::type_name(&group), "Api");
        let mut scope = Scope::with_reserved(HANDLE_METHODS);
        let path = format!("crate::api::{name}");
        let operations = name_methods(lw, ops, &mut scope, (&name, &path));
        groups.push(Group { name, module: accessor.clone(), accessor: Some(accessor), operations, socket: None });
    }
    // The root group's module (`api/client.rs`) takes a name no accessor has.
    let mut modules = Scope::with_reserved(groups.iter().map(|g| g.module.as_str()));
    for g in groups.iter_mut().filter(|g| g.accessor.is_none()) {
        g.module = modules.claim("client", "_ops");
    }
    groups
}

/// The plain method names of one group's operations, claimed in `scope`: first those that keep
/// their name, then those whose operationId spells the group's name (`issues/list-for-repo` in
/// `issues` -> `list_for_repo`), which keep it when the shorter name is taken.
fn plain_names(ops: &[Lowered], scope: &mut Scope) -> Vec<String> {
    let short: Vec<Option<String>> =
        ops.iter().map(|l| (l.from_id && !l.group.is_empty()).then(|| naming::without_group(&l.base, &l.group)).flatten()).collect();
    let mut plains = vec![String::new(); ops.len()];
    for (i, l) in ops.iter().enumerate().filter(|(i, _)| short[*i].is_none()) {
        plains[i] = scope.claim(&naming::field_name(&l.base), "_op");
    }
    for (i, l) in ops.iter().enumerate() {
        if let Some(short) = &short[i] {
            plains[i] = if scope.contains(short) { scope.claim(&naming::field_name(&l.base), "_op") } else { scope.claim(short, "") };
        }
    }
    plains
}

/// Names the methods of one group's operations in `scope` (the group handle's, or `Client`'s for
/// the root group); `owner` is the type holding them and its path, for the parameter structs' docs.
fn name_methods(lw: &mut Lowerer<'_>, ops: Vec<Lowered>, scope: &mut Scope, owner: (&str, &str)) -> Vec<Operation> {
    let plains = plain_names(&ops, scope);
    let mut operations = Vec::new();
    for (l, plain) in ops.into_iter().zip(plains) {
        let mut op = l.op;
        let stem = naming::bare(&plain).to_owned();
        // A suffixed form taken by another operation falls back to an alternative word, then
        // to `Scope::claim`'s last resort.
        let mut claim = |suffix: &str| {
            let alternative = match suffix {
                "stream" => "items",
                "with_response" => "response",
                other => other,
            };
            let first = format!("{stem}_{suffix}");
            let name = if !scope.contains(&first) {
                scope.claim(&first, "")
            } else {
                scope.claim(&format!("{stem}_{alternative}"), "_op")
            };
            naming::escape_keyword(naming::bare(&name).to_owned())
        };
        let has_params = op.query.is_some();
        op.names.request = claim("request");
        op.names.with = has_params.then(|| claim("with"));
        op.names.with_response = op.json_response.is_some().then(|| claim("with_response"));
        op.names.stream = (op.event_type.is_some() && op.json_response.is_some()).then(|| claim("stream"));
        // Parameters with required fields have no defaults to call with.
        let required = op.query.as_ref().is_some_and(|q| q.params.iter().any(|p| p.required));
        let with = has_params && !required;
        if op.pagination.is_some() {
            op.names.pages = Some(claim("pages"));
            op.names.items = Some(claim("stream"));
            let mut suffixed = |base: &Option<String>| {
                let base = base.clone().unwrap_or_default();
                with.then(|| naming::escape_keyword(naming::bare(&scope.claim(&format!("{base}_with"), "_op")).to_owned()))
            };
            op.names.items_with = suffixed(&op.names.items);
            op.names.pages_with = suffixed(&op.names.pages);
        }
        op.names.plain = Some(plain.clone());
        if required {
            op.names.with = None;
        }
        if let Some(q) = &mut op.query {
            q.name = lw.names.claim(&q.name, "Query");
            let (ty, path) = owner;
            q.doc = vec![format!("Parameters of [`{ty}::{stem}`]({path}::{stem}).")];
        }
        operations.push(op);
    }
    operations
}

/// A request body that is an object without properties (Stripe's form bodies on GETs).
fn is_empty_object_body(root: &Value, rb: &Value) -> bool {
    let rb = deref_component(root, rb);
    let Some(content) = rb.get("content").and_then(Value::as_object) else { return false };
    !content.is_empty()
        && content.values().all(|mt| {
            let Some(schema) = mt.get("schema") else { return false };
            let m = crate::view::deref(root, schema);
            let Some(m) = m.as_object() else { return false };
            let no_properties = m.get("properties").is_none_or(|p| p.as_object().is_some_and(Map::is_empty));
            let closed = m.get("additionalProperties").is_none_or(|a| a == &Value::Bool(false));
            let only = |k: &str| matches!(k, "type" | "properties" | "additionalProperties" | "title" | "description");
            m.get("type").and_then(Value::as_str) == Some("object") && no_properties && closed && m.keys().all(|k| only(k))
        })
}

/// A file field: `format: binary` (or an array of them), as multipart bodies declare uploads.
fn is_binary(root: &Value, schema: &Value, depth: usize) -> bool {
    if depth > 16 {
        return false;
    }
    let m = crate::view::deref(root, schema);
    m.get("format").and_then(Value::as_str) == Some("binary")
        || m.get("items").is_some_and(|i| crate::view::deref(root, i).get("format").and_then(Value::as_str) == Some("binary"))
        || crate::view::union_branches(m.as_object().unwrap_or(&Map::new())).is_some_and(|(_, b)| b.iter().any(|(_, b)| is_binary(root, b, depth + 1)))
}

/// `v1`, `v2beta`: a version segment, not a resource.
fn is_version(segment: &str) -> bool {
    segment.strip_prefix('v').is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
}

fn is_json(media: &str) -> bool {
    media == "application/json" || (media.starts_with("application/") && media.ends_with("+json"))
}

fn view_has_property(root: &Value, schema: &Value, prop: &str) -> bool {
    crate::view::object_shape(root, schema, 0).0.iter().any(|(n, _)| *n == prop)
}
