//! Regenerating from one publication to the next gives a diff proportional to the change, and
//! refreshing `spec/` from the publication it came from changes nothing.

use oa_codegen::settings::Settings;
use oa_load::Document;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).ancestors().nth(2).unwrap().to_path_buf()
}

fn upstream(name: &str) -> Option<Document> {
    let path = repo_root().join("../shared/upstream").join(name);
    if !path.exists() {
        assert!(std::env::var("REQUIRE_CORPUS").as_deref() != Ok("1"), "REQUIRE_CORPUS=1 but {} is absent", path.display());
        eprintln!("skipped: {} is absent", path.display());
        return None;
    }
    Some(Document::read(&path).unwrap())
}

/// A component and everything it references, prose removed: if this is equal in two
/// documents, the code generated for the component must be equal too, doc comments aside.
fn closure(root: &Value, name: &str) -> String {
    let mut seen = BTreeSet::new();
    let mut stack = vec![name.to_owned()];
    let mut parts = BTreeMap::new();
    while let Some(n) = stack.pop() {
        if !seen.insert(n.clone()) {
            continue;
        }
        let Some(schema) = root.pointer(&format!("/components/schemas/{n}")) else { continue };
        let clean = oa_codegen::subset::without_prose(schema);
        let text = clean.to_string();
        for r in text.split("\"#/components/schemas/").skip(1) {
            stack.push(r.split('"').next().unwrap_or_default().split('/').next().unwrap_or_default().to_owned());
        }
        parts.insert(n, text);
    }
    serde_json::to_string(&parts).unwrap()
}

fn code_lines(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|l| {
            let l = l.trim_start();
            !l.starts_with("///") && !l.starts_with("//!") && !l.starts_with("#[derive") && !l.starts_with("#[serde")
        })
        .collect()
}

/// The code of each type, by name: from its `pub struct|enum|type` line to the next type's
/// (its impls and field tables follow it in its module).
fn type_blocks(files: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for (path, text) in files {
        if !path.starts_with("src/types/") {
            continue;
        }
        let mut current: Option<String> = None;
        for line in text.lines() {
            let decl = ["pub struct ", "pub enum ", "pub type "].iter().find_map(|p| line.strip_prefix(p));
            if let Some(rest) = decl {
                let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                current = Some(name);
            }
            if let Some(name) = &current {
                let block = out.entry(name.clone()).or_default();
                block.push_str(line);
                block.push('\n');
            }
        }
    }
    out
}

#[test]
fn unchanged_schemas_generate_unchanged_code() {
    let (Some(old), Some(new)) = (upstream("openai-openapi-2026-07-22.yaml"), upstream("openai-openapi-2026-08-21.yaml")) else { return };
    let mut settings = Settings::new("stable");
    settings.include = vec!["/responses".into()];
    let gen_old = oa_codegen::generate(&old, &settings).unwrap();
    let gen_new = oa_codegen::generate(&new, &settings).unwrap();
    let (ir_old, _) = oa_codegen::lower(&old, &settings).unwrap();
    let (ir_new, _) = oa_codegen::lower(&new, &settings).unwrap();
    let ir_changes = oa_codegen::diff::diff(&ir_old, &ir_new).len();

    let mut changed_lines = 0;
    for (path, new_text) in &gen_new.files {
        let old_text = gen_old.files.get(path).map(String::as_str).unwrap_or("");
        let old_set: BTreeMap<&str, usize> = old_text.lines().fold(BTreeMap::new(), |mut m, l| {
            *m.entry(l).or_default() += 1;
            m
        });
        let mut remaining = old_set.clone();
        for line in new_text.lines() {
            match remaining.get_mut(line) {
                Some(n) if *n > 0 => *n -= 1,
                _ => changed_lines += 1,
            }
        }
        changed_lines += remaining.values().sum::<usize>();
    }
    let total: usize = gen_new.files.values().map(|t| t.lines().count()).sum();
    println!("2026-07-22 -> 2026-08-21: {changed_lines} of {total} generated lines changed; {ir_changes} IR changes");

    // Types of components whose whole reference closure is unchanged (prose aside).
    let (blocks_old, blocks_new) = (type_blocks(&gen_old.files), type_blocks(&gen_new.files));
    let mut offenders = Vec::new();
    let mut checked = 0;
    for c in &ir_new.components {
        if closure(&old.root, &c.wire) != closure(&new.root, &c.wire) {
            continue;
        }
        let (Some(a), Some(b)) = (blocks_old.get(&c.rust), blocks_new.get(&c.rust)) else { continue };
        checked += 1;
        if code_lines(a) != code_lines(b) {
            offenders.push(c.rust.clone());
        }
    }
    println!("{checked} unchanged schemas checked");
    assert!(checked > 100, "only {checked} schemas compared");
    assert!(offenders.is_empty(), "code changed for schemas whose structure did not: {offenders:#?}");
}

#[test]
fn refreshing_spec_from_its_publication_changes_nothing() {
    let Some(published) = upstream("openai-openapi-2026-08-21.yaml") else { return };
    let root = repo_root();
    let settings = Settings::from_value(Document::read_unbundled(&root.join("spec/settings.yaml")).unwrap().root).unwrap();
    let overlays: Vec<Value> = settings.overlays.iter().map(|o| Document::read_unbundled(&root.join("spec").join(o)).unwrap().root).collect();
    let text = oa_codegen::subset::build_spec(&published.root, "openai-openapi-2026-08-21.yaml", &settings, &overlays).unwrap();
    let committed = std::fs::read_to_string(root.join("spec/openapi.yaml")).unwrap();
    assert!(text == committed, "spec/openapi.yaml differs from a refresh; run `cargo xtask subset --from ../shared/upstream/openai-openapi-2026-08-21.yaml`");
}
