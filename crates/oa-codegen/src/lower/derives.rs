//! The `derives` setting: extra derives on generated types. A derive asked for a schema reaches
//! every type the schema holds (a `Hash` struct needs `Hash` fields); `"*"` asks it of every
//! type. Structs and unions get them (open enums already compare and hash by wire value through
//! `open_enum!`, aliases are their targets). A type cannot have `Eq` or `Hash` where it holds an
//! `f64`, nor `Hash` where a field holds a `serde_json::Value` (a union's catch-all arm is
//! hashed by hand, by its JSON, so it does not count); whatever holds such a type cannot either.
//! `"*"` skips those types with a warning; a schema named explicitly that cannot have its derive
//! is an error with the reason. Runs before merging, which keeps types with different derives
//! apart.

use super::{Draft, DraftKind, Ty};
use crate::diag::Diagnostics;
use crate::settings::{Derive, Settings};
use std::collections::{BTreeMap, BTreeSet};

const ALL: [Derive; 2] = [Derive::Eq, Derive::Hash];

/// Sets `Draft::derives` from the settings. `components`: component pointer -> type name.
pub(crate) fn assign(drafts: &mut BTreeMap<String, Draft>, components: &BTreeMap<String, String>, settings: &Settings, diags: &mut Diagnostics) {
    if settings.derives.is_empty() {
        return;
    }
    let cannot = reasons(drafts);
    let mut wanted: BTreeMap<String, BTreeSet<Derive>> = BTreeMap::new();
    for (schema, asked) in &settings.derives {
        if schema == "*" {
            for d in drafts.values().filter(|d| takes_derives(&d.kind)) {
                for derive in asked {
                    match cannot.get(&(d.name.clone(), *derive)) {
                        Some(why) => diags.warning(
                            d.origin.clone(),
                            format!("settings: `derives: \"*\"` skips `{}` for `{}`: {why}", derive.as_str(), d.name),
                        ),
                        None => {
                            wanted.entry(d.name.clone()).or_default().insert(*derive);
                        }
                    }
                }
            }
            continue;
        }
        let ptr = format!("#/components/schemas/{}", oa_load::escape_token(schema));
        let Some(name) = components.get(&ptr) else {
            let why = if settings.replace.contains_key(schema) { "is replaced by the project's type (derive it there)" } else { "the document does not declare (or the selection does not reach)" };
            diags.error("/components/schemas", format!("settings: `derives` names the schema `{schema}`, which {why}"));
            continue;
        };
        for derive in asked {
            if let Some(why) = cannot.get(&(name.clone(), *derive)) {
                let origin = drafts.get(name).map(|d| d.origin.clone()).unwrap_or_else(|| ptr[1..].to_owned());
                diags.error(origin, format!("settings: `derives` asks `{}` for `{schema}`, which cannot have it: {why}", derive.as_str()));
                continue;
            }
            for reached in reach(drafts, name) {
                wanted.entry(reached).or_default().insert(*derive);
            }
        }
    }
    for (name, derives) in wanted {
        if let Some(d) = drafts.get_mut(&name).filter(|d| takes_derives(&d.kind)) {
            d.derives = derives.iter().map(|d| d.as_str().to_owned()).collect();
        }
    }
}

/// Structs and unions are emitted with derives; enums have these already, aliases are their targets.
fn takes_derives(kind: &DraftKind) -> bool {
    matches!(kind, DraftKind::Struct { .. } | DraftKind::Union { .. })
}

/// The types a type holds, by name (fields, variants, an alias's target).
fn held(kind: &DraftKind) -> Vec<(String, &Ty)> {
    match kind {
        DraftKind::Struct { fields, .. } => fields.iter().map(|f| (format!("field `{}`", f.name), &f.ty)).collect(),
        DraftKind::Union { variants, .. } => variants.iter().map(|v| (format!("variant `{}`", v.0), &v.1)).collect(),
        DraftKind::Alias(t) => vec![("its target".to_owned(), t)],
        DraftKind::Enum(_) => Vec::new(),
    }
}

/// Why `ty` itself (not the named types in it) cannot have `derive`.
fn direct(ty: &Ty, derive: Derive) -> Option<&'static str> {
    match ty {
        Ty::F64 => Some("is an f64"),
        Ty::Json | Ty::JsonObject if derive == Derive::Hash => Some("holds a serde_json::Value"),
        Ty::List(i) | Ty::Map(i) | Ty::Boxed(i) | Ty::OptionBox(i) => direct(i, derive),
        Ty::Tuple(items) => items.iter().find_map(|t| direct(t, derive)),
        _ => None,
    }
}

/// (type, derive) -> why the type cannot have it, for every type that cannot: directly, or by
/// holding a type that cannot (repeated until nothing changes, so cycles settle).
fn reasons(drafts: &BTreeMap<String, Draft>) -> BTreeMap<(String, Derive), String> {
    let mut out: BTreeMap<(String, Derive), String> = BTreeMap::new();
    for d in drafts.values() {
        for derive in ALL {
            if let Some(why) = held(&d.kind).into_iter().find_map(|(label, t)| direct(t, derive).map(|w| format!("{label} of `{}` {w}", d.name))) {
                out.insert((d.name.clone(), derive), why);
            }
        }
    }
    loop {
        let mut found: Vec<((String, Derive), String)> = Vec::new();
        for d in drafts.values() {
            for derive in ALL {
                if out.contains_key(&(d.name.clone(), derive)) {
                    continue;
                }
                let mut names = Vec::new();
                for (_, t) in held(&d.kind) {
                    t.names(&mut names);
                }
                if let Some(why) = names.iter().find_map(|n| out.get(&((*n).to_owned(), derive))) {
                    found.push(((d.name.clone(), derive), why.clone()));
                }
            }
        }
        if found.is_empty() {
            return out;
        }
        out.extend(found);
    }
}

/// `name` and every type it holds, directly or not.
fn reach(drafts: &BTreeMap<String, Draft>, name: &str) -> BTreeSet<String> {
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut stack = vec![name.to_owned()];
    while let Some(n) = stack.pop() {
        if !seen.insert(n.clone()) {
            continue;
        }
        if let Some(d) = drafts.get(&n) {
            let mut names = Vec::new();
            for (_, t) in held(&d.kind) {
                t.names(&mut names);
            }
            stack.extend(names.into_iter().map(str::to_owned));
        }
    }
    seen
}
