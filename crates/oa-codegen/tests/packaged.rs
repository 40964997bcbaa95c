//! The generator as another workspace gets it: `cargo package -p oa-load -p oa-codegen` builds
//! packages that carry everything the generator embeds, and a program depending on the packaged
//! crates (not on this repository) generates a client crate that compiles. Uses the shared
//! scratch target dir of `compile.rs` so its dependencies are built once.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).ancestors().nth(2).unwrap().to_path_buf()
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{cmd:?} failed:\n{text}");
    text
}

#[test]
fn the_packaged_generator_generates_a_crate_that_compiles() {
    let root = repo_root();
    let target = root.join("target/compile-check");
    // Packaged without cargo's own verification build: building the program below from the
    // packaged sources is that verification, and it compiles them once instead of twice.
    run(Command::new(env!("CARGO"))
        .args(["package", "--quiet", "--allow-dirty", "--no-verify", "-p", "oa-load", "-p", "oa-codegen"])
        .current_dir(&root)
        .env("CARGO_TARGET_DIR", &target));
    let packages = target.join("package");
    let unpacked = |name: &str| packages.join(format!("{name}-0.1.0"));
    let scratch = tempfile::tempdir().unwrap();
    for (name, crate_file) in [("oa-load", "oa-load-0.1.0.crate"), ("oa-codegen", "oa-codegen-0.1.0.crate")] {
        // Unpack the .crate archive itself, as a registry would hand it out.
        std::fs::remove_dir_all(unpacked(name)).ok();
        run(Command::new("tar").args(["xzf"]).arg(packages.join(crate_file)).arg("-C").arg(&packages));
        assert!(unpacked(name).join("Cargo.toml").exists());
    }
    assert!(unpacked("oa-codegen").join("embed/runtime/client.rs").exists(), "the runtime is inside the package");
    assert!(unpacked("oa-codegen").join("embed/templates/lib.rs.j2").exists(), "the templates are inside the package");

    let program = scratch.path().join("adopter-xtask");
    std::fs::create_dir_all(program.join("src")).unwrap();
    std::fs::write(
        program.join("Cargo.toml"),
        format!(
            "[package]\nname = \"adopter-xtask\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\noa-load = {{ path = {:?} }}\noa-codegen = {{ path = {:?} }}\n\n[patch.crates-io]\noa-load = {{ path = {:?} }}\n",
            unpacked("oa-load"),
            unpacked("oa-codegen"),
            unpacked("oa-load"),
        ),
    )
    .unwrap();
    std::fs::write(
        program.join("src/main.rs"),
        "fn main() {\n    let mut args = std::env::args().skip(1);\n    let (spec, out) = (args.next().unwrap(), args.next().unwrap());\n    let doc = oa_load::Document::read(std::path::Path::new(&spec)).unwrap();\n    let settings = oa_codegen::settings::Settings::new(\"adopted\");\n    let generated = oa_codegen::generate(&doc, &settings).unwrap();\n    let report = oa_codegen::output::sync(std::path::Path::new(&out), &generated.files, false).unwrap();\n    println!(\"{} files\", report.written.len());\n}\n",
    )
    .unwrap();
    std::fs::write(program.join("Cargo.lock"), std::fs::read(root.join("Cargo.lock")).unwrap()).ok();
    let generated = scratch.path().join("adopted");
    let fixture = root.join("crates/oa-codegen/tests/fixtures/security_schemes.yaml");
    run(Command::new(env!("CARGO"))
        .args(["run", "--quiet", "--manifest-path"])
        .arg(program.join("Cargo.toml"))
        .arg("--")
        .arg(&fixture)
        .arg(&generated)
        .env("CARGO_TARGET_DIR", &target));
    std::fs::write(generated.join("Cargo.lock"), std::fs::read(root.join("Cargo.lock")).unwrap()).unwrap();
    // A crate of its own: outside any workspace.
    let mut manifest = std::fs::read_to_string(generated.join("Cargo.toml")).unwrap();
    manifest.push_str("\n[workspace]\n");
    std::fs::write(generated.join("Cargo.toml"), manifest).unwrap();
    run(Command::new(env!("CARGO")).args(["check", "--quiet"]).current_dir(&generated).env("CARGO_TARGET_DIR", &target));
}
