//! Mutation test: a fixed run of the fuzzing engine (`oa_codegen::fuzz`, which
//! `cargo xtask fuzz` runs for as long as it is asked) over the published documents
//! (`../shared/upstream/*.yaml`): 300 cases from a fixed seed, each one operation (its subset,
//! or inside its whole document) broken in one to three places (a node dropped, a `type` made
//! wrong, a `$ref` broken, retargeted or made cyclic, an alias, an `enum` or a structural keyword
//! given the wrong JSON type, `components` deleted, names emptied, ...), loaded and generated.
//! Every case must end in `Ok` or in a located failure: never a panic, a hang, an internal
//! error or a failure of the `check` stage.
//!
//! `MUTATION_CASES` (default 300) sets the number of cases, `MUTATION_SEED` the seed;
//! `REQUIRE_CORPUS=1` makes a missing corpus a failure instead of a skip. Three deterministic
//! mutations of small inline documents have their diagnostics snapshotted.

use oa_codegen::fuzz::mutate::{remove, set};
use oa_codegen::fuzz::{self, Outcome, Source};
use oa_codegen::settings::Settings;
use oa_load::Document;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const DEFAULT_CASES: u64 = 300;
const DEFAULT_SEED: u64 = 0x5eed_0a11_c0de_2025;
const TIME_LIMIT: Duration = Duration::from_secs(20);

fn env_num(name: &str) -> Option<u64> {
    let v = std::env::var(name).ok()?;
    let v = v.trim();
    match v.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => v.parse().ok(),
    }
}

fn settings() -> Settings {
    let mut s = Settings::new("m");
    s.include = vec!["/responses".into()];
    s
}

fn corpus() -> Option<Vec<PathBuf>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/upstream");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    (!files.is_empty()).then_some(files)
}

#[test]
fn mutated_documents_never_panic_or_hang() {
    let Some(files) = corpus() else {
        if std::env::var("REQUIRE_CORPUS").is_ok_and(|v| v == "1") {
            panic!("REQUIRE_CORPUS=1 but no ../shared/upstream/*.yaml was found");
        }
        eprintln!("mutation: skipped, no ../shared/upstream/*.yaml (set REQUIRE_CORPUS=1 to fail instead)");
        return;
    };
    let cases = env_num("MUTATION_CASES").unwrap_or(DEFAULT_CASES);
    let seed = env_num("MUTATION_SEED").unwrap_or(DEFAULT_SEED);
    let started = Instant::now();
    let sources: Vec<Source> = files.iter().map(|p| Source::read(p).unwrap_or_else(|e| panic!("{e}"))).collect();
    let verbose = std::env::var("MUTATION_VERBOSE").is_ok();
    let (mut ok, mut rejected) = (0usize, 0usize);
    let mut bad: Vec<String> = Vec::new();
    for index in 0..cases {
        let case = fuzz::case(&sources, seed, index);
        let what = format!("case {index} (seed {seed:#x}) {}: {}", case.origin, case.mutations.join("; "));
        if verbose {
            // Printed before the run: a stack overflow aborts the process, and this names the case.
            eprintln!("{what}");
        }
        match fuzz::run(case.input, &case.include, TIME_LIMIT) {
            Outcome::Ok => ok += 1,
            Outcome::Rejected => rejected += 1,
            Outcome::Finding { kind, message } => bad.push(format!("{what}: {kind}: {message}")),
        }
    }
    eprintln!(
        "mutation: {cases} cases (seed {seed:#x}): {ok} ok, {rejected} located failures, {} bad; {:.1?}",
        bad.len(),
        started.elapsed()
    );
    assert!(bad.is_empty(), "{} bad case(s) (MUTATION_VERBOSE=1 names each case before it runs):\n{}", bad.len(), bad.join("\n"));
}

// Deterministic mutations of small inline documents, with their diagnostics snapshotted.

const SMALL: &str = r##"
openapi: 3.1.0
info: { title: small, version: "1" }
paths:
  /responses:
    get:
      operationId: getResponse
      responses:
        "200":
          description: ok
          content:
            application/json: { schema: { $ref: "#/components/schemas/Response" } }
components:
  schemas:
    Response:
      type: object
      properties:
        id: { type: string }
        status: { $ref: "#/components/schemas/Status" }
        usage: { $ref: "#/components/schemas/Usage" }
      required: [id]
    Status:
      type: string
      enum: [queued, completed]
    Usage:
      type: object
      properties:
        tokens: { type: integer }
"##;

fn small() -> Value {
    let doc = Document::parse("small.yaml", SMALL).unwrap();
    // The unmutated document generates.
    oa_codegen::generate(&Document::from_value("small", doc.root.clone()), &settings()).unwrap_or_else(|e| panic!("{e}"));
    doc.root
}

fn diagnostics_of(root: Value) -> String {
    match oa_codegen::generate(&Document::from_value("mutated.yaml", root), &settings()) {
        Ok(_) => panic!("the mutated document generated code"),
        Err(failure) => failure.to_string(),
    }
}

#[test]
fn snapshot_ref_cycle() {
    let mut root = small();
    // Usage -allOf-> Status -allOf-> Usage: neither defines a type.
    set(&mut root, "/components/schemas/Usage", json!({"allOf": [{"$ref": "#/components/schemas/Status"}]}));
    set(&mut root, "/components/schemas/Status", json!({"allOf": [{"$ref": "#/components/schemas/Usage"}]}));
    insta::assert_snapshot!("ref_cycle", diagnostics_of(root));
}

#[test]
fn snapshot_wrong_typed_enum() {
    let mut root = small();
    set(&mut root, "/components/schemas/Status/enum", json!({"queued": true}));
    set(&mut root, "/components/schemas/Usage/properties/tokens/enum", json!([1, "two", null, {}]));
    insta::assert_snapshot!("wrong_typed_enum", diagnostics_of(root));
}

/// A dangling reference in a schema is a warning and becomes any JSON value: the rest generates.
#[test]
fn snapshot_dropped_referenced_component() {
    let mut root = small();
    remove(&mut root, "/components/schemas/Usage").unwrap();
    let doc = Document::from_value("mutated.yaml", root);
    let generated = oa_codegen::generate(&doc, &settings()).unwrap_or_else(|e| panic!("{e}"));
    insta::assert_snapshot!("dropped_component", generated.warnings.render(&doc));
}
