//! Lowering of what the runtime is told about the API: the default server, the security schemes
//! (one builder method each) and each operation's requirement and error message, plus the
//! vendor conventions the settings add (`client:`). Nothing here is OpenAI's unless the
//! settings say so.

use super::operation::{deref_component, Selected};
use crate::diag::Diagnostics;
use crate::ir::{ClientIr, Group, HeaderMethod, ResponseHeaderMethod, SchemeIr, Server};
use crate::naming::{self, Scope};
use crate::settings::Settings;
use serde_json::{Map, Value};

/// The client part of the IR; fills in each operation's `security` and `error_message`.
pub(crate) fn lower_client(root: &Value, settings: &Settings, selected: &[Selected<'_>], groups: &mut [Group], diags: &mut Diagnostics) -> ClientIr {
    let cs = &settings.client;
    let mut builder = Scope::with_reserved(crate::runtime_files::BUILDER_METHODS.iter().copied());
    let schemes = lower_schemes(root, settings, &mut builder, diags);
    let headers: Vec<HeaderMethod> = cs
        .headers
        .iter()
        .map(|(method, h)| HeaderMethod {
            method: builder.claim(&naming::field_name(method), "_header"),
            header: h.header.clone(),
            doc: h.doc.clone().unwrap_or_else(|| format!("Sends `{}` on every request.", h.header)),
        })
        .collect();
    let response_headers = cs
        .response_headers
        .iter()
        .map(|(method, h)| ResponseHeaderMethod {
            method: naming::field_name(method),
            header: h.header.clone(),
            number: h.ty.as_deref() == Some("u64"),
            doc: h.doc.clone().unwrap_or_else(|| format!("The `{}` response header.", h.header)),
        })
        .collect();
    let known_methods: Vec<&str> = schemes.iter().filter(|s| s.kind != "basic").map(|s| s.method.as_str()).chain(headers.iter().map(|h| h.method.as_str())).chain(["base_url"]).collect();
    let mut env: Vec<(String, String, bool)> = Vec::new();
    for (method, var) in &cs.env {
        if !known_methods.contains(&method.as_str()) {
            diags.error("", format!("settings: `client.env` names `{method}`, which is no builder method taking one string (known: {})", known_methods.join(", ")));
            continue;
        }
        env.push((method.clone(), var.var().to_owned(), var.required()));
    }
    env.sort_by_key(|(_, _, required)| !required);
    let global = requirement(root.get("security"), "/security", diags).or_else(|| {
        cs.security.require.as_ref().map(|r| r.iter().map(|alt| alt.keys().cloned().collect()).collect())
    });
    let any_requirement = global.is_some() || selected.iter().any(|s| s.node.get("security").is_some());
    // Each operation's own node, by method and path (the first of a path with and without a
    // query string), looked up once per operation rather than searched.
    let mut by_route: std::collections::HashMap<(String, &str), &Selected<'_>> = std::collections::HashMap::new();
    for s in selected {
        by_route.entry((s.method.to_ascii_uppercase(), s.path.split('?').next().unwrap_or_default())).or_insert(s);
    }
    for op in groups.iter_mut().flat_map(|g| g.operations.iter_mut()) {
        let Some(sel) = by_route.get(&(op.http_method.clone(), op.path.as_str())).copied() else { continue };
        let own = requirement(sel.node.get("security"), &format!("{}/security", sel.pointer), diags);
        // Nothing stated for it while others state one: it needs none. Nothing stated anywhere
        // (Kubernetes): every configured credential.
        op.security = match own.or_else(|| global.clone()) {
            Some(r) => Some(r),
            None if any_requirement => Some(Vec::new()),
            None => None,
        };
        op.error_message = error_message(root, sel.node).or_else(|| cs.error_message.clone());
    }
    let (base_url, servers) = lower_servers(root, diags);
    ClientIr {
        base_url,
        servers,
        user_agent: format!("{}/{}", cs.user_agent.as_deref().unwrap_or(&settings.crate_name), settings.crate_version),
        schemes,
        request_id_headers: cs.request_id_headers.clone().unwrap_or_else(|| vec!["x-request-id".to_owned()]),
        retry_count_header: cs.retry_count_header.clone(),
        should_retry_header: cs.should_retry_header.clone(),
        idempotency_header: cs.idempotency_header.clone(),
        resume: cs.resume.as_ref().map(|r| (r.path.clone(), r.stream_query.0.clone(), r.stream_query.1.clone(), r.cursor.clone())),
        headers,
        response_headers,
        env,
    }
}

/// `components.securitySchemes` and the settings' additions, each with its builder method.
fn lower_schemes(root: &Value, settings: &Settings, builder: &mut Scope, diags: &mut Diagnostics) -> Vec<SchemeIr> {
    let sec = &settings.client.security;
    let mut entries: Vec<(String, String, &Value)> = Vec::new();
    if let Some(Value::Object(m)) = root.pointer("/components/securitySchemes") {
        for (k, v) in m {
            entries.push((k.clone(), format!("/components/securitySchemes/{}", oa_load::escape_token(k)), deref_component(root, v)));
        }
    }
    for (k, v) in &sec.add {
        if !entries.iter().any(|(key, ..)| key == k) {
            entries.push((k.clone(), String::new(), v));
        }
    }
    for k in sec.schemes.keys() {
        if !entries.iter().any(|(key, ..)| key == k) {
            diags.error("/components/securitySchemes", format!("settings: `client.security.schemes` names `{k}`, which the document does not declare"));
        }
    }
    let mut out = Vec::new();
    for (key, at, v) in entries {
        let Some((kind, place, param)) = scheme_kind(v, &at, diags) else { continue };
        let own = sec.schemes.get(&key).cloned().unwrap_or_default();
        let wanted = own.method.clone().unwrap_or_else(|| naming::credential_method_name(&key));
        let method = builder.claim(&wanted, "_credential");
        let provider_method = (kind == "bearer").then(|| builder.claim(&format!("{method}_provider"), "_credential"));
        let alternative = match (own.alternative_header, own.alternative_method) {
            (Some(h), Some(m)) => Some((h, builder.claim(&m, "_credential"))),
            (Some(h), None) => Some((h, builder.claim(&format!("{method}_in_alternative_header"), "_credential"))),
            _ => None,
        };
        let description = v.get("description").and_then(Value::as_str).unwrap_or_default();
        let mut doc = vec![format!("The credential of the `{key}` security scheme ({}).", match (kind, place.as_deref()) {
            ("basic", _) => "HTTP basic: a user name and a password".to_owned(),
            ("bearer", _) => "sent as `Authorization: Bearer <token>`".to_owned(),
            (_, Some(p)) => format!("an API key in the {p} `{}`, sent as given", param.as_deref().unwrap_or_default()),
            _ => String::new(),
        })];
        doc.extend(description.lines().filter(|l| !l.trim().is_empty()).take(3).map(str::to_owned));
        out.push(SchemeIr { key, kind: kind.to_owned(), place, param, method, provider_method, alternative, doc });
    }
    out
}

/// (`api_key`/`basic`/`bearer`, key place, key name), or `None` with a warning for a scheme the
/// runtime cannot send (HTTP digest, mutual TLS).
fn scheme_kind(v: &Value, at: &str, diags: &mut Diagnostics) -> Option<(&'static str, Option<String>, Option<String>)> {
    let ty = v.get("type").and_then(Value::as_str).unwrap_or_default();
    match ty {
        "apiKey" => {
            let place = v.get("in").and_then(Value::as_str).unwrap_or_default();
            let name = v.get("name").and_then(Value::as_str).unwrap_or_default();
            if !matches!(place, "header" | "query" | "cookie") || name.is_empty() {
                diags.warning(at, "an apiKey scheme needs `in` (header, query or cookie) and `name`; no method is generated for it");
                return None;
            }
            Some(("api_key", Some(place.to_owned()), Some(name.to_owned())))
        }
        "http" => match v.get("scheme").and_then(Value::as_str).map(str::to_ascii_lowercase).as_deref() {
            Some("basic") => Some(("basic", None, None)),
            Some("bearer") => Some(("bearer", None, None)),
            other => {
                diags.warning(at, format!("the HTTP scheme `{}` is not supported; no method is generated for it", other.unwrap_or("")));
                None
            }
        },
        "oauth2" | "openIdConnect" => Some(("bearer", None, None)),
        other => {
            diags.warning(at, format!("the security scheme type `{other}` is not supported; no method is generated for it"));
            None
        }
    }
}

/// A security requirement: its alternatives, each the scheme keys it names.
fn requirement(v: Option<&Value>, at: &str, diags: &mut Diagnostics) -> Option<Vec<Vec<String>>> {
    let v = v?;
    let Some(alternatives) = v.as_array() else {
        diags.warning(at, "`security` must be an array of requirement objects; ignored");
        return None;
    };
    Some(alternatives.iter().map(|alt| alt.as_object().map(|m| m.keys().cloned().collect()).unwrap_or_default()).collect())
}

/// Where the declared error body holds its message: the first 4xx, 5xx or default JSON answer
/// whose schema has a string `message` at the top or one level down (`/error/message`).
fn error_message(root: &Value, op: &Value) -> Option<String> {
    let responses = op.get("responses")?.as_object()?;
    let errors = responses.iter().filter(|(code, _)| code.starts_with('4') || code.starts_with('5') || *code == "default");
    for (_, resp) in errors {
        let resp = deref_component(root, resp);
        let Some(Value::Object(content)) = resp.get("content") else { continue };
        let Some(schema) = content.iter().find(|(media, _)| media.contains("json")).and_then(|(_, m)| m.get("schema")) else { continue };
        let props = |s: &Value| -> Option<Map<String, Value>> { deref_component(root, s).get("properties")?.as_object().cloned() };
        let Some(top) = props(schema) else { continue };
        let is_text = |s: &Value| deref_component(root, s).get("type").and_then(Value::as_str) == Some("string");
        if top.get("message").is_some_and(is_text) {
            return Some("/message".to_owned());
        }
        for (name, sub) in &top {
            if props(sub).and_then(|p| p.get("message").cloned()).is_some_and(|m| is_text(&m)) {
                return Some(format!("/{}/message", oa_load::escape_token(name)));
            }
        }
    }
    None
}

/// The default base URL (the first server, its variables at their defaults) and every server.
fn lower_servers(root: &Value, diags: &mut Diagnostics) -> (Option<String>, Vec<Server>) {
    let Some(Value::Array(list)) = root.get("servers") else {
        diags.warning("/servers", "the document names no server: the client has no default base URL and needs `base_url(..)`");
        return (None, Vec::new());
    };
    let mut servers = Vec::new();
    let mut base = None;
    for (i, s) in list.iter().enumerate() {
        let at = format!("/servers/{i}");
        let Some(url) = s.get("url").and_then(Value::as_str) else { continue };
        let resolved = substitute(url, s.get("variables"));
        let doc = s.get("description").and_then(Value::as_str).unwrap_or_default().lines().next().unwrap_or_default().to_owned();
        match resolved {
            Ok(u) if u.starts_with("https://") || u.starts_with("http://") => {
                if i == 0 {
                    base = Some(u.trim_end_matches('/').to_owned());
                }
                servers.push(Server { url: u, doc });
            }
            Ok(u) => {
                if i == 0 {
                    diags.warning(format!("{at}/url"), format!("the first server `{u}` is relative: the client has no default base URL and needs `base_url(..)`"));
                }
            }
            Err(var) => diags.warning(format!("{at}/url"), format!("the server URL uses the variable `{var}`, which `variables` does not define; it is left out")),
        }
    }
    (base, servers)
}

/// `url` with each `{name}` replaced by its variable's default; `Err(name)` for an undefined one.
fn substitute(url: &str, vars: Option<&Value>) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = url;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else { break };
        let name = &rest[open + 1..open + close];
        let default = vars.and_then(|v| v.get(name)).and_then(|v| v.get("default")).and_then(Value::as_str).ok_or_else(|| name.to_owned())?;
        out.push_str(default);
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn servers_resolve_variables_and_refuse_relative_or_undefined() {
        let mut d = Diagnostics::default();
        let root = json!({"servers": [{"url": "https://{region}.example.com/{v}", "variables": {"region": {"default": "eu"}, "v": {"default": "v2"}}}, {"url": "/relative"}]});
        let (base, servers) = lower_servers(&root, &mut d);
        assert_eq!(base.as_deref(), Some("https://eu.example.com/v2"));
        assert_eq!(servers.len(), 1);
        let (base, _) = lower_servers(&json!({"servers": [{"url": "https://{x}.example.com"}]}), &mut d);
        assert_eq!(base, None);
        let (base, _) = lower_servers(&json!({"servers": [{"url": "/api"}]}), &mut d);
        assert_eq!(base, None);
        assert_eq!(d.warnings().count(), 2);
    }

    #[test]
    fn the_error_message_is_found_at_the_top_or_one_level_down() {
        let root = json!({"components": {"schemas": {"E": {"properties": {"error": {"properties": {"message": {"type": "string"}}}}}}}});
        let op = json!({"responses": {"default": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/E"}}}}}});
        assert_eq!(error_message(&root, &op).as_deref(), Some("/error/message"));
        let op = json!({"responses": {"404": {"content": {"application/json": {"schema": {"properties": {"message": {"type": "string"}}}}}}}});
        assert_eq!(error_message(&root, &op).as_deref(), Some("/message"));
    }
}
