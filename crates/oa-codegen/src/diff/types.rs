//! Type-level part of the API diff: rename detection, then types, struct fields, enum values
//! and union variants compared by wire name (see the rules in `diff`).

use super::{renamed, Change, ChangeKind as K, Renames};
use crate::ir::{EnumDef, Field, Ir, Kind, StructDef, TypeDef, UnionDef, UnionVariant};
use std::collections::{BTreeMap, BTreeSet};

/// Pairs removed and added types whose structure is identical modulo names, bottom-up: each
/// round maps old names through the renames found so far, until nothing new matches.
pub(crate) fn detect_renames(old: &Ir, new: &Ir) -> Renames {
    let old_names: BTreeSet<&str> = old.types.iter().map(|t| t.name.as_str()).collect();
    let new_names: BTreeSet<&str> = new.types.iter().map(|t| t.name.as_str()).collect();
    let removed: Vec<&TypeDef> = old.types.iter().filter(|t| !new_names.contains(t.name.as_str())).collect();
    let added: Vec<&TypeDef> = new.types.iter().filter(|t| !old_names.contains(t.name.as_str())).collect();
    let mut renames = Renames::new();
    let mut matched_new: BTreeSet<String> = BTreeSet::new();
    loop {
        let mut by_sig: BTreeMap<String, (Vec<&str>, Vec<&str>)> = BTreeMap::new();
        for t in removed.iter().filter(|t| !renames.contains_key(&t.name)) {
            let sig =
                signature(t, &|id: &str| if id == t.name { Some("Self".into()) } else { renames.get(id).cloned() });
            by_sig.entry(sig).or_default().0.push(&t.name);
        }
        for t in added.iter().filter(|t| !matched_new.contains(&t.name)) {
            let sig = signature(t, &|id: &str| (id == t.name).then(|| "Self".into()));
            by_sig.entry(sig).or_default().1.push(&t.name);
        }
        let found: Vec<(String, String)> = by_sig.into_values().flat_map(|(o, n)| pair_group(&o, &n)).collect();
        if found.is_empty() {
            return renames;
        }
        for (o, n) in found {
            matched_new.insert(n.clone());
            renames.insert(o, n);
        }
    }
}

/// Pairs the removed (`o`) and added (`n`) names that share one signature: one-to-one, else
/// only the pairs that are each other's unique best match by shared name prefix and suffix
/// (`BetaConversation2` -> `BetaResponseConversation`); later rounds pair what is left.
fn pair_group(o: &[&str], n: &[&str]) -> Vec<(String, String)> {
    if o.len() == 1 && n.len() == 1 {
        return vec![(o[0].to_owned(), n[0].to_owned())];
    }
    let score = |a: &str, b: &str| {
        let prefix = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
        let suffix = a.chars().rev().zip(b.chars().rev()).take_while(|(x, y)| x == y).count();
        prefix + suffix
    };
    let best = |x: &str, ys: &[&str]| -> Option<String> {
        let top = ys.iter().map(|y| score(x, y)).max()?;
        let winners: Vec<&&str> = ys.iter().filter(|y| score(x, y) == top).collect();
        (top > 0 && winners.len() == 1).then(|| winners[0].to_string())
    };
    o.iter()
        .filter_map(|a| best(a, n).filter(|b| best(b, o).as_deref() == Some(*a)).map(|b| (a.to_string(), b)))
        .collect()
}

/// The structure of a type without its name, type expressions passed through `map`.
fn signature(t: &TypeDef, map: &dyn Fn(&str) -> Option<String>) -> String {
    let ty = |s: &str| super::map_idents(s, map);
    match &t.kind {
        Kind::Struct(s) => {
            let mut out = match &s.tag {
                Some(tag) => format!("struct {}={};", tag.field, tag.value),
                None => "struct;".to_owned(),
            };
            for f in &s.fields {
                out.push_str(&format!("{}:{}:{}:{};", f.wire, ty(&f.ty.to_string()), f.required, f.nullable));
            }
            out
        }
        Kind::Enum(e) => {
            let values: Vec<&str> = e.variants.iter().map(|v| v.wire.as_str()).collect();
            format!("enum;{}", values.join(";"))
        }
        Kind::Union(u) => {
            let mut out = format!("union {};", u.tag.as_deref().unwrap_or(""));
            for v in &u.variants {
                out.push_str(&format!("{}:{};", v.tags.join(","), ty(&v.ty.to_string())));
            }
            out
        }
        Kind::Alias { target } => format!("alias {}", ty(&target.to_string())),
    }
}

fn kind_name(k: &Kind) -> &'static str {
    match k {
        Kind::Struct(_) => "struct",
        Kind::Enum(_) => "enum",
        Kind::Union(_) => "union",
        Kind::Alias { .. } => "alias",
    }
}

/// The wire name of a type: its component schema name, else the pointer it was lowered from.
fn type_wire(t: &TypeDef) -> String {
    let origin = t.origin.trim_start_matches('#');
    origin.strip_prefix("/components/schemas/").filter(|s| !s.contains('/')).unwrap_or(origin).to_owned()
}

pub(crate) fn diff_types(old: &Ir, new: &Ir, renames: &Renames) -> Vec<Change> {
    let olds: BTreeMap<&str, &TypeDef> = old.types.iter().map(|t| (t.name.as_str(), t)).collect();
    let news: BTreeMap<&str, &TypeDef> = new.types.iter().map(|t| (t.name.as_str(), t)).collect();
    let renamed_to: BTreeSet<&str> = renames.values().map(String::as_str).collect();
    let mut out = Vec::new();
    for (name, o) in &olds {
        match (news.get(name), renames.get(*name)) {
            (Some(n), _) => compare(o, n, renames, &mut out),
            (None, Some(to)) => out.push(
                Change::new(K::TypeRenamed, true, to.as_str(), type_wire(news[to.as_str()]))
                    .between(*name, to.as_str()),
            ),
            (None, None) => out.push(Change::new(K::TypeRemoved, true, *name, type_wire(o)).before(kind_name(&o.kind))),
        }
    }
    for (name, n) in &news {
        if !olds.contains_key(name) && !renamed_to.contains(name) {
            out.push(Change::new(K::TypeAdded, false, *name, type_wire(n)).after(kind_name(&n.kind)));
        }
    }
    out
}

/// The derives the settings add to a type, a union's `Hash` (written by hand) included.
fn derives(t: &TypeDef) -> BTreeSet<&str> {
    let hash = matches!(&t.kind, Kind::Union(u) if u.hash);
    t.derives.iter().map(String::as_str).chain(hash.then_some("Hash")).collect()
}

fn compare(o: &TypeDef, n: &TypeDef, renames: &Renames, out: &mut Vec<Change>) {
    let (before, after) = (derives(o), derives(n));
    if before != after {
        let show = |d: &BTreeSet<&str>| if d.is_empty() { "none".to_owned() } else { d.iter().copied().collect::<Vec<_>>().join(", ") };
        let lost = !before.is_subset(&after);
        out.push(Change::new(K::DerivesChanged, lost, &n.name, type_wire(n)).between(show(&before), show(&after)));
    }
    match (&o.kind, &n.kind) {
        (Kind::Struct(a), Kind::Struct(b)) => structs(&n.name, a, b, renames, out),
        (Kind::Enum(a), Kind::Enum(b)) => enums(&n.name, a, b, out),
        (Kind::Union(a), Kind::Union(b)) => unions(&n.name, a, b, renames, out),
        (Kind::Alias { target: a }, Kind::Alias { target: b }) => {
            let a = renamed(&a.to_string(), renames);
            if a != b.to_string() {
                out.push(Change::new(K::AliasTargetChanged, true, &n.name, type_wire(n)).between(a, b.to_string()));
            }
        }
        (a, b) => {
            out.push(Change::new(K::TypeKindChanged, true, &n.name, type_wire(n)).between(kind_name(a), kind_name(b)))
        }
    }
}

pub(crate) fn presence(required: bool, nullable: bool) -> &'static str {
    match (required, nullable) {
        (true, false) => "required",
        (true, true) => "required, nullable",
        (false, false) => "optional",
        (false, true) => "optional, nullable",
    }
}

fn structs(ty: &str, a: &StructDef, b: &StructDef, renames: &Renames, out: &mut Vec<Change>) {
    let tag =
        |s: &StructDef| s.tag.as_ref().map(|t| format!("{}: {}", t.field, t.value)).unwrap_or_else(|| "none".into());
    if tag(a) != tag(b) {
        let wire = b.tag.as_ref().or(a.tag.as_ref()).map(|t| t.field.clone()).unwrap_or_default();
        out.push(Change::new(K::StructTagChanged, true, ty, wire).between(tag(a), tag(b)));
    }
    let olds: BTreeMap<&str, &Field> = a.fields.iter().map(|f| (f.wire.as_str(), f)).collect();
    let news: BTreeMap<&str, &Field> = b.fields.iter().map(|f| (f.wire.as_str(), f)).collect();
    for (wire, f) in &olds {
        let Some(g) = news.get(wire) else {
            out.push(
                Change::new(K::FieldRemoved, true, format!("{ty}::{}", f.name), *wire).before(renamed(&f.ty.to_string(), renames)),
            );
            continue;
        };
        let path = format!("{ty}::{}", g.name);
        if f.name != g.name {
            out.push(Change::new(K::FieldRenamed, true, &path, *wire).between(f.name.as_str(), g.name.as_str()));
        }
        let old_ty = renamed(&f.ty.to_string(), renames);
        if old_ty != g.ty.to_string() {
            // One change per field: the flips show in the two full types.
            let show = |ty: &str, f: &Field| format!("{ty} ({})", presence(f.required, f.nullable));
            out.push(Change::new(K::FieldTypeChanged, true, &path, *wire).between(show(&old_ty, f), show(&g.ty.to_string(), g)));
            continue;
        }
        // Every field is a `Field<T>` whatever its presence: these change the wire, not the Rust.
        if f.required != g.required {
            out.push(
                Change::new(K::FieldRequiredChanged, false, &path, *wire)
                    .between(presence(f.required, f.nullable), presence(g.required, g.nullable)),
            );
        }
        if f.nullable != g.nullable {
            out.push(
                Change::new(K::FieldNullableChanged, false, &path, *wire)
                    .between(presence(f.required, f.nullable), presence(g.required, g.nullable)),
            );
        }
    }
    for (wire, g) in &news {
        if !olds.contains_key(wire) {
            out.push(Change::new(K::FieldAdded, g.required, format!("{ty}::{}", g.name), *wire).after(format!(
                "{} ({})",
                g.ty,
                presence(g.required, g.nullable)
            )));
        }
    }
}

fn enums(ty: &str, a: &EnumDef, b: &EnumDef, out: &mut Vec<Change>) {
    let olds: BTreeMap<&str, &str> = a.variants.iter().map(|v| (v.wire.as_str(), v.name.as_str())).collect();
    let news: BTreeMap<&str, &str> = b.variants.iter().map(|v| (v.wire.as_str(), v.name.as_str())).collect();
    for (wire, name) in &olds {
        match news.get(wire) {
            None => out.push(Change::new(K::EnumValueRemoved, true, format!("{ty}::{name}"), *wire)),
            Some(new_name) if new_name != name => out.push(
                Change::new(K::EnumVariantRenamed, true, format!("{ty}::{new_name}"), *wire).between(*name, *new_name),
            ),
            Some(_) => {}
        }
    }
    for (wire, name) in &news {
        if !olds.contains_key(wire) {
            out.push(Change::new(K::EnumValueAdded, false, format!("{ty}::{name}"), *wire));
        }
    }
    if a.other != b.other {
        out.push(
            Change::new(K::CatchAllRenamed, true, format!("{ty}::{}", b.other), "")
                .between(a.other.as_str(), b.other.as_str()),
        );
    }
}

fn tags_wire(v: &UnionVariant) -> String {
    v.tags.join(", ")
}

fn unions(ty: &str, a: &UnionDef, b: &UnionDef, renames: &Renames, out: &mut Vec<Change>) {
    if a.tag != b.tag {
        let show = |t: &Option<String>| t.clone().unwrap_or_else(|| "none".into());
        out.push(Change::new(K::UnionTagPropertyChanged, true, ty, show(&b.tag)).between(show(&a.tag), show(&b.tag)));
    }
    // Pair variants: same Rust name first, then the same wire tags (a renamed variant).
    let mut pairs: Vec<(&UnionVariant, &UnionVariant)> = Vec::new();
    let mut old_left: Vec<&UnionVariant> = Vec::new();
    let mut new_left: Vec<&UnionVariant> = b.variants.iter().collect();
    for v in &a.variants {
        match new_left.iter().position(|w| w.name == v.name) {
            Some(i) => pairs.push((v, new_left.remove(i))),
            None => old_left.push(v),
        }
    }
    old_left.retain(|v| match new_left.iter().position(|w| !v.tags.is_empty() && w.tags == v.tags) {
        Some(i) => {
            pairs.push((v, new_left.remove(i)));
            false
        }
        None => true,
    });
    for (v, w) in pairs {
        let path = format!("{ty}::{}", w.name);
        let old_ty = renamed(&v.ty.to_string(), renames);
        if v.name != w.name {
            // One change for both: `Click(Click)` -> `ClickParam(ClickParam)`.
            let (before, after) = if old_ty == w.ty.to_string() {
                (v.name.clone(), w.name.clone())
            } else {
                (format!("{}({old_ty})", v.name), format!("{}({})", w.name, w.ty))
            };
            out.push(Change::new(K::UnionVariantRenamed, true, &path, tags_wire(w)).between(before, after));
        } else if old_ty != w.ty.to_string() {
            out.push(Change::new(K::UnionVariantTypeChanged, true, &path, tags_wire(w)).between(old_ty, w.ty.to_string()));
        }
        for t in v.tags.iter().filter(|t| !w.tags.contains(t)) {
            out.push(Change::new(K::UnionTagRemoved, true, &path, t.as_str()));
        }
        for t in w.tags.iter().filter(|t| !v.tags.contains(t)) {
            out.push(Change::new(K::UnionTagAdded, false, &path, t.as_str()));
        }
    }
    for v in old_left {
        out.push(
            Change::new(K::UnionVariantRemoved, true, format!("{ty}::{}", v.name), tags_wire(v))
                .before(renamed(&v.ty.to_string(), renames)),
        );
    }
    for w in new_left {
        out.push(
            Change::new(K::UnionVariantAdded, false, format!("{ty}::{}", w.name), tags_wire(w)).after(w.ty.to_string()),
        );
    }
    if a.other != b.other {
        out.push(
            Change::new(K::CatchAllRenamed, true, format!("{ty}::{}", b.other), "")
                .between(a.other.as_str(), b.other.as_str()),
        );
    }
}
