//! The generated client's default dependency tree: TLS through rustls and ring (no aws-lc-sys,
//! no openssl-sys), at most 100 crates; types only pulls neither reqwest nor tokio, and the
//! `test-support` feature adds nothing to it.

use std::collections::BTreeSet;
use std::process::Command;

fn tree(extra: &[&str]) -> BTreeSet<String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = Command::new(env!("CARGO"))
        .args(["tree", "-p", "openai-responses", "-e", "normal", "--prefix", "none"])
        .args(extra)
        .current_dir(root)
        .output()
        .expect("cargo tree runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .collect()
}

#[test]
fn default_tree_is_small_and_free_of_c_tls() {
    let crates = tree(&[]);
    for banned in ["aws-lc-sys", "aws-lc-rs", "openssl-sys", "openssl"] {
        assert!(!crates.contains(banned), "{banned} is in the default tree");
    }
    assert!(crates.contains("rustls") && crates.contains("ring"), "TLS is rustls with ring");
    println!("{} crates in the default tree", crates.len());
    assert!(crates.len() <= 100, "{} crates: {crates:?}", crates.len());
}

#[test]
fn types_only_pulls_no_http_stack() {
    let crates = tree(&["--no-default-features"]);
    for banned in ["reqwest", "tokio", "hyper"] {
        assert!(!crates.contains(banned), "{banned} is in the types-only tree");
    }
    // `test-support` (the `schemas` module) adds no dependency at all.
    let with_schemas = tree(&["--no-default-features", "--features", "test-support"]);
    assert_eq!(with_schemas, crates, "test-support changes the types-only tree");
}
