//! Lowering of `oneOf`/`anyOf`: open string enums (`anyOf [string, enum]`, nested through refs),
//! tagged unions (tags read from one-value enums, shared and multi-tag variants), and untagged
//! mixes. Every union gets a catch-all arm that keeps the raw JSON.

use super::schema::{doc_lines, Lowered};
use super::{DraftKind, Lowerer, NameHint, Ty};
use crate::ir::{SubDispatch, TagArm};
use crate::naming::{self, Scope};
use crate::view;
use serde_json::{Map, Value};

impl Lowerer<'_> {
    pub(crate) fn lower_union(
        &mut self,
        m: &Map<String, Value>,
        keyword: &str,
        branches: &[(usize, &Value)],
        ptr: &str,
        hint: NameHint,
    ) -> Ty {
        if let Some(values) = self.string_like_all(branches) {
            return self.lower_open_enum(values, m, ptr, hint);
        }
        let name = self.claim_name(&hint);
        let tag_prop = m
            .get("discriminator")
            .and_then(|d| d.get("propertyName"))
            .and_then(Value::as_str)
            .unwrap_or("type")
            .to_owned();

        let mut lowered: Vec<(Ty, Vec<String>, Option<String>)> = Vec::new();
        for &(i, b) in branches {
            let branch_ptr = format!("{ptr}/{keyword}/{i}");
            // `$recursiveRef: "#"` points at the component being lowered; read its tags there.
            let recursive = b.as_object().is_some_and(view::is_recursive_ref);
            let self_ref = serde_json::json!({ "$ref": self.current.pointer });
            let probe = if recursive { &self_ref } else { b };
            let tags = view::tag_values(self.root, probe, &tag_prop, 0).unwrap_or_default();
            let word = branch_word(b, &tags);
            let ctx = NameHint::Nested(name.clone(), word.as_deref().unwrap_or("Variant").to_owned());
            let Lowered { ty, .. } = self.lower(b, &branch_ptr, ctx);
            lowered.push((ty, tags, word));
        }
        let tag_names = naming::variant_names_from_tags(&lowered.iter().map(|(_, tags, _)| tags.as_slice()).collect::<Vec<_>>());
        let mut scope = Scope::new();
        let mut variants: Vec<(String, Ty, Vec<String>)> = Vec::new();
        for ((ty, tags, word), from_tag) in lowered.into_iter().zip(tag_names) {
            // Named from the wire tag; else an inline branch by its title or tag, a referenced
            // one by its type.
            let base = match (from_tag, &word) {
                (Some(n), _) => n,
                (None, Some(w)) => naming::variant_name(w),
                (None, None) => naming::variant_name(&ty.variant_word()),
            };
            let variant = scope.claim(&base, "Variant");
            variants.push((variant, ty, tags));
        }

        // Tag value -> candidates; several candidates share a tag, tried most-specific first.
        let mut dispatch: Vec<TagArm> = Vec::new();
        for (vname, _, tags) in &variants {
            for t in tags {
                match dispatch.iter_mut().find(|a| &a.tag == t) {
                    Some(arm) => arm.candidates.push(vname.clone()),
                    None => dispatch.push(TagArm { tag: t.clone(), candidates: vec![vname.clone()], by: None }),
                }
            }
        }
        for arm in &mut dispatch {
            // Most specific first: the candidate that requires the most keys for this tag (a
            // nested union counts by its own variants carrying the tag).
            let root = self.root;
            let current = self.current.pointer.clone();
            arm.candidates.sort_by_key(|n| {
                let i = variants.iter().position(|v| &v.0 == n).unwrap_or(0);
                let b = branches[i].1;
                let self_ref = serde_json::json!({ "$ref": current });
                let probe = if b.as_object().is_some_and(view::is_recursive_ref) { &self_ref } else { b };
                (std::cmp::Reverse(specificity(root, probe, &tag_prop, &arm.tag, 0)), i)
            });
            if arm.candidates.len() > 1 {
                let probes: Vec<&Value> = arm
                    .candidates
                    .iter()
                    .map(|c| {
                        let i = variants.iter().position(|v| &v.0 == c).unwrap_or(0);
                        branches[i].1
                    })
                    .collect();
                arm.by = self.sub_dispatch(&probes, &arm.candidates, &tag_prop);
            }
        }
        // Without a tag (absent, or the union is untagged) every variant whose tag is not
        // required is a candidate, in declared order.
        let untagged: Vec<String> = variants
            .iter()
            .zip(branches)
            .filter(|((_, _, tags), (_, b))| {
                let recursive = b.as_object().is_some_and(view::is_recursive_ref);
                tags.is_empty() || (!recursive && can_lack_tag(self.root, b, &tag_prop, 0))
            })
            .map(|((n, _, _), _)| n.clone())
            .collect();
        let is_tagged = !dispatch.is_empty();
        let names: Vec<String> = variants.iter().map(|v| v.0.clone()).collect();
        let other = naming::catch_all_name(&names);
        let kind = DraftKind::Union {
            tag: is_tagged.then_some(tag_prop),
            variants,
            dispatch,
            untagged,
            other,
        };
        self.add_draft(name.clone(), ptr, doc_lines(m), kind);
        Ty::Named(name)
    }

    /// A property other than the tag whose literal values differ between all `candidates`
    /// (structs sharing a tag), so that lenient decoding need not guess by trying in order.
    fn sub_dispatch(&self, probes: &[&Value], candidates: &[String], tag_prop: &str) -> Option<SubDispatch> {
        let shapes: Vec<Vec<(&str, &Value)>> = probes.iter().map(|p| view::object_shape(self.root, p, 0).0).collect();
        let first = shapes.first()?;
        'props: for (name, _) in first {
            if *name == tag_prop {
                continue;
            }
            let mut arms: Vec<(String, String)> = Vec::new();
            for (shape, variant) in shapes.iter().zip(candidates) {
                let Some((_, schema)) = shape.iter().find(|(n, _)| n == name) else { continue 'props };
                let Some(values) = view::deref(self.root, schema).as_object().and_then(view::string_literals) else {
                    continue 'props;
                };
                for v in values {
                    if arms.iter().any(|(seen, _)| *seen == v) {
                        continue 'props;
                    }
                    arms.push((v, variant.clone()));
                }
            }
            return Some(SubDispatch { field: (*name).to_owned(), arms });
        }
        None
    }

    /// If every branch admits only strings, the known values of all of them (possibly none).
    /// Closed and open string unions become the same open enum: every enum keeps unknown values.
    fn string_like_all(&self, branches: &[(usize, &Value)]) -> Option<Vec<String>> {
        let mut values = Vec::new();
        for (_, b) in branches {
            for v in string_like(self.root, b, 0)? {
                if !values.contains(&v) {
                    values.push(v);
                }
            }
        }
        Some(values)
    }

    fn lower_open_enum(&mut self, values: Vec<String>, m: &Map<String, Value>, ptr: &str, hint: NameHint) -> Ty {
        if values.is_empty() {
            return Ty::String;
        }
        let name = self.claim_name(&hint);
        let kind = DraftKind::Enum(self.enum_def(&values));
        self.add_draft(name.clone(), ptr, doc_lines(m), kind);
        Ty::Named(name)
    }
}

/// Whether a value of `v` can come without its tag: a struct whose tag is optional, or a union
/// with such a variant (a union whose every variant needs the tag cannot).
fn can_lack_tag(root: &Value, v: &Value, tag_prop: &str, depth: usize) -> bool {
    if depth > 8 {
        return false;
    }
    let target = view::deref(root, v);
    if let Some((_, branches)) = target.as_object().and_then(view::union_branches) {
        if !target.as_object().is_some_and(|m| m.contains_key("properties")) {
            return branches.iter().any(|(_, b)| {
                view::tag_values(root, b, tag_prop, 0).is_none_or(|t| t.is_empty()) || can_lack_tag(root, b, tag_prop, depth + 1)
            });
        }
    }
    !view::is_required(root, target, tag_prop)
}

/// How many keys `v` requires when it carries `tag`: its own required list, or for a union the
/// most among its variants that carry the tag.
fn specificity(root: &Value, v: &Value, tag_prop: &str, tag: &str, depth: usize) -> usize {
    if depth > 8 {
        return 0;
    }
    let target = view::deref(root, v);
    if let Some((_, branches)) = target.as_object().and_then(view::union_branches) {
        if !target.as_object().is_some_and(|m| m.contains_key("properties")) {
            return branches
                .iter()
                .filter(|(_, b)| view::tag_values(root, b, tag_prop, 0).is_some_and(|t| t.iter().any(|x| x == tag)))
                .map(|(_, b)| specificity(root, b, tag_prop, tag, depth + 1))
                .max()
                .unwrap_or(0);
        }
    }
    view::object_shape(root, target, 0).1.len()
}

/// The known values when `v` only admits strings (none for a free string).
fn string_like(root: &Value, v: &Value, depth: usize) -> Option<Vec<String>> {
    if depth > 12 {
        return None;
    }
    let m = view::deref(root, v).as_object()?;
    if let Some((_, branches)) = view::union_branches(m) {
        let mut all = Vec::new();
        for (_, b) in branches {
            all.extend(string_like(root, b, depth + 1)?);
        }
        return Some(all);
    }
    if let Some(values) = view::string_literals(m) {
        return Some(values);
    }
    let types = view::types(m);
    let non_null: Vec<&&str> = types.iter().filter(|t| **t != "null").collect();
    (non_null == [&"string"] && !m.contains_key("format")).then(Vec::new)
}

/// A word to name an inline branch by: its title, else its single tag.
fn branch_word(b: &Value, tags: &[String]) -> Option<String> {
    let m = b.as_object()?;
    if m.contains_key("$ref") {
        return None;
    }
    if let Some(t) = m.get("title").and_then(Value::as_str) {
        return Some(t.to_owned());
    }
    if tags.len() == 1 {
        return Some(tags[0].clone());
    }
    None
}
