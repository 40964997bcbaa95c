//! The edge where generated files meet the disk: write only what changed, remove files that
//! carry our header but are no longer generated, never overwrite anything else; or, with
//! `--check`, only report what is stale.

use crate::format::HEADER;
use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

/// What a write (or check) found.
#[derive(Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Report {
    pub written: Vec<String>,
    pub removed: Vec<String>,
    pub unchanged: usize,
}

impl Report {
    pub fn is_clean(&self) -> bool {
        self.written.is_empty() && self.removed.is_empty()
    }
}

fn is_ours(path: &Path) -> bool {
    std::fs::read_to_string(path).is_ok_and(|text| has_header(&text))
}

fn has_header(text: &str) -> bool {
    let first = text.lines().next().unwrap_or_default();
    first.starts_with(HEADER) || first.starts_with(&HEADER.replacen("//", "#", 1))
}

/// Files under `dir`, not following symlinks and not entering `target`, hidden folders (`.git`)
/// or nested crates (a folder with its own `Cargo.toml` belongs to someone else).
fn walk(dir: &Path, out: &mut Vec<PathBuf>, top: bool) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        let Ok(kind) = e.file_type() else { continue };
        if kind.is_symlink() {
            continue;
        }
        if kind.is_dir() {
            let name = e.file_name();
            let name = name.to_string_lossy();
            if name == "target" || name.starts_with('.') || (!top && p.join("Cargo.toml").exists()) {
                continue;
            }
            if !top || !p.join("Cargo.toml").exists() {
                walk(&p, out, false);
            }
        } else {
            out.push(p);
        }
    }
}

/// An error for files that would be overwritten although we did not generate them.
fn refuse(paths: Vec<String>) -> io::Error {
    io::Error::new(
        io::ErrorKind::AlreadyExists,
        format!("refusing to overwrite files that were not generated (no header): {}", paths.join(", ")),
    )
}

/// Brings `dir` up to date with `files`; with `check` nothing is written and the report lists
/// what would change.
pub fn sync(dir: &Path, files: &BTreeMap<String, String>, check: bool) -> io::Result<Report> {
    let mut report = Report::default();
    // Read each target once: unchanged, ours to replace, or someone else's (refused).
    let mut to_write = Vec::new();
    let mut foreign = Vec::new();
    for (rel, contents) in files {
        match std::fs::read_to_string(dir.join(rel)) {
            Ok(existing) if existing == *contents => report.unchanged += 1,
            Ok(existing) if !has_header(&existing) => foreign.push(rel.clone()),
            _ => to_write.push((rel, contents)),
        }
    }
    if !foreign.is_empty() {
        return Err(refuse(foreign));
    }
    for (rel, contents) in to_write {
        if !check {
            let path = dir.join(rel);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&path, contents)?;
        }
        report.written.push(rel.clone());
    }
    let mut existing = Vec::new();
    walk(dir, &mut existing, true);
    existing.sort();
    for path in existing {
        let rel = path.strip_prefix(dir).unwrap_or(&path).to_string_lossy().replace('\\', "/");
        if !files.contains_key(&rel) && is_ours(&path) {
            if !check {
                std::fs::remove_file(&path)?;
            }
            report.removed.push(rel);
        }
    }
    Ok(report)
}
