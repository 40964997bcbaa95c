//! The edge where generated files meet the disk: write only what changed, remove files that
//! carry our header but are no longer generated, never touch anything else; or, with
//! `--check`, only report what is stale.

use crate::format::HEADER;
use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

/// What a write (or check) found.
#[derive(Debug, Default, PartialEq, Eq)]
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
    let Ok(text) = std::fs::read_to_string(path) else { return false };
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
    let foreign: Vec<String> = files
        .iter()
        .filter(|(rel, contents)| {
            let path = dir.join(rel);
            path.exists() && std::fs::read_to_string(&path).ok().as_ref() != Some(*contents) && !is_ours(&path)
        })
        .map(|(rel, _)| rel.clone())
        .collect();
    if !foreign.is_empty() {
        return Err(refuse(foreign));
    }
    for (rel, contents) in files {
        let path = dir.join(rel);
        match std::fs::read_to_string(&path) {
            Ok(existing) if existing == *contents => report.unchanged += 1,
            _ => {
                if !check {
                    if let Some(parent) = path.parent() {
                        std::fs::create_dir_all(parent)?;
                    }
                    std::fs::write(&path, contents)?;
                }
                report.written.push(rel.clone());
            }
        }
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
