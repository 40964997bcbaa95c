//! Last lowering step: boxes fields and variants that would make a type infinitely sized
//! (recursion through `$recursiveRef` or plain refs) and prints types into the IR.

use super::{Draft, DraftKind, Ty};
use crate::ir::{Accessor, Field, Kind, StructDef, TypeDef, UnionDef, UnionVariant};
use std::collections::{BTreeMap, BTreeSet};

/// Types that `t` holds by value (not behind `Vec`, map or `Box`).
fn by_value_edges(d: &Draft) -> Vec<&str> {
    match &d.kind {
        DraftKind::Struct { fields, .. } => fields.iter().filter_map(|f| f.ty.by_value_name()).collect(),
        DraftKind::Union { variants, .. } => variants.iter().filter_map(|v| v.1.by_value_name()).collect(),
        DraftKind::Alias(t) => t.by_value_name().into_iter().collect(),
        DraftKind::Enum(_) => Vec::new(),
    }
}

fn reaches(drafts: &BTreeMap<String, Draft>, from: &str, to: &str) -> bool {
    let mut seen = BTreeSet::new();
    let mut stack = vec![from];
    while let Some(n) = stack.pop() {
        if n == to {
            return true;
        }
        if !seen.insert(n) {
            continue;
        }
        if let Some(d) = drafts.get(n) {
            stack.extend(by_value_edges(d));
        }
    }
    false
}

fn boxed_if_cyclic(drafts: &BTreeMap<String, Draft>, owner: &str, ty: &Ty) -> Ty {
    match ty.by_value_name() {
        Some(target) if reaches(drafts, target, owner) => Ty::Boxed(Box::new(ty.clone())),
        _ => ty.clone(),
    }
}

/// Aliases that lead back to themselves through aliases only (`A = B`, `B = Vec<A>`): Rust
/// cannot express them, so each is returned as (origin pointer, message) for a diagnostic.
pub(crate) fn alias_cycles(drafts: &BTreeMap<String, Draft>) -> Vec<(String, String)> {
    fn alias_targets<'d>(drafts: &'d BTreeMap<String, Draft>, name: &str) -> Vec<&'d str> {
        fn names<'t>(t: &'t Ty, out: &mut Vec<&'t str>) {
            match t {
                Ty::Named(n) => out.push(n),
                Ty::List(i) | Ty::Map(i) | Ty::Boxed(i) => names(i, out),
                _ => {}
            }
        }
        let mut out = Vec::new();
        if let Some(DraftKind::Alias(t)) = drafts.get(name).map(|d| &d.kind) {
            names(t, &mut out);
        }
        out
    }
    let mut out = Vec::new();
    for d in drafts.values().filter(|d| matches!(d.kind, DraftKind::Alias(_))) {
        let mut seen = BTreeSet::new();
        let mut stack = alias_targets(drafts, &d.name);
        while let Some(n) = stack.pop() {
            if n == d.name {
                out.push((d.origin.clone(), format!("reference cycle with no type in it: `{}` only refers back to itself", d.name)));
                break;
            }
            if seen.insert(n) {
                stack.extend(alias_targets(drafts, n));
            }
        }
    }
    out
}

pub(crate) fn finish(drafts: BTreeMap<String, Draft>) -> Vec<TypeDef> {
    let mut out = Vec::with_capacity(drafts.len());
    for d in drafts.values() {
        let kind = match &d.kind {
            DraftKind::Struct { fields, tag } => {
                let fields: Vec<Field> = fields
                    .iter()
                    .map(|f| {
                        let inner = boxed_if_cyclic(&drafts, &d.name, &f.ty);
                        let optional = !f.required || f.nullable;
                        let ty = if optional { format!("Option<{}>", inner.rust()) } else { inner.rust() };
                        Field {
                            rename: crate::naming::bare(&f.name) != f.wire,
                            name: f.name.clone(),
                            wire: f.wire.clone(),
                            ty,
                            optional,
                            scalar: match &f.ty {
                                Ty::String | Ty::I64 | Ty::F64 | Ty::Bool => Some(f.ty.rust()),
                                _ => None,
                            },
                            required: f.required,
                            nullable: f.nullable,
                            skip_none: !f.required,
                            fact: format!(
                                "Wire name `{}`; {}{}.",
                                f.wire,
                                if f.required { "required" } else { "optional" },
                                if f.nullable { ", nullable" } else { "" }
                            ),
                            doc: f.doc.clone(),
                        }
                    })
                    .collect();
                let mut scope = crate::naming::Scope::with_reserved(fields.iter().map(|f| f.name.as_str()));
                let extra = scope.claim("extra", "_fields");
                Kind::Struct(StructDef { fields, tag: tag.clone(), extra })
            }
            DraftKind::Enum(e) => Kind::Enum(e.clone()),
            DraftKind::Union { tag, variants, dispatch, untagged, other } => Kind::Union(UnionDef {
                tag: tag.clone(),
                accessors: common_scalars(&drafts, variants),
                variants: union_variants(&drafts, d, variants),
                fast: dispatch
                    .iter()
                    .filter(|arm| arm.candidates.len() == 1)
                    .filter(|arm| {
                        variants.iter().any(|(n, t, _)| {
                            n == &arm.candidates[0] && t.by_value_name().is_some_and(|t| is_struct(&drafts, t))
                        })
                    })
                    .cloned()
                    .collect(),
                dispatch: dispatch.clone(),
                untagged: untagged.clone(),
                other: other.clone(),
            }),
            DraftKind::Alias(t) => Kind::Alias { target: t.rust() },
        };
        out.push(TypeDef { name: d.name.clone(), module: d.module.clone(), origin: d.origin.clone(), doc: d.doc.clone(), kind });
    }
    out
}

fn is_struct(drafts: &BTreeMap<String, Draft>, name: &str) -> bool {
    drafts.get(name).is_some_and(|d| matches!(d.kind, DraftKind::Struct { .. }))
}

fn union_variants(drafts: &BTreeMap<String, Draft>, d: &Draft, variants: &[(String, Ty, Vec<String>)]) -> Vec<UnionVariant> {
    variants
        .iter()
        .map(|(n, t, tags)| {
            let ty = boxed_if_cyclic(drafts, &d.name, t);
            let unique = variants.iter().filter(|(_, other, _)| canonical(drafts, other) == canonical(drafts, t)).count() == 1;
            let required = match t.by_value_name().and_then(|n| drafts.get(n)).map(|d| &d.kind) {
                Some(DraftKind::Struct { fields, .. }) => fields.iter().filter(|f| f.required).map(|f| f.wire.clone()).collect(),
                _ => Vec::new(),
            };
            UnionVariant {
                union: t.by_value_name().and_then(|n| drafts.get(n)).is_some_and(|d| matches!(d.kind, DraftKind::Union { .. })),
                required,
                from: unique && !matches!(t, Ty::Json | Ty::Boxed(_)),
                name: n.clone(),
                object: t.by_value_name().is_some_and(|t| is_struct(drafts, t)),
                boxed: matches!(ty, Ty::Boxed(_)),
                ty: ty.rust(),
                tags: tags.clone(),
            }
        })
        .collect()
}

/// The type with aliases expanded, to compare what Rust sees (two aliases of one type clash).
fn canonical(drafts: &BTreeMap<String, Draft>, t: &Ty) -> Ty {
    canonical_at(drafts, t, 0)
}

fn canonical_at(drafts: &BTreeMap<String, Draft>, t: &Ty, depth: usize) -> Ty {
    let mut t = t.clone();
    if depth > 16 {
        return t;
    }
    for _ in 0..16 {
        match &t {
            Ty::Named(n) => match drafts.get(n).map(|d| &d.kind) {
                Some(DraftKind::Alias(inner)) => t = inner.clone(),
                _ => break,
            },
            _ => break,
        }
    }
    match t {
        Ty::List(inner) => Ty::List(Box::new(canonical_at(drafts, &inner, depth + 1))),
        Ty::Map(inner) => Ty::Map(Box::new(canonical_at(drafts, &inner, depth + 1))),
        other => other,
    }
}

/// Scalar fields (same wire name, same type) present in every variant of a union whose
/// variants are all structs: they become accessors on the union.
fn common_scalars(drafts: &BTreeMap<String, Draft>, variants: &[(String, Ty, Vec<String>)]) -> Vec<Accessor> {
    let structs: Option<Vec<(&String, &Vec<super::DraftField>)>> = variants
        .iter()
        .map(|(n, t, _)| match t.by_value_name().and_then(|name| drafts.get(name)).map(|d| &d.kind) {
            Some(DraftKind::Struct { fields, .. }) => Some((n, fields)),
            _ => None,
        })
        .collect();
    let Some(structs) = structs.filter(|s| s.len() > 1) else { return Vec::new() };
    let mut out = Vec::new();
    for f in structs[0].1 {
        if !matches!(f.ty, Ty::I64 | Ty::F64 | Ty::Bool | Ty::String) {
            continue;
        }
        let arms: Option<Vec<(String, String, bool)>> = structs
            .iter()
            .map(|(variant, fields)| {
                fields.iter().find(|g| g.wire == f.wire && g.ty == f.ty).map(|g| ((*variant).clone(), g.name.clone(), !g.required || g.nullable))
            })
            .collect();
        if let Some(arms) = arms {
            out.push(Accessor { name: f.name.clone(), wire: f.wire.clone(), ty: f.ty.rust(), arms });
        }
    }
    out
}
