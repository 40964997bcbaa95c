//! Compile footprint: the crates in the default dependency tree of `openai-responses`
//! (`cargo tree -p openai-responses -e normal --prefix none | sort -u | wc -l`), and the absence
//! of C-building TLS crates. Reference: the same count for the types alone
//! (`--no-default-features`) and for reqwest as resolved in this workspace.

use std::collections::BTreeSet;
use std::process::Command;

use crate::{workspace_root, Row};

/// `cargo tree` lines, deduplicated; `None` when cargo could not run.
fn tree(offline: bool, args: &[&str]) -> Result<BTreeSet<String>, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .current_dir(workspace_root())
        .args(["tree", "-e", "normal", "--prefix", "none"])
        .args(offline.then_some("--offline"))
        .args(args)
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    Ok(String::from_utf8_lossy(&out.stdout).lines().map(str::to_owned).collect())
}

/// Distinct crates (`name vX.Y.Z`), ignoring the `(*)` and path suffixes.
fn crates(lines: &BTreeSet<String>) -> BTreeSet<String> {
    lines
        .iter()
        .filter_map(|l| {
            let mut it = l.split_whitespace();
            Some(format!("{} {}", it.next()?, it.next()?))
        })
        .collect()
}

pub fn run(rows: &mut Vec<Row>, notes: &mut Vec<String>) {
    let default = match tree(true, &["-p", "openai-responses"]) {
        Ok(t) => t,
        Err(e) => {
            notes.push(format!("cargo tree failed, footprint rows skipped: {}", e.lines().next().unwrap_or("")));
            return;
        }
    };
    // --all-features may need crates not yet in the local cache: allowed to reach the registry
    let all_features = tree(false, &["-p", "openai-responses", "--all-features"]);
    let types_only = tree(true, &["-p", "openai-responses", "--no-default-features"]).unwrap_or_default();
    let reqwest = tree(true, &["-p", "reqwest"]).unwrap_or_default();
    let (d, t, r) = (crates(&default), crates(&types_only), crates(&reqwest));
    rows.push(
        Row::new("footprint", "crates in default tree (sort -u lines / distinct)")
            .ours(format!("{} / {}", default.len(), d.len()))
            .floor(format!("reqwest alone: {}", r.len()))
            .ratio(format!("{:.2}x", d.len() as f64 / r.len().max(1) as f64)),
    );
    rows.push(Row::new("footprint", "  types only (--no-default-features)").ours(format!("{}", t.len())));
    let c_sys: Vec<&String> = d.iter().filter(|c| c.starts_with("aws-lc-sys ") || c.starts_with("openssl-sys ")).collect();
    let c_sys_all = match &all_features {
        Ok(t) => crates(t)
            .into_iter()
            .filter(|c| c.starts_with("aws-lc-") || c.starts_with("openssl"))
            .collect::<Vec<_>>()
            .join(", "),
        Err(e) => format!("(cargo tree --all-features failed: {})", e.lines().next().unwrap_or("")),
    };
    rows.push(
        Row::new("footprint", "aws-lc-sys / openssl-sys in default tree")
            .ours(if c_sys.is_empty() { "none".to_owned() } else { format!("{c_sys:?}") })
            .target("none"),
    );
    notes.push(format!(
        "footprint: `cargo tree -p openai-responses -e normal --prefix none | sort -u | wc -l` counts {} lines \
         ({} distinct crates incl. openai-responses); `reqwest alone` is `cargo tree -p reqwest` as resolved in this \
         workspace. With --all-features (native-tls opted in) the C-TLS crates present are: {}",
        default.len(),
        d.len(),
        if c_sys_all.is_empty() { "none" } else { &c_sys_all }
    ));
}
