//! Lowering of an operation's parameters: path parameters and the path template, query and
//! header parameters with their encoding (scalar text, arrays, or OpenAPI's style table), and
//! the query pairs fixed by the path itself (`/responses?beta=true`).

use super::operation::Selected;
use super::schema::doc_lines;
use super::{DraftKind, Lowerer, NameHint, Ty};
use crate::ir::{ParamEncoding, ParamPlace, Param, PathPart, QueryParam};
use crate::naming::{self, Scope};
use serde_json::{Map, Value};

/// The parameters of one operation.
pub(crate) struct Params {
    pub path: Vec<Param>,
    pub path_parts: Vec<PathPart>,
    pub query: Vec<QueryParam>,
    pub fixed_query: Vec<(String, String)>,
}

/// The declared parameters: the path item's, then the operation's, as (pointer, node).
fn declared<'a>(lw: &mut Lowerer<'_>, sel: &Selected<'a>) -> Vec<(String, &'a Value)> {
    let mut out: Vec<(String, &Value)> = Vec::new();
    let item_ptr = sel.pointer.rsplit_once('/').map(|x| x.0.to_owned()).unwrap_or_default();
    let op = sel.node.as_object().expect("checked in select");
    for (base, list) in [(item_ptr, sel.path_item.get("parameters")), (sel.pointer.clone(), op.get("parameters"))] {
        let Some(list) = list else { continue };
        let Some(list) = list.as_array() else {
            lw.diags.error(format!("{base}/parameters"), "`parameters` must be an array");
            continue;
        };
        for (i, p) in list.iter().enumerate() {
            out.push((format!("{base}/parameters/{i}"), p));
        }
    }
    out
}

/// Lowers the parameters of `sel`; `locals` holds the names the method bodies use, which
/// parameters must not shadow; `params_name` names the context of inline parameter types.
pub(crate) fn lower(lw: &mut Lowerer<'_>, sel: &Selected<'_>, locals: &[&str], params_name: &str) -> Params {
    let (bare_path, fixed) = match sel.path.split_once('?') {
        Some((p, q)) => (p.to_owned(), Some(q.to_owned())),
        None => (sel.path.clone(), None),
    };
    let mut path = Vec::new();
    let mut query = Vec::new();
    let mut arg_scope = Scope::with_reserved(locals.iter().copied().chain(["self"]));
    let mut field_scope = Scope::new();
    for (pptr, p) in declared(lw, sel) {
        let p = super::operation::deref_component(lw.root, p);
        let Some(pm) = p.as_object() else {
            lw.diags.error(&pptr, "a parameter must be an object");
            continue;
        };
        let (Some(name), Some(place)) = (pm.get("name").and_then(Value::as_str), pm.get("in").and_then(Value::as_str)) else {
            lw.diags.error(&pptr, "a parameter needs a string `name` and `in`");
            continue;
        };
        // A later declaration (the operation's) overrides one of the path item.
        path.retain(|q: &Param| !(place == "path" && q.wire == name));
        query.retain(|q: &QueryParam| !(q.wire == name && place_matches(q.place, place)));
        let doc = doc_lines(pm);
        // The credential methods send it: a parameter would send it twice, or instead.
        if place == "header" && covered_by_a_scheme(lw, name) {
            continue;
        }
        match place {
            "path" => {
                let style = pm.get("style").and_then(Value::as_str).filter(|s| matches!(*s, "label" | "matrix"));
                let explode = pm.get("explode").and_then(Value::as_bool).unwrap_or(false);
                let style = style.map(|s| (s.to_owned(), explode));
                path.push(Param { name: arg_scope.claim(&naming::field_name(name), "_"), wire: name.to_owned(), style, doc })
            }
            "query" | "header" => {
                let schema = pm.get("schema").cloned().unwrap_or(Value::Object(Map::new()));
                let ctx = NameHint::Nested(params_name.to_owned(), name.to_owned());
                let ty = lw.lower(&schema, &format!("{pptr}/schema"), ctx).ty;
                let place = if place == "query" { ParamPlace::Query } else { ParamPlace::Header };
                let encoding = encoding(lw, pm, &ty, place, name);
                query.push(QueryParam {
                    name: field_scope.claim(&naming::field_name(name), "_"),
                    wire: name.to_owned(),
                    ty,
                    required: pm.get("required").and_then(Value::as_bool).unwrap_or(false),
                    place,
                    encoding,
                    doc,
                });
            }
            _ => lw.diags.warning(&pptr, format!("{place} parameter `{name}` is not generated; set it through request options")),
        }
    }
    let path_parts = path_parts(lw, sel, &bare_path, &mut path, &mut arg_scope);
    let fixed_query = fixed
        .map(|q| {
            q.split('&')
                .map(|pair| {
                    let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                    (k.to_owned(), v.to_owned())
                })
                .collect()
        })
        .unwrap_or_default();
    Params { path, path_parts, query, fixed_query }
}

/// A header that a security scheme of the document sends: `Authorization` for http, oauth2 and
/// openIdConnect schemes, or an apiKey scheme's own header.
fn covered_by_a_scheme(lw: &Lowerer<'_>, header: &str) -> bool {
    let Some(Value::Object(schemes)) = lw.root.pointer("/components/securitySchemes") else { return false };
    let extra = lw.settings.client.security.add.values();
    schemes.values().chain(extra).any(|s| {
        let s = super::operation::deref_component(lw.root, s);
        match s.get("type").and_then(Value::as_str) {
            Some("http" | "oauth2" | "openIdConnect") => header.eq_ignore_ascii_case("authorization"),
            Some("apiKey") => s.get("in").and_then(Value::as_str) == Some("header") && s.get("name").and_then(Value::as_str).is_some_and(|n| n.eq_ignore_ascii_case(header)),
            _ => false,
        }
    })
}

fn place_matches(p: ParamPlace, place: &str) -> bool {
    matches!((p, place), (ParamPlace::Query, "query") | (ParamPlace::Header, "header"))
}

/// Splits the path template into literal pieces and parameters; a parameter the template uses
/// but nobody declared is taken as a string, one declared but unused is left out.
fn path_parts(lw: &mut Lowerer<'_>, sel: &Selected<'_>, template: &str, params: &mut Vec<Param>, scope: &mut Scope) -> Vec<PathPart> {
    let mut parts = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else { break };
        if start > 0 {
            parts.push(PathPart { literal: Some(rest[..start].to_owned()), param: None, style: None });
        }
        let wire = &rest[start + 1..start + len];
        match params.iter().find(|p| p.wire == wire) {
            Some(p) => parts.push(PathPart {
                literal: None,
                param: Some(p.name.clone()),
                style: p.style.as_ref().map(|(s, e)| (p.wire.clone(), s.clone(), *e)),
            }),
            None => {
                lw.diags.warning(&sel.pointer, format!("path parameter `{wire}` is not declared; taken as a string"));
                let ident = scope.claim(&naming::field_name(wire), "_");
                params.push(Param { name: ident.clone(), wire: wire.to_owned(), style: None, doc: Vec::new() });
                parts.push(PathPart { literal: None, param: Some(ident), style: None });
            }
        }
        rest = &rest[start + len + 1..];
    }
    if !rest.is_empty() {
        parts.push(PathPart { literal: Some(rest.to_owned()), param: None, style: None });
    }
    params.retain(|p| {
        let used = parts.iter().any(|part| part.param.as_deref() == Some(p.name.as_str()));
        if !used {
            lw.diags.warning(&sel.pointer, format!("path parameter `{}` does not occur in the path; left out", p.wire));
        }
        used
    });
    parts
}

/// How a parameter of type `ty` is written: scalars (through aliases and string unions) as
/// their text, arrays of scalars one pair per value, anything else by its `style`.
fn encoding(lw: &Lowerer<'_>, pm: &Map<String, Value>, ty: &Ty, place: ParamPlace, wire: &str) -> ParamEncoding {
    let default_style = if place == ParamPlace::Query { "form" } else { "simple" };
    let style = pm.get("style").and_then(Value::as_str).unwrap_or(default_style).to_owned();
    let explode = pm.get("explode").and_then(Value::as_bool).unwrap_or(style == "form");
    let styled = ParamEncoding::Styled { style: style.clone(), explode };
    if is_scalar(lw, ty, 0) {
        return ParamEncoding::Scalar { copy: matches!(resolved(lw, ty, 0), Ty::I64 | Ty::F64 | Ty::Bool) };
    }
    match resolved(lw, ty, 0) {
        Ty::List(item) if is_scalar(lw, &item, 0) && place == ParamPlace::Query && style == "form" && explode => {
            ParamEncoding::Array { brackets: lw.settings.array_query_brackets.iter().any(|b| b == wire) }
        }
        _ => styled,
    }
}

/// `ty` with aliases expanded (to a bounded depth: alias cycles are reported elsewhere).
fn resolved(lw: &Lowerer<'_>, ty: &Ty, depth: usize) -> Ty {
    match ty {
        Ty::Named(n) if depth < 16 => match lw.drafts.get(n).map(|d| &d.kind) {
            Some(DraftKind::Alias(inner)) => resolved(lw, inner, depth + 1),
            _ => ty.clone(),
        },
        other => other.clone(),
    }
}

/// Strings, numbers, booleans, string enums, and aliases of them: written as their text.
fn is_scalar(lw: &Lowerer<'_>, ty: &Ty, depth: usize) -> bool {
    match resolved(lw, ty, depth) {
        Ty::String | Ty::I64 | Ty::F64 | Ty::Bool => true,
        Ty::Named(n) => lw.drafts.get(&n).is_some_and(|d| matches!(d.kind, DraftKind::Enum(_))),
        _ => false,
    }
}
