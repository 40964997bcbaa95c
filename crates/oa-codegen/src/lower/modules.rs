//! Grouping of the generated types into modules of related schemas: each large union with the
//! types of its variants (stream events, items, tools, …), then the rest by the first word of
//! their component's name, and what is left in `common`. Every type stays reachable as
//! `types::Name`; the grouping only decides files.

use crate::ir::{Kind, TypeDef, TypeModule};
use crate::naming;
use std::collections::{BTreeMap, BTreeSet};

/// A union with at least this many variants gets a module of its own.
const UNION_MODULE: usize = 6;
/// A first word shared by at least this many components, or by this many types, gets a module
/// of its own.
const WORD_MODULE: usize = 6;
const WORD_MODULE_TYPES: usize = 40;

/// Sets `module` of every type (on entry, the component it was lowered from) and returns the
/// modules, sorted by name.
pub(crate) fn assign(types: &mut [TypeDef]) -> Vec<TypeModule> {
    let owner_of: BTreeMap<String, String> = types.iter().map(|t| (t.name.clone(), t.module.clone())).collect();
    let mut module_of: BTreeMap<String, String> = BTreeMap::new();
    let mut modules: BTreeMap<String, String> = BTreeMap::new();

    let mut unions: Vec<(&TypeDef, Vec<&str>)> = types
        .iter()
        .filter(|t| t.module == t.name)
        .filter_map(|t| match &t.kind {
            Kind::Union(u) if u.variants.len() >= UNION_MODULE => Some((t, u.variants.iter().filter_map(|v| v.ty.named()).collect())),
            _ => None,
        })
        .collect();
    unions.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.name.cmp(&b.0.name)));
    for (union, variants) in unions {
        let module = naming::module_name(&union.name);
        if modules.contains_key(&module) || module_of.contains_key(&union.name) {
            continue;
        }
        modules.insert(module.clone(), format!("The `{}` union, its variants and the types they hold.", union.name));
        for owner in std::iter::once(union.name.as_str()).chain(variants.iter().filter_map(|v| owner_of.get(*v).map(String::as_str))) {
            module_of.entry(owner.to_owned()).or_insert_with(|| module.clone());
        }
    }

    let mut per_owner: BTreeMap<&str, usize> = BTreeMap::new();
    for t in types.iter() {
        *per_owner.entry(t.module.as_str()).or_default() += 1;
    }
    let mut words: BTreeMap<String, Vec<String>> = BTreeMap::new();
    // Each owner once (it owns all of its inline types), in the order first met.
    let mut met: BTreeSet<&str> = BTreeSet::new();
    for owner in owner_of.values() {
        if !module_of.contains_key(owner) && met.insert(owner) {
            let word = crate::case::snake(owner).split('_').next().unwrap_or_default().to_owned();
            words.entry(word).or_default().push(owner.clone());
        }
    }
    for (word, owners) in words {
        let module = naming::module_name(&word);
        let size: usize = owners.iter().map(|o| per_owner.get(o.as_str()).copied().unwrap_or(0)).sum();
        let big = owners.len() >= WORD_MODULE || size >= WORD_MODULE_TYPES;
        let module = if big && !modules.contains_key(&module) && module != "common" {
            let title = crate::case::upper_camel(&word);
            modules.insert(module.clone(), format!("Types whose names start with `{title}`."));
            module
        } else {
            modules.entry("common".into()).or_insert_with(|| "Types not grouped with a union or a name prefix.".into());
            "common".into()
        };
        for owner in owners {
            module_of.insert(owner, module.clone());
        }
    }

    for t in types.iter_mut() {
        t.module = module_of.get(&t.module).cloned().unwrap_or_else(|| "common".into());
    }
    if types.iter().any(|t| t.module == "common") {
        modules.entry("common".into()).or_insert_with(|| "Types not grouped with a union or a name prefix.".into());
    }
    modules.into_iter().map(|(name, doc)| TypeModule { name, doc }).collect()
}
