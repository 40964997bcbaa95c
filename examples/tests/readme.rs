//! The README's code is the examples' code: its quickstart is `examples/quickstart.rs` word for
//! word, and every other Rust snippet is a run of lines of one of the examples (indentation
//! aside), so that what the README shows compiles and is run by `tests/programs.rs`.

use std::path::Path;

fn read(path: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(root.join(path)).unwrap()
}

/// The ```rust blocks of `text`, in order.
fn rust_blocks(text: &str) -> Vec<&str> {
    text.split("```rust\n").skip(1).map(|rest| rest.split("```").next().unwrap()).collect()
}

#[test]
fn readme_quickstart_is_the_compiled_example() {
    let readme = read("../README.md");
    let example = read("examples/quickstart.rs");
    let start = readme.find("## Quickstart").unwrap();
    let code = rust_blocks(&readme[start..])[0];
    let body = example.split_once("\n\n").unwrap().1;
    assert_eq!(code, body, "README quickstart and examples/examples/quickstart.rs differ");
}

#[test]
fn readme_snippets_are_taken_from_the_examples() {
    let readme = read("../README.md");
    let usage = readme.find("## Usage").expect("a Usage section");
    let examples: Vec<Vec<String>> = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples"))
        .unwrap()
        .map(|entry| {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            text.lines().map(|l| l.trim().to_owned()).collect()
        })
        .collect();
    let blocks = rust_blocks(&readme[usage..]);
    assert!(blocks.len() >= 5, "expected the usage snippets");
    for block in blocks {
        let lines: Vec<&str> = block.lines().map(str::trim).collect();
        let found = examples.iter().any(|example| example.windows(lines.len()).any(|w| w.iter().zip(&lines).all(|(a, b)| a == b)));
        assert!(found, "this README snippet is in no example:\n{block}");
    }
}
