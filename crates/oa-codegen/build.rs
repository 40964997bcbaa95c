//! Embeds the hand-written runtime (`crates/runtime/src`), wire support (`crates/wire`) and the
//! API-specific extensions (`crates/extensions/<name>/`) so the generator can copy them into each
//! generated crate without reading the repo at run time.

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
    let extensions = crates.join("extensions");
    println!("cargo:rerun-if-changed={}", extensions.display());
    out.push_str("/// (extension, file name, source path in this repo, contents)\npub const EXTENSION_FILES: &[(&str, &str, &str, &str)] = &[\n");
    let mut exts: Vec<_> = std::fs::read_dir(&extensions)
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.is_dir()).collect())
        .unwrap_or_default();
    exts.sort();
    for dir in exts {
        println!("cargo:rerun-if-changed={}", dir.display());
        let ext = dir.file_name().unwrap().to_str().unwrap().to_owned();
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .map(|d| d.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "rs")).collect())
            .unwrap_or_default();
        files.sort();
        for path in files {
            println!("cargo:rerun-if-changed={}", path.display());
            let name = path.file_name().unwrap().to_str().unwrap();
            writeln!(out, "    ({ext:?}, {name:?}, \"crates/extensions/{ext}/{name}\", include_str!({:?})),", path.display().to_string()).unwrap();
        }
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("runtime_files.rs");
    std::fs::write(dest, out).unwrap();
}
