//! Lowering of operations: selection by path prefix, parameters (path and query), JSON request
//! bodies, JSON and event-stream answers, grouped into client handles (`client.responses()`).

use super::schema::{doc_lines, resolve_ptr};
use super::{Lowerer, NameHint, Ty};
use crate::diag::Diagnostics;
use crate::ir::{Body, Group, Operation, Pagination, Param, PathPart, QueryParam, QueryStruct, StreamFlag};
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

fn deref_component<'a>(root: &'a Value, v: &'a Value) -> &'a Value {
    match v.get("$ref").and_then(Value::as_str).and_then(|r| resolve_ptr(root, r)) {
        Some(t) => t,
        None => v,
    }
}

pub(crate) fn lower_operations(lw: &mut Lowerer<'_>, ops: &[Selected<'_>], settings: &Settings) -> Vec<Group> {
    let mut groups: BTreeMap<String, (Scope, Vec<Operation>)> = BTreeMap::new();
    for sel in ops {
        let op = sel.node.as_object().expect("checked in select");
        let op_id = op.get("operationId").and_then(Value::as_str).map(str::to_owned).unwrap_or_else(|| {
            format!("{}{}", sel.method, naming::type_name(&sel.path))
        });
        let overrides = settings.operations.get(&op_id).cloned().unwrap_or_default();
        let group = overrides.group.clone().unwrap_or_else(|| {
            op.get("tags")
                .and_then(|t| t.get(0))
                .and_then(Value::as_str)
                .map(|t| naming::field_name(t))
                .unwrap_or_else(|| "default".into())
        });
        let group = naming::bare(&naming::field_name(&group)).to_owned();
        let (bare_path, fixed_query) = match sel.path.split_once('?') {
            Some((p, q)) => (p.to_owned(), Some(q.to_owned())),
            None => (sel.path.clone(), None),
        };
        let entry = groups.entry(group.clone()).or_insert_with(|| (Scope::with_reserved(["new", "client", "options", "with_options"]), Vec::new()));
        let base_method = overrides.method.clone().unwrap_or_else(|| naming::field_name(&op_id));
        let suffix = fixed_query.as_deref().map(|q| format!("_{}", naming::bare(&naming::field_name(q)))).unwrap_or_default();
        let method_name = entry.0.claim(&base_method, &suffix);
        for suffix in ["stream", "with_response", "pages", "request"] {
            entry.0.claim(&format!("{}_{suffix}", naming::bare(&method_name)), "");
        }
        let type_base = naming::type_name(&op_id);

        // Parameters: the path item's, then the operation's (which override by name and place).
        let mut params: Vec<(String, &Value)> = Vec::new();
        for (src, list) in [("item", sel.path_item.get("parameters")), ("op", op.get("parameters"))] {
            let Some(list) = list else { continue };
            let Some(list) = list.as_array() else {
                lw.diags.error(format!("{}/parameters", sel.pointer), "`parameters` must be an array");
                continue;
            };
            for (i, p) in list.iter().enumerate() {
                let base = if src == "op" { sel.pointer.clone() } else { sel.pointer.rsplit_once('/').map(|x| x.0.to_owned()).unwrap_or_default() };
                params.push((format!("{base}/parameters/{i}"), p));
            }
        }
        let mut path_params = Vec::new();
        let mut query_params = Vec::new();
        let mut param_scope = Scope::with_reserved(["body", "query", "self", "stream"]);
        let mut query_scope = Scope::new();
        let query_name = lw.names.claim(&format!("{}Query", naming::type_name(naming::bare(&method_name))), "Params");
        // Inline types of this operation (query enums, inline bodies and answers) get a module
        // named after the operation, not the last component lowered.
        lw.current = (type_base.clone(), naming::module_name(&format!("{type_base}Operation")), sel.pointer.clone());
        for (pptr, p) in params {
            let p = deref_component(lw.root, p);
            let Some(pm) = p.as_object() else {
                lw.diags.error(&pptr, "a parameter must be an object");
                continue;
            };
            let (Some(name), Some(place)) = (pm.get("name").and_then(Value::as_str), pm.get("in").and_then(Value::as_str)) else {
                lw.diags.error(&pptr, "a parameter needs a string `name` and `in`");
                continue;
            };
            let schema = pm.get("schema").cloned().unwrap_or(Value::Object(Map::new()));
            let doc = doc_lines(pm);
            match place {
                "path" => {
                    let ident = param_scope.claim(&naming::field_name(name), "_");
                    path_params.push(Param { name: ident, wire: name.to_owned(), ty: "&str".into(), doc });
                }
                "query" => {
                    let ctx = NameHint::Context(naming::nested_type_name(&query_name, name));
                    let lowered = lw.lower(&schema, &format!("{pptr}/schema"), ctx);
                    let required = pm.get("required").and_then(Value::as_bool).unwrap_or(false);
                    let (array, item) = match &lowered.ty {
                        Ty::List(inner) => (true, inner.as_ref().clone()),
                        other => (false, other.clone()),
                    };
                    let scalar = match &item {
                        Ty::String | Ty::I64 | Ty::F64 | Ty::Bool => true,
                        // Enums print their wire value; structs and maps do not print.
                        Ty::Named(n) => lw.drafts.get(n).is_some_and(|d| matches!(d.kind, super::DraftKind::Enum(_))),
                        _ => false,
                    };
                    if !scalar {
                        lw.diags.warning(&pptr, format!("query parameter `{name}` has a structured type; sent as its JSON text"));
                    }
                    let inner = lowered.ty.rust_qualified();
                    let ty = if required { inner } else { format!("Option<{inner}>") };
                    query_params.push(QueryParam {
                        name: query_scope.claim(&naming::field_name(name), "_"),
                        wire: name.to_owned(),
                        ty,
                        required,
                        array,
                        serde: !scalar,
                        doc,
                    });
                }
                _ => lw.diags.warning(&pptr, format!("{place} parameter `{name}` is not generated; set it through request options")),
            }
        }
        let mut path_parts = Vec::new();
        let mut rest = bare_path.as_str();
        while let Some(start) = rest.find('{') {
            let Some(len) = rest[start..].find('}') else { break };
            if start > 0 {
                path_parts.push(PathPart { literal: Some(rest[..start].to_owned()), param: None });
            }
            let wire = &rest[start + 1..start + len];
            match path_params.iter().find(|p| p.wire == wire) {
                Some(p) => path_parts.push(PathPart { literal: None, param: Some(p.name.clone()) }),
                None => {
                    lw.diags.warning(&sel.pointer, format!("path parameter `{wire}` is not declared; taken as a string"));
                    let ident = param_scope.claim(&naming::field_name(wire), "_");
                    path_params.push(Param { name: ident.clone(), wire: wire.to_owned(), ty: "&str".into(), doc: Vec::new() });
                    path_parts.push(PathPart { literal: None, param: Some(ident) });
                }
            }
            rest = &rest[start + len + 1..];
        }
        if !rest.is_empty() {
            path_parts.push(PathPart { literal: Some(rest.to_owned()), param: None });
        }
        // A path parameter the template does not use would be a dead argument.
        path_params.retain(|p| {
            let used = path_parts.iter().any(|part| part.param.as_deref() == Some(p.name.as_str()));
            if !used {
                lw.diags.warning(&sel.pointer, format!("path parameter `{}` does not occur in the path; left out", p.wire));
            }
            used
        });
        if let Some(q) = &fixed_query {
            for pair in q.split('&') {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                query_params.push(QueryParam {
                    name: String::new(),
                    wire: k.to_owned(),
                    ty: format!("={v}"),
                    required: true,
                    array: false,
                    serde: false,
                    doc: Vec::new(),
                });
            }
        }

        // Request body: JSON only; other media types are reported and left out.
        let mut body = None;
        let mut stream_flag = None;
        if let Some(rb) = op.get("requestBody") {
            let rb = deref_component(lw.root, rb);
            let required = rb.get("required").and_then(Value::as_bool).unwrap_or(false);
            let content = rb.get("content").and_then(Value::as_object);
            // JSON first; else a form or multipart body, typed the same way and encoded by `wire`.
            let chosen = content.and_then(|c| {
                c.iter()
                    .find(|(k, _)| is_json(k))
                    .or_else(|| c.iter().find(|(k, _)| *k == "multipart/form-data" || *k == "application/x-www-form-urlencoded"))
            });
            match chosen {
                Some((media, mt)) => {
                    let schema = mt.get("schema").cloned().unwrap_or(Value::Bool(true));
                    let sptr = format!("{}/requestBody/content/{}/schema", sel.pointer, oa_load::escape_token(media));
                    let ty = lw.lower(&schema, &sptr, NameHint::Context(format!("{type_base}Body"))).ty;
                    let encoding = if is_json(media) { "json" } else if media == "multipart/form-data" { "multipart" } else { "form" };
                    if encoding == "json" && view_has_property(lw.root, &schema, &settings.stream_flag) {
                        stream_flag = Some(StreamFlag { wire: settings.stream_flag.clone(), in_body: true });
                    }
                    let binary_fields = crate::view::located_properties(lw.root, &schema, "", 0)
                        .into_iter()
                        .filter(|(_, s, _)| is_binary(lw.root, s))
                        .map(|(n, _, _)| n.to_owned())
                        .collect();
                    body = Some(Body { ty: ty.rust_qualified(), required, encoding: encoding.into(), binary_fields });
                }
                None => {
                    lw.diags.warning(format!("{}/requestBody", sel.pointer), "operation skipped: no JSON, form or multipart request body");
                    continue;
                }
            }
        }
        if stream_flag.is_none() && query_params.iter().any(|q| q.wire == settings.stream_flag) {
            stream_flag = Some(StreamFlag { wire: settings.stream_flag.clone(), in_body: false });
        }

        // Answers: the first 2xx status with content decides.
        let mut json_response = None;
        let mut event_type = None;
        let responses = op.get("responses").and_then(Value::as_object);
        let mut success: Vec<(&String, &Value)> =
            responses.map(|r| r.iter().filter(|(k, _)| k.starts_with('2')).collect()).unwrap_or_default();
        success.sort_by(|a, b| a.0.cmp(b.0));
        if let Some((status, resp)) = success.first() {
            let resp = deref_component(lw.root, resp);
            if let Some(content) = resp.get("content").and_then(Value::as_object) {
                let base = format!("{}/responses/{}/content", sel.pointer, oa_load::escape_token(status));
                for (media, mt) in content {
                    let schema = mt.get("schema").cloned().unwrap_or(Value::Bool(true));
                    let sptr = format!("{base}/{}/schema", oa_load::escape_token(media));
                    if is_json(media) && json_response.is_none() {
                        let ty = lw.lower(&schema, &sptr, NameHint::Context(format!("{type_base}Response"))).ty;
                        json_response = Some(ty.rust_qualified());
                    } else if media == "text/event-stream" && event_type.is_none() {
                        let ty = lw.lower(&schema, &sptr, NameHint::Context(format!("{type_base}Event"))).ty;
                        event_type = Some(ty.rust_qualified());
                    }
                }
            }
        }
        // No JSON and no event stream: an empty or binary answer, handed over as bytes.
        let raw_response = json_response.is_none() && event_type.is_none();
        if event_type.is_none() || json_response.is_none() {
            stream_flag = stream_flag.filter(|_| event_type.is_some() && json_response.is_some());
        }
        let mut doc = Vec::new();
        for key in ["summary", "description"] {
            if let Some(s) = op.get(key).and_then(Value::as_str) {
                doc.extend(s.trim().lines().map(|l| l.trim_end().to_owned()));
                doc.push(String::new());
            }
        }
        let query = if query_params.iter().any(|q| !q.name.is_empty()) {
            let params: Vec<QueryParam> = query_params.iter().filter(|q| !q.name.is_empty()).cloned().collect();
            Some(QueryStruct { name: query_name, doc: vec![format!("Query parameters of `{}`.", naming::bare(&method_name))], params })
        } else {
            None
        };
        let pagination = detect_pagination(lw, json_response.as_deref(), query.as_ref());
        let fixed: Vec<QueryParam> = query_params.into_iter().filter(|q| q.name.is_empty()).collect();
        entry.1.push(Operation {
            id: op_id,
            method_name,
            http_method: sel.method.to_ascii_uppercase(),
            path: bare_path,
            path_parts,
            path_params,
            query,
            fixed_query: fixed.into_iter().map(|q| (q.wire, q.ty.trim_start_matches('=').to_owned())).collect(),
            body,
            json_response,
            raw_response,
            pagination,
            event_type,
            stream_flag,
            doc,
        });
    }
    groups
        .into_iter()
        .map(|(accessor, (_, operations))| Group { name: naming::type_name(&accessor), accessor, operations })
        .collect()
}

/// A list answer walked with `after`: the page has `data: [T]`, `has_more` and `last_id`.
fn detect_pagination(lw: &Lowerer<'_>, response: Option<&str>, query: Option<&QueryStruct>) -> Option<Pagination> {
    let after = query?.params.iter().find(|q| q.wire == "after" && !q.required && !q.array)?;
    let name = response?.strip_prefix("types::")?;
    let super::DraftKind::Struct { fields, .. } = &lw.drafts.get(name)?.kind else { return None };
    let field = |wire: &str| fields.iter().find(|f| f.wire == wire);
    let data = field("data")?;
    let Ty::List(item) = &data.ty else { return None };
    let has_more = field("has_more").filter(|f| f.ty == Ty::Bool)?;
    let last_id = field("last_id").filter(|f| f.ty == Ty::String)?;
    Some(Pagination {
        page: format!("types::{name}"),
        item: item.rust_qualified(),
        has_more_optional: !has_more.required || has_more.nullable,
        data_optional: !data.required || data.nullable,
        last_id_optional: !last_id.required || last_id.nullable,
        after: after.name.clone(),
    })
}

/// A file field: `format: binary` (or an array of them), as multipart bodies declare uploads.
fn is_binary(root: &Value, schema: &Value) -> bool {
    let m = crate::view::deref(root, schema);
    m.get("format").and_then(Value::as_str) == Some("binary")
        || m.get("items").is_some_and(|i| crate::view::deref(root, i).get("format").and_then(Value::as_str) == Some("binary"))
        || crate::view::union_branches(m.as_object().unwrap_or(&Map::new())).is_some_and(|(_, b)| b.iter().any(|(_, b)| is_binary(root, b)))
}

fn is_json(media: &str) -> bool {
    media == "application/json" || (media.starts_with("application/") && media.ends_with("+json"))
}

fn view_has_property(root: &Value, schema: &Value, prop: &str) -> bool {
    crate::view::object_shape(root, schema, 0).0.iter().any(|(n, _)| *n == prop)
}
