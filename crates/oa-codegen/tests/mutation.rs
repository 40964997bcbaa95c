//! Mutation test: the published documents (`../shared/upstream/*.yaml`) are parsed once, then
//! for a few hundred cases from a fixed seed their parsed value is broken in one place (a node
//! dropped, a `type` made wrong, a `$ref` broken or made cyclic, an `enum` or a structural
//! keyword given the wrong JSON type, `components` deleted, names emptied, ...) and generated.
//! Every case must end in `Ok` or in a `Failure` whose diagnostics all say something: never a
//! panic, never a hang.
//!
//! `MUTATION_CASES` (default 300) sets the number of cases, `MUTATION_SEED` the seed;
//! `REQUIRE_CORPUS=1` makes a missing corpus a failure instead of a skip. Three deterministic
//! mutations of small inline documents have their diagnostics snapshotted.

use oa_codegen::settings::Settings;
use oa_load::Document;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const DEFAULT_CASES: usize = 300;
const DEFAULT_SEED: u64 = 0x5eed_0a11_c0de_2025;
const TIME_LIMIT: Duration = Duration::from_secs(20);

/// xorshift64*: tiny, deterministic, good enough to pick nodes.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        if items.is_empty() {
            None
        } else {
            Some(&items[self.below(items.len())])
        }
    }
}

fn env_num(name: &str) -> Option<u64> {
    let v = std::env::var(name).ok()?;
    let v = v.trim();
    match v.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => v.parse().ok(),
    }
}

fn escape(token: &str) -> String {
    oa_load::escape_token(token).into_owned()
}

fn settings() -> Settings {
    let mut s = Settings::new("m");
    s.include = vec!["/responses".into()];
    s
}

/// Where mutations land in one document: the `/responses` path items and the component
/// schemas they reach, as JSON pointers of object and array nodes.
struct Targets {
    /// Every object or array node (not the root).
    nodes: Vec<String>,
    /// Object nodes by the keys they hold (`$ref`, `type`, `enum`, `properties`, ...).
    with_key: BTreeMap<&'static str, Vec<String>>,
    /// Reachable component schema names.
    components: Vec<String>,
}

const KEYS: &[&str] = &[
    "$ref", "type", "enum", "const", "properties", "items", "allOf", "oneOf", "anyOf", "required",
    "additionalProperties", "discriminator", "parameters", "responses", "content", "schema", "requestBody",
    "operationId", "nullable", "description",
];

/// Keys under which children are schemas or containers we walk (prose and examples are skipped).
fn skipped(key: &str) -> bool {
    matches!(key, "example" | "examples" | "x-oaiMeta" | "description" | "title" | "default")
}

fn index(root: &Value) -> Targets {
    let mut roots: Vec<String> = Vec::new();
    if let Some(Value::Object(paths)) = root.get("paths") {
        for k in paths.keys().filter(|k| *k == "/responses" || k.starts_with("/responses/") || k.starts_with("/responses?")) {
            roots.push(format!("/paths/{}", escape(k)));
        }
    }
    // Components reachable from those paths, through refs.
    let mut components: BTreeSet<String> = BTreeSet::new();
    let mut stack = roots.clone();
    let mut seen_ptrs: BTreeSet<String> = stack.iter().cloned().collect();
    while let Some(ptr) = stack.pop() {
        let Some(v) = root.pointer(&ptr) else { continue };
        collect_refs(v, &mut |r| {
            if let Some(rest) = r.strip_prefix("#/components/schemas/") {
                let name = rest.split('/').next().unwrap_or_default().replace("~1", "/").replace("~0", "~");
                let p = format!("/components/schemas/{}", escape(&name));
                if seen_ptrs.insert(p.clone()) {
                    components.insert(name);
                    stack.push(p);
                }
            }
        });
    }
    let mut t = Targets { nodes: Vec::new(), with_key: BTreeMap::new(), components: components.iter().cloned().collect() };
    let mut starts = roots;
    starts.extend(components.iter().map(|c| format!("/components/schemas/{}", escape(c))));
    for s in starts {
        if let Some(v) = root.pointer(&s) {
            walk(v, &s, &mut t);
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

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.len() > 60 {
        format!("{}…", &s[..s.char_indices().nth(57).map(|(i, _)| i).unwrap_or(s.len())])
    } else {
        s
    }
}

fn parent_and_last(ptr: &str) -> (&str, String) {
    let (parent, last) = ptr.rsplit_once('/').unwrap_or(("", ptr));
    (parent, last.replace("~1", "/").replace("~0", "~"))
}

/// Removes the node at `ptr` from its parent object or array.
fn remove(root: &mut Value, ptr: &str) -> Option<Value> {
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

fn set(root: &mut Value, ptr: &str, v: Value) -> bool {
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

const WEIRD_NAMES: &[&str] = &[
    "", " ", "type", "self", "Self", "super", "crate", "_", "__", "1", "1abc", "r#type", "a b", "a-b", "🙂",
    "\"", "\\", "{", "}", "::", "Option", "Vec", "String", "Box", "Result", "serde_json", "Value", "Other",
    "Unknown", "extra", "new", "client", "default", "async", "mod", "ÄÖÜ", "\n", "a\"b", "/",
];

fn wrong_values() -> Vec<Value> {
    vec![json!("str"), json!(""), json!(7), json!(-1.5), json!(true), json!(null), json!([]), json!({}), json!([1, 2]), json!(["a"]), json!({"a": 1}), json!([null])]
}

fn same_kind(a: &Value, b: &Value) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}

const KINDS: usize = 19;

/// Applies one mutation chosen by `rng`; returns its description, or `None` if it found no
/// target (the caller draws again).
fn mutate(root: &mut Value, t: &Targets, rng: &mut Rng) -> Option<String> {
    let kind = rng.below(KINDS);
    let with = |k: &str| t.with_key.get(k).map(Vec::as_slice).unwrap_or(&[]);
    match kind {
        // Drop a node.
        0 => {
            let p = rng.pick(&t.nodes)?.clone();
            remove(root, &p)?;
            Some(format!("drop {p}"))
        }
        // A wrong or unknown `type`.
        1 => {
            let p = rng.pick(with("type"))?.clone();
            let choices = [
                json!("strin"), json!(""), json!(42), json!(null), json!(["object", 7]), json!(["null"]), json!("array"),
                json!("object"), json!("integer"), json!({}), json!([]), json!(["string", "integer"]), json!("null"),
                json!(["string", "string"]), json!("String"),
            ];
            let v = rng.pick(&choices)?.clone();
            set_key(root, &p, "type", v.clone());
            Some(format!("type of {p} := {}", short(&v)))
        }
        // A broken `$ref`.
        2 => {
            let p = rng.pick(with("$ref"))?.clone();
            let choices = [
                json!("#/components/schemas/DoesNotExist"), json!(42), json!(null), json!(""), json!("#"),
                json!("#/components/schemas/"), json!("#/components/schemas"), json!("https://example.com/x.yaml#/A"),
                json!("#/components/schemas/X/properties/nope"), json!("#/paths"), json!("components/schemas/Foo"),
                json!(["#/a"]), json!({"$ref": "#/a"}), json!("#/components/schemas/~1weird~0"), json!("#/info/title"),
                json!("#/components/schemas//"), json!("#components/schemas/A"), json!("#/paths/~1responses"),
            ];
            let v = rng.pick(&choices)?.clone();
            set_key(root, &p, "$ref", v.clone());
            Some(format!("$ref of {p} := {}", short(&v)))
        }
        // A node that is a `$ref` to itself (or to its parent, or with keys beside it).
        3 => {
            let p = rng.pick(&t.nodes)?.clone();
            match rng.below(3) {
                0 => {
                    set(root, &p, json!({ "$ref": format!("#{p}") }));
                    Some(format!("{p} := $ref to itself"))
                }
                1 => {
                    let (parent, _) = parent_and_last(&p);
                    let parent = parent.to_owned();
                    set(root, &p, json!({ "$ref": format!("#{parent}") }));
                    Some(format!("{p} := $ref to its parent {parent}"))
                }
                _ => {
                    set_key(root, &p, "$ref", json!(format!("#{p}")));
                    Some(format!("{p} += $ref to itself beside its keys"))
                }
            }
        }
        // A -> B -> A through allOf (or A -> A).
        4 => {
            let a = rng.pick(&t.components)?.clone();
            let b = rng.pick(&t.components)?.clone();
            let (pa, pb) = (format!("/components/schemas/{}", escape(&a)), format!("/components/schemas/{}", escape(&b)));
            match rng.below(3) {
                0 => {
                    set(root, &pa, json!({"allOf": [{"$ref": format!("#{pb}")}]}));
                    set(root, &pb, json!({"allOf": [{"$ref": format!("#{pa}")}]}));
                    Some(format!("cycle {a} -allOf-> {b} -allOf-> {a}"))
                }
                1 => {
                    // Keep A's own shape, but make it inherit from B, which inherits from A.
                    let old_a = root.pointer(&pa).cloned().unwrap_or(Value::Null);
                    set(root, &pa, json!({"allOf": [{"$ref": format!("#{pb}")}, old_a]}));
                    let old_b = root.pointer(&pb).cloned().unwrap_or(Value::Null);
                    set(root, &pb, json!({"allOf": [{"$ref": format!("#{pa}")}, old_b]}));
                    Some(format!("cycle {a} -allOf(+own)-> {b} -allOf(+own)-> {a}"))
                }
                _ => {
                    set(root, &pa, json!({"type": "array", "items": {"$ref": format!("#{pa}")}}));
                    Some(format!("{a} := array of itself"))
                }
            }
        }
        // An inline node that references itself twice (a branching cycle with no component).
        5 => {
            let p = rng.pick(&t.nodes)?.clone();
            let me = format!("#{p}");
            let v = match rng.below(3) {
                0 => json!({"type": "object", "properties": {"a": {"$ref": me}, "b": {"$ref": me}}, "required": ["a"]}),
                1 => json!({"oneOf": [{"$ref": me}, {"$ref": me}, {"type": "string"}]}),
                _ => json!({"allOf": [{"$ref": me}, {"$ref": me}]}),
            };
            set(root, &p, v.clone());
            Some(format!("{p} := {}", short(&v)))
        }
        // `enum` of the wrong shape.
        6 => {
            let p = match rng.below(2) {
                0 => rng.pick(with("enum"))?.clone(),
                _ => rng.pick(with("type"))?.clone(),
            };
            let choices = [
                json!("x"), json!(3), json!({}), json!(null), json!([]), json!([1, "a", null, true, {}]), json!([null]),
                json!(["a", "A", "a-", "_", ""]), json!([1.5, 2]), json!(["", " "]), json!([["nested"]]),
                json!(["type", "self", "Other", "other", "1", "🙂"]), json!([true, false]),
            ];
            let v = rng.pick(&choices)?.clone();
            set_key(root, &p, "enum", v.clone());
            Some(format!("enum of {p} := {}", short(&v)))
        }
        // A structural keyword of the wrong JSON type.
        7 => {
            let key = *rng.pick(&[
                "properties", "items", "allOf", "oneOf", "anyOf", "required", "additionalProperties", "discriminator",
                "parameters", "responses", "content", "schema", "requestBody", "nullable", "const", "operationId",
            ])?;
            let p = rng.pick(with(key))?.clone();
            let old = root.pointer(&format!("{p}/{}", escape(key))).cloned().unwrap_or(Value::Null);
            let choices: Vec<Value> = wrong_values().into_iter().filter(|v| !same_kind(v, &old)).collect();
            let v = rng.pick(&choices)?.clone();
            set_key(root, &p, key, v.clone());
            Some(format!("{key} of {p} := {}", short(&v)))
        }
        // Delete `components`, its schemas, or one referenced component.
        8 => match rng.below(4) {
            0 => {
                remove(root, "/components")?;
                Some("drop /components".into())
            }
            1 => {
                remove(root, "/components/schemas")?;
                Some("drop /components/schemas".into())
            }
            _ => {
                let c = rng.pick(&t.components)?.clone();
                remove(root, &format!("/components/schemas/{}", escape(&c)))?;
                Some(format!("drop component {c}"))
            }
        },
        // Empty or awkward names: properties, components, operationIds, paths, media types.
        9 => {
            let name = *rng.pick(WEIRD_NAMES)?;
            match rng.below(5) {
                0 => {
                    let p = rng.pick(with("properties"))?.clone();
                    let pp = format!("{p}/properties");
                    let keys: Vec<String> = root.pointer(&pp)?.as_object()?.keys().cloned().collect();
                    let k = rng.pick(&keys)?.clone();
                    rename_key(root, &pp, &k, name).then_some(())?;
                    Some(format!("property {pp}/{k} renamed {name:?}"))
                }
                1 => {
                    let c = rng.pick(&t.components)?.clone();
                    rename_key(root, "/components/schemas", &c, name).then_some(())?;
                    Some(format!("component {c} renamed {name:?}"))
                }
                2 => {
                    let p = rng.pick(with("operationId"))?.clone();
                    set_key(root, &p, "operationId", json!(name));
                    Some(format!("operationId of {p} := {name:?}"))
                }
                3 => {
                    let paths: Vec<String> = root.get("paths")?.as_object()?.keys().filter(|k| k.starts_with("/responses")).cloned().collect();
                    let k = rng.pick(&paths)?.clone();
                    let new = format!("/responses/{{{name}}}");
                    rename_key(root, "/paths", &k, &new).then_some(())?;
                    Some(format!("path {k:?} renamed {new:?}"))
                }
                _ => {
                    let p = rng.pick(with("content"))?.clone();
                    let cp = format!("{p}/content");
                    let keys: Vec<String> = root.pointer(&cp)?.as_object()?.keys().cloned().collect();
                    let k = rng.pick(&keys)?.clone();
                    rename_key(root, &cp, &k, name).then_some(())?;
                    Some(format!("media type {cp}/{k} renamed {name:?}"))
                }
            }
        }
        // Replace any node with a value of another kind.
        10 => {
            let p = rng.pick(&t.nodes)?.clone();
            let v = rng.pick(&wrong_values())?.clone();
            set(root, &p, v.clone());
            Some(format!("{p} := {}", short(&v)))
        }
        // `required` naming what is not there.
        11 => {
            let p = rng.pick(with("properties"))?.clone();
            let choices = [json!(["nope"]), json!([1, null, {}]), json!(["", ""]), json!(["type"]), json!("all"), json!([["a"]])];
            let v = rng.pick(&choices)?.clone();
            set_key(root, &p, "required", v.clone());
            Some(format!("required of {p} := {}", short(&v)))
        }
        // A discriminator that does not fit.
        12 => {
            let p = match rng.below(2) {
                0 => rng.pick(with("oneOf"))?.clone(),
                _ => rng.pick(with("anyOf"))?.clone(),
            };
            let choices = [
                json!({"propertyName": "nope"}), json!({"propertyName": 3}), json!({}), json!({"propertyName": ""}),
                json!({"propertyName": "type", "mapping": {"a": "#/components/schemas/Missing", "": 7}}),
                json!({"propertyName": "type", "mapping": "x"}), json!("type"),
            ];
            let v = rng.pick(&choices)?.clone();
            set_key(root, &p, "discriminator", v.clone());
            Some(format!("discriminator of {p} := {}", short(&v)))
        }
        // Deep nesting around a node.
        13 => {
            let p = rng.pick(&t.nodes)?.clone();
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
        // `const`, `nullable` and null-type spellings in odd places.
        14 => {
            let p = rng.pick(with("type"))?.clone();
            let choices = [
                ("const", json!({"a": 1})), ("const", json!(null)), ("const", json!(3)), ("const", json!("")),
                ("nullable", json!("yes")), ("nullable", json!(true)), ("type", json!(["null"])),
                ("anyOf", json!([{"type": "null"}])), ("oneOf", json!([{"type": "null"}, {"type": "null"}])),
                ("enum", json!([null, null])), ("allOf", json!([{"type": "null"}])),
            ];
            let (k, v) = rng.pick(&choices)?.clone();
            set_key(root, &p, k, v.clone());
            Some(format!("{k} of {p} := {}", short(&v)))
        }
        // `$recursiveRef`/`$dynamicRef` outside of any component (in an operation).
        15 => {
            let p = match rng.below(2) {
                0 => rng.pick(with("schema"))?.clone() + "/schema",
                _ => rng.pick(&t.nodes)?.clone(),
            };
            let key = if rng.below(2) == 0 { "$recursiveRef" } else { "$dynamicRef" };
            set(root, &p, json!({ key: "#" }));
            Some(format!("{p} := {{{key}: #}}"))
        }
        // Names that collide once converted to Rust (a component copied under another case).
        // A cycle through `anyOf` and `allOf`: X = anyOf [X, Y], Y = allOf [X].
        16 => {
            let names: Vec<String> = root.pointer("/components/schemas")?.as_object()?.keys().cloned().collect();
            let x = rng.pick(&names)?.clone();
            let y = rng.pick(&names)?.clone();
            let r = |n: &str| json!({"$ref": format!("#/components/schemas/{}", escape(n))});
            set(root, &format!("/components/schemas/{}", escape(&x)), json!({"anyOf": [r(&x), r(&y), {"type": "string"}]}));
            if x != y {
                set(root, &format!("/components/schemas/{}", escape(&y)), json!({"allOf": [r(&x)]}));
            }
            Some(format!("cycle {x} -anyOf-> {y} -allOf-> {x}"))
        }
        // A reference to another file, in a document that was not bundled.
        17 => {
            let p = rng.pick(with("$ref"))?.clone();
            set_key(root, &p, "$ref", json!("other.yaml#/components/schemas/Thing"));
            Some(format!("external $ref at {p}"))
        }
        _ => {
            let c = rng.pick(&t.components)?.clone();
            let v = root.pointer(&format!("/components/schemas/{}", escape(&c)))?.clone();
            let variants = [c.to_lowercase(), c.to_uppercase(), format!("{c}_"), format!("_{c}"), format!("{c}-"), heckish(&c)];
            let alias = rng.pick(&variants)?.clone();
            if alias == c {
                return None;
            }
            let schemas = root.pointer_mut("/components/schemas")?.as_object_mut()?;
            schemas.insert(alias.clone(), v);
            // Reference the copy from a property of the original, so it is reached.
            let orig = root.pointer_mut(&format!("/components/schemas/{}", escape(&c)))?;
            if let Value::Object(m) = orig {
                let props = m.entry("properties").or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(props) = props {
                    props.insert(alias.to_lowercase(), json!({"$ref": format!("#/components/schemas/{}", escape(&alias))}));
                }
            }
            Some(format!("component {c} copied as {alias:?} and referenced"))
        }
    }
}

/// `FooBar` -> `foo_bar`.
fn heckish(s: &str) -> String {
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if ch.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.extend(ch.to_lowercase());
    }
    out
}

enum Outcome {
    Ok,
    Err { errors: usize, located: bool, internal: bool, empty_message: bool, text: String },
    Panic(String),
    Hang,
}

/// Generates `root` on a worker thread, catching panics, within the time limit.
fn run_case(root: Value) -> Outcome {
    let (tx, rx) = mpsc::channel();
    let spawned = std::thread::Builder::new().name("mutation-case".into()).stack_size(8 << 20).spawn(move || {
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let doc = Document::from_value("mutated", root);
            oa_codegen::generate(&doc, &settings())
        }));
        let _ = tx.send(result);
    });
    if let Err(e) = spawned {
        return Outcome::Panic(format!("cannot spawn the worker thread: {e}"));
    }
    match rx.recv_timeout(TIME_LIMIT) {
        Ok(Ok(Ok(_))) => Outcome::Ok,
        Ok(Ok(Err(failure))) => {
            let errors = failure.diagnostics.errors().count();
            Outcome::Err {
                errors,
                located: failure.diagnostics.errors().all(|d| !d.pointer.is_empty()),
                internal: failure.diagnostics.errors().any(|d| d.message.contains("internal error")),
                empty_message: failure.diagnostics.items.iter().any(|d| d.message.trim().is_empty()),
                text: failure.to_string(),
            }
        }
        Ok(Err(payload)) => Outcome::Panic(
            payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "non-string panic payload".into()),
        ),
        Err(_) => Outcome::Hang,
    }
}

fn corpus() -> Option<Vec<PathBuf>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/upstream");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    (!files.is_empty()).then_some(files)
}

#[test]
fn mutated_documents_never_panic_or_hang() {
    let Some(files) = corpus() else {
        if std::env::var("REQUIRE_CORPUS").is_ok_and(|v| v == "1") {
            panic!("REQUIRE_CORPUS=1 but no ../shared/upstream/*.yaml was found");
        }
        eprintln!("mutation: skipped, no ../shared/upstream/*.yaml (set REQUIRE_CORPUS=1 to fail instead)");
        return;
    };
    let cases = env_num("MUTATION_CASES").map(|n| n as usize).unwrap_or(DEFAULT_CASES);
    let seed = env_num("MUTATION_SEED").unwrap_or(DEFAULT_SEED);
    let started = Instant::now();
    let docs: Vec<(String, Value, Targets)> = files
        .iter()
        .map(|p| {
            let doc = Document::read(p).unwrap_or_else(|e| panic!("{e}"));
            let targets = index(&doc.root);
            (p.file_name().unwrap().to_string_lossy().into_owned(), doc.root, targets)
        })
        .collect();
    let verbose = std::env::var("MUTATION_VERBOSE").is_ok();
    let mut rng = Rng::new(seed);
    let (mut ok, mut errs, mut located, mut internal) = (0usize, 0usize, 0usize, 0usize);
    let mut bad: Vec<String> = Vec::new();
    let mut slowest = (Duration::ZERO, String::new());
    let mut in_generate = Duration::ZERO;
    for case in 0..cases {
        let (name, original, targets) = &docs[case % docs.len()];
        let mut root = original.clone();
        let mut what = None;
        for _ in 0..32 {
            what = mutate(&mut root, targets, &mut rng);
            if what.is_some() {
                break;
            }
            root = original.clone();
        }
        let what = format!("case {case} (seed {seed:#x}) {name}: {}", what.unwrap_or_else(|| "no mutation applied".into()));
        if verbose {
            // Printed before the run: a stack overflow aborts the process, and this names the case.
            eprintln!("{what}");
        }
        let t0 = Instant::now();
        let outcome = run_case(root);
        let took = t0.elapsed();
        in_generate += took;
        if took > slowest.0 {
            slowest = (took, what.clone());
        }
        match outcome {
            Outcome::Ok => ok += 1,
            Outcome::Err { errors, located: loc, internal: int, empty_message, text } => {
                errs += 1;
                located += usize::from(loc);
                internal += usize::from(int);
                if errors == 0 || empty_message || text.trim().is_empty() {
                    bad.push(format!("{what}: a failure without a proper error:\n{text}"));
                }
                if verbose || int {
                    eprintln!("{what}:\n{text}");
                }
            }
            Outcome::Panic(msg) => bad.push(format!("{what}: PANIC: {msg}")),
            Outcome::Hang => bad.push(format!("{what}: HANG: no result within {TIME_LIMIT:?}")),
        }
    }
    let panics = bad.iter().filter(|b| b.contains(": PANIC: ")).count();
    let hangs = bad.iter().filter(|b| b.contains(": HANG: ")).count();
    eprintln!(
        "mutation: {cases} cases (seed {seed:#x}): {ok} ok, {errs} errors ({located} located by pointer, {internal} internal), \
         {panics} panics, {hangs} hangs; {:.1?} total ({:.1?} generating), slowest {:.1?} ({})",
        started.elapsed(),
        in_generate,
        slowest.0,
        slowest.1
    );
    assert!(bad.is_empty(), "{} bad case(s):\n{}", bad.len(), bad.join("\n"));
}

// Deterministic mutations of small inline documents, with their diagnostics snapshotted.

const SMALL: &str = r##"
openapi: 3.1.0
info: { title: small, version: "1" }
paths:
  /responses:
    get:
      operationId: getResponse
      responses:
        "200":
          description: ok
          content:
            application/json: { schema: { $ref: "#/components/schemas/Response" } }
components:
  schemas:
    Response:
      type: object
      properties:
        id: { type: string }
        status: { $ref: "#/components/schemas/Status" }
        usage: { $ref: "#/components/schemas/Usage" }
      required: [id]
    Status:
      type: string
      enum: [queued, completed]
    Usage:
      type: object
      properties:
        tokens: { type: integer }
"##;

fn small() -> Value {
    let doc = Document::parse("small.yaml", SMALL).unwrap();
    // The unmutated document generates.
    oa_codegen::generate(&Document::from_value("small", doc.root.clone()), &settings()).unwrap_or_else(|e| panic!("{e}"));
    doc.root
}

fn diagnostics_of(root: Value) -> String {
    match oa_codegen::generate(&Document::from_value("mutated.yaml", root), &settings()) {
        Ok(_) => panic!("the mutated document generated code"),
        Err(failure) => failure.to_string(),
    }
}

#[test]
fn snapshot_ref_cycle() {
    let mut root = small();
    // Usage -allOf-> Status -allOf-> Usage: neither defines a type.
    set(&mut root, "/components/schemas/Usage", json!({"allOf": [{"$ref": "#/components/schemas/Status"}]}));
    set(&mut root, "/components/schemas/Status", json!({"allOf": [{"$ref": "#/components/schemas/Usage"}]}));
    insta::assert_snapshot!("ref_cycle", diagnostics_of(root));
}

#[test]
fn snapshot_wrong_typed_enum() {
    let mut root = small();
    set(&mut root, "/components/schemas/Status/enum", json!({"queued": true}));
    set(&mut root, "/components/schemas/Usage/properties/tokens/enum", json!([1, "two", null, {}]));
    insta::assert_snapshot!("wrong_typed_enum", diagnostics_of(root));
}

/// A dangling reference in a schema is a warning and becomes any JSON value: the rest generates.
#[test]
fn snapshot_dropped_referenced_component() {
    let mut root = small();
    remove(&mut root, "/components/schemas/Usage").unwrap();
    let doc = Document::from_value("mutated.yaml", root);
    let generated = oa_codegen::generate(&doc, &settings()).unwrap_or_else(|e| panic!("{e}"));
    insta::assert_snapshot!("dropped_component", generated.warnings.render(&doc));
}
