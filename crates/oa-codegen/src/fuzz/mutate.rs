//! Structural mutations of a parsed document for `fuzz`: drop, duplicate and retarget `$ref`s,
//! swap types, insert cycles and aliases, truncate, rename keys, and the wrong JSON type for
//! every structural keyword. Each mutation lands in the part of the document the selected
//! operations reach (`Targets`) and returns a one-line description, or `None` when it found no
//! target (the caller draws again).

use oa_load::escape_token;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// xorshift64*: tiny, deterministic, good enough to pick nodes.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        if items.is_empty() {
            None
        } else {
            Some(&items[self.below(items.len())])
        }
    }
}

fn escape(token: &str) -> String {
    escape_token(token).into_owned()
}

fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Where mutations land: the path items of the document and the components they reach, as
/// JSON pointers of object and array nodes.
pub struct Targets {
    /// Every object or array node (not the root).
    nodes: Vec<String>,
    /// Object nodes by the keys they hold (`$ref`, `type`, `enum`, `properties`, ...).
    with_key: BTreeMap<&'static str, Vec<String>>,
    /// Reachable component schema names.
    components: Vec<String>,
    /// The selected path templates.
    paths: Vec<String>,
}

const KEYS: &[&str] = &[
    "$ref", "type", "enum", "const", "properties", "items", "allOf", "oneOf", "anyOf", "required",
    "additionalProperties", "discriminator", "parameters", "responses", "content", "schema", "requestBody",
    "operationId", "nullable", "description", "in", "name", "style", "format",
];

/// Keys under which children are prose or samples, not walked.
fn skipped(key: &str) -> bool {
    matches!(key, "example" | "examples" | "x-oaiMeta" | "description" | "title" | "default" | "summary")
}

/// Indexes the nodes reachable from the paths of `root` that `selected` accepts.
pub fn index(root: &Value, selected: &dyn Fn(&str) -> bool) -> Targets {
    let paths: Vec<String> = match root.get("paths") {
        Some(Value::Object(m)) => m.keys().filter(|k| selected(k)).cloned().collect(),
        _ => Vec::new(),
    };
    let mut roots: Vec<String> = paths.iter().map(|p| format!("/paths/{}", escape(p))).collect();
    if roots.is_empty() {
        // A document of components only: all of them.
        roots = keys(root, "/components/schemas").iter().map(|n| schema_ptr(n)).collect();
    }
    // Components reachable from those paths, of any kind, through refs.
    let mut reached: BTreeSet<String> = BTreeSet::new();
    let mut stack = roots.clone();
    while let Some(ptr) = stack.pop() {
        let Some(v) = root.pointer(&ptr) else { continue };
        collect_refs(v, &mut |r| {
            let parts: Vec<&str> = r.trim_start_matches('#').split('/').collect();
            if parts.len() >= 4 && parts[0].is_empty() && parts[1] == "components" {
                let p = parts[..4].join("/");
                if reached.insert(p.clone()) {
                    stack.push(p);
                }
            }
        });
    }
    let components =
        reached.iter().filter_map(|p| p.strip_prefix("/components/schemas/")).map(unescape).collect();
    let mut t = Targets { nodes: Vec::new(), with_key: BTreeMap::new(), components, paths };
    for s in roots.iter().chain(&reached) {
        if let Some(v) = root.pointer(s) {
            walk(v, s, &mut t);
        }
    }
    t
}

fn collect_refs(v: &Value, f: &mut dyn FnMut(&str)) {
    match v {
        Value::Object(m) => {
            for (k, c) in m {
                if k == "$ref" {
                    if let Some(r) = c.as_str() {
                        f(r);
                    }
                } else if !skipped(k) {
                    collect_refs(c, f);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|c| collect_refs(c, f)),
        _ => {}
    }
}

fn walk(v: &Value, ptr: &str, t: &mut Targets) {
    match v {
        Value::Object(m) => {
            t.nodes.push(ptr.to_owned());
            for key in KEYS {
                if m.contains_key(*key) {
                    t.with_key.entry(key).or_default().push(ptr.to_owned());
                }
            }
            for (k, c) in m {
                if !skipped(k) {
                    walk(c, &format!("{ptr}/{}", escape(k)), t);
                }
            }
        }
        Value::Array(a) => {
            t.nodes.push(ptr.to_owned());
            for (i, c) in a.iter().enumerate() {
                walk(c, &format!("{ptr}/{i}"), t);
            }
        }
        _ => {}
    }
}

/// A value in at most 60 characters, for descriptions.
pub fn short(v: &Value) -> String {
    let s = v.to_string();
    match s.char_indices().nth(57) {
        Some((i, _)) if s.len() > 60 => format!("{}…", &s[..i]),
        _ => s,
    }
}

fn parent_and_last(ptr: &str) -> (&str, String) {
    let (parent, last) = ptr.rsplit_once('/').unwrap_or(("", ptr));
    (parent, unescape(last))
}

/// Removes the node at `ptr` from its parent object or array.
pub fn remove(root: &mut Value, ptr: &str) -> Option<Value> {
    let (parent, last) = parent_and_last(ptr);
    match root.pointer_mut(parent)? {
        Value::Object(m) => m.shift_remove(&last),
        Value::Array(a) => {
            let i: usize = last.parse().ok()?;
            (i < a.len()).then(|| a.remove(i))
        }
        _ => None,
    }
}

/// Renames key `from` to `to` in the object at `ptr`, keeping its position.
fn rename_key(root: &mut Value, ptr: &str, from: &str, to: &str) -> bool {
    let Some(Value::Object(m)) = root.pointer_mut(ptr) else { return false };
    if !m.contains_key(from) {
        return false;
    }
    let old = std::mem::take(m);
    for (k, v) in old {
        if k == from {
            m.insert(to.to_owned(), v);
        } else if k != to {
            m.insert(k, v);
        }
    }
    true
}

pub fn set(root: &mut Value, ptr: &str, v: Value) -> bool {
    match root.pointer_mut(ptr) {
        Some(slot) => {
            *slot = v;
            true
        }
        None => false,
    }
}

fn set_key(root: &mut Value, ptr: &str, key: &str, v: Value) -> bool {
    match root.pointer_mut(ptr) {
        Some(Value::Object(m)) => {
            m.insert(key.to_owned(), v);
            true
        }
        _ => false,
    }
}

/// Keys of the object at `ptr`.
fn keys(root: &Value, ptr: &str) -> Vec<String> {
    root.pointer(ptr).and_then(Value::as_object).map(|m| m.keys().cloned().collect()).unwrap_or_default()
}

fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{}", escape(name)) })
}

fn schema_ptr(name: &str) -> String {
    format!("/components/schemas/{}", escape(name))
}

const WEIRD_NAMES: &[&str] = &[
    "", " ", "type", "self", "Self", "super", "crate", "_", "__", "1", "1abc", "r#type", "a b", "a-b", "🙂",
    "\"", "\\", "{", "}", "::", "Option", "Vec", "String", "Box", "Result", "serde_json", "Value", "Other",
    "Unknown", "extra", "new", "client", "default", "async", "mod", "ÄÖÜ", "\n", "a\"b", "/", "{}", "r#", "'",
    "*/", "/*", "#", "$", "path", "request", "params", "body", "api", "stream", "Field", "Extra", "Presence",
];

fn wrong_values() -> Vec<Value> {
    vec![
        json!("str"), json!(""), json!(7), json!(-1.5), json!(true), json!(null), json!([]), json!({}), json!([1, 2]),
        json!(["a"]), json!({"a": 1}), json!([null]), json!(1e300), json!(-9223372036854775808i64),
    ]
}

/// What a mutation reads: the targets in the document being mutated and the whole document
/// it came from (a retargeted `$ref` may name, and copy in, any of its components).
pub struct Ctx<'a> {
    pub targets: &'a Targets,
    pub source: &'a Value,
}

impl Ctx<'_> {
    fn with(&self, key: &str) -> &[String] {
        self.targets.with_key.get(key).map(Vec::as_slice).unwrap_or(&[])
    }
}

const KINDS: usize = 24;

/// Applies one mutation chosen by `rng`; its description, or `None` if it found no target.
pub fn mutate(root: &mut Value, cx: &Ctx<'_>, rng: &mut Rng) -> Option<String> {
    match rng.below(KINDS) {
        0 | 1 => drop_node(root, cx, rng),
        2 => wrong_type(root, cx, rng),
        3 => broken_ref(root, cx, rng),
        4 | 5 => retarget_ref(root, cx, rng),
        6 => duplicate(root, cx, rng),
        7 => self_ref(root, cx, rng),
        8 => component_cycle(root, cx, rng),
        9 => alias(root, cx, rng),
        10 => wrong_enum(root, cx, rng),
        11 => wrong_keyword(root, cx, rng),
        12 => drop_components(root, cx, rng),
        13 | 14 => rename(root, cx, rng),
        15 => {
            let p = rng.pick(&cx.targets.nodes)?.clone();
            let v = rng.pick(&wrong_values())?.clone();
            set(root, &p, v.clone());
            Some(format!("{p} := {}", short(&v)))
        }
        16 => odd_required_or_discriminator(root, cx, rng),
        17 => nest(root, cx, rng),
        18 => null_spellings(root, cx, rng),
        19 => dynamic_or_external_ref(root, cx, rng),
        20 => case_copy(root, cx, rng),
        21 => truncate(root, cx, rng),
        22 => swap_nodes(root, cx, rng),
        _ => parameter_oddity(root, cx, rng),
    }
}

fn drop_node(root: &mut Value, cx: &Ctx<'_>, rng: &mut Rng) -> Option<String> {
    let p = rng.pick(&cx.targets.nodes)?.clone();
    remove(root, &p)?;
    Some(format!("drop {p}"))
}

fn wrong_type(root: &mut Value, cx: &Ctx<'_>, rng: &mut Rng) -> Option<String> {
    let p = rng.pick(cx.with("type"))?.clone();
    let choices = [
        json!("strin"), json!(""), json!(42), json!(null), json!(["object", 7]), json!(["null"]), json!("array"),
        json!("object"), json!("integer"), json!("number"), json!("boolean"), json!("string"), json!({}), json!([]),
        json!(["string", "integer"]), json!("null"), json!(["string", "string"]), json!("String"),
        json!(["array", "object", "null"]),
    ];
    let v = rng.pick(&choices)?.clone();
    set_key(root, &p, "type", v.clone());
    if rng.below(3) == 0 {
        let f = rng.pick(&[json!("date-time"), json!("int64"), json!("binary"), json!(7), json!("uuid"), json!("")])?.clone();
        set_key(root, &p, "format", f);
    }
    Some(format!("type of {p} := {}", short(&v)))
}

fn broken_ref(root: &mut Value, cx: &Ctx<'_>, rng: &mut Rng) -> Option<String> {
    let p = rng.pick(cx.with("$ref"))?.clone();
    let old = root.pointer(&format!("{p}/$ref")).and_then(Value::as_str).unwrap_or("#").to_owned();
    let cut = old.char_indices().map(|(i, _)| i).nth(rng.below(old.chars().count().max(1))).unwrap_or(0);
    let choices = [
        json!("#/components/schemas/DoesNotExist"), json!(42), json!(null), json!(""), json!("#"),
        json!("#/components/schemas/"), json!("#/components/schemas"), json!("https://example.com/x.yaml#/A"),
        json!("#/components/schemas/X/properties/nope"), json!("#/paths"), json!("components/schemas/Foo"),
        json!(["#/a"]), json!({"$ref": "#/a"}), json!("#/components/schemas/~1weird~0"), json!("#/info/title"),
        json!("#/components/schemas//"), json!("#components/schemas/A"), json!("#/components/schemas/A~2"),
        json!(old[..cut].to_owned()), json!(format!("{old}/properties")), json!(format!("{old}/allOf/0")),
    ];
    let v = rng.pick(&choices)?.clone();
    set_key(root, &p, "$ref", v.clone());
    Some(format!("$ref of {p} := {}", short(&v)))
}

/// A `$ref` pointed at another component (copied in from the source document when missing),
/// at a component of another kind, or at a node inside the document.
fn retarget_ref(root: &mut Value, cx: &Ctx<'_>, rng: &mut Rng) -> Option<String> {
    let p = rng.pick(cx.with("$ref"))?.clone();
    let target = match rng.below(4) {
        0 | 1 => {
            let names = keys(cx.source, "/components/schemas");
            let name = rng.pick(&names)?.clone();
            if root.pointer(&schema_ptr(&name)).is_none() {
                let v = cx.source.pointer(&schema_ptr(&name))?.clone();
                let schemas = root.as_object_mut()?.entry("components").or_insert_with(|| json!({}));
                let schemas = schemas.as_object_mut()?.entry("schemas").or_insert_with(|| json!({}));
                schemas.as_object_mut()?.insert(name.clone(), v);
            }
            format!("#{}", schema_ptr(&name))
        }
        2 => {
            let kind = *rng.pick(&["parameters", "responses", "requestBodies", "securitySchemes", "headers"])?;
            let names = keys(cx.source, &format!("/components/{kind}"));
            let name = rng.pick(&names).cloned().unwrap_or_else(|| "Missing".into());
            format!("#/components/{kind}/{}", escape(&name))
        }
        _ => format!("#{}", rng.pick(&cx.targets.nodes)?),
    };
    set_key(root, &p, "$ref", json!(target));
    Some(format!("$ref of {p} retargeted to {target}"))
}

/// A node duplicated: a `$ref` twice in an `allOf`/`oneOf`, a property under a second name,
/// an array item repeated.
fn duplicate(root: &mut Value, cx: &Ctx<'_>, rng: &mut Rng) -> Option<String> {
    match rng.below(3) {
        0 => {
            let p = rng.pick(cx.with("$ref"))?.clone();
            let r = root.pointer(&p)?.clone();
            let key = *rng.pick(&["allOf", "oneOf", "anyOf"])?;
            set(root, &p, json!({ key: [r.clone(), r] }));
            Some(format!("{p} := {key} of its $ref twice"))
        }
        1 => {
            let p = rng.pick(cx.with("properties"))?.clone();
            let pp = format!("{p}/properties");
            let names = keys(root, &pp);
            let k = rng.pick(&names)?.clone();
            let v = root.pointer(&format!("{pp}/{}", escape(&k)))?.clone();
            let copy = match rng.below(3) {
                0 => k.to_uppercase(),
                1 => format!("{k}_"),
                _ => k.replace('_', "-"),
            };
            set_key(root, &pp, &copy, v);
            Some(format!("property {pp}/{k} duplicated as {copy:?}"))
        }
        _ => {
            let p = rng.pick(&cx.targets.nodes)?.clone();
            let Value::Array(a) = root.pointer_mut(&p)? else { return None };
            let i = rng.below(a.len());
            let v = a.get(i)?.clone();
            a.push(v);
            Some(format!("{p}/{i} duplicated at the end"))
        }
    }
}

/// A node that is a `$ref` to itself or to its parent, or that branches back to itself.
fn self_ref(root: &mut Value, cx: &Ctx<'_>, rng: &mut Rng) -> Option<String> {
    let p = rng.pick(&cx.targets.nodes)?.clone();
    let me = format!("#{p}");
    let v = match rng.below(6) {
        0 => json!({ "$ref": me }),
        1 => json!({ "$ref": format!("#{}", parent_and_last(&p).0) }),
        2 => {
            set_key(root, &p, "$ref", json!(me));
            return Some(format!("{p} += $ref to itself beside its keys"));
        }
        3 => json!({"type": "object", "properties": {"a": {"$ref": me}, "b": {"$ref": me}}, "required": ["a"]}),
        4 => json!({"oneOf": [{"$ref": me}, {"$ref": me}, {"type": "string"}]}),
        _ => json!({"allOf": [{"$ref": me}, {"$ref": me}]}),
    };
    set(root, &p, v.clone());
    Some(format!("{p} := {}", short(&v)))
}

/// A -> B -> A through `allOf`, `anyOf`, required properties or arrays.
fn component_cycle(root: &mut Value, cx: &Ctx<'_>, rng: &mut Rng) -> Option<String> {
    let a = rng.pick(&cx.targets.components)?.clone();
    let b = rng.pick(&cx.targets.components)?.clone();
    let (pa, pb) = (schema_ptr(&a), schema_ptr(&b));
    match rng.below(5) {
        0 => {
            set(root, &pa, json!({"allOf": [schema_ref(&b)]}));
            set(root, &pb, json!({"allOf": [schema_ref(&a)]}));
            Some(format!("cycle {a} -allOf-> {b} -allOf-> {a}"))
        }
        1 => {
            let old_a = root.pointer(&pa).cloned().unwrap_or(Value::Null);
            set(root, &pa, json!({"allOf": [schema_ref(&b), old_a]}));
            let old_b = root.pointer(&pb).cloned().unwrap_or(Value::Null);
            set(root, &pb, json!({"allOf": [schema_ref(&a), old_b]}));
            Some(format!("cycle {a} -allOf(+own)-> {b} -allOf(+own)-> {a}"))
        }
        2 => {
            set(root, &pa, json!({"type": "array", "items": schema_ref(&a)}));
            Some(format!("{a} := array of itself"))
        }
        3 => {
            set(root, &pa, json!({"type": "object", "properties": {"b": schema_ref(&b)}, "required": ["b"]}));
            set(root, &pb, json!({"type": "object", "properties": {"a": schema_ref(&a)}, "required": ["a"]}));
            Some(format!("cycle {a} -required-> {b} -required-> {a}"))
        }
        _ => {
            set(root, &pa, json!({"anyOf": [schema_ref(&a), schema_ref(&b), {"type": "string"}]}));
            if a != b {
                set(root, &pb, json!({"allOf": [schema_ref(&a)]}));
            }
            Some(format!("cycle {a} -anyOf-> {b} -allOf-> {a}"))
        }
    }
}

/// Aliases: a component that is only a `$ref` to another, a chain of them, or two that name
/// each other; a `$ref` of the document is pointed at the alias.
fn alias(root: &mut Value, cx: &Ctx<'_>, rng: &mut Rng) -> Option<String> {
    let c = rng.pick(&cx.targets.components)?.clone();
    let (a1, a2) = (format!("{c}Alias"), format!("{c}Alias2"));
    let schemas = root.pointer_mut("/components/schemas")?.as_object_mut()?;
    let what = match rng.below(3) {
        0 => {
            schemas.insert(a1.clone(), schema_ref(&c));
            format!("alias {a1} -> {c}")
        }
        1 => {
            schemas.insert(a1.clone(), schema_ref(&a2));
            schemas.insert(a2.clone(), json!({"$ref": format!("#/components/schemas/{}", escape(&c)), "nullable": true}));
            format!("alias chain {a1} -> {a2} -> {c} (nullable)")
        }
        _ => {
            schemas.insert(a1.clone(), schema_ref(&a2));
            schemas.insert(a2.clone(), schema_ref(&a1));
            format!("alias cycle {a1} <-> {a2}")
        }
    };
    let p = rng.pick(cx.with("$ref"))?.clone();
    set_key(root, &p, "$ref", json!(format!("#{}", schema_ptr(&a1))));
    Some(format!("{what}, referenced from {p}"))
}

fn wrong_enum(root: &mut Value, cx: &Ctx<'_>, rng: &mut Rng) -> Option<String> {
    let p = match rng.below(2) {
        0 => rng.pick(cx.with("enum"))?.clone(),
        _ => rng.pick(cx.with("type"))?.clone(),
    };
    let choices = [
        json!("x"), json!(3), json!({}), json!(null), json!([]), json!([1, "a", null, true, {}]), json!([null]),
        json!(["a", "A", "a-", "_", ""]), json!([1.5, 2]), json!(["", " "]), json!([["nested"]]),
        json!(["type", "self", "Other", "other", "1", "🙂"]), json!([true, false]), json!(["a", "a"]),
        json!([9223372036854775807i64, -9223372036854775808i64, 1e300]), json!(["\"", "\\", "\n", "}"]),
    ];
    let v = rng.pick(&choices)?.clone();
    set_key(root, &p, "enum", v.clone());
    Some(format!("enum of {p} := {}", short(&v)))
}

/// A structural keyword of the wrong JSON type.
fn wrong_keyword(root: &mut Value, cx: &Ctx<'_>, rng: &mut Rng) -> Option<String> {
    let key = *rng.pick(&[
        "properties", "items", "allOf", "oneOf", "anyOf", "required", "additionalProperties", "discriminator",
        "parameters", "responses", "content", "schema", "requestBody", "nullable", "const", "operationId", "in",
        "name", "style", "format",
    ])?;
    let p = rng.pick(cx.with(key))?.clone();
    let old = root.pointer(&format!("{p}/{}", escape(key))).cloned().unwrap_or(Value::Null);
    let choices: Vec<Value> =
        wrong_values().into_iter().filter(|v| std::mem::discriminant(v) != std::mem::discriminant(&old)).collect();
    let v = rng.pick(&choices)?.clone();
    set_key(root, &p, key, v.clone());
    Some(format!("{key} of {p} := {}", short(&v)))
}

fn drop_components(root: &mut Value, cx: &Ctx<'_>, rng: &mut Rng) -> Option<String> {
    match rng.below(4) {
        0 => {
            remove(root, "/components")?;
            Some("drop /components".into())
        }
        1 => {
            remove(root, "/components/schemas")?;
            Some("drop /components/schemas".into())
        }
        _ => {
            let c = rng.pick(&cx.targets.components)?.clone();
            remove(root, &schema_ptr(&c))?;
            Some(format!("drop component {c}"))
        }
    }
}

/// Empty or awkward names: properties, components, operationIds, paths, media types, path
/// template parameters.
fn rename(root: &mut Value, cx: &Ctx<'_>, rng: &mut Rng) -> Option<String> {
    let name = *rng.pick(WEIRD_NAMES)?;
    match rng.below(6) {
        0 => {
            let p = rng.pick(cx.with("properties"))?.clone();
            let pp = format!("{p}/properties");
            let k = rng.pick(&keys(root, &pp))?.clone();
            rename_key(root, &pp, &k, name).then_some(())?;
            Some(format!("property {pp}/{k} renamed {name:?}"))
        }
        1 => {
            let c = rng.pick(&cx.targets.components)?.clone();
            rename_key(root, "/components/schemas", &c, name).then_some(())?;
            if rng.below(2) == 0 {
                // The references follow the new name.
                let (from, to) = (format!("#{}", schema_ptr(&c)), format!("#{}", schema_ptr(name)));
                rewrite_refs(root, &from, &to);
                return Some(format!("component {c} renamed {name:?} with its references"));
            }
            Some(format!("component {c} renamed {name:?}"))
        }
        2 => {
            let p = rng.pick(cx.with("operationId"))?.clone();
            set_key(root, &p, "operationId", json!(name));
            Some(format!("operationId of {p} := {name:?}"))
        }
        3 => {
            let k = rng.pick(&cx.targets.paths)?.clone();
            let new = match rng.below(3) {
                0 => format!("{k}/{{{name}}}"),
                1 => k.replace('{', "{{"),
                _ => format!("/{name}"),
            };
            rename_key(root, "/paths", &k, &new).then_some(())?;
            Some(format!("path {k:?} renamed {new:?}"))
        }
        4 => {
            let p = rng.pick(cx.with("in"))?.clone();
            set_key(root, &p, "name", json!(name));
            Some(format!("parameter {p} named {name:?}"))
        }
        _ => {
            let p = rng.pick(cx.with("content"))?.clone();
            let cp = format!("{p}/content");
            let k = rng.pick(&keys(root, &cp))?.clone();
            let media = *rng.pick(&[name, "text/event-stream", "multipart/form-data", "application/x-www-form-urlencoded", "*/*", "application/json; charset=utf-8", "application/octet-stream"])?;
            rename_key(root, &cp, &k, media).then_some(())?;
            Some(format!("media type {cp}/{k} renamed {media:?}"))
        }
    }
}

fn rewrite_refs(v: &mut Value, from: &str, to: &str) {
    match v {
        Value::Object(m) => {
            for (k, c) in m.iter_mut() {
                match c {
                    Value::String(s) if k == "$ref" && s == from => *s = to.to_owned(),
                    _ => rewrite_refs(c, from, to),
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|c| rewrite_refs(c, from, to)),
        _ => {}
    }
}

fn odd_required_or_discriminator(root: &mut Value, cx: &Ctx<'_>, rng: &mut Rng) -> Option<String> {
    if rng.below(2) == 0 {
        let p = rng.pick(cx.with("properties"))?.clone();
        let choices = [json!(["nope"]), json!([1, null, {}]), json!(["", ""]), json!(["type"]), json!("all"), json!([["a"]])];
        let v = rng.pick(&choices)?.clone();
        set_key(root, &p, "required", v.clone());
        return Some(format!("required of {p} := {}", short(&v)));
    }
    let p = match rng.below(2) {
        0 => rng.pick(cx.with("oneOf"))?.clone(),
        _ => rng.pick(cx.with("anyOf"))?.clone(),
    };
    let other = rng.pick(&cx.targets.components).map(|c| format!("#{}", schema_ptr(c))).unwrap_or_default();
    let choices = [
        json!({"propertyName": "nope"}), json!({"propertyName": 3}), json!({}), json!({"propertyName": ""}),
        json!({"propertyName": "type", "mapping": {"a": "#/components/schemas/Missing", "": 7}}),
        json!({"propertyName": "type", "mapping": "x"}), json!("type"),
        json!({"propertyName": "type", "mapping": {"a": other, "b": other}}),
    ];
    let v = rng.pick(&choices)?.clone();
    set_key(root, &p, "discriminator", v.clone());
    Some(format!("discriminator of {p} := {}", short(&v)))
}

fn nest(root: &mut Value, cx: &Ctx<'_>, rng: &mut Rng) -> Option<String> {
    let p = rng.pick(&cx.targets.nodes)?.clone();
    let mut v = root.pointer(&p)?.clone();
    let depth = 8 + rng.below(40);
    let arrays = rng.below(2) == 0;
    for i in 0..depth {
        v = if arrays {
            json!({"type": "array", "items": v})
        } else {
            json!({"type": "object", "properties": {format!("f{i}"): v}, "required": [format!("f{i}")]})
        };
    }
    set(root, &p, v);
    Some(format!("{p} wrapped in {depth} levels of {}", if arrays { "arrays" } else { "objects" }))
}

fn null_spellings(root: &mut Value, cx: &Ctx<'_>, rng: &mut Rng) -> Option<String> {
    let p = rng.pick(cx.with("type"))?.clone();
    let choices = [
        ("const", json!({"a": 1})), ("const", json!(null)), ("const", json!(3)), ("const", json!("")),
        ("nullable", json!("yes")), ("nullable", json!(true)), ("type", json!(["null"])),
        ("anyOf", json!([{"type": "null"}])), ("oneOf", json!([{"type": "null"}, {"type": "null"}])),
        ("enum", json!([null, null])), ("allOf", json!([{"type": "null"}])), ("const", json!("")),
    ];
    let (k, v) = rng.pick(&choices)?.clone();
    set_key(root, &p, k, v.clone());
    Some(format!("{k} of {p} := {}", short(&v)))
}

fn dynamic_or_external_ref(root: &mut Value, cx: &Ctx<'_>, rng: &mut Rng) -> Option<String> {
    if rng.below(3) == 0 {
        let p = rng.pick(cx.with("$ref"))?.clone();
        set_key(root, &p, "$ref", json!("other.yaml#/components/schemas/Thing"));
        return Some(format!("external $ref at {p}"));
    }
    let p = match rng.below(2) {
        0 => rng.pick(cx.with("schema"))?.clone() + "/schema",
        _ => rng.pick(&cx.targets.nodes)?.clone(),
    };
    let key = if rng.below(2) == 0 { "$recursiveRef" } else { "$dynamicRef" };
    set(root, &p, json!({ key: "#" }));
    Some(format!("{p} := {{{key}: #}}"))
}

/// A component copied under a name that collides with it once converted to Rust, and reached.
fn case_copy(root: &mut Value, cx: &Ctx<'_>, rng: &mut Rng) -> Option<String> {
    let c = rng.pick(&cx.targets.components)?.clone();
    let v = root.pointer(&schema_ptr(&c))?.clone();
    let variants = [c.to_lowercase(), c.to_uppercase(), format!("{c}_"), format!("_{c}"), format!("{c}-"), snake(&c)];
    let alias = rng.pick(&variants)?.clone();
    if alias == c {
        return None;
    }
    root.pointer_mut("/components/schemas")?.as_object_mut()?.insert(alias.clone(), v);
    if let Some(Value::Object(m)) = root.pointer_mut(&schema_ptr(&c)) {
        let props = m.entry("properties").or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(props) = props {
            props.insert(alias.to_lowercase(), schema_ref(&alias));
        }
    }
    Some(format!("component {c} copied as {alias:?} and referenced"))
}

/// `FooBar` -> `foo_bar`.
fn snake(s: &str) -> String {
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if ch.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.extend(ch.to_lowercase());
    }
    out
}

/// An array or object cut to its first entries, or a string cut short.
fn truncate(root: &mut Value, cx: &Ctx<'_>, rng: &mut Rng) -> Option<String> {
    let p = rng.pick(&cx.targets.nodes)?.clone();
    let n = rng.below(3);
    match root.pointer_mut(&p)? {
        Value::Array(a) if a.len() > n => a.truncate(n),
        Value::Object(m) if m.len() > n => {
            let mut kept = 0;
            m.retain(|_, _| {
                kept += 1;
                kept <= n
            });
        }
        Value::Object(m) => {
            let k = m.iter().find(|(_, v)| v.is_string()).map(|(k, _)| k.clone())?;
            let Some(Value::String(s)) = m.get_mut(&k) else { return None };
            let cut = s.char_indices().map(|(i, _)| i).nth(s.chars().count() / 2).unwrap_or(0);
            s.truncate(cut);
            return Some(format!("{p}/{k} cut to {s:?}"));
        }
        _ => return None,
    }
    Some(format!("{p} truncated to {n} entries"))
}

/// Two nodes trade places (a schema where a parameter was, an array where an object was).
fn swap_nodes(root: &mut Value, cx: &Ctx<'_>, rng: &mut Rng) -> Option<String> {
    let a = rng.pick(&cx.targets.nodes)?.clone();
    let b = rng.pick(&cx.targets.nodes)?.clone();
    if a.starts_with(&b) || b.starts_with(&a) {
        return None;
    }
    let va = root.pointer(&a)?.clone();
    let vb = root.pointer(&b)?.clone();
    set(root, &a, vb);
    set(root, &b, va);
    Some(format!("{a} <-> {b}"))
}

/// A parameter in an odd place or style, or two parameters of one name.
fn parameter_oddity(root: &mut Value, cx: &Ctx<'_>, rng: &mut Rng) -> Option<String> {
    let p = rng.pick(cx.with("in"))?.clone();
    match rng.below(3) {
        0 => {
            let v = rng.pick(&[json!("path"), json!("query"), json!("header"), json!("cookie"), json!("body"), json!("")])?.clone();
            set_key(root, &p, "in", v.clone());
            Some(format!("in of {p} := {v}"))
        }
        1 => {
            let v = rng.pick(&[json!("form"), json!("deepObject"), json!("matrix"), json!("label"), json!("pipeDelimited"), json!("spaceDelimited"), json!("simple"), json!("nope")])?.clone();
            set_key(root, &p, "style", v.clone());
            set_key(root, &p, "explode", json!(rng.below(2) == 0));
            Some(format!("style of {p} := {v}"))
        }
        _ => {
            let (parent, _) = parent_and_last(&p);
            let parent = parent.to_owned();
            let v = root.pointer(&p)?.clone();
            let Value::Array(a) = root.pointer_mut(&parent)? else { return None };
            a.push(v);
            Some(format!("parameter {p} repeated"))
        }
    }
}
