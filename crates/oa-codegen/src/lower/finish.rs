//! Last lowering step: boxes fields and variants that would make a type infinitely sized
//! (recursion through `$recursiveRef` or plain refs) and prints types into the IR.

use super::{Draft, DraftKind, Ty};
use crate::ir::{Accessor, Field, Kind, Scalar, StructDef, TagRead, TypeDef, UnionDef, UnionVariant};
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
        let mut out = Vec::new();
        if let Some(DraftKind::Alias(t)) = drafts.get(name).map(|d| &d.kind) {
            t.names(&mut out);
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
    let sizes = Sizes::new(&drafts);
    let mut out = Vec::with_capacity(drafts.len());
    for d in drafts.values() {
        let kind = match &d.kind {
            DraftKind::Struct { fields, tag } => {
                let fields: Vec<Field> = fields
                    .iter()
                    .map(|f| Field {
                        name: f.name.clone(),
                        wire: f.wire.clone(),
                        // A field holding its own type by value is boxed, and empty until read.
                        ty: match boxed_if_cyclic(&drafts, &d.name, &f.ty) {
                            Ty::Boxed(inner) => Ty::OptionBox(inner),
                            other => other,
                        },
                        required: f.required,
                        nullable: f.nullable,
                        doc: f.doc.clone(),
                    })
                    .collect();
                let mut scope = crate::naming::Scope::with_reserved(fields.iter().map(|f| f.name.as_str()));
                let extra = scope.claim("extra", "_fields");
                Kind::Struct(StructDef { fields, tag: tag.clone(), extra })
            }
            DraftKind::Enum(e) => Kind::Enum(e.clone()),
            DraftKind::Union { tag, variants, dispatch, untagged, other } => {
                let accessors = common_scalars(&drafts, variants);
                let tag_method = tag.as_ref().map(|t| {
                    let mut scope = crate::naming::Scope::with_reserved(accessors.iter().map(|a| a.name.as_str()).chain(["as_str", "from_value"]));
                    scope.claim(&crate::naming::tag_method_name(&d.name, t), "_wire")
                });
                let fast_tags: Vec<(&String, &String)> = dispatch
                    .iter()
                    .filter(|arm| arm.candidates.len() == 1)
                    .filter(|arm| {
                        variants.iter().any(|(n, t, _)| n == &arm.candidates[0] && t.by_value_name().is_some_and(|t| is_struct(&drafts, t)))
                    })
                    .map(|arm| (&arm.tag, &arm.candidates[0]))
                    .collect();
                let variants = union_variants(&drafts, &sizes, d, tag.as_deref(), variants);
                Kind::Union(UnionDef {
                    fast: fast_arms(&fast_tags, &variants),
                    fast_tags: fast_tags.iter().map(|(tag, _)| (*tag).clone()).collect(),
                    tag: tag.clone(),
                    accessors,
                    tag_method,
                    variants,
                    dispatch: dispatch.clone(),
                    untagged: untagged.clone(),
                    other: other.clone(),
                    hash: d.derives.iter().any(|x| x == "Hash"),
                })
            }
            DraftKind::Alias(t) => Kind::Alias { target: t.clone() },
        };
        // A union's `Hash` is written by hand (`UnionDef::hash`), not derived.
        let derives = d.derives.iter().filter(|x| !(matches!(kind, Kind::Union(_)) && *x == "Hash")).cloned().collect();
        out.push(TypeDef { name: d.name.clone(), module: d.owner.clone(), origin: d.origin.clone(), doc: d.doc.clone(), derives, kind });
    }
    out
}

/// Groups the one-pass tags by the variant they decode, so a variant owning several tags gets
/// one match arm.
fn fast_arms(tags: &[(&String, &String)], variants: &[crate::ir::UnionVariant]) -> Vec<crate::ir::FastArm> {
    let mut arms: Vec<crate::ir::FastArm> = Vec::new();
    for (tag, variant) in tags {
        match arms.iter_mut().find(|arm| &arm.variant == *variant) {
            Some(arm) => arm.tags.push((*tag).clone()),
            None => arms.push(crate::ir::FastArm {
                tags: vec![(*tag).clone()],
                variant: (*variant).clone(),
                boxed: variants.iter().any(|v| &v.name == *variant && v.boxed),
            }),
        }
    }
    arms
}

/// The draft that defines `name`, through aliases (types merged by shape, and components that
/// only name another).
fn definition<'d>(drafts: &'d BTreeMap<String, Draft>, name: &str) -> Option<&'d Draft> {
    match canonical(drafts, &Ty::Named(name.to_owned())) {
        Ty::Named(n) => drafts.get(&n),
        _ => None,
    }
}

fn is_struct(drafts: &BTreeMap<String, Draft>, name: &str) -> bool {
    definition(drafts, name).is_some_and(|d| matches!(d.kind, DraftKind::Struct { .. }))
}

/// Payloads larger than this are boxed in unions, so that an event or item stays small.
const BOX_ABOVE: usize = 128;

fn union_variants(
    drafts: &BTreeMap<String, Draft>,
    sizes: &Sizes,
    d: &Draft,
    tag_prop: Option<&str>,
    variants: &[(String, Ty, Vec<String>)],
) -> Vec<UnionVariant> {
    // Each variant's type with aliases expanded, once (not once per pair of variants).
    let canonicals: Vec<Ty> = variants.iter().map(|(_, t, _)| canonical(drafts, t)).collect();
    variants
        .iter()
        .zip(&canonicals)
        .map(|((n, t, tags), canonical_t)| {
            let cyclic = boxed_if_cyclic(drafts, &d.name, t);
            let large = t.by_value_name().is_some() && sizes.of(t) > BOX_ABOVE;
            let ty = if large && !matches!(cyclic, Ty::Boxed(_)) { Ty::Boxed(Box::new(t.clone())) } else { cyclic };
            let unique = canonicals.iter().filter(|other| *other == canonical_t).count() == 1;
            let fields = match t.by_value_name().and_then(|n| definition(drafts, n)).map(|d| &d.kind) {
                Some(DraftKind::Struct { fields, .. }) => Some(fields),
                _ => None,
            };
            let required = fields.map(|f| f.iter().filter(|f| f.required).map(|f| f.wire.clone()).collect()).unwrap_or_default();
            let tag_read = match (tags.as_slice(), tag_prop, fields) {
                ([one], _, _) => TagRead::Literal(one.clone()),
                (_, Some(prop), Some(fields)) => fields
                    .iter()
                    .find(|f| f.wire == prop && matches!(canonical(drafts, &f.ty), Ty::String | Ty::Named(_)))
                    .filter(|f| matches!(canonical(drafts, &f.ty), Ty::String) || f.ty.by_value_name().is_some_and(|n| is_enum(drafts, n)))
                    .map_or(TagRead::Unknown, |f| TagRead::Field(f.name.clone())),
                _ => TagRead::Unknown,
            };
            let mut doc = Vec::new();
            match tags.as_slice() {
                [] => {}
                [one] => doc.push(format!("`{one}`: a [`{}`].", t.rust())),
                many => doc.push(format!(
                    "{}: a [`{}`].",
                    many.iter().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(", "),
                    t.rust()
                )),
            }
            if doc.is_empty() {
                doc.push(match t.by_value_name() {
                    Some(name) => format!("A [`{name}`]."),
                    None => format!("A `{}`.", t.rust()),
                });
            }
            UnionVariant {
                union: t.by_value_name().and_then(|n| definition(drafts, n)).is_some_and(|d| matches!(d.kind, DraftKind::Union { .. })),
                required,
                // `From<Self>` is the identity the standard library already has.
                from: unique && !matches!(t, Ty::Json | Ty::Boxed(_)) && canonical_t.by_value_name() != Some(d.name.as_str()),
                text: unique && matches!(canonical_t, Ty::String) && matches!(t, Ty::String),
                name: n.clone(),
                object: t.by_value_name().is_some_and(|t| is_struct(drafts, t)),
                boxed: matches!(ty, Ty::Boxed(_)),
                payload: t.clone(),
                ty,
                tags: tags.clone(),
                doc,
                tag_read,
            }
        })
        .collect()
}

fn is_enum(drafts: &BTreeMap<String, Draft>, name: &str) -> bool {
    definition(drafts, name).is_some_and(|d| matches!(d.kind, DraftKind::Enum(_)))
}

/// Approximate in-memory sizes of the generated types, to decide which union payloads to box.
struct Sizes<'d> {
    drafts: &'d BTreeMap<String, Draft>,
    memo: std::cell::RefCell<BTreeMap<String, usize>>,
}

impl<'d> Sizes<'d> {
    fn new(drafts: &'d BTreeMap<String, Draft>) -> Self {
        Sizes { drafts, memo: Default::default() }
    }

    fn of(&self, t: &Ty) -> usize {
        match t {
            Ty::String | Ty::Bytes | Ty::List(_) | Ty::Map(_) => 24,
            Ty::I64 | Ty::F64 | Ty::Boxed(_) | Ty::OptionBox(_) => 8,
            Ty::Bool => 1,
            Ty::Json => 32,
            Ty::JsonObject => 32,
            Ty::Tuple(items) => items.iter().map(|t| self.of(t)).sum(),
            Ty::Named(n) => self.named(n),
            // Unknown: as large as a JSON value, so that a union holding one is boxed in time.
            Ty::External(_) => 32,
        }
    }

    fn named(&self, name: &str) -> usize {
        if let Some(size) = self.memo.borrow().get(name) {
            return *size;
        }
        // A type met again while its size is computed is behind a box somewhere.
        self.memo.borrow_mut().insert(name.to_owned(), 8);
        let size = match self.drafts.get(name).map(|d| &d.kind) {
            Some(DraftKind::Struct { fields, .. }) => 80 + fields.iter().map(|f| self.of(&f.ty) + 8).sum::<usize>(),
            Some(DraftKind::Enum(_)) => 24,
            Some(DraftKind::Union { variants, .. }) => 8 + variants.iter().map(|v| self.of(&v.1).min(BOX_ABOVE)).max().unwrap_or(0),
            Some(DraftKind::Alias(t)) => self.of(t),
            None => 8,
        };
        self.memo.borrow_mut().insert(name.to_owned(), size);
        size
    }
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
        .map(|(n, t, _)| match t.by_value_name().and_then(|name| definition(drafts, name)).map(|d| &d.kind) {
            Some(DraftKind::Struct { fields, .. }) => Some((n, fields)),
            _ => None,
        })
        .collect();
    let Some(structs) = structs.filter(|s| s.len() > 1) else { return Vec::new() };
    let mut out = Vec::new();
    for f in structs[0].1 {
        let scalar = match f.ty {
            Ty::I64 => Scalar::I64,
            Ty::F64 => Scalar::F64,
            Ty::Bool => Scalar::Bool,
            Ty::String => Scalar::String,
            _ => continue,
        };
        let arms: Option<Vec<(String, String)>> = structs
            .iter()
            .map(|(variant, fields)| fields.iter().find(|g| g.wire == f.wire && g.ty == f.ty).map(|g| ((*variant).clone(), g.name.clone())))
            .collect();
        if let Some(arms) = arms {
            out.push(Accessor { name: f.name.clone(), wire: f.wire.clone(), scalar, arms });
        }
    }
    out
}
