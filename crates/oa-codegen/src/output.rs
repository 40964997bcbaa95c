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

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            if p.file_name().is_some_and(|n| n == "target") {
                continue;
            }
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// Brings `dir` up to date with `files`; with `check` nothing is written and the report lists
/// what would change.
pub fn sync(dir: &Path, files: &BTreeMap<String, String>, check: bool) -> io::Result<Report> {
    let mut report = Report::default();
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
    walk(dir, &mut existing);
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
