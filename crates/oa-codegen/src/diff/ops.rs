//! Operation-level part of the API diff: operations keyed by `METHOD /path`, their method
//! names, path and query parameters, body, answer and stream event type.

use super::{renamed, Change, ChangeKind as K, Renames};
use crate::ir::{Group, Ir, Operation, QueryParam, QueryStruct};
use std::collections::BTreeMap;

fn key(op: &Operation) -> String {
    format!("{} {}", op.http_method.to_uppercase(), op.path)
}

fn index(ir: &Ir) -> BTreeMap<String, (&Group, &Operation)> {
    ir.groups.iter().flat_map(|g| g.operations.iter().map(move |op| (key(op), (g, op)))).collect()
}

/// What the plain method returns.
fn answer(op: &Operation, renames: Option<&Renames>) -> String {
    match (&op.json_response, op.raw_response) {
        (Some(t), _) => renames.map_or_else(|| t.api(), |r| renamed(&t.api(), r)),
        (None, true) => "raw bytes".into(),
        (None, false) => "none".into(),
    }
}

pub(crate) fn diff_operations(old: &Ir, new: &Ir, renames: &Renames) -> Vec<Change> {
    let olds = index(old);
    let news = index(new);
    let mut out = Vec::new();
    for (k, (g, op)) in &olds {
        match news.get(k) {
            None => {
                out.push(Change::new(K::OperationRemoved, true, format!("{}::{}", g.name, op.names.plain.as_deref().unwrap_or_default()), k.as_str()))
            }
            Some((h, new_op)) => compare(k, (g, op), (h, new_op), renames, &mut out),
        }
    }
    for (k, (g, op)) in &news {
        if !olds.contains_key(k) {
            out.push(Change::new(K::OperationAdded, false, format!("{}::{}", g.name, op.names.plain.as_deref().unwrap_or_default()), k.as_str()));
        }
    }
    out
}

fn compare(
    k: &str,
    (g, a): (&Group, &Operation),
    (h, b): (&Group, &Operation),
    renames: &Renames,
    out: &mut Vec<Change>,
) {
    let old_path = format!("{}::{}", g.name, a.names.plain.as_deref().unwrap_or_default());
    let path = format!("{}::{}", h.name, b.names.plain.as_deref().unwrap_or_default());
    if old_path != path || g.accessor != h.accessor {
        out.push(Change::new(K::MethodRenamed, true, &path, k).between(old_path, path.as_str()));
    }
    let params = |op: &Operation, r: Option<&Renames>| {
        op.path_params
            .iter()
            .map(|p| { let _ = r; format!("{}: &str", p.name) })
            .collect::<Vec<_>>()
            .join(", ")
    };
    if params(a, Some(renames)) != params(b, None) {
        out.push(Change::new(K::PathParamsChanged, true, &path, k).between(params(a, Some(renames)), params(b, None)));
    }
    query(k, &path, a.query.as_ref(), b.query.as_ref(), renames, out);
    match (&a.body, &b.body) {
        (None, None) => {}
        (None, Some(y)) => out.push(Change::new(K::BodyAdded, true, &path, k).after(y.ty.api())),
        (Some(x), None) => out.push(Change::new(K::BodyRemoved, true, &path, k).before(renamed(&x.ty.api(), renames))),
        (Some(x), Some(y)) => {
            let old_ty = renamed(&x.ty.api(), renames);
            if old_ty != y.ty.api() {
                out.push(Change::new(K::BodyChanged, true, &path, k).between(old_ty, y.ty.api()));
            }
            if x.required != y.required {
                let show = |r: bool| if r { "required" } else { "optional" };
                out.push(
                    Change::new(K::BodyRequiredChanged, false, &path, k).between(show(x.required), show(y.required)),
                );
            }
        }
    }
    if answer(a, Some(renames)) != answer(b, None) {
        out.push(Change::new(K::ResponseChanged, true, &path, k).between(answer(a, Some(renames)), answer(b, None)));
    }
    match (&a.event_type, &b.event_type) {
        (None, None) => {}
        (None, Some(y)) => out.push(Change::new(K::EventTypeAdded, false, &path, k).after(y.to_string())),
        (Some(x), None) => out.push(Change::new(K::EventTypeRemoved, true, &path, k).before(renamed(&x.to_string(), renames))),
        (Some(x), Some(y)) => {
            let old_ty = renamed(&x.to_string(), renames);
            if old_ty != y.to_string() {
                out.push(Change::new(K::EventTypeChanged, true, &path, k).between(old_ty, y.to_string()));
            }
        }
    }
}

fn query(
    k: &str,
    path: &str,
    a: Option<&QueryStruct>,
    b: Option<&QueryStruct>,
    renames: &Renames,
    out: &mut Vec<Change>,
) {
    let (a, b) = match (a, b) {
        (None, None) => return,
        (None, Some(b)) => {
            let names: Vec<&str> = b.params.iter().map(|p| p.wire.as_str()).collect();
            out.push(Change::new(K::QueryStructAdded, true, &b.name, k).after(names.join(", ")));
            return;
        }
        (Some(a), None) => {
            out.push(Change::new(K::QueryStructRemoved, true, path, k).before(a.name.as_str()));
            return;
        }
        (Some(a), Some(b)) => (a, b),
    };
    if a.name != b.name {
        out.push(Change::new(K::QueryStructRenamed, true, &b.name, k).between(a.name.as_str(), b.name.as_str()));
    }
    let show = |p: &QueryParam, r: Option<&Renames>| {
        let ty = r.map_or_else(|| p.ty.to_string(), |r| renamed(&p.ty.to_string(), r));
        format!("{}: {} ({})", p.name, ty, if p.required { "required" } else { "optional" })
    };
    let olds: BTreeMap<&str, &QueryParam> = a.params.iter().map(|p| (p.wire.as_str(), p)).collect();
    let news: BTreeMap<&str, &QueryParam> = b.params.iter().map(|p| (p.wire.as_str(), p)).collect();
    for (wire, p) in &olds {
        match news.get(wire) {
            None => out.push(
                Change::new(K::QueryParamRemoved, true, format!("{}::{}", a.name, p.name), *wire)
                    .before(show(p, Some(renames))),
            ),
            Some(q) => {
                let (before, after) = (show(p, Some(renames)), show(q, None));
                if before != after {
                    let breaking = p.name != q.name || renamed(&p.ty.to_string(), renames) != q.ty.to_string() || (q.required && !p.required);
                    out.push(
                        Change::new(K::QueryParamChanged, breaking, format!("{}::{}", b.name, q.name), *wire)
                            .between(before, after),
                    );
                }
            }
        }
    }
    for (wire, q) in &news {
        if !olds.contains_key(wire) {
            out.push(
                Change::new(K::QueryParamAdded, q.required, format!("{}::{}", b.name, q.name), *wire)
                    .after(show(q, None)),
            );
        }
    }
}
