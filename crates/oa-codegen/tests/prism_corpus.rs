//! Clients generated from the corpus documents authenticate as their documents say, checked by
//! a server no one here wrote: for each document of `prism-operations.txt`, the crate of its
//! prefixes is generated from the whole document, Prism serves a reduced document (the listed
//! operations, then `oa_codegen::subset`: what they reach, without prose, `security` and
//! `securitySchemes` kept; Stripe's with untyped answers, as the list says why), and a test
//! written into the crate calls each listed operation with each set of credentials and with
//! none: Prism validates the request (credentials included) and must accept it with the sets the
//! list names, and answer 401 otherwise (`Error::Api` with status 401).
//!
//! Needs `PRISM_BIN` (set by `cargo xtask test`) and the documents (`../shared/`); without them
//! the test is skipped with a message, unless `REQUIRE_CORPUS=1` or `CI` is set. The crates are
//! built in one scratch workspace with the profile, lock file, target dir (`target/compile-check`)
//! and environment of `tests/compile.rs`'s wire checks, so the dependencies they built are
//! reused; cargo's lock on the target dir orders the two when they run at once.
//! `PRISM_CORPUS_KEEP=1` keeps the scratch workspace (crates, served documents, Prism logs).

use oa_codegen::settings::Settings;
use oa_load::Document;
use serde_json::json;
use std::fmt::Write as _;
use std::fs::File;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).ancestors().nth(2).unwrap().to_path_buf()
}

fn required() -> bool {
    std::env::var("REQUIRE_CORPUS").is_ok_and(|v| v == "1") || std::env::var_os("CI").is_some_and(|v| !v.is_empty())
}

/// One `document` block of `prism-operations.txt`.
#[derive(Debug, Default)]
struct Entry {
    file: String,
    include: Vec<String>,
    serve_require: Vec<String>,
    untyped_responses: bool,
    /// (name, `ClientBuilder` calls)
    credentials: Vec<(String, String)>,
    /// (operationId, the names of the credentials it is accepted with, expression)
    calls: Vec<(String, Vec<String>, String)>,
}

fn entries() -> Vec<Entry> {
    let path = repo_root().join("crates/oa-codegen/tests/prism-operations.txt");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut out: Vec<Entry> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let at = || format!("{}:{}", path.display(), n + 1);
        let (keyword, rest) = line.split_once(' ').unwrap_or((line, ""));
        let rest = rest.trim();
        if keyword == "document" {
            let mut words = rest.split_whitespace().map(str::to_owned);
            let file = words.next().unwrap_or_else(|| panic!("{}: `document` needs a file", at()));
            out.push(Entry { file, include: words.collect(), ..Entry::default() });
            continue;
        }
        let entry = out.last_mut().unwrap_or_else(|| panic!("{}: `{keyword}` before any `document`", at()));
        match keyword {
            "serve-require" => entry.serve_require.push(rest.to_owned()),
            "serve-untyped-responses" => entry.untyped_responses = true,
            "credentials" => {
                let (name, calls) = rest.split_once(' ').unwrap_or_else(|| panic!("{}: `credentials NAME CALLS`", at()));
                entry.credentials.push((name.to_owned(), calls.trim().to_owned()));
            }
            "call" => {
                let mut parts = rest.splitn(3, ' ');
                let (Some(id), Some(names), Some(expr)) = (parts.next(), parts.next(), parts.next()) else {
                    panic!("{}: `call OPERATION-ID NAMES EXPR`", at())
                };
                let names: Vec<String> = names.split(',').map(str::to_owned).collect();
                for name in &names {
                    assert!(entry.credentials.iter().any(|(c, _)| c == name), "{}: no credentials named `{name}`", at());
                }
                entry.calls.push((id.to_owned(), names, expr.trim().to_owned()));
            }
            other => panic!("{}: unknown keyword `{other}`", at()),
        }
    }
    out
}

/// The document's path, or `None` (with a message) when it is absent; absent fails under
/// `REQUIRE_CORPUS=1`.
fn locate(file: &str) -> Option<PathBuf> {
    let shared = repo_root().join("../shared");
    let found = ["openapi-corpus", "upstream"].iter().map(|d| shared.join(d).join(file)).find(|p| p.exists());
    if found.is_none() {
        assert!(!required(), "REQUIRE_CORPUS=1 but {file} is not in {}/{{openapi-corpus,upstream}}", shared.display());
        eprintln!("skipped: {file} is absent from {}", shared.display());
    }
    found
}

/// The document Prism serves, before `subset` reduces it: the listed operations only (path-level
/// parameters kept), and with `serve-untyped-responses` every answer's schema an object of any
/// shape, so that only what the requests reach is left.
fn served_root(root: &serde_json::Value, entry: &Entry) -> serde_json::Value {
    let mut root = root.clone();
    let listed = |op: &serde_json::Value| op.get("operationId").and_then(|id| id.as_str()).is_some_and(|id| entry.calls.iter().any(|(c, _, _)| c == id));
    let paths = root.get_mut("paths").and_then(|p| p.as_object_mut()).unwrap();
    for item in paths.values_mut() {
        let Some(item) = item.as_object_mut() else { continue };
        item.retain(|key, op| !METHODS.contains(&key.as_str()) || listed(op));
        if !entry.untyped_responses {
            continue;
        }
        for (_, op) in item.iter_mut().filter(|(key, _)| METHODS.contains(&key.as_str())) {
            for response in op.get_mut("responses").and_then(|r| r.as_object_mut()).into_iter().flat_map(|r| r.values_mut()) {
                for media in response.get_mut("content").and_then(|c| c.as_object_mut()).into_iter().flat_map(|c| c.values_mut()) {
                    if let Some(media) = media.as_object_mut() {
                        media.insert("schema".into(), json!({"type": "object"}));
                    }
                }
            }
        }
    }
    paths.retain(|_, item| item.as_object().is_some_and(|i| i.keys().any(|k| METHODS.contains(&k.as_str()))));
    root
}

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// A running Prism; killed when dropped.
struct Prism {
    child: Child,
    port: u16,
    log: PathBuf,
    started: Instant,
}

impl Prism {
    fn start(bin: &Path, spec: &Path, log: PathBuf) -> Prism {
        let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("bind a free port").port();
        let out = File::create(&log).expect("create the Prism log file");
        let err = out.try_clone().unwrap();
        let child = Command::new(bin)
            .arg("mock")
            .arg(spec)
            .args(["-h", "127.0.0.1", "-p", &port.to_string(), "--errors"])
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start Prism ({}): {e}", bin.display()));
        Prism { child, port, log, started: Instant::now() }
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Waits until Prism listens; returns how long it took to load its document.
    fn wait_ready(&mut self, limit: Duration) -> Duration {
        loop {
            if let Some(status) = self.child.try_wait().expect("poll Prism") {
                panic!("Prism exited ({status}) before listening:\n{}", self.log_text());
            }
            // Prism logs this line once the document is loaded and the server listens.
            if self.log_text().contains("Prism is listening") && TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return self.started.elapsed();
            }
            assert!(self.started.elapsed() < limit, "Prism did not listen within {limit:?}:\n{}", self.log_text());
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The test written into a generated crate: each call with each set of credentials and with none.
fn wire_test(lib: &str, env_var: &str, entry: &Entry) -> String {
    let mut t = String::new();
    writeln!(t, "//! Written by `oa-codegen/tests/prism_corpus.rs` from `prism-operations.txt`.").unwrap();
    writeln!(t, "#![allow(clippy::all)]").unwrap();
    writeln!(t, "#[allow(unused_imports)]\nuse {lib}::*;\nuse {lib}::{{Client, Error}};\n").unwrap();
    writeln!(
        t,
        "fn client(credentials: &str) -> Client {{
    let builder = Client::builder()
        .base_url(std::env::var({env_var:?}).expect(\"{env_var}\"))
        .max_retries(0)
        .timeout(std::time::Duration::from_secs(60));
    let builder = match credentials {{"
    )
    .unwrap();
    for (name, calls) in &entry.credentials {
        writeln!(t, "        {name:?} => builder{calls},").unwrap();
    }
    writeln!(
        t,
        "        _ => builder,
    }};
    builder.build().expect(\"build the client\")
}}

/// What Prism said, against what was expected of it.
fn verdict(credentials: &str, accept: bool, result: Result<(), Error>) -> Option<String> {{
    match (accept, result) {{
        (true, Ok(())) => None,
        (false, Err(Error::Api {{ status: 401, .. }})) => None,
        (true, Err(Error::Api {{ status, body, .. }})) => Some(format!(\"with {{credentials}}: HTTP {{status}} from Prism: {{body}}\")),
        (true, Err(e)) => Some(format!(\"with {{credentials}}: {{e}} ({{e:?}})\")),
        (false, Ok(())) => Some(format!(\"with {{credentials}}: accepted, 401 expected\")),
        (false, Err(Error::Api {{ status, body, .. }})) => Some(format!(\"with {{credentials}}: HTTP {{status}}, 401 expected: {{body}}\")),
        (false, Err(e)) => Some(format!(\"with {{credentials}}: {{e}} ({{e:?}}), 401 expected\")),
    }}
}}
"
    )
    .unwrap();
    let sets: Vec<&str> = entry.credentials.iter().map(|(n, _)| n.as_str()).chain(["none"]).collect();
    for (i, (id, accepted_with, expr)) in entry.calls.iter().enumerate() {
        let test: String = id.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect();
        writeln!(
            t,
            "#[tokio::test]
async fn call_{i}_{test}() {{
    let mut failures = Vec::new();
    for credentials in {sets:?} {{
        let client = &client(credentials);
        let result = {expr}.await.map(|_| ());
        failures.extend(verdict(credentials, {accepted_with:?}.contains(&credentials), result));
    }}
    assert!(failures.is_empty(), \"{id}: {{failures:#?}}\");
}}
"
        )
        .unwrap();
    }
    t
}

#[test]
fn corpus_clients_authenticate_against_prism() {
    let Some(bin) = std::env::var_os("PRISM_BIN").filter(|v| !v.is_empty()) else {
        assert!(!required(), "PRISM_BIN is not set (REQUIRE_CORPUS=1 or CI is set); run `cargo xtask test`");
        eprintln!("skipped: PRISM_BIN is not set; `cargo xtask test` installs Prism and sets it");
        return;
    };
    let started = Instant::now();
    let scratch = tempfile::tempdir().unwrap();
    let root = if std::env::var_os("PRISM_CORPUS_KEEP").is_some() { scratch.keep() } else { scratch.path().to_path_buf() };
    let mut members = Vec::new();
    let mut prisms = Vec::new();
    let mut envs = Vec::new();
    for entry in entries() {
        let Some(path) = locate(&entry.file) else { continue };
        let stem = entry.file.split('.').next().unwrap().replace("openai-openapi-", "openai-");
        let name = format!("prism-{stem}");
        let doc = Document::read(&path).unwrap();
        let mut settings = Settings::new(&name);
        settings.include = entry.include.clone();
        // The crate, as a user gets it from the whole document.
        let generated = oa_codegen::generate(&doc, &settings).unwrap_or_else(|e| panic!("{name}: {e}"));
        let dir = root.join(&name);
        for (rel, contents) in &generated.files {
            let file = dir.join(rel);
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(file, contents).unwrap();
        }
        // The reduced document Prism serves, with the requirement the list adds.
        let overlays: Vec<_> = entry
            .serve_require
            .iter()
            .map(|scheme| json!({"overlay": "1.0.0", "actions": [{"target": "$", "update": {"security": [{scheme: []}]}}]}))
            .collect();
        let reduced = oa_codegen::subset::build_spec(&served_root(&doc.root, &entry), &entry.file, &settings, &overlays).unwrap();
        let served = oa_load::Document::parse("reduced.yaml", reduced.clone()).unwrap().root;
        let mut ids = Vec::new();
        for item in served["paths"].as_object().unwrap().values() {
            ids.extend(item.as_object().unwrap().values().filter_map(|op| op.get("operationId")?.as_str().map(str::to_owned)));
        }
        for (id, _, _) in &entry.calls {
            assert!(ids.contains(id), "{}: `{id}` is not an operation under {:?}", entry.file, entry.include);
        }
        assert!(served.pointer("/components/securitySchemes").is_some(), "{}: the reduced document lost its securitySchemes", entry.file);
        let spec = dir.join("prism.yaml");
        std::fs::write(&spec, reduced).unwrap();
        prisms.push((entry.file.clone(), Prism::start(Path::new(&bin), &spec, dir.join("prism.log"))));
        let env_var = format!("PRISM_URL_{}", stem.to_uppercase().replace('-', "_"));
        envs.push((env_var.clone(), prisms.last().unwrap().1.port));
        let lib = name.replace('-', "_");
        std::fs::create_dir_all(dir.join("tests")).unwrap();
        std::fs::write(dir.join("tests/prism.rs"), wire_test(&lib, &env_var, &entry)).unwrap();
        let mut manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
        // The generated manifest ends with its own `[dev-dependencies]` table.
        if !manifest.ends_with('\n') {
            manifest.push('\n');
        }
        manifest.push_str("tokio = { version = \"1.40\", features = [\"macros\", \"rt\"] }\n");
        std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
        members.push(format!("{name:?}"));
    }
    if members.is_empty() {
        return;
    }
    // The profile, lock file, target dir and environment of tests/compile.rs's wire checks: the
    // dependencies they built are reused (another RUSTFLAGS would rebuild them).
    std::fs::write(
        root.join("Cargo.toml"),
        format!("[workspace]\nresolver = \"2\"\nmembers = [{}]\n\n[profile.dev]\ndebug = false\nincremental = false\n", members.join(", ")),
    )
    .unwrap();
    std::fs::copy(repo_root().join("Cargo.lock"), root.join("Cargo.lock")).unwrap();
    let generated = started.elapsed();
    let target = repo_root().join("target/compile-check");
    let cargo = |args: &[&str]| {
        let mut command = Command::new(env!("CARGO"));
        command.args(args).current_dir(&root).env("CARGO_TARGET_DIR", &target);
        for (var, port) in &envs {
            command.env(var, format!("http://127.0.0.1:{port}"));
        }
        let out = command.output().unwrap();
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        (out.status.success(), text)
    };
    let (ok, text) = cargo(&["test", "--workspace", "--quiet", "--no-run", "--message-format=short"]);
    assert!(ok, "the generated crates and their Prism tests do not build (the calls are in tests/prism-operations.txt):\n{text}");
    let built = started.elapsed();
    for (file, prism) in &mut prisms {
        let took = prism.wait_ready(Duration::from_secs(120));
        println!("{file}: Prism listening ({took:.1?} after it was started, during the build)");
    }
    let (ok, text) = cargo(&["test", "--workspace", "--quiet", "--test", "prism"]);
    // Prism's own words on what it refused (its log also lists every route and request).
    let logs: String = prisms
        .iter()
        .map(|(file, p)| {
            let log = p.log_text();
            let said: Vec<&str> = log.lines().filter(|l| l.contains('✖') || l.contains('⚠')).map(str::trim).collect();
            format!("--- Prism, serving {file}:\n{}\n", said.join("\n"))
        })
        .collect();
    assert!(ok, "calls against Prism failed:\n{text}\n{logs}");
    println!("generated in {generated:.1?}, built in {:.1?}, checked in {:.1?}:\n{text}", built - generated, started.elapsed() - built);
}
