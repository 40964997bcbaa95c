//! Types of the same shape become one: the first of them by preference keeps the definition, the
//! others become aliases of it with their own docs. Real documents repeat shapes a lot (the
//! whole OpenAI document's 1,121 enums and unions come out as 578, GitHub's 3,317 as 575), and
//! every copy costs its share of the user's compile time.
//!
//! Two types have the same shape when everything the templates emit for them but the type's own
//! name and doc is equal: fields with their names, wire names, types and docs; enum values;
//! union variants with their tags and dispatch (and the tag method's name, which comes from the
//! type's name), and the derives the settings add. A type that refers to itself matches another that refers to itself in the
//! same places. Fields keep the names the document gives their types (`search_context_size`
//! stays a `SearchContextSize`, whatever it is an alias of); rounds repeat until nothing more
//! merges, since merging enums makes the structs that hold them equal.

use super::{Draft, DraftKind, Ty};
use crate::naming;
use std::collections::{BTreeMap, BTreeSet};

/// Merges drafts of one shape into aliases of one of them. Returns alias name -> definition.
pub(crate) fn merge_same_shapes(drafts: &mut BTreeMap<String, Draft>) -> BTreeMap<String, String> {
    let mut merged: BTreeMap<String, String> = BTreeMap::new();
    let mut keys: BTreeMap<&str, String> = drafts
        .values()
        .filter(|d| !matches!(d.kind, DraftKind::Alias(_)))
        .map(|d| (d.name.as_str(), shape_key(d, &merged)))
        .collect();
    loop {
        let mut by_shape: BTreeMap<&str, Vec<&Draft>> = BTreeMap::new();
        for (name, key) in &keys {
            by_shape.entry(key.as_str()).or_default().push(&drafts[*name]);
        }
        let mut round: BTreeMap<String, String> = BTreeMap::new();
        for group in by_shape.values().filter(|g| g.len() > 1) {
            let keeper = group.iter().min_by(|a, b| preference(a).cmp(&preference(b))).expect("a group is not empty");
            for d in group.iter().filter(|d| d.name != keeper.name) {
                round.insert(d.name.clone(), keeper.name.clone());
            }
        }
        if round.is_empty() {
            break;
        }
        // Names whose definition changed this round: what was merged, and what was already an
        // alias of it. Only the keys of types that refer to one of them change.
        let mut changed: BTreeSet<String> = round.keys().cloned().collect();
        for (alias, keeper) in merged.iter_mut() {
            if let Some(next) = round.get(keeper.as_str()) {
                *keeper = next.clone();
                changed.insert(alias.clone());
            }
        }
        merged.extend(round);
        keys.retain(|name, _| !merged.contains_key(*name));
        for (name, key) in keys.iter_mut() {
            let d = &drafts[*name];
            if refers_to_any(&d.kind, &changed) {
                *key = shape_key(d, &merged);
            }
        }
    }
    for (alias, keeper) in &merged {
        drafts.get_mut(alias).expect("a merged name is a draft").kind = DraftKind::Alias(Ty::Named(keeper.clone()));
    }
    merged
}

fn refers_to_any(kind: &DraftKind, names: &BTreeSet<String>) -> bool {
    let mut refs = Vec::new();
    match kind {
        DraftKind::Struct { fields, .. } => fields.iter().for_each(|f| f.ty.names(&mut refs)),
        DraftKind::Union { variants, .. } => variants.iter().for_each(|v| v.1.names(&mut refs)),
        DraftKind::Alias(t) => t.names(&mut refs),
        DraftKind::Enum(_) => {}
    }
    refs.into_iter().any(|n| names.contains(n))
}

/// The definition a group keeps: a component's own type before an inline one (its name is the
/// one the document uses), then the shorter name, then the first in order.
fn preference(d: &Draft) -> (bool, usize, &str) {
    (d.owner != d.name, d.name.len(), d.name.as_str())
}

/// Everything emitted for the type but its name and doc, with its own name as `Self` and the
/// types merged so far by their definitions.
fn shape_key(d: &Draft, merged: &BTreeMap<String, String>) -> String {
    let mut kind = d.kind.clone();
    rename_refs(&mut kind, merged);
    rename_refs(&mut kind, &BTreeMap::from([(d.name.clone(), "\0Self".to_owned())]));
    let derives = &d.derives;
    match &kind {
        DraftKind::Union { tag: Some(tag), .. } => format!("{kind:?} {derives:?} {}", naming::tag_method_name(&d.name, tag)),
        _ => format!("{kind:?} {derives:?}"),
    }
}

fn rename_refs(kind: &mut DraftKind, to: &BTreeMap<String, String>) {
    match kind {
        DraftKind::Struct { fields, .. } => fields.iter_mut().for_each(|f| f.ty.rename(to)),
        DraftKind::Union { variants, .. } => variants.iter_mut().for_each(|v| v.1.rename(to)),
        DraftKind::Alias(t) => t.rename(to),
        DraftKind::Enum(_) => {}
    }
}
