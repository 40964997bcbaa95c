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
    pub fn render(&self, doc: &Document) -> String {
        let mut items = self.items.clone();
        items.sort();
        items.dedup();
        let pointers: Vec<&str> = items.iter().map(|d| d.pointer.as_str()).collect();
        let places = doc.locate(&pointers);
        let mut out = String::new();
        for (d, place) in items.iter().zip(places) {
            let level = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            let ptr = if d.pointer.is_empty() { "/" } else { d.pointer.as_str() };
            match place {
                Some((line, col)) => out.push_str(&format!("{}:{line}:{col}: {level}: {} (at {ptr})\n", doc.name, d.message)),
                None => out.push_str(&format!("{}: {level}: {} (at {ptr})\n", doc.name, d.message)),
            }
        }
        out
    }
}

/// A failed run: the stage that failed and everything it found.
#[derive(Debug, Clone)]
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

impl std::error::Error for Failure {}
