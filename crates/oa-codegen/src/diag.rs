//! Diagnostics: every problem found in a spec is located by JSON pointer (and by line and
//! column when the source tells), and a stage reports all of its problems at once.

use oa_load::Document;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    pub severity: Severity,
    pub pointer: String,
    pub message: String,
}

/// The diagnostics of one stage, in the order found.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    pub items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn error(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.items.push(Diagnostic { severity: Severity::Error, pointer: pointer.into(), message: message.into() });
    }

    pub fn warning(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.items.push(Diagnostic { severity: Severity::Warning, pointer: pointer.into(), message: message.into() });
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter().filter(|d| d.severity == Severity::Error)
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter().filter(|d| d.severity == Severity::Warning)
    }

    /// Renders `file:line:col: error: message (at /pointer)`, one per line, sorted and deduplicated.
    /// For a document bundled from several files, the file and the pointer are those of the
    /// file the node was written in (what the user has to edit), not of the bundled document.
    pub fn render(&self, doc: &Document) -> String {
        let items = self.sorted();
        let pointers: Vec<&str> = items.iter().map(|d| d.pointer.as_str()).collect();
        let origins = doc.origins(&pointers);
        let mut out = String::new();
        for (d, origin) in items.iter().zip(origins) {
            out.push_str(&line(d, &origin, 1));
        }
        out
    }

    /// Like `render`, but a message said at several places (the same severity and text, the
    /// location aside) is one line: the first place and the count. `verbose` lists every place
    /// (`render`). A document repeating one unknown keyword gives one warning, not hundreds.
    pub fn render_grouped(&self, doc: &Document, verbose: bool) -> String {
        if verbose {
            return self.render(doc);
        }
        let items = self.sorted();
        // (first place, count) per message, in the order of the first places.
        let mut groups: Vec<(&Diagnostic, usize)> = Vec::new();
        let mut index: std::collections::BTreeMap<(Severity, &str), usize> = std::collections::BTreeMap::new();
        for d in &items {
            match index.get(&(d.severity, d.message.as_str())) {
                Some(&i) => groups[i].1 += 1,
                None => {
                    index.insert((d.severity, d.message.as_str()), groups.len());
                    groups.push((d, 1));
                }
            }
        }
        let pointers: Vec<&str> = groups.iter().map(|(d, _)| d.pointer.as_str()).collect();
        let origins = doc.origins(&pointers);
        let mut out = String::new();
        for ((d, n), origin) in groups.iter().zip(origins) {
            out.push_str(&line(d, &origin, *n));
        }
        out
    }

    fn sorted(&self) -> Vec<Diagnostic> {
        let mut items = self.items.clone();
        items.sort();
        items.dedup();
        items
    }
}

/// `file:line:col: level: message (at /pointer)` and a newline; for a message said `times`
/// times, `(284 times, first at /pointer; --verbose lists every place)`.
fn line(d: &Diagnostic, origin: &oa_load::Origin<'_>, times: usize) -> String {
    let level = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let file = origin.file;
    let ptr = if origin.pointer.is_empty() { "/" } else { origin.pointer.as_str() };
    let at = if times > 1 { format!("{times} times, first at {ptr}; --verbose lists every place") } else { format!("at {ptr}") };
    match origin.position {
        Some((line, col)) => format!("{file}:{line}:{col}: {level}: {} ({at})\n", d.message),
        None => format!("{file}: {level}: {} ({at})\n", d.message),
    }
}

/// A failed run: the stage that failed and everything it found.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Failure {
    pub stage: &'static str,
    pub rendered: String,
    pub diagnostics: Diagnostics,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.diagnostics.errors().count();
        write!(f, "{}{n} error(s) in the {} stage", self.rendered, self.stage)
    }
}

impl Failure {
    /// The `Display` text with repeated diagnostics grouped (`Diagnostics::render_grouped`).
    pub fn render_grouped(&self, doc: &Document, verbose: bool) -> String {
        let n = self.diagnostics.errors().count();
        format!("{}{n} error(s) in the {} stage", self.diagnostics.render_grouped(doc, verbose), self.stage)
    }
}

impl std::error::Error for Failure {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_names_the_file_a_node_came_from() {
        let dir = std::env::temp_dir().join(format!("oa-codegen-diag-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("pet.yaml"), "type: object\nproperties:\n  name: {type: strin}\n").unwrap();
        let root = "openapi: 3.1.0\ncomponents:\n  schemas:\n    Pet: {$ref: pet.yaml}\n    A: {type: 1}\n";
        std::fs::write(dir.join("openapi.yaml"), root).unwrap();
        let doc = Document::read(&dir.join("openapi.yaml"));
        std::fs::remove_dir_all(&dir).unwrap();
        let doc = doc.unwrap();
        let mut diags = Diagnostics::default();
        diags.error("/components/schemas/Pet/properties/name/type", "unknown type `strin`");
        diags.warning("/components/schemas/A/type", "odd");
        let pet = dir.join("pet.yaml").display().to_string();
        let expected = format!(
            "{pet}:3:16: error: unknown type `strin` (at /properties/name/type)\n{}:5:15: warning: odd (at /components/schemas/A/type)\n",
            doc.name
        );
        assert_eq!(diags.render(&doc), expected);
    }
}
