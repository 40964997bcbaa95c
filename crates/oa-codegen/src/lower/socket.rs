//! WebSocket mode (settings key `websocket`): binds a socket to a group. Finds, in the lowered
//! types, the client event variant that starts a result, the server event union with its tag
//! and lane accessors, and the field of each ending event that holds the result.

use crate::diag::Diagnostics;
use crate::ir::{Group, Kind, SocketApi, Ty, TypeDef, UnionDef};
use crate::settings::WebSocketSettings;
use std::collections::BTreeMap;

/// Attaches the socket the settings describe to its group; every mismatch is a located error.
pub(crate) fn attach(ws: &WebSocketSettings, name: String, components: &BTreeMap<String, String>, types: &[TypeDef], groups: &mut [Group], diags: &mut Diagnostics) {
    let at = "/websocket";
    let by_name: BTreeMap<&str, &TypeDef> = types.iter().map(|t| (t.name.as_str(), t)).collect();
    let component = |schema: &str| components.get(&format!("#/components/schemas/{}", oa_load::escape_token(schema))).cloned();
    let (Some(client_name), Some(server_name)) = (component(&ws.client_event), component(&ws.server_event)) else {
        diags.error(at, "websocket: `client_event` and `server_event` must name component schemas of the document");
        return;
    };
    let Some(group) = groups.iter_mut().find(|g| g.accessor.as_deref() == Some(ws.group.as_str())) else {
        diags.error(at, format!("websocket: no group `{}` among the selected operations", ws.group));
        return;
    };
    if group.operations.iter().any(|op| [&op.names.plain, &op.names.with].iter().any(|n| matches!(n.as_deref(), Some("connect" | "connect_with")))) {
        diags.error(at, format!("websocket: the group `{}` already has a method `connect`", ws.group));
        return;
    }
    let Some(op) = group.operations.iter().find(|op| op.id == ws.create.operation) else {
        diags.error(at, format!("websocket: no operation `{}` in the group `{}`", ws.create.operation, ws.group));
        return;
    };
    let (Some(body), Some(result)) = (op.body.as_ref().map(|b| b.ty.clone()), op.json_response.clone()) else {
        diags.error(at, format!("websocket: `{}` needs a JSON body and a JSON answer", ws.create.operation));
        return;
    };
    // The client event: a union with a variant tagged `create.event`, or that one struct itself.
    let client = resolve(&by_name, &client_name);
    let (create_payload, create_variant) = match client {
        Some(TypeDef { kind: Kind::Union(u), .. }) => match u.variants.iter().find(|v| v.tags.contains(&ws.create.event)) {
            Some(v) => (v.payload.clone(), Some(v.name.clone())),
            None => {
                diags.error(at, format!("websocket: no variant of `{}` is tagged `{}`", ws.client_event, ws.create.event));
                return;
            }
        },
        Some(t @ TypeDef { kind: Kind::Struct(_), .. }) => (Ty::Named(t.name.clone()), None),
        _ => {
            diags.error(at, format!("websocket: `{}` is neither a union nor an object", ws.client_event));
            return;
        }
    };
    let Some(Kind::Struct(payload)) = create_payload.by_value_name().and_then(|n| resolve(&by_name, n)).map(|t| &t.kind) else {
        diags.error(at, "websocket: the create event is not an object");
        return;
    };
    let create_prefix = match &payload.tag {
        Some(tag) => format!("{{{}:{}", serde_json::Value::from(tag.field.as_str()), serde_json::Value::from(tag.value.as_str())),
        None => "{".to_owned(),
    };
    let field = |wire: &str| payload.fields.iter().find(|f| f.wire == wire).map(|f| f.name.clone());
    let Some(TypeDef { kind: Kind::Union(server), .. }) = resolve(&by_name, &server_name) else {
        diags.error(at, format!("websocket: `{}` is not a union", ws.server_event));
        return;
    };
    let Some(tag_method) = server.tag_method.clone() else {
        diags.error(at, format!("websocket: `{}` has no tag", ws.server_event));
        return;
    };
    let lane_method = ws.lane.as_ref().and_then(|lane| server.accessors.iter().find(|a| &a.wire == lane).map(|a| a.name.clone()));
    if ws.lane.is_some() && lane_method.is_none() {
        diags.error(at, "websocket: the lane is not a string field of every server event");
        return;
    }
    let results = result_fields(server, &by_name, &ws.create.ends, &ws.create.errors, &ws.create.result);
    let socket = SocketApi {
        name,
        path: ws.path.clone(),
        security: op.security.clone(),
        error_message: op.error_message.clone(),
        client_event: Ty::Named(client_name),
        create_payload,
        create_variant,
        create_prefix,
        body,
        result,
        server_event: Ty::Named(server_name),
        tag_method,
        lane_method,
        lane_field: ws.lane.as_deref().and_then(field),
        ends: ws.create.ends.clone(),
        errors: ws.create.errors.clone(),
        results,
        omit: ws.create.omit.iter().filter_map(|w| field(w)).collect(),
        refuse: ws.create.refuse.iter().filter_map(|w| field(w).map(|r| (r, w.clone()))).collect(),
    };
    group.socket = Some(socket);
}

/// (variant, Rust field) for each non-error ending variant whose payload has the result field.
fn result_fields(server: &UnionDef, by_name: &BTreeMap<&str, &TypeDef>, ends: &[String], errors: &[String], result: &str) -> Vec<(String, String)> {
    server
        .variants
        .iter()
        .filter(|v| v.tags.iter().any(|t| ends.contains(t) && !errors.contains(t)))
        .filter_map(|v| {
            let Kind::Struct(s) = &resolve(by_name, v.payload.by_value_name()?)?.kind else { return None };
            Some((v.name.clone(), s.fields.iter().find(|f| f.wire == result)?.name.clone()))
        })
        .collect()
}

/// The type `name` stands for, through aliases.
fn resolve<'t>(by_name: &BTreeMap<&str, &'t TypeDef>, name: &str) -> Option<&'t TypeDef> {
    let mut t = *by_name.get(name)?;
    for _ in 0..16 {
        match &t.kind {
            Kind::Alias { target } => t = by_name.get(target.by_value_name()?)?,
            _ => return Some(t),
        }
    }
    None
}
