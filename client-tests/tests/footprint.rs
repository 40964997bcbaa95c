//! The generated client's default dependency tree: TLS through rustls and ring (no aws-lc-sys,
//! no openssl-sys), at most 100 crates; types only pulls neither reqwest nor tokio, and the
//! `test-support` feature adds nothing to it. The crate compiles no decoder or encoder of its
//! own types: they are compiled in the program that calls an operation.

use std::collections::BTreeSet;
use std::process::Command;

/// Runs cargo in the workspace and returns what it printed, failing on an error.
fn cargo(args: &[&str]) -> String {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = Command::new(env!("CARGO")).args(args).current_dir(root).output().expect("cargo runs");
    assert!(out.status.success(), "cargo {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn tree(extra: &[&str]) -> BTreeSet<String> {
    let mut args = vec!["tree", "-p", "openai-responses", "-e", "normal", "--prefix", "none"];
    args.extend_from_slice(extra);
    cargo(&args).lines().filter_map(|l| l.split_whitespace().next().map(str::to_owned)).collect()
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
fn websocket_is_off_by_default() {
    let crates = tree(&[]);
    for banned in ["tokio-tungstenite", "tungstenite"] {
        assert!(!crates.contains(banned), "{banned} is in the default tree");
    }
    let with = tree(&["--features", "websocket"]);
    assert!(with.contains("tokio-tungstenite"), "the websocket feature brings tokio-tungstenite");
    for banned in ["aws-lc-sys", "aws-lc-rs", "openssl-sys"] {
        assert!(!with.contains(banned), "{banned} is in the websocket tree");
    }
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

/// The debug rlib of the generated crate with its default features, as cargo reports it.
fn default_rlib() -> std::path::PathBuf {
    cargo(&["build", "--quiet", "-p", "openai-responses", "--lib", "--message-format=json"])
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == "openai_responses")
        .flat_map(|m| m["filenames"].as_array().cloned().unwrap_or_default())
        .filter_map(|f| f.as_str().filter(|f| f.ends_with(".rlib")).map(std::path::PathBuf::from))
        .next()
        .expect("cargo reports the rlib of openai-responses")
}

/// Operations return their futures unpolled and build their requests inline, unions'
/// `from_value` and the helpers that decode are inline: no decoder or encoder of a generated
/// type is compiled into the crate itself (the build-timings bench measures what that saves).
#[test]
fn no_decoder_or_encoder_is_compiled_into_the_crate() {
    let rlib = default_rlib();
    let out = Command::new("nm")
        .args(["--demangle", "--defined-only"])
        .arg(&rlib)
        .output()
        .expect("nm (binutils, installed with gcc) lists the rlib's symbols");
    let symbols = String::from_utf8_lossy(&out.stdout);
    // The listing is read at all: the crate's own non-generic code is in it.
    assert!(symbols.contains("openai_responses::runtime::client::Client::"), "no symbols of the client in {}", rlib.display());
    let codecs: Vec<&str> = symbols
        .lines()
        .filter(|l| {
            l.contains("as openai_responses::wire::structs::Object>::field")
                || l.contains("as openai_responses::wire::union::Union>::fast")
                || (l.contains("<openai_responses::types::") && l.contains("Serialize>::serialize"))
        })
        .collect();
    assert!(codecs.is_empty(), "{} decoders or encoders compiled into the crate, such as {:?}", codecs.len(), &codecs[..codecs.len().min(5)]);
}
