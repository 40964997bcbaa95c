//! Argument handling for `codegen` and `subset`; everything real happens in `oa_codegen`.

use oa_codegen::settings::Settings;
use oa_load::Document;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

struct Flags {
    check: bool,
    spec: Option<PathBuf>,
    out: Option<PathBuf>,
    include: Vec<String>,
    with_query_paths: bool,
    crate_name: Option<String>,
    settings: Option<PathBuf>,
    strict: bool,
    /// Every place of a repeated diagnostic, not just the first and the count.
    verbose: bool,
}

fn parse_flags(args: &[String]) -> Result<Flags, String> {
    let mut f = Flags { check: false, spec: None, out: None, include: Vec::new(), with_query_paths: false, crate_name: None, settings: None, strict: false, verbose: false };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().cloned().ok_or_else(|| format!("{name} needs a value"));
        match a.as_str() {
            "--check" => f.check = true,
            "--spec" => f.spec = Some(value("--spec")?.into()),
            "--out" => f.out = Some(value("--out")?.into()),
            "--include" => f.include.push(value("--include")?),
            "--with-query-paths" => f.with_query_paths = true,
            "--crate-name" => f.crate_name = Some(value("--crate-name")?),
            "--strict" => f.strict = true,
            "--settings" => f.settings = Some(value("--settings")?.into()),
            "--verbose" => f.verbose = true,
            other => return Err(format!("unknown flag `{other}`")),
        }
    }
    Ok(f)
}

/// Loads `spec/settings.yaml`.
pub fn load_settings(root: &Path) -> Result<Settings, String> {
    Settings::read(&root.join("spec/settings.yaml"))
}

pub fn codegen(args: &[String]) -> Result<ExitCode, String> {
    let flags = parse_flags(args)?;
    let root = workspace_root();
    // spec/'s settings for spec/; the given settings file for another document; without one,
    // the defaults: the whole document, nothing of spec/'s conventions.
    let mut settings = match (&flags.settings, &flags.spec) {
        (Some(path), _) => Settings::read(path)?,
        (None, None) => load_settings(&root)?,
        (None, Some(spec)) => {
            let stem = spec.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            let name: String = stem.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
            Settings::new(name.trim_matches('-'))
        }
    };
    if !flags.include.is_empty() {
        settings.include = flags.include.clone();
    }
    settings.with_query_paths |= flags.with_query_paths;
    if let Some(name) = &flags.crate_name {
        settings.crate_name = name.clone();
    }
    let settings_dir = flags.settings.as_ref().and_then(|p| p.parent().map(Path::to_path_buf)).unwrap_or_else(|| root.join("spec"));
    let spec = match (&flags.spec, &settings.spec) {
        (Some(spec), _) => spec.clone(),
        (None, Some(file)) => settings_dir.join(file),
        (None, None) => return Err("no document: pass --spec, or name one with `spec:` in the settings".into()),
    };
    let out = flags.out.clone().unwrap_or_else(|| root.join("generated"));

    let start = Instant::now();
    let doc = Document::read(&spec).map_err(|e| e.to_string())?;
    let loaded = start.elapsed();
    let generated = oa_codegen::generate(&doc, &settings).map_err(|e| e.render_grouped(&doc, flags.verbose))?;
    let n_warnings = generated.warnings.warnings().count();
    if n_warnings > 0 {
        eprint!("{}", generated.warnings.render_grouped(&doc, flags.verbose));
    }
    if flags.strict && n_warnings > 0 {
        // Nothing is written: with --strict a warning (an operation left out, ...) is an error.
        return Err(format!("{n_warnings} warning(s), which --strict makes errors; nothing written"));
    }
    let report = oa_codegen::output::sync(&out, &generated.files, flags.check).map_err(|e| format!("{}: {e}", out.display()))?;
    let t = &generated.timings;
    println!(
        "codegen: {} operations, {} types, {} files ({} changed, {} removed), {} warnings, {} ms (load {} / lower {} / render {} / format {})",
        generated.operations,
        generated.types,
        generated.files.len(),
        report.written.len(),
        report.removed.len(),
        n_warnings,
        start.elapsed().as_millis(),
        loaded.as_millis(),
        t.lower.as_millis(),
        t.render.as_millis(),
        t.format.as_millis(),
    );
    if flags.check && !report.is_clean() {
        for f in report.written.iter().chain(&report.removed) {
            eprintln!("stale: {}", out.join(f).display());
        }
        eprintln!("{} is out of date; run `cargo xtask codegen`", out.display());
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// `cargo xtask subset --from PUBLISHED [--out FILE]`: rebuilds `spec/openapi.yaml` from a
/// published document (structure only) plus our overlays (prose and fixes).
pub fn subset(args: &[String]) -> Result<ExitCode, String> {
    let root = workspace_root();
    let settings = load_settings(&root)?;
    let mut from = None;
    let mut out = root.join("spec").join(settings.spec.as_deref().unwrap_or("openapi.yaml"));
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--from" => from = it.next().map(PathBuf::from),
            "--out" => out = it.next().map(PathBuf::from).ok_or("--out needs a value")?,
            other => return Err(format!("unknown flag `{other}`")),
        }
    }
    let from = from.ok_or("subset needs --from PUBLISHED_DOCUMENT")?;
    let doc = Document::read(&from).map_err(|e| e.to_string())?;
    let mut overlays = Vec::new();
    for overlay in &settings.overlays {
        let path = root.join("spec").join(overlay);
        overlays.push(Document::read_unbundled(&path).map_err(|e| e.to_string())?.root);
    }
    let source = from.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let text = oa_codegen::subset::build_spec(&doc.root, &source, &settings, &overlays)?;
    std::fs::write(&out, &text).map_err(|e| format!("{}: {e}", out.display()))?;
    println!("subset: {} lines -> {}", text.lines().count(), out.display());
    Ok(ExitCode::SUCCESS)
}
