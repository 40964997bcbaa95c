//! The README's quickstart is `examples/quickstart.rs` (which `cargo test` builds), word for word.

#[test]
fn readme_quickstart_is_the_compiled_example() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("../README.md")).unwrap();
    let example = std::fs::read_to_string(root.join("examples/quickstart.rs")).unwrap();
    let start = readme.find("## Quickstart").unwrap();
    let code_start = readme[start..].find("```rust\n").unwrap() + start + "```rust\n".len();
    let code_end = readme[code_start..].find("```").unwrap() + code_start;
    let code = &readme[code_start..code_end];
    let body = example.split_once("\n\n").unwrap().1;
    assert_eq!(code, body, "README quickstart and examples/examples/quickstart.rs differ");
}
