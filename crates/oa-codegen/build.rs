//! Embeds the hand-written runtime (`crates/runtime/src`), wire support (`crates/wire`) and the
//! API-specific extensions (`crates/extensions/<name>/`) so the generator can copy them into each
//! generated crate without reading the repo at run time. They are read through `embed/`, whose
//! entries are symbolic links in the repository and real folders in the packaged crate (cargo
//! follows the links when it packages), so the package builds on its own. A missing source is a
//! build error, never an empty embedding.

use std::fmt::Write;
use std::path::Path;

fn main() {
    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap();
    let embed = Path::new(&manifest).join("embed");
    let runtime = embed.join("runtime");
    let wire = embed.join("wire");
    println!("cargo:rerun-if-changed={}", runtime.display());
    println!("cargo:rerun-if-changed={}", wire.display());
    let mut out = String::from("/// (path in the generated crate, source path in this repo, contents)\npub const RUNTIME_FILES: &[(&str, &str, &str)] = &[\n");
    // Each crate's `src/*.rs` becomes a module folder, `lib.rs` its `mod.rs`.
    for (dir, module, source) in [(&runtime, "runtime", "crates/runtime/src"), (&wire, "wire", "crates/wire/src")] {
        let mut entries: Vec<_> = list(dir).into_iter().filter(|p| p.extension().is_some_and(|x| x == "rs")).collect();
        entries.sort();
        for path in &entries {
            println!("cargo:rerun-if-changed={}", path.display());
            let name = path.file_name().unwrap().to_str().unwrap();
            let target = if name == "lib.rs" { "mod.rs" } else { name };
            writeln!(out, "    (\"src/{module}/{target}\", \"{source}/{name}\", include_str!({:?})),", path.display().to_string()).unwrap();
        }
    }
    out.push_str("];\n");
    // Names the runtime exports at the crate root (`pub use runtime::*`): generated names yield to them.
    let lib = read(&runtime.join("lib.rs"));
    let mut exports: Vec<String> = Vec::new();
    for line in lib.lines().map(str::trim).filter(|l| l.starts_with("pub use ")) {
        let list = line.trim_start_matches("pub use ").trim_end_matches(';');
        let names = match list.split_once('{') {
            Some((_, rest)) => rest.trim_end_matches('}').split(',').map(|n| n.trim().to_owned()).collect(),
            None => vec![list.rsplit("::").next().unwrap_or_default().to_owned()],
        };
        exports.extend(names.into_iter().map(|n| n.rsplit(" as ").next().unwrap_or_default().trim().to_owned()).filter(|n| !n.is_empty()));
    }
    exports.sort();
    exports.dedup();
    writeln!(out, "/// Names `crates/runtime/src/lib.rs` exports.\npub const RUNTIME_EXPORTS: &[&str] = &{exports:?};").unwrap();
    // Methods of `Client`: the operations without a tag (methods of `Client`) and the group
    // accessors (`client.responses()`) must not take their names; `builder` and `from_env` are
    // emitted beside them by the client template.
    let mut methods = client_methods(&runtime);
    methods.extend(["builder".to_owned(), "from_env".to_owned()]);
    methods.sort();
    methods.dedup();
    writeln!(out, "/// Methods of the runtime's `Client`.\npub const CLIENT_METHODS: &[&str] = &{methods:?};").unwrap();
    // Methods of `ClientBuilder`: credential and header methods of a document yield to them.
    let builder = read(&runtime.join("builder.rs"));
    let mut builder_methods: Vec<String> = builder
        .lines()
        .filter_map(|l| l.trim().strip_prefix("pub fn "))
        .filter_map(|l| l.split(|c: char| !c.is_alphanumeric() && c != '_').next().map(str::to_owned))
        .collect();
    builder_methods.extend(["load_env".to_owned(), "load_env_from".to_owned()]);
    builder_methods.sort();
    builder_methods.dedup();
    writeln!(out, "/// Methods of the runtime's `ClientBuilder`.\npub const BUILDER_METHODS: &[&str] = &{builder_methods:?};").unwrap();
    let extensions = embed.join("extensions");
    println!("cargo:rerun-if-changed={}", extensions.display());
    out.push_str("/// (extension, file name, source path in this repo, contents)\npub const EXTENSION_FILES: &[(&str, &str, &str, &str)] = &[\n");
    let mut exts: Vec<_> = list(&extensions).into_iter().filter(|p| p.is_dir()).collect();
    exts.sort();
    for dir in exts {
        println!("cargo:rerun-if-changed={}", dir.display());
        let ext = dir.file_name().unwrap().to_str().unwrap().to_owned();
        let mut files: Vec<_> = list(&dir).into_iter().filter(|p| p.extension().is_some_and(|x| x == "rs")).collect();
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

/// The methods of `impl Client` blocks in the runtime's files, private ones too: an inherent
/// method of the same name in another module of the crate would conflict.
fn client_methods(runtime: &Path) -> Vec<String> {
    let mut methods: Vec<String> = Vec::new();
    for path in list(runtime) {
        let text = read(&path);
        let mut inside = false;
        for line in text.lines() {
            if line.starts_with("impl Client {") {
                inside = true;
            } else if line == "}" {
                inside = false;
            } else if inside {
                let mut rest = line.trim_start();
                while let Some(r) = ["pub(crate) ", "pub(super) ", "pub ", "async ", "const ", "unsafe "].iter().find_map(|p| rest.strip_prefix(p)) {
                    rest = r;
                }
                if let Some(name) = rest.strip_prefix("fn ").and_then(|r| r.split(|c: char| !c.is_alphanumeric() && c != '_').next()) {
                    methods.push(name.to_owned());
                }
            }
        }
    }
    methods.sort();
    methods.dedup();
    methods
}

/// The entries of a folder this build embeds; a missing one fails the build with its path.
fn list(dir: &Path) -> Vec<std::path::PathBuf> {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("oa-codegen embeds {}, which cannot be read: {e}", dir.display()));
    let paths: Vec<_> = entries.map(|e| e.expect("a readable folder entry").path()).collect();
    assert!(!paths.is_empty(), "oa-codegen embeds {}, which is empty", dir.display());
    paths
}

/// A file this build embeds; a missing one fails the build with its path.
fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("oa-codegen embeds {}, which cannot be read: {e}", path.display()))
}
