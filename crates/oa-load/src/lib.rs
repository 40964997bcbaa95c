//! Loading stage: reads an OpenAPI document (YAML 1.2 or JSON) into a `serde_json::Value`
//! without losing anything, bundles documents spread over several files into one, and maps
//! JSON pointers back to file, line and column for diagnostics.

mod bundle;
mod origin;
mod pointer;
mod yaml;

pub use origin::Origin;
pub use pointer::escape_token;
/// Bounds on hostile input: nesting depth (JSON has serde_json's bound of the same size) and
/// the nodes YAML aliases may add.
pub use yaml::{ALIAS_BUDGET_FLOOR, ALIAS_BUDGET_RATIO, MAX_DEPTH};

use origin::Parts;
use serde_json::Value;
use std::fmt;
use std::path::Path;
use std::sync::Arc;

/// A loaded document: its display name (usually the path it came from), its text and its value.
/// A bundled document's `name` and `source` are those of its root file; the other files are
/// kept for [`Document::origins`].
#[derive(Debug, Clone)]
pub struct Document {
    pub name: String,
    pub source: String,
    pub root: Value,
    format: Format,
    /// The other files of a bundled document and where their parts went.
    parts: Option<Arc<Parts>>,
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
        Self::parse_noting_refs(name.into(), source.into()).map(|(doc, _)| doc)
    }

    /// Parses, and tells whether some `$ref` may name another file.
    fn parse_noting_refs(name: String, source: String) -> Result<(Self, bool), LoadError> {
        let looks_json = source.trim_start().starts_with('{');
        let (root, format, external) = if looks_json {
            match serde_json::from_str::<Value>(&source) {
                Ok(v) => (v, Format::Json, bundle::json_mentions_external_refs(&source)),
                Err(e) => {
                    return Err(LoadError { name, line: e.line(), column: e.column(), message: e.to_string() })
                }
            }
        } else {
            match yaml::parse(&source) {
                Ok((v, external)) => (v, Format::Yaml, external),
                Err(e) => return Err(LoadError { name, line: e.line, column: e.column, message: e.message }),
            }
        };
        Ok((Document { name, source, root, format, parts: None }, external))
    }

    /// Reads and parses a file and, when it refers to other files (`$ref: pet.yaml`), bundles
    /// them in (see [`Document::bundle`]). A single-file document is exactly what
    /// [`Document::read_unbundled`] gives, at the same cost: the parser notes on the way
    /// whether any `$ref` names another file.
    pub fn read(path: &Path) -> Result<Self, LoadError> {
        let (doc, external) = Self::parse_noting_refs(path.display().to_string(), read_text(path)?)?;
        if external {
            bundle::bundle(doc, path)
        } else {
            Ok(doc)
        }
    }

    /// Reads and parses one file; references to other files stay as written.
    pub fn read_unbundled(path: &Path) -> Result<Self, LoadError> {
        Self::parse(path.display().to_string(), read_text(path)?)
    }

    /// Wraps an already-built value (tests, mutation runs); positions are then unknown.
    pub fn from_value(name: impl Into<String>, root: Value) -> Self {
        Document { name: name.into(), source: String::new(), root, format: Format::Json, parts: None }
    }

    /// Makes the document self-contained: every `$ref` to another file (`pet.yaml`,
    /// `../common.json#/Error`, resolved against `path`, the document's own location) is
    /// followed, the parts referred to are copied into `components` and the references are
    /// rewritten to point there.
    ///
    /// - `other#/components/<section>/<Name>` goes to `components/<section>/<Name>`; a whole file
    ///   or another fragment goes to the section its position calls for (`schemas` for a schema,
    ///   `responses` for a response, …) under a name from its last token or the file's stem
    ///   (`pet.yaml` -> `Pet`, `common.yaml#/Error` -> `Error`). A name the root (or another
    ///   part) already uses gets the stem as prefix (`CommonError`), then a number.
    /// - A root entry that is only such a reference (`Pet: {$ref: pet.yaml}`) receives the part.
    /// - Path items (under `paths`, callbacks, webhooks) are copied in place of their `$ref`.
    /// - Each part is copied once; its own internal references (`#/…`) are rewritten relative to
    ///   its file; cycles across files end.
    /// - `$ref`s inside data (`example`, `default`, example `value`s) are not references.
    ///
    /// Missing files, missing fragments and remote (`https:`) references are errors located at
    /// the `$ref` that names them. Without references to other files the document is returned
    /// unchanged.
    ///
    /// The root value may have been changed since parsing, so it is walked to look for
    /// references to other files.
    pub fn bundle(self, path: &Path) -> Result<Self, LoadError> {
        if bundle::has_external_refs(&self.root) {
            bundle::bundle(self, path)
        } else {
            Ok(self)
        }
    }

    /// The display names of the files the document was read from, root first.
    pub fn files(&self) -> Vec<&str> {
        let others = self.parts.iter().flat_map(|p| p.files.iter().map(|f| f.name.as_str()));
        std::iter::once(self.name.as_str()).chain(others).collect()
    }

    /// Finds the 1-based line and column of the node at each pointer, where the source tells.
    /// For a bundled document the position may be in another file: see [`Document::origins`].
    pub fn locate(&self, pointers: &[&str]) -> Vec<Option<(usize, usize)>> {
        self.origins(pointers).into_iter().map(|o| o.position).collect()
    }

    /// Where the node at each pointer was written: file, pointer in that file, line and column.
    /// Positions are only needed for diagnostics, so each source is scanned again here rather
    /// than tracked on the fast path.
    pub fn origins(&self, pointers: &[&str]) -> Vec<Origin<'_>> {
        let traced: Vec<(usize, String)> = pointers
            .iter()
            .map(|p| match &self.parts {
                Some(parts) => {
                    let (file, at) = parts.trace(p);
                    (file, at.into_owned())
                }
                None => (0, p.to_string()),
            })
            .collect();
        let mut out: Vec<Origin<'_>> = Vec::with_capacity(traced.len());
        for (file, pointer) in &traced {
            out.push(Origin { file: self.file(*file).0, pointer: pointer.clone(), position: None });
        }
        let count = 1 + self.parts.as_ref().map_or(0, |p| p.files.len());
        for file in 0..count {
            let wanted: Vec<usize> = (0..traced.len()).filter(|&i| traced[i].0 == file).collect();
            if wanted.is_empty() {
                continue;
            }
            let (_, source) = self.file(file);
            let pointers: Vec<&str> = wanted.iter().map(|&i| traced[i].1.as_str()).collect();
            for (&i, position) in wanted.iter().zip(locate(source, &pointers)) {
                out[i].position = position;
            }
        }
        out
    }

    /// The syntax of the (root) file.
    pub fn format(&self) -> Format {
        self.format
    }

    /// Name and source of file `i` (0 is the root file).
    fn file(&self, i: usize) -> (&str, &str) {
        match (i, &self.parts) {
            (0, _) | (_, None) => (&self.name, &self.source),
            (i, Some(parts)) => {
                let f = &parts.files[i - 1];
                (&f.name, &f.source)
            }
        }
    }
}

fn read_text(path: &Path) -> Result<String, LoadError> {
    std::fs::read_to_string(path).map_err(|e| LoadError {
        name: path.display().to_string(),
        line: 0,
        column: 0,
        message: format!("cannot read: {e}"),
    })
}

/// Positions of `pointers` in `source`, YAML or JSON: JSON is scanned as the YAML it (nearly
/// always) also is, so positions in JSON are best effort; what the YAML scanner rejects stays
/// unlocated.
fn locate(source: &str, pointers: &[&str]) -> Vec<Option<(usize, usize)>> {
    if source.is_empty() {
        return vec![None; pointers.len()];
    }
    yaml::locate(source, pointers)
}
