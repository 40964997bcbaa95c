//! Each generated type's decoder is compiled for one kind of input: the code copied into every
//! generated crate never decodes a generated type from a `serde_json::Value` (or through a
//! tracking wrapper), nor encodes one to a `Value`; buffered values go through bytes instead.

use std::path::Path;

/// Calls that would compile a second decoder or encoder for every type reached.
const SECOND_DECODER: &[&str] = &["serde_json::from_value(", "serde_json::to_value(", "serde_path_to_error", "::deserialize(value)", "::deserialize(&value)"];

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("tests.rs") {
            out.push(path);
        }
    }
}

#[test]
fn copied_in_code_decodes_generated_types_from_bytes_only() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut files = Vec::new();
    for dir in ["wire/src", "runtime/src", "extensions"] {
        rust_files(&crates.join(dir), &mut files);
    }
    assert!(files.len() > 10, "{files:?}");
    let mut found = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("//") {
                continue;
            }
            for call in SECOND_DECODER {
                if code.contains(call) {
                    found.push(format!("{}:{}: {}", file.display(), n + 1, code));
                }
            }
        }
    }
    assert!(found.is_empty(), "a second decoder or encoder per type:\n{}", found.join("\n"));
}
