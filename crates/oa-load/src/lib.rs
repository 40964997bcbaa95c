//! Loading stage: reads an OpenAPI document (YAML 1.2 or JSON) into a `serde_json::Value`
//! without losing anything, and maps JSON pointers back to line and column for diagnostics.

mod pointer;
mod yaml;

pub use pointer::escape_token;
/// Bounds on hostile input: nesting depth (JSON has serde_json's bound of the same size) and
/// the nodes YAML aliases may add.
pub use yaml::{ALIAS_BUDGET_FLOOR, ALIAS_BUDGET_RATIO, MAX_DEPTH};

use serde_json::Value;
use std::fmt;

/// A loaded document: its display name (usually the path it came from), its text and its value.
#[derive(Debug, Clone)]
pub struct Document {
    pub name: String,
    pub source: String,
    pub root: Value,
    format: Format,
}

/// The surface syntax the document was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Yaml,
}

/// A document that could not be parsed at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    pub name: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: {}", self.name, self.line, self.column, self.message)
    }
}

impl std::error::Error for LoadError {}

impl Document {
    /// Parses `source`. JSON is recognised by its first non-blank character; everything else is YAML.
    pub fn parse(name: impl Into<String>, source: impl Into<String>) -> Result<Self, LoadError> {
        let name = name.into();
        let source = source.into();
        let looks_json = source.trim_start().starts_with('{');
        let (root, format) = if looks_json {
            match serde_json::from_str::<Value>(&source) {
                Ok(v) => (v, Format::Json),
                Err(e) => {
                    return Err(LoadError { name, line: e.line(), column: e.column(), message: e.to_string() })
                }
            }
        } else {
            match yaml::parse(&source) {
                Ok(v) => (v, Format::Yaml),
                Err(e) => return Err(LoadError { name, line: e.line, column: e.column, message: e.message }),
            }
        };
        Ok(Document { name, source, root, format })
    }

    /// Reads and parses a file.
    pub fn read(path: &std::path::Path) -> Result<Self, LoadError> {
        let name = path.display().to_string();
        let source = std::fs::read_to_string(path).map_err(|e| LoadError {
            name: name.clone(),
            line: 0,
            column: 0,
            message: format!("cannot read: {e}"),
        })?;
        Self::parse(name, source)
    }

    /// Wraps an already-built value (tests, mutation runs); positions are then unknown.
    pub fn from_value(name: impl Into<String>, root: Value) -> Self {
        Document { name: name.into(), source: String::new(), root, format: Format::Json }
    }

    /// Finds the 1-based line and column of the node at each pointer, where the source tells.
    /// Positions are only needed for diagnostics, so the source is scanned again here rather
    /// than tracked on the fast path. JSON is scanned as the YAML it (nearly always) also is,
    /// so positions in JSON are best effort: what the YAML scanner rejects stays unlocated.
    pub fn locate(&self, pointers: &[&str]) -> Vec<Option<(usize, usize)>> {
        if self.source.is_empty() {
            return vec![None; pointers.len()];
        }
        yaml::locate(&self.source, pointers)
    }

    /// The syntax of the file.
    pub fn format(&self) -> Format {
        self.format
    }
}
