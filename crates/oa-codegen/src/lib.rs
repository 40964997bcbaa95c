//! The generator as a library: a pure function from a loaded spec and settings to the files
//! of a client crate. Stages: load (`oa_load`) -> lower (`lower`, which validates as it goes)
//! -> check (`check`: every emitted name unique in its scope) -> render (`render`) -> format
//! (`format`). Reading and writing files is left to `output`
//! and to the caller.
//!
//! Another project's xtask calls four entry points: read the document and the settings (which
//! reads every file the settings name), generate, and write or check the crate:
//!
//! ```no_run
//! use std::path::Path;
//! use std::process::ExitCode;
//!
//! fn codegen(check: bool) -> Result<ExitCode, String> {
//!     let doc = oa_load::Document::read(Path::new("api/openapi.yaml")).map_err(|e| e.to_string())?;
//!     let settings = oa_codegen::settings::Settings::read(Path::new("api/settings.yaml"))?;
//!     let generated = oa_codegen::generate(&doc, &settings).map_err(|e| e.to_string())?;
//!     eprint!("{}", generated.warnings.render(&doc));
//!     let report = oa_codegen::output::sync(Path::new("client"), &generated.files, check)
//!         .map_err(|e| e.to_string())?;
//!     Ok(if report.is_clean() || !check { ExitCode::SUCCESS } else { ExitCode::FAILURE })
//! }
//! ```

mod case;
pub mod diag;
pub mod diff;
pub mod format;
pub mod fuzz;
pub mod ir;
pub mod check;
mod ty;
mod lower;
pub mod naming;
pub mod output;
mod par;
pub mod render;
pub mod settings;
pub mod subset;
pub mod view;

use diag::{Diagnostics, Failure};
use oa_load::Document;
use settings::Settings;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

pub(crate) mod runtime_files {
    include!(concat!(env!("OUT_DIR"), "/runtime_files.rs"));
}

/// The generated crate: relative path -> contents, plus what happened on the way.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Generated {
    pub files: BTreeMap<String, String>,
    pub warnings: Diagnostics,
    pub operations: usize,
    pub types: usize,
    pub timings: Timings,
}

/// Wall time of each stage, for the summary line and the benchmarks.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Timings {
    pub lower: Duration,
    pub render: Duration,
    pub format: Duration,
}

/// Lowers a document into the IR (exposed for diffing and tests).
pub fn lower(doc: &Document, settings: &Settings) -> Result<(ir::Ir, Diagnostics), Failure> {
    let (ir, mut diags) = lower::lower(&doc.root, settings);
    diags.items.sort();
    diags.items.dedup();
    match ir {
        Some(ir) if !diags.has_errors() => Ok((ir, diags)),
        _ => Err(Failure { stage: "lower", rendered: diags.render(doc), diagnostics: diags }),
    }
}

/// Generates the client crate for `doc` under `settings`.
pub fn generate(doc: &Document, settings: &Settings) -> Result<Generated, Failure> {
    let t0 = Instant::now();
    let built_in = |e: &str| runtime_files::EXTENSION_FILES.iter().any(|f| f.0 == e);
    let unknown: Vec<&String> =
        settings.extensions.iter().filter(|e| !built_in(e) && !settings.extension_files.contains_key(*e)).collect();
    if !unknown.is_empty() {
        return Err(internal_or_config(doc, format!("unknown extensions {unknown:?}: neither built in (crates/extensions/) nor in `extensions_dir`")));
    }
    let both: Vec<&String> = settings.extension_files.keys().filter(|e| built_in(e)).collect();
    if !both.is_empty() {
        return Err(internal_or_config(doc, format!("extensions {both:?} are both built in and in `extensions_dir`: rename the project's own")));
    }
    let unknown_templates: Vec<&String> = settings.template_texts.keys().filter(|t| !render::TEMPLATES.iter().any(|(n, _)| n == t)).collect();
    if !unknown_templates.is_empty() {
        return Err(internal_or_config(doc, format!("templates {unknown_templates:?} in the `templates` folder replace no built-in template (see templates/ in the generator's repository)")));
    }
    let (ir, warnings) = lower(doc, settings)?;
    let checked = check::check(&ir);
    if checked.has_errors() {
        return Err(Failure { stage: "check", rendered: checked.render(doc), diagnostics: checked });
    }
    let t1 = Instant::now();
    let rendered = render::render(&ir, &settings.template_texts).map_err(|e| {
        // A project's template is the project's to fix, not a generator bug.
        if settings.template_texts.is_empty() { internal("render", doc, format!("{e:#}")) } else { internal_or_config(doc, format!("rendering failed: {e:#}")) }
    })?;
    let t2 = Instant::now();
    let formatted = format::format_all(rendered).map_err(|errs| internal("format", doc, errs.join("\n")))?;
    let t3 = Instant::now();
    let mut files: BTreeMap<String, String> = formatted.into_iter().collect();
    for (target, source, text) in runtime_files::RUNTIME_FILES {
        files.insert((*target).to_owned(), format!("{}; copied from {source}\n{text}", format::HEADER));
    }
    for (ext, name, source, text) in runtime_files::EXTENSION_FILES {
        if settings.extensions.iter().any(|e| e == ext) {
            files.insert(format!("src/ext/{ext}/{name}"), format!("{}; copied from {source}\n{text}", format::HEADER));
        }
    }
    for (ext, ext_files) in &settings.extension_files {
        for (name, text) in ext_files {
            let source = format!("{}/{ext}/{name}", settings.extensions_dir.as_deref().unwrap_or("."));
            files.insert(format!("src/ext/{ext}/{name}"), format!("{}; copied from {source}\n{text}", format::HEADER));
        }
    }
    Ok(Generated {
        files,
        warnings,
        operations: ir.groups.iter().map(|g| g.operations.len()).sum(),
        types: ir.types.len(),
        timings: Timings { lower: t1 - t0, render: t2 - t1, format: t3 - t2 },
    })
}

fn internal_or_config(doc: &Document, message: String) -> Failure {
    let mut diags = Diagnostics::default();
    diags.error("", message);
    Failure { stage: "settings", rendered: diags.render(doc), diagnostics: diags }
}

fn internal(stage: &'static str, doc: &Document, message: String) -> Failure {
    let mut diags = Diagnostics::default();
    diags.error("", format!("internal error (a generator bug, please report): {message}"));
    Failure { stage, rendered: diags.render(doc), diagnostics: diags }
}
