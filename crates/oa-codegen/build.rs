//! Embeds the hand-written runtime (`crates/runtime/src`) and wire support (`crates/wire`)
//! so the generator can copy them into each generated crate without reading the repo at run time.

use std::fmt::Write;
use std::path::Path;

fn main() {
    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap();
    let crates = Path::new(&manifest).parent().unwrap();
    let runtime = crates.join("runtime/src");
    let wire = crates.join("wire/src/lib.rs");
    println!("cargo:rerun-if-changed={}", runtime.display());
    println!("cargo:rerun-if-changed={}", wire.display());
    let mut entries: Vec<_> = std::fs::read_dir(&runtime)
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "rs")).collect())
        .unwrap_or_default();
    entries.sort();
    let mut out = String::from("/// (path in the generated crate, source path in this repo, contents)\npub const RUNTIME_FILES: &[(&str, &str, &str)] = &[\n");
    for path in &entries {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path.file_name().unwrap().to_str().unwrap();
        let target = if name == "lib.rs" { "mod.rs" } else { name };
        writeln!(out, "    (\"src/runtime/{target}\", \"crates/runtime/src/{name}\", include_str!({:?})),", path.display().to_string()).unwrap();
    }
    writeln!(out, "    (\"src/wire.rs\", \"crates/wire/src/lib.rs\", include_str!({:?})),", wire.display().to_string()).unwrap();
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("runtime_files.rs");
    std::fs::write(dest, out).unwrap();
}
