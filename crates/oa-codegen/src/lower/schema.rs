//! Lowering of single schemas: objects (with `allOf` merged), string enums, scalars, arrays
//! and maps. Unions are handed to `union`.

use super::{Draft, DraftField, DraftKind, Lowerer, NameHint, Ty};
use crate::ir::{EnumDef, EnumVariant, StructTag};
use crate::naming::{self, Scope};
use crate::view;
use serde_json::{Map, Value};

/// Resolves `#/a/b` (or `/a/b`) against the root.
pub(crate) fn resolve_ptr<'a>(root: &'a Value, ptr: &str) -> Option<&'a Value> {
    let p = ptr.strip_prefix('#').unwrap_or(ptr);
    if p.is_empty() {
        Some(root)
    } else {
        root.pointer(p)
    }
}

/// What a schema lowers to: its type and whether it admits `null`.
pub(crate) struct Lowered {
    pub ty: Ty,
    pub nullable: bool,
}

/// Prose for doc comments: the description, split into lines.
pub(crate) fn doc_lines(m: &Map<String, Value>) -> Vec<String> {
    m.get("description").and_then(Value::as_str).map(prose_lines).unwrap_or_default()
}

/// A document's prose as doc lines: trimmed, tabs as four spaces (rustdoc and clippy's
/// `tabs_in_doc_comments` read a tab in Markdown as an accident).
pub(crate) fn prose_lines(text: &str) -> Vec<String> {
    text.trim().lines().map(|l| l.trim_end().replace('\t', "    ")).collect()
}

impl Lowerer<'_> {
    pub(crate) fn lower_component(&mut self, name: &str, schema: &Value, ptr: &str) {
        let node_ptr = &ptr[1..];
        let lowered = self.lower(schema, node_ptr, NameHint::Fixed(name.to_owned()));
        if !self.drafts.contains_key(name) {
            // The component is a scalar, list, map or reference: an alias keeps its name usable.
            let doc = schema.as_object().map(doc_lines).unwrap_or_default();
            self.add_draft(name.to_owned(), node_ptr, doc, DraftKind::Alias(lowered.ty));
        }
    }

    pub(crate) fn add_draft(&mut self, name: String, origin: &str, doc: Vec<String>, kind: DraftKind) {
        let owner = self.current.owner.clone();
        self.drafts.insert(name.clone(), Draft { name, owner, origin: origin.to_owned(), doc, kind, derives: Vec::new() });
    }

    /// The name a new type gets: the fixed component name, or a fresh one from context.
    pub(crate) fn claim_name(&mut self, hint: &NameHint) -> String {
        match hint {
            NameHint::Fixed(n) => n.clone(),
            NameHint::Context(n) => self.names.claim(n, "Inline"),
            NameHint::Nested(parent, word) => self.names.claim(&naming::nested_type_name(parent, word), "Inline"),
        }
    }

    /// Lowers one schema node. Never panics on malformed input: problems become diagnostics
    /// and the node becomes `serde_json::Value`.
    pub(crate) fn lower(&mut self, v: &Value, ptr: &str, hint: NameHint) -> Lowered {
        let m = match v {
            Value::Object(m) => m,
            Value::Bool(true) => return Lowered { ty: Ty::Json, nullable: false },
            _ => {
                self.diags.error(ptr, format!("expected a schema object, found {}", kind_of(v)));
                return Lowered { ty: Ty::Json, nullable: false };
            }
        };
        for k in view::unknown_keywords(m) {
            self.diags.warning(format!("{ptr}/{}", oa_load::escape_token(k)), format!("unknown schema keyword `{k}` ignored"));
        }
        // A `$ref` to a nullable component (`anyOf [X, null]` at the top) is nullable too.
        let nullable = view::is_nullable(m)
            || (m.contains_key("$ref") && view::deref(self.root, v).as_object().is_some_and(view::is_nullable));
        let ty = self.lower_inner(m, ptr, hint);
        if let Some(default) = m.get("default") {
            if let Some(why) = default_contradiction(default, &ty, nullable) {
                self.diags.warning(format!("{ptr}/default"), format!("default {default} ignored: {why}"));
            }
        }
        Lowered { ty, nullable }
    }

    fn lower_inner(&mut self, m: &Map<String, Value>, ptr: &str, hint: NameHint) -> Ty {
        if let Some(r) = m.get("$ref") {
            return self.lower_ref(r, ptr, hint);
        }
        if view::is_recursive_ref(m) {
            return Ty::Named(self.current.name.clone());
        }
        if let Some(Value::Array(all)) = m.get("allOf") {
            let has_own = m.contains_key("properties");
            let non_null: Vec<&Value> = all.iter().filter(|b| !view::is_null_schema(b)).collect();
            if non_null.len() == 1 && !has_own {
                return self.lower(non_null[0], &format!("{ptr}/allOf/0"), hint).ty;
            }
            return self.lower_object(m, ptr, hint);
        } else if m.contains_key("allOf") {
            self.diags.error(format!("{ptr}/allOf"), "`allOf` must be an array of schemas");
        }
        if let Some((keyword, branches)) = view::union_branches(m) {
            if !m.contains_key("properties") {
                return match branches.len() {
                    0 => Ty::Json,
                    1 => {
                        let (i, b) = branches[0];
                        self.lower(b, &format!("{ptr}/{keyword}/{i}"), hint).ty
                    }
                    _ => self.lower_union(m, keyword, &branches, ptr, hint),
                };
            }
        } else if let Some(bad) = ["anyOf", "oneOf"].iter().find(|k| m.get(**k).is_some_and(|v| !v.is_array())) {
            self.diags.error(format!("{ptr}/{bad}"), format!("`{bad}` must be an array of schemas"));
        }
        if let Some(e) = m.get("enum") {
            if !e.is_array() {
                self.diags.error(format!("{ptr}/enum"), "`enum` must be an array");
                return Ty::Json;
            }
        }
        if let Some(values) = view::string_literals(m) {
            return self.lower_enum(values, m, ptr, hint);
        }
        let types: Vec<&str> = view::types(m).into_iter().filter(|t| *t != "null").collect();
        if let Some(t) = m.get("type") {
            if !t.is_string() && !t.is_array() {
                self.diags.error(format!("{ptr}/type"), "`type` must be a string or an array of strings");
                return Ty::Json;
            }
        }
        match types.as_slice() {
            [] => {
                if m.contains_key("properties") {
                    self.lower_object(m, ptr, hint)
                } else if m.contains_key("items") || m.contains_key("prefixItems") {
                    self.lower_array(m, ptr, hint)
                } else if m.contains_key("additionalProperties") {
                    self.lower_map(m, ptr, hint)
                } else {
                    Ty::Json
                }
            }
            [one] => self.lower_typed(one, m, ptr, hint),
            _ => Ty::Json,
        }
    }

    fn lower_typed(&mut self, t: &str, m: &Map<String, Value>, ptr: &str, hint: NameHint) -> Ty {
        match t {
            "string" if m.get("format").and_then(Value::as_str) == Some("binary") => Ty::Bytes,
            "string" => match m.get("format").and_then(Value::as_str).and_then(|f| self.settings.formats.get(f)) {
                Some(rust) => Ty::from_setting(rust),
                None => Ty::String,
            },
            "integer" => Ty::I64,
            "number" => match m.get("format").and_then(Value::as_str) {
                Some("unixtime") | Some("int64") | Some("int32") => Ty::I64,
                _ => Ty::F64,
            },
            "boolean" => Ty::Bool,
            "array" => self.lower_array(m, ptr, hint),
            "object" => {
                if m.contains_key("properties") {
                    self.lower_object(m, ptr, hint)
                } else {
                    self.lower_map(m, ptr, hint)
                }
            }
            other => {
                self.diags.error(format!("{ptr}/type"), format!("unknown type `{other}`"));
                Ty::Json
            }
        }
    }

    fn lower_ref(&mut self, r: &Value, ptr: &str, hint: NameHint) -> Ty {
        let Some(r) = r.as_str() else {
            self.diags.error(format!("{ptr}/$ref"), "`$ref` must be a string");
            return Ty::Json;
        };
        if let Some(name) = self.components.get(r) {
            return Ty::Named(name.clone());
        }
        if let Some(ty) = self.replaced.get(r) {
            return ty.clone();
        }
        match resolve_ptr(self.root, r) {
            // A ref into the middle of a component: lower the target in place.
            Some(target) if r.starts_with("#/") && r.matches('/').count() > 3 => {
                let target_ptr = r[1..].to_owned();
                self.lower_depth_guarded(target, &target_ptr, hint)
            }
            _ => {
                // In a schema the reference becomes any JSON value; in an operation it leaves
                // the operation out (an error there is demoted to a warning with the operation).
                let message = format!("unresolved $ref `{r}`");
                if self.current.pointer.starts_with("#/components/") {
                    self.diags.warning(format!("{ptr}/$ref"), format!("{message}; taken as any JSON value"));
                } else {
                    self.diags.error(format!("{ptr}/$ref"), message);
                }
                Ty::Json
            }
        }
    }

    fn lower_depth_guarded(&mut self, v: &Value, ptr: &str, hint: NameHint) -> Ty {
        // Inline refs can form cycles without a component in between: a target already being
        // lowered is a cycle (stopped at once: two refs back would otherwise branch
        // exponentially), and a depth of 64 is far beyond any real document.
        if self.active.len() > 64 || self.active.iter().any(|p| p == ptr) {
            self.diags.error(ptr, "reference cycle without a named schema");
            return Ty::Json;
        }
        self.active.push(ptr.to_owned());
        let ty = self.lower(v, ptr, hint).ty;
        self.active.pop();
        ty
    }

    fn lower_array(&mut self, m: &Map<String, Value>, ptr: &str, hint: NameHint) -> Ty {
        // A tuple (`prefixItems` with no further items) is a Rust tuple.
        if let Some(Value::Array(prefix)) = m.get("prefixItems") {
            let closed = matches!(m.get("items"), None | Some(Value::Bool(false)));
            if closed && (1..=6).contains(&prefix.len()) {
                let items = prefix
                    .iter()
                    .enumerate()
                    .map(|(i, p)| {
                        let ctx = NameHint::Context(format!("{}Item{i}", hint.base()));
                        self.lower(p, &format!("{ptr}/prefixItems/{i}"), ctx).ty
                    })
                    .collect();
                return Ty::Tuple(items);
            }
        }
        match m.get("items") {
            Some(items) => {
                let ctx = NameHint::Context(format!("{}Item", hint.base()));
                Ty::List(Box::new(self.lower(items, &format!("{ptr}/items"), ctx).ty))
            }
            None => Ty::List(Box::new(Ty::Json)),
        }
    }

    fn lower_map(&mut self, m: &Map<String, Value>, ptr: &str, hint: NameHint) -> Ty {
        match m.get("additionalProperties") {
            Some(Value::Object(_)) => {
                let ap = &m["additionalProperties"];
                if ap.as_object().is_some_and(|o| o.is_empty()) {
                    return Ty::JsonObject;
                }
                let ctx = NameHint::Context(format!("{}Value", hint.base()));
                Ty::Map(Box::new(self.lower(ap, &format!("{ptr}/additionalProperties"), ctx).ty))
            }
            _ => Ty::JsonObject,
        }
    }

    fn lower_enum(&mut self, values: Vec<String>, m: &Map<String, Value>, ptr: &str, hint: NameHint) -> Ty {
        let name = self.claim_name(&hint);
        let kind = DraftKind::Enum(self.enum_def(&values));
        self.add_draft(name.clone(), ptr, doc_lines(m), kind);
        Ty::Named(name)
    }

    /// The variants of an open enum of `values`, and its catch-all arm.
    pub(crate) fn enum_def(&self, values: &[String]) -> EnumDef {
        let mut scope = Scope::new();
        let variants: Vec<EnumVariant> = values
            .iter()
            .map(|w| {
                let name = scope.claim(&naming::variant_name(w), "Value");
                let doc = self.settings.deny_missing_docs || crate::case::snake(&name) != *w;
                EnumVariant { name, wire: w.clone(), doc }
            })
            .collect();
        let names: Vec<String> = variants.iter().map(|v| v.name.clone()).collect();
        let other = naming::catch_all_name(&names);
        EnumDef { variants, other }
    }

    pub(crate) fn lower_object(&mut self, m: &Map<String, Value>, ptr: &str, hint: NameHint) -> Ty {
        // Properties copied in through `allOf` keep the pointers of their definitions: the
        // same object again further down is a cycle with no named schema to stop it.
        if self.objects.iter().any(|p| p == ptr) {
            self.diags.error(ptr, "reference cycle without a named schema: an `allOf` copies in a schema that holds this object");
            return Ty::Json;
        }
        self.objects.push(ptr.to_owned());
        let ty = self.lower_object_fields(m, ptr, hint);
        self.objects.pop();
        ty
    }

    fn lower_object_fields(&mut self, m: &Map<String, Value>, ptr: &str, hint: NameHint) -> Ty {
        let name = self.claim_name(&hint);
        // `m` is no `$ref` (`lower_inner` follows those first), so its shape is its own.
        let required: Vec<&str> = view::map_shape(self.root, m, 0).1;
        let props: Vec<(&str, &Value, String)> = view::map_properties(self.root, m, ptr, 0);
        if let Some(Value::Array(all)) = m.get("allOf") {
            for (i, b) in all.iter().enumerate() {
                if !b.is_object() {
                    self.diags.error(format!("{ptr}/allOf/{i}"), format!("expected a schema object, found {}", kind_of(b)));
                }
            }
        }
        let mut tag = None;
        let mut fields = Vec::new();
        let mut scope = Scope::new();
        for &(wire, schema, ref prop_ptr) in &props {
            let prop_ptr = prop_ptr.as_str();
            let is_required = required.contains(&wire);
            let literal = view::deref(self.root, schema).as_object().and_then(view::string_literals);
            if wire == "type" && is_required && tag.is_none() {
                if let Some(values) = &literal {
                    if values.len() == 1 {
                        tag = Some(StructTag { field: wire.to_owned(), value: values[0].clone() });
                        continue;
                    }
                }
            }
            let ctx = NameHint::Nested(name.clone(), wire.to_owned());
            let lowered = self.lower(schema, prop_ptr, ctx);
            let field_name = scope.claim(&naming::field_name(wire), "_");
            let doc = field_doc(self.root, schema, wire, &field_name);
            fields.push(DraftField { name: field_name, wire: wire.to_owned(), ty: lowered.ty, required: is_required, nullable: lowered.nullable, doc });
        }
        self.add_draft(name.clone(), ptr, doc_lines(m), DraftKind::Struct { fields, tag });
        Ty::Named(name)
    }
}

/// A field's doc: its description, its default, and its wire name where the Rust name differs;
/// nothing when there is nothing to say.
fn field_doc(root: &Value, schema: &Value, wire: &str, rust: &str) -> Vec<String> {
    let mut doc = schema.as_object().map(doc_lines).unwrap_or_default();
    let default = schema.get("default").or_else(|| view::deref(root, schema).get("default"));
    let mut facts = Vec::new();
    if let Some(d) = default.filter(|d| !d.is_null()) {
        facts.push(format!("Defaults to `{d}` on the server when left out."));
    }
    if naming::bare(rust) != wire {
        facts.push(format!("Sent as `{wire}`."));
    }
    if !facts.is_empty() {
        if !doc.is_empty() {
            doc.push(String::new());
        }
        doc.push(facts.join(" "));
    }
    doc
}

pub(crate) fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Why a `default` cannot be a value of the schema, if it cannot (the published document has
/// `default: null` on non-nullable unions). Defaults are documentation here, never decoded.
fn default_contradiction(default: &Value, ty: &Ty, nullable: bool) -> Option<&'static str> {
    match (default, ty) {
        (Value::Null, _) if !nullable => Some("the schema is not nullable"),
        (Value::Null, _) => None,
        (Value::String(_), Ty::String | Ty::Named(_) | Ty::Json) => None,
        (Value::Bool(_), Ty::Bool | Ty::Named(_) | Ty::Json) => None,
        (Value::Number(n), Ty::I64) if n.is_i64() || n.is_u64() => None,
        (Value::Number(_), Ty::F64 | Ty::Named(_) | Ty::Json) => None,
        (Value::Array(_), Ty::List(_) | Ty::Named(_) | Ty::Json) => None,
        (Value::Object(_), Ty::Map(_) | Ty::JsonObject | Ty::Named(_) | Ty::Json) => None,
        _ => Some("its JSON type does not match the schema"),
    }
}
