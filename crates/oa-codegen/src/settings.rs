//! Generation settings: what to select from the spec and how to name the client's surface.
//! Read from `spec/settings.yaml`; command-line flags override them.

use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Cargo package name of the generated crate.
    pub crate_name: String,
    #[serde(default = "default_version")]
    pub crate_version: String,
    /// The spec file, relative to the settings file.
    #[serde(default)]
    pub spec: Option<String>,
    /// Path prefixes to keep, matched segment by segment; `/` keeps everything, including
    /// component schemas that no operation reaches.
    #[serde(default)]
    pub include: Vec<String>,
    /// Also keep paths that carry a query string, such as `/responses?beta=true`.
    #[serde(default)]
    pub with_query_paths: bool,
    /// Name of the body field or query parameter that switches an operation to streaming.
    #[serde(default = "default_stream_flag")]
    pub stream_flag: String,
    /// OpenAPI Overlay files (relative to the settings file) that `cargo xtask subset` applies
    /// on top of the extracted structure: our prose and our fixes of the publication.
    #[serde(default)]
    pub overlays: Vec<String>,
    /// Hand-written, API-specific modules from `crates/extensions/<name>/` copied into the crate
    /// as `ext::<name>` (for example `responses`: the stream accumulator, `output_text`).
    #[serde(default)]
    pub extensions: Vec<String>,
    /// Per-operation overrides, keyed by operationId.
    #[serde(default)]
    pub operations: BTreeMap<String, OperationSettings>,
    /// Array query parameters sent in the bracket form `name[]=a&name[]=b` (a vendor convention a
    /// document cannot express): wire names, for every operation.
    #[serde(default)]
    pub array_query_brackets: Vec<String>,
    /// `#![deny(missing_docs)]` in the generated crate: for specs that document every item.
    #[serde(default)]
    pub deny_missing_docs: bool,
    /// A Markdown file (relative to the settings file) that becomes the crate's root doc.
    #[serde(default)]
    pub crate_doc: Option<String>,
    /// Types of the same shape (fields, values or variants, and their docs) are emitted once,
    /// the others as aliases of it: fewer types to compile. Off keeps one type per schema.
    #[serde(default = "yes")]
    pub merge_same_shapes: bool,
    /// The contents of `crate_doc`, read by the caller (the generator itself reads no files).
    #[serde(skip)]
    pub crate_doc_text: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperationSettings {
    /// Group handle on the client (`client.responses()`); defaults to the operation's first tag.
    pub group: Option<String>,
    /// Rust method name; defaults to the snake_case operationId.
    pub method: Option<String>,
    /// How the operation's list is walked, where detection cannot see it (ARCHITECTURE.md,
    /// "Pagination"); `{ style: none }` turns it off.
    #[serde(default)]
    pub pagination: Option<PaginationSettings>,
}

/// A list operation's pagination: the style, and the names detection would otherwise guess.
/// Fields are wire names; a path into nested objects is dotted (`metadata.continue`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaginationSettings {
    /// Detected when absent.
    #[serde(default)]
    pub style: Option<PageStyleSetting>,
    /// The query parameter that takes the cursor or the offset.
    #[serde(default)]
    pub param: Option<String>,
    /// Where the page holds the cursor (`cursor`), the next URL (`next_url`) or the last id
    /// (`last_item`; without it, the last item's `id`).
    #[serde(default)]
    pub next: Option<String>,
    /// The page's boolean saying more pages follow (`last_item`, `offset`).
    #[serde(default)]
    pub has_more: Option<String>,
    /// The page's total item count (`offset`).
    #[serde(default)]
    pub total: Option<String>,
    /// The page's array holding the items, when it has several arrays of objects.
    #[serde(default)]
    pub items: Option<String>,
}

/// The pagination styles a setting can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PageStyleSetting {
    /// Not paginated: no `_pages` and `_stream` methods.
    None,
    LastItem,
    Cursor,
    Offset,
    Link,
    NextUrl,
}

fn default_version() -> String {
    "0.1.0".into()
}

fn yes() -> bool {
    true
}

fn default_stream_flag() -> String {
    "stream".into()
}

impl Settings {
    /// Settings for a document with no settings file: everything, default names.
    pub fn new(crate_name: &str) -> Self {
        Settings {
            crate_name: crate_name.into(),
            crate_version: default_version(),
            spec: None,
            include: vec!["/".into()],
            with_query_paths: false,
            stream_flag: default_stream_flag(),
            overlays: Vec::new(),
            extensions: Vec::new(),
            operations: BTreeMap::new(),
            array_query_brackets: Vec::new(),
            deny_missing_docs: false,
            crate_doc: None,
            merge_same_shapes: true,
            crate_doc_text: None,
        }
    }

    pub fn from_value(v: serde_json::Value) -> Result<Self, String> {
        serde_json::from_value(v).map_err(|e| e.to_string())
    }

    /// Reads a settings file and the files it names (`crate_doc`); an edge of the generator,
    /// like `output::sync`: `generate` itself reads nothing.
    pub fn read(path: &std::path::Path) -> Result<Self, String> {
        let doc = oa_load::Document::read_unbundled(path).map_err(|e| e.to_string())?;
        let mut settings = Self::from_value(doc.root).map_err(|e| format!("{}: {e}", path.display()))?;
        if let Some(file) = &settings.crate_doc {
            let file = path.parent().unwrap_or(std::path::Path::new(".")).join(file);
            settings.crate_doc_text = Some(std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?);
        }
        Ok(settings)
    }

    /// True when `path` is selected by the include prefixes (segment-wise match).
    pub fn selects_path(&self, path: &str) -> bool {
        let (bare, query) = match path.split_once('?') {
            Some((p, _)) => (p, true),
            None => (path, false),
        };
        if query && !self.with_query_paths {
            return false;
        }
        self.include.iter().any(|prefix| path_has_prefix(bare, prefix))
    }

    pub fn includes_everything(&self) -> bool {
        self.include.iter().any(|p| p.trim_end_matches('/').is_empty())
    }
}

fn path_has_prefix(path: &str, prefix: &str) -> bool {
    let p: Vec<&str> = prefix.split('/').filter(|s| !s.is_empty()).collect();
    let s: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    s.len() >= p.len() && s.iter().zip(&p).all(|(a, b)| a == b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_matches_segments() {
        let mut s = Settings::new("x");
        s.include = vec!["/responses".into()];
        assert!(s.selects_path("/responses"));
        assert!(s.selects_path("/responses/{id}/cancel"));
        assert!(!s.selects_path("/responsesx"));
        assert!(!s.selects_path("/responses?beta=true"));
        s.with_query_paths = true;
        assert!(s.selects_path("/responses?beta=true"));
    }

    #[test]
    fn pagination_setting_reads_and_rejects_unknown_keys() {
        let read = |v: serde_json::Value| Settings::from_value(serde_json::json!({"crate_name": "x", "operations": {"listThings": {"pagination": v}}}));
        let s = read(serde_json::json!({"style": "cursor", "param": "token", "next": "meta.next_token"})).unwrap();
        let p = s.operations["listThings"].pagination.clone().unwrap();
        assert_eq!(p.style, Some(PageStyleSetting::Cursor));
        assert_eq!(p.next.as_deref(), Some("meta.next_token"));
        assert!(read(serde_json::json!({"style": "pages"})).is_err());
        assert!(read(serde_json::json!({"cursor": "x"})).is_err());
    }
}
