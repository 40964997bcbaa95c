//! Rust types as the IR holds them. They are printed as Rust text in one place, here, when the
//! IR is serialized for the templates: `rust` inside `types`, `api` outside (names qualified).

use serde::ser::SerializeMap;
use serde::Serialize;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Ty {
    /// A generated type, by its name in `types`.
    Named(String),
    String,
    /// File contents (`format: binary`).
    Bytes,
    I64,
    F64,
    Bool,
    /// Any JSON value.
    Json,
    /// A free-form JSON object; held as a `serde_json::Value`, so any JSON fills it.
    JsonObject,
    List(Box<Ty>),
    Map(Box<Ty>),
    /// A fixed-length array (`prefixItems`).
    Tuple(Vec<Ty>),
    Boxed(Box<Ty>),
    /// A recursive field: boxed, `None` until a value is read.
    OptionBox(Box<Ty>),
    /// A type of the project's, named by the settings (`replace`, `formats`), printed as given.
    External(String),
}

impl Ty {
    /// The Rust spelling, with generated types qualified by `prefix` (`""` or `"types::"`).
    fn write(&self, out: &mut String, prefix: &str) {
        let inner = |out: &mut String, open: &str, t: &Ty, close: &str| {
            out.push_str(open);
            t.write(out, prefix);
            out.push_str(close);
        };
        match self {
            Ty::Named(n) => {
                out.push_str(prefix);
                out.push_str(n);
            }
            Ty::String => out.push_str("String"),
            Ty::Bytes => out.push_str("Vec<u8>"),
            Ty::I64 => out.push_str("i64"),
            Ty::F64 => out.push_str("f64"),
            Ty::Bool => out.push_str("bool"),
            Ty::Json => out.push_str("serde_json::Value"),
            // Any JSON value, so that `json!({..}).into()` fills it (a JSON Schema, say).
            Ty::JsonObject => out.push_str("serde_json::Value"),
            Ty::List(t) => inner(out, "Vec<", t, ">"),
            Ty::Map(t) => inner(out, "std::collections::BTreeMap<String, ", t, ">"),
            Ty::Boxed(t) => inner(out, "Box<", t, ">"),
            Ty::OptionBox(t) => inner(out, "Option<Box<", t, ">>"),
            Ty::External(path) => out.push_str(path),
            Ty::Tuple(items) => {
                out.push('(');
                for t in items {
                    t.write(out, prefix);
                    out.push_str(", ");
                }
                out.push(')');
            }
        }
    }

    /// The type a setting names: a primitive the crate already reads as one, else `External`.
    pub fn from_setting(rust: &str) -> Ty {
        match rust.replace(' ', "").as_str() {
            "String" | "std::string::String" => Ty::String,
            "i64" => Ty::I64,
            "f64" => Ty::F64,
            "bool" => Ty::Bool,
            "serde_json::Value" => Ty::Json,
            _ => Ty::External(rust.trim().to_owned()),
        }
    }

    /// The spelling used inside `types`.
    pub fn rust(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, "");
        out
    }

    /// The spelling used outside `types` (API modules), with generated types qualified.
    pub fn api(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, "types::");
        out
    }

    /// The named type held by value (not behind a Vec, map or box), if any.
    pub fn by_value_name(&self) -> Option<&str> {
        match self {
            Ty::Named(n) => Some(n),
            _ => None,
        }
    }

    /// The generated type this is, through boxes.
    pub fn named(&self) -> Option<&str> {
        match self {
            Ty::Named(n) => Some(n),
            Ty::Boxed(t) | Ty::OptionBox(t) => t.named(),
            _ => None,
        }
    }

    /// Every generated type named anywhere inside, in order.
    pub fn names<'t>(&'t self, out: &mut Vec<&'t str>) {
        match self {
            Ty::Named(n) => out.push(n),
            Ty::List(i) | Ty::Map(i) | Ty::Boxed(i) | Ty::OptionBox(i) => i.names(out),
            Ty::Tuple(items) => items.iter().for_each(|i| i.names(out)),
            _ => {}
        }
    }

    /// Renames the generated types inside that `to` maps.
    pub fn rename(&mut self, to: &std::collections::BTreeMap<String, String>) {
        match self {
            Ty::Named(n) => {
                if let Some(new) = to.get(n.as_str()) {
                    n.clone_from(new);
                }
            }
            Ty::List(i) | Ty::Map(i) | Ty::Boxed(i) | Ty::OptionBox(i) => i.rename(to),
            Ty::Tuple(items) => items.iter_mut().for_each(|i| i.rename(to)),
            _ => {}
        }
    }

    /// A short word for naming a union variant that holds this type.
    pub fn variant_word(&self) -> String {
        match self {
            Ty::Named(n) => n.clone(),
            Ty::String => "String".into(),
            Ty::Bytes => "Bytes".into(),
            Ty::I64 => "Integer".into(),
            Ty::F64 => "Number".into(),
            Ty::Bool => "Bool".into(),
            Ty::Json => "Json".into(),
            Ty::JsonObject => "Object".into(),
            Ty::List(inner) => format!("{}List", inner.variant_word()),
            Ty::Map(_) => "Map".into(),
            Ty::Tuple(_) => "Tuple".into(),
            Ty::Boxed(t) | Ty::OptionBox(t) => t.variant_word(),
            Ty::External(path) => {
                let last = path.split('<').next().unwrap_or(path).rsplit("::").next().unwrap_or(path);
                last.trim().to_owned()
            }
        }
    }
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.rust())
    }
}

/// Templates see both spellings; they never compare them (decisions are IR flags and enums).
impl Serialize for Ty {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("rust", &self.rust())?;
        map.serialize_entry("api", &self.api())?;
        map.end()
    }
}
