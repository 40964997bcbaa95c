//! Check stage, between lowering and rendering: every name the emitted code introduces must be
//! unique in its scope (types and the crate root's exports, the methods of `Client` (its own,
//! the root group's and the group accessors), the methods of each group handle,
//! the fields of each struct and parameter struct, the variants of each enum and union, the
//! arguments and locals of each method). Lowering claims names so that this holds; a failure
//! here is a generator bug, reported as located diagnostics before anything is written.

use crate::diag::Diagnostics;
use crate::ir::{Ir, Kind, Operation};
use std::collections::BTreeMap;

/// Records names of one scope; a second claim of a name (ignoring case where files or
/// globs would clash) is a diagnostic at both places.
struct Names<'a> {
    what: &'a str,
    seen: BTreeMap<String, String>,
}

impl<'a> Names<'a> {
    fn new(what: &'a str) -> Self {
        Names { what, seen: BTreeMap::new() }
    }

    fn claim(&mut self, name: &str, origin: &str, diags: &mut Diagnostics) {
        let key = name.strip_prefix("r#").unwrap_or(name).to_owned();
        if let Some(first) = self.seen.get(&key) {
            diags.error(origin, format!("{} `{name}` is also introduced at {first} (a generator bug, please report)", self.what));
        } else {
            self.seen.insert(key, origin.to_owned());
        }
    }
}

/// Checks the IR; all problems at once.
pub fn check(ir: &Ir) -> Diagnostics {
    let mut diags = Diagnostics::default();
    let mut root = Names::new("name at the crate root or in `types`");
    for name in crate::naming::root_exports() {
        root.claim(name, "the runtime", &mut diags);
    }
    for t in &ir.types {
        root.claim(&t.name, &t.origin, &mut diags);
        check_type(t, &mut diags);
    }
    let mut accessors = Names::new("client method");
    for m in crate::runtime_files::CLIENT_METHODS {
        accessors.claim(m, "the runtime's Client", &mut diags);
    }
    let mut modules = Names::new("module of `api`");
    for g in &ir.groups {
        let origin = g.operations.first().map(|o| format!("operation `{}`", o.id)).unwrap_or_default();
        modules.claim(&g.module, &origin, &mut diags);
        let mut handle = Names::new("method of a group handle");
        // The root group's methods are `Client`'s own, beside its accessors.
        let methods = match &g.accessor {
            Some(accessor) => {
                root.claim(&g.name, &origin, &mut diags);
                accessors.claim(accessor, &origin, &mut diags);
                for m in ["new", "client", "options", "with_options"] {
                    handle.claim(m, "the group handle", &mut diags);
                }
                &mut handle
            }
            None => &mut accessors,
        };
        for op in &g.operations {
            let at = format!("operation `{}`", op.id);
            for name in op_methods(op) {
                methods.claim(name, &at, &mut diags);
            }
            if let Some(q) = &op.query {
                root.claim(&q.name, &at, &mut diags);
                let mut fields = Names::new("parameter field");
                for p in &q.params {
                    fields.claim(&p.name, &at, &mut diags);
                }
            }
            let mut locals = Names::new("argument or local");
            let l = &op.locals;
            for name in [&l.path, &l.request, &l.params, &l.body, &l.client, &l.stream] {
                locals.claim(name, "the method body", &mut diags);
            }
            for p in &op.path_params {
                locals.claim(&p.name, &at, &mut diags);
            }
        }
    }
    diags
}

fn op_methods(op: &Operation) -> impl Iterator<Item = &String> {
    let n = &op.names;
    [&n.plain, &n.with, &n.with_response, &n.stream, &n.pages, &n.items, &n.items_with, &n.pages_with].into_iter().flatten().chain(std::iter::once(&n.request))
}

fn check_type(t: &crate::ir::TypeDef, diags: &mut Diagnostics) {
    match &t.kind {
        Kind::Struct(s) => {
            let mut fields = Names::new("field");
            for f in &s.fields {
                fields.claim(&f.name, &t.origin, diags);
            }
            fields.claim(&s.extra, &t.origin, diags);
        }
        Kind::Enum(e) => {
            let mut variants = Names::new("variant");
            for v in &e.variants {
                variants.claim(&v.name, &t.origin, diags);
            }
            variants.claim(&e.other, &t.origin, diags);
        }
        Kind::Union(u) => {
            let mut variants = Names::new("variant");
            for v in &u.variants {
                variants.claim(&v.name, &t.origin, diags);
            }
            variants.claim(&u.other, &t.origin, diags);
            let mut methods = Names::new("method");
            for a in &u.accessors {
                methods.claim(&a.name, &t.origin, diags);
            }
            if let Some(m) = &u.tag_method {
                methods.claim(m, &t.origin, diags);
            }
        }
        Kind::Alias { .. } => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_duplicate_is_reported_at_both_places() {
        let mut diags = Diagnostics::default();
        let mut names = Names::new("field");
        names.claim("r#type", "/a", &mut diags);
        names.claim("type", "/b", &mut diags);
        names.claim("kind", "/c", &mut diags);
        assert_eq!(diags.items.len(), 1);
        assert!(diags.items[0].message.contains("also introduced at /a"), "{:?}", diags.items);
        assert_eq!(diags.items[0].pointer, "/b");
    }
}
