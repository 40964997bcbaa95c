//! JSON Schemas of Rust types (`schemars` feature) made valid under the API's strict mode, and
//! `Tool::function::<Args>()`, a strict function tool built from one.
//!
//! Strict mode (`strict: true` on a function tool or a `json_schema` format) makes the model's
//! output follow the schema exactly, but accepts only part of JSON Schema: every property must be
//! listed in `required` (optional ones are nullable instead) and every object must say
//! `additionalProperties: false`. `schemars` writes neither, so [`strict_schema`] rewrites its
//! output to fit.

use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::types::{Field, FunctionTool, Tool};

/// The `format` values strict mode accepts; `schemars` also writes others (`int32`, `uint8`,
/// `double`), which it would reject.
const STRICT_FORMATS: &[&str] = &[
    "date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6", "uuid",
];

impl Tool {
    /// A function tool whose parameters are the JSON Schema of `Args`, with `strict: true`, so
    /// the model's arguments always decode as `Args` with
    /// [`parse_arguments`](crate::types::FunctionToolCall::parse_arguments).
    ///
    /// Doc comments on `Args` and its fields become descriptions the model reads.
    ///
    /// ```
    /// use openai_responses::types::Tool;
    ///
    /// /// Where to look the weather up.
    /// #[derive(schemars::JsonSchema, serde::Deserialize)]
    /// struct GetWeather {
    ///     /// City name, such as "Lyon".
    ///     city: String,
    ///     /// Defaults to celsius when null.
    ///     fahrenheit: Option<bool>,
    /// }
    ///
    /// let tool = Tool::function::<GetWeather>("get_weather", "Current weather for a city.");
    /// let json = serde_json::to_value(&tool).unwrap();
    /// assert_eq!(json["strict"], true);
    /// assert_eq!(json["parameters"]["required"], serde_json::json!(["city", "fahrenheit"]));
    /// assert_eq!(json["parameters"]["additionalProperties"], false);
    /// ```
    pub fn function<Args: JsonSchema>(
        name: impl Into<String>,
        description: impl Into<String>,
    ) -> Tool {
        FunctionTool {
            name: Field::sent(name.into()),
            description: Field::sent(description.into()),
            parameters: Field::sent(schema_as(strict_schema::<Args>())),
            strict: Field::sent(true),
            ..Default::default()
        }
        .into()
    }
}

/// The JSON Schema of `T`, rewritten for strict mode, recursively (properties, array items,
/// `anyOf` members and `$defs` alike):
///
/// - every object lists all its properties in `required` and gets `additionalProperties: false`
///   (`Option` fields stay nullable, so they may still be `null`). A map type (`HashMap`) has
///   no fixed properties and strict mode cannot express it: it becomes an object that is always
///   empty, so use a `Vec` of pairs instead;
/// - `oneOf` becomes `anyOf` (strict mode has no `oneOf`; the variants `schemars` writes for
///   enums exclude each other anyway), and a one-member `allOf` is merged in;
/// - a `$ref` with keywords beside it (a documented field of a struct type) is replaced by the
///   schema it points to, since strict mode allows no siblings there; in a recursive type the
///   reference stays and loses its siblings;
/// - `default`, `$schema` and `format` values strict mode does not know are removed.
///
/// The API also wants an object at the root: use a struct for `T`.
///
/// ```
/// #[derive(schemars::JsonSchema)]
/// struct Point { x: f64, y: f64, label: Option<String> }
///
/// let schema = openai_responses::ext::responses::strict_schema::<Point>();
/// assert_eq!(schema["required"], serde_json::json!(["x", "y", "label"]));
/// assert_eq!(schema["additionalProperties"], false);
/// assert!(schema["properties"]["x"].get("format").is_none());
/// ```
pub fn strict_schema<T: JsonSchema>() -> Map<String, Value> {
    let generator = schemars::generate::SchemaSettings::draft2020_12()
        .with(|settings| settings.meta_schema = None)
        .into_generator();
    let mut schema = generator.into_root_schema_for::<T>().to_value();
    let root = schema.clone();
    Strict { root: &root, inlining: Vec::new() }.rewrite(&mut schema);
    match schema {
        Value::Object(map) => map,
        // `true` (any value, e.g. for `serde_json::Value`): the empty schema says the same.
        _ => Map::new(),
    }
}

/// The rewriting walk; `root` is the schema as generated, where `$ref`s are looked up.
struct Strict<'a> {
    root: &'a Value,
    /// The references being inlined, outermost first, to stop at recursion.
    inlining: Vec<String>,
}

impl Strict<'_> {
    fn rewrite(&mut self, schema: &mut Value) {
        let Value::Object(obj) = schema else { return };
        merge_single_all_of(obj);
        if self.inline_ref(obj) {
            return;
        }
        if !obj.contains_key("anyOf") {
            if let Some(one_of) = obj.remove("oneOf") {
                obj.insert("anyOf".into(), one_of);
            }
        }
        obj.remove("$schema");
        obj.remove("default");
        if obj.get("format").and_then(Value::as_str).is_some_and(|f| !STRICT_FORMATS.contains(&f)) {
            obj.remove("format");
        }
        if is_object_schema(obj) {
            let names = match obj.get("properties") {
                Some(Value::Object(props)) => props.keys().cloned().map(Value::String).collect(),
                _ => Vec::new(),
            };
            obj.insert("required".into(), Value::Array(names));
            obj.insert("additionalProperties".into(), Value::Bool(false));
        }
        self.rewrite_children(obj);
    }

    /// Replaces a `$ref` that has siblings by its target merged with them (the siblings win),
    /// then rewrites the result; true when it did (the object is then done).
    fn inline_ref(&mut self, obj: &mut Map<String, Value>) -> bool {
        let reference = match obj.get("$ref") {
            Some(Value::String(r)) if obj.len() > 1 => r.clone(),
            _ => return false,
        };
        let target = reference
            .strip_prefix('#')
            .and_then(|pointer| self.root.pointer(pointer))
            .and_then(Value::as_object)
            .filter(|_| !self.inlining.contains(&reference));
        let Some(target) = target else {
            // Recursive (or unresolvable): keep the bare reference, which strict mode allows.
            obj.retain(|key, _| key == "$ref");
            return true;
        };
        obj.remove("$ref");
        for (key, value) in target {
            if !obj.contains_key(key) {
                obj.insert(key.clone(), value.clone());
            }
        }
        self.inlining.push(reference);
        let mut inlined = Value::Object(std::mem::take(obj));
        self.rewrite(&mut inlined);
        self.inlining.pop();
        if let Value::Object(done) = inlined {
            *obj = done;
        }
        true
    }

    fn rewrite_children(&mut self, obj: &mut Map<String, Value>) {
        for key in ["properties", "$defs", "definitions"] {
            if let Some(Value::Object(members)) = obj.get_mut(key) {
                members.values_mut().for_each(|s| self.rewrite(s));
            }
        }
        for key in ["items", "additionalItems", "contains", "not"] {
            match obj.get_mut(key) {
                Some(Value::Array(list)) => list.iter_mut().for_each(|s| self.rewrite(s)),
                Some(s) => self.rewrite(s),
                None => {}
            }
        }
        for key in ["anyOf", "allOf", "prefixItems"] {
            if let Some(Value::Array(list)) = obj.get_mut(key) {
                list.iter_mut().for_each(|s| self.rewrite(s));
            }
        }
    }
}

/// `{"allOf": [S], ...}` is `S` with the other keywords: strict mode has no `allOf`.
fn merge_single_all_of(obj: &mut Map<String, Value>) {
    let single = matches!(obj.get("allOf"), Some(Value::Array(list)) if list.len() == 1);
    if !single {
        return;
    }
    if let Some(Value::Array(mut list)) = obj.remove("allOf") {
        if let Some(Value::Object(member)) = list.pop() {
            for (key, value) in member {
                obj.entry(key).or_insert(value);
            }
        }
    }
}

/// An object schema: `type` is (or includes) `object`, or it lists `properties`.
fn is_object_schema(obj: &Map<String, Value>) -> bool {
    let typed = match obj.get("type") {
        Some(Value::String(t)) => t == "object",
        Some(Value::Array(types)) => types.iter().any(|t| t == "object"),
        _ => false,
    };
    typed || obj.contains_key("properties")
}

/// The schema as the type of the field that holds it: a JSON object map today, and it may become
/// a `serde_json::Value` (free-form objects) or a struct with only `extra`; any of them decodes
/// from an object without fail, so this keeps working whichever the generator emits.
pub(crate) fn schema_as<T: DeserializeOwned>(schema: Map<String, Value>) -> T {
    // Through bytes, as everything decoded here is (see `wire`'s one-decoder rule).
    let json = serde_json::to_vec(&schema).expect("a JSON object encodes");
    serde_json::from_slice(&json).expect("a JSON object decodes as a schema field")
}
