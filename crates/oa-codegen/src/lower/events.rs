//! The event types of streaming operations: what `runtime::StreamEvent` reads from each (the
//! tag method, the `sequence_number` accessor, and where a variant carries `response.id`).

use crate::ir::{Group, Kind, Scalar, StreamEventImpl, Ty, TypeDef};
use std::collections::BTreeMap;

/// One implementation per named type that some operation streams (aliases followed); events
/// decoded as `serde_json::Value` use the runtime's own implementation.
pub(crate) fn stream_events(types: &[TypeDef], groups: &[Group]) -> Vec<StreamEventImpl> {
    let by_name: BTreeMap<&str, &TypeDef> = types.iter().map(|t| (t.name.as_str(), t)).collect();
    let mut out: BTreeMap<String, StreamEventImpl> = BTreeMap::new();
    for ty in groups.iter().flat_map(|g| &g.operations).filter_map(|op| op.event_type.as_ref()) {
        let Some(t) = resolve(&by_name, ty) else { continue };
        let imp = match &t.kind {
            Kind::Union(u) => StreamEventImpl {
                ty: t.name.clone(),
                tag_method: u.tag_method.clone(),
                sequence: u.accessors.iter().find(|a| a.wire == "sequence_number" && a.scalar == Scalar::I64).map(|a| a.name.clone()),
                response_ids: u
                    .variants
                    .iter()
                    .filter_map(|v| response_id_field(&by_name, &v.payload).map(|(r, id)| (v.name.clone(), r, id)))
                    .collect(),
            },
            Kind::Struct(_) => StreamEventImpl { ty: t.name.clone(), tag_method: None, sequence: None, response_ids: Vec::new() },
            _ => continue,
        };
        out.insert(imp.ty.clone(), imp);
    }
    out.into_values().collect()
}

/// The named union or struct `ty` stands for, through aliases.
fn resolve<'t>(by_name: &BTreeMap<&str, &'t TypeDef>, ty: &Ty) -> Option<&'t TypeDef> {
    let mut t = *by_name.get(ty.by_value_name()?)?;
    for _ in 0..16 {
        match &t.kind {
            Kind::Alias { target } => t = by_name.get(target.by_value_name()?)?,
            _ => return Some(t),
        }
    }
    None
}

/// (field of the payload holding the response, its `id` field) when the payload is a struct
/// with a `response` object that has a string `id`.
fn response_id_field(by_name: &BTreeMap<&str, &TypeDef>, payload: &Ty) -> Option<(String, String)> {
    let Kind::Struct(s) = &resolve(by_name, payload)?.kind else { return None };
    let response = s.fields.iter().find(|f| f.wire == "response")?;
    let Kind::Struct(r) = &resolve(by_name, &response.ty)?.kind else { return None };
    let id = r.fields.iter().find(|f| f.wire == "id" && f.ty == Ty::String)?;
    Some((response.name.clone(), id.name.clone()))
}
