//! Rust type expressions as the lowering builds them, before recursion is boxed and they
//! are printed into the IR as strings.

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ty {
    Named(String),
    String,
    /// File contents (`format: binary`).
    Bytes,
    I64,
    F64,
    Bool,
    /// Any JSON value.
    Json,
    /// A free-form JSON object.
    JsonObject,
    List(Box<Ty>),
    Map(Box<Ty>),
    Boxed(Box<Ty>),
}

impl Ty {
    /// The Rust spelling used inside `types::*` modules.
    pub fn rust(&self) -> String {
        match self {
            Ty::Named(n) => n.clone(),
            Ty::String => "String".into(),
            Ty::Bytes => "Vec<u8>".into(),
            Ty::I64 => "i64".into(),
            Ty::F64 => "f64".into(),
            Ty::Bool => "bool".into(),
            Ty::Json => "serde_json::Value".into(),
            Ty::JsonObject => "serde_json::Map<String, serde_json::Value>".into(),
            Ty::List(t) => format!("Vec<{}>", t.rust()),
            Ty::Map(t) => format!("std::collections::BTreeMap<String, {}>", t.rust()),
            Ty::Boxed(t) => format!("Box<{}>", t.rust()),
        }
    }

    /// The spelling used outside `types` (API modules), with named types qualified.
    pub fn rust_qualified(&self) -> String {
        match self {
            Ty::Named(n) => format!("types::{n}"),
            Ty::List(t) => format!("Vec<{}>", t.rust_qualified()),
            Ty::Map(t) => format!("std::collections::BTreeMap<String, {}>", t.rust_qualified()),
            Ty::Boxed(t) => format!("Box<{}>", t.rust_qualified()),
            other => other.rust(),
        }
    }

    /// The named type held by value (not behind a Vec or Map), if any.
    pub fn by_value_name(&self) -> Option<&str> {
        match self {
            Ty::Named(n) => Some(n),
            _ => None,
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
            Ty::List(inner) => match inner.as_ref() {
                Ty::Named(n) => format!("{n}List"),
                other => format!("{}List", other.variant_word()),
            },
            Ty::Map(_) => "Map".into(),
            Ty::Boxed(t) => t.variant_word(),
        }
    }
}
