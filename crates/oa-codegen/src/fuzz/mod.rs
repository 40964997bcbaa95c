//! Fuzzing on stable Rust, the engine of `cargo xtask fuzz`: documents are parsed once
//! ([`Source`]); each case takes one operation of one of them, as a subset (what the operation
//! reaches, without prose: most cases) or inside its whole document, breaks it with one to three
//! structural mutations ([`mutate`]), and runs load + generate on a worker thread with a time
//! limit, catching panics ([`run`]). A panic, a hang, a failure of the `check` stage or one
//! saying `internal error`, and a failure without a proper error are findings: reduced
//! ([`reduce`]) and saved as reproducers ([`save`]) that `tests/fuzz_reproducers.rs` loads.
//!
//! Cases are numbered and each draws from its own generator seeded by the run's seed and its
//! number, so `--seed S --case K` replays case K of a run alone.

pub mod mutate;

use crate::settings::Settings;
use mutate::{Ctx, Rng};
use oa_load::Document;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A parsed document to draw cases from, with its operations.
pub struct Source {
    pub name: String,
    pub root: Value,
    /// (path, method) of every operation.
    operations: Vec<(String, String)>,
}

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

impl Source {
    pub fn new(name: impl Into<String>, root: Value) -> Source {
        let mut operations = Vec::new();
        if let Some(Value::Object(paths)) = root.get("paths") {
            for (path, item) in paths {
                for m in METHODS {
                    if item.get(*m).is_some_and(Value::is_object) {
                        operations.push((path.clone(), (*m).to_owned()));
                    }
                }
            }
        }
        Source { name: name.into(), root, operations }
    }

    /// Reads and parses a document.
    pub fn read(path: &Path) -> Result<Source, String> {
        let doc = Document::read(path).map_err(|e| e.to_string())?;
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        Ok(Source::new(name, doc.root))
    }

    pub fn operations(&self) -> usize {
        self.operations.len()
    }
}

/// What a case feeds the generator: document text (loaded by `oa_load` first) or a value.
#[derive(Clone)]
pub enum Input {
    Json(String),
    Yaml(String),
    Value(Value),
}

impl Input {
    fn load(self) -> Result<Document, oa_load::LoadError> {
        match self {
            Input::Json(text) => Document::parse("case.json", text),
            Input::Yaml(text) => Document::parse("case.yaml", text),
            Input::Value(v) => Ok(Document::from_value("case.json", v)),
        }
    }
}

/// One mutated document and how it was made.
#[derive(Clone)]
pub struct Case {
    pub seed: u64,
    pub index: u64,
    /// `stripe.yaml post /v1/customers (subset)`.
    pub origin: String,
    pub mutations: Vec<String>,
    /// The settings' `include` prefix: `/` for a subset, the operation's path inside a whole
    /// document (whose components would otherwise all be generated).
    pub include: String,
    pub input: Input,
}

/// The settings a case is generated with.
pub fn settings(include: &str) -> Settings {
    let mut s = Settings::new("fuzz");
    s.include = vec![include.to_owned()];
    s.with_query_paths = true;
    s
}

/// splitmix64: case `index` of run `seed` gets a generator of its own.
fn case_seed(seed: u64, index: u64) -> u64 {
    let mut z = seed.wrapping_add(index.wrapping_add(1).wrapping_mul(0x9e37_79b9_7f4a_7c15));
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The path item of one operation: that operation and what the path item shares with it.
fn one_operation(root: &Value, path: &str, method: &str) -> Map<String, Value> {
    let mut item = Map::new();
    if let Some(Value::Object(full)) = root.get("paths").and_then(|p| p.get(path)) {
        for (k, v) in full {
            if k == method || !METHODS.contains(&k.as_str()) {
                item.insert(k.clone(), v.clone());
            }
        }
    }
    let mut paths = Map::new();
    paths.insert(path.to_owned(), Value::Object(item));
    paths
}

/// Case `index` of run `seed`.
pub fn case(sources: &[Source], seed: u64, index: u64) -> Case {
    let mut rng = Rng::new(case_seed(seed, index));
    let source = &sources[rng.below(sources.len())];
    let Some((path, method)) = rng.pick(&source.operations).cloned() else {
        return components_case(source, seed, index, rng);
    };
    let subset = rng.below(5) != 0;
    let paths = one_operation(&source.root, &path, &method);
    let root = if subset {
        crate::subset::extract_paths(&source.root, paths, Default::default(), Vec::new())
    } else {
        // The whole document with only this operation: every component stays.
        let mut m: Map<String, Value> =
            source.root.as_object().map(|m| m.iter().filter(|(k, _)| *k != "paths").map(|(k, v)| (k.clone(), v.clone())).collect()).unwrap_or_default();
        m.insert("paths".into(), Value::Object(paths));
        Value::Object(m)
    };
    let (root, mut mutations) = mutated(root, source, &mut rng);
    let input = if !subset {
        Input::Value(root)
    } else if rng.below(3) == 0 {
        Input::Yaml(crate::subset::to_yaml(&root))
    } else {
        Input::Json(serde_json::to_string_pretty(&root).unwrap_or_default())
    };
    let input = match input {
        // Now and then the text itself is cut short.
        Input::Json(text) | Input::Yaml(text) if rng.below(30) == 0 => {
            let yaml = !text.trim_start().starts_with('{');
            let cut = text.char_indices().map(|(i, _)| i).nth(rng.below(text.chars().count())).unwrap_or(0);
            mutations.push(format!("text cut at byte {cut} of {}", text.len()));
            let text = text[..cut].to_owned();
            if yaml { Input::Yaml(text) } else { Input::Json(text) }
        }
        other => other,
    };
    let origin = format!("{} {method} {path} ({})", source.name, if subset { "subset" } else { "in the whole document" });
    Case { seed, index, origin, mutations, include: if subset { "/".into() } else { path }, input }
}

/// `root` broken by one to three mutations, and what they did.
fn mutated(mut root: Value, source: &Source, rng: &mut Rng) -> (Value, Vec<String>) {
    let targets = mutate::index(&root, &|_| true);
    let cx = Ctx { targets: &targets, source: &source.root };
    let mut mutations = Vec::new();
    let wanted = 1 + rng.below(3);
    for _ in 0..wanted * 8 {
        if mutations.len() == wanted {
            break;
        }
        if let Some(what) = mutate::mutate(&mut root, &cx, rng) {
            mutations.push(what);
        }
    }
    (root, mutations)
}

/// A case of a document without operations: its components, mutated, all generated.
fn components_case(source: &Source, seed: u64, index: u64, mut rng: Rng) -> Case {
    let (root, mutations) = mutated(source.root.clone(), source, &mut rng);
    let origin = format!("{} (components, no operation)", source.name);
    Case { seed, index, origin, mutations, include: "/".into(), input: Input::Value(root) }
}

/// How a case ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    /// A located refusal: a load error or a failure of the lower stage with its diagnostics.
    Rejected,
    /// A panic, a hang, an internal error, a check-stage failure or an empty failure:
    /// `kind` for grouping (`panic`, `hang`, ...), `message` in full.
    Finding { kind: String, message: String },
}

impl Outcome {
    fn finding(kind: &str, message: impl Into<String>) -> Outcome {
        Outcome::Finding { kind: kind.to_owned(), message: message.into() }
    }

    /// One line naming what went wrong, numbers and quoted names left out, to group findings.
    pub fn signature(&self) -> Option<String> {
        let Outcome::Finding { kind, message } = self else { return None };
        let first = message.lines().find(|l| l.contains("panicked") || l.contains("internal error") || l.contains("error")).unwrap_or_else(|| message.lines().next().unwrap_or(""));
        let mut sig = String::new();
        let mut quoted = false;
        for ch in first.chars() {
            match ch {
                '`' | '"' => {
                    quoted = !quoted;
                    sig.push('_');
                }
                _ if quoted => {}
                c if c.is_ascii_digit() => {}
                c => sig.push(c),
            }
        }
        Some(format!("{kind}: {}", sig.chars().take(160).collect::<String>()))
    }
}

/// Loads and generates `input` on a worker thread, catching panics, within `limit`.
pub fn run(input: Input, include: &str, limit: Duration) -> Outcome {
    let settings = settings(include);
    let (tx, rx) = mpsc::channel();
    let spawned = std::thread::Builder::new().name("fuzz-case".into()).stack_size(8 << 20).spawn(move || {
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let doc = match input.load() {
                Ok(doc) => doc,
                Err(e) => return Err(Ok(e)),
            };
            crate::generate(&doc, &settings).map(|_| ()).map_err(Err)
        }));
        let _ = tx.send(result);
    });
    if let Err(e) = spawned {
        return Outcome::finding("spawn", format!("cannot spawn the worker thread: {e}"));
    }
    match rx.recv_timeout(limit) {
        Ok(Ok(Ok(()))) => Outcome::Ok,
        Ok(Ok(Err(Ok(load)))) if load.message.trim().is_empty() => Outcome::finding("load", format!("a load error without a message: {load}")),
        Ok(Ok(Err(Ok(_)))) => Outcome::Rejected,
        Ok(Ok(Err(Err(failure)))) => {
            let text = failure.to_string();
            let d = &failure.diagnostics;
            if failure.stage == "check" {
                Outcome::finding("check", text)
            } else if d.items.iter().any(|d| d.message.contains("internal error")) {
                Outcome::finding("internal", text)
            } else if d.errors().count() == 0 || d.items.iter().any(|d| d.message.trim().is_empty()) {
                Outcome::finding("improper", format!("a failure without a proper error:\n{text}"))
            } else {
                Outcome::Rejected
            }
        }
        Ok(Err(payload)) => Outcome::finding(
            "panic",
            payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "non-string panic payload".into()),
        ),
        Err(_) => Outcome::finding("hang", format!("no result within {limit:?}")),
    }
}

mod reproducer;
pub use reproducer::{notes_of, reduce, save, Reproducer};

/// A run's options.
pub struct Options {
    pub seed: u64,
    /// How long to draw new cases.
    pub duration: Duration,
    /// The per-case time limit (a hang).
    pub case_limit: Duration,
    /// Only this case (a replay), else cases 0, 1, ... until `duration` is over.
    pub only_case: Option<u64>,
    /// Where reproducers go.
    pub out: PathBuf,
}

/// What a run did.
#[derive(Default)]
pub struct Summary {
    pub cases: u64,
    pub ok: u64,
    pub rejected: u64,
    /// Findings by signature: how many cases and the reproducer saved for the first.
    pub findings: BTreeMap<String, (u64, PathBuf)>,
    pub elapsed: Duration,
    /// A case hung: its thread still runs, so the run stopped there.
    pub hung: bool,
}

/// What a run reports while it goes.
pub enum Event<'a> {
    /// About to run this case (a stack overflow aborts the process: name it first).
    Case(&'a Case),
    /// A new kind of finding, saved there.
    Found(&'a Case, &'a str, &'a Path),
}

/// Runs cases until `opts.duration` is over (or the one case asked for).
pub fn fuzz(sources: &[Source], opts: &Options, on: &mut dyn FnMut(Event<'_>)) -> Result<Summary, String> {
    let started = Instant::now();
    let mut s = Summary::default();
    let mut index = opts.only_case.unwrap_or(0);
    loop {
        if opts.only_case.map_or(started.elapsed() >= opts.duration, |k| index > k) {
            break;
        }
        let c = case(sources, opts.seed, index);
        index += 1;
        on(Event::Case(&c));
        let outcome = run(c.input.clone(), &c.include, opts.case_limit);
        s.cases += 1;
        let Some(sig) = outcome.signature() else {
            if outcome == Outcome::Ok { s.ok += 1 } else { s.rejected += 1 }
            continue;
        };
        let hang = matches!(&outcome, Outcome::Finding { kind, .. } if kind == "hang");
        if let Some(seen) = s.findings.get_mut(&sig) {
            seen.0 += 1;
        } else {
            let small = if hang { Reproducer::of(&c, &outcome) } else { reduce(&c, &outcome, opts.case_limit) };
            let path = save(&small, &opts.out).map_err(|e| format!("{}: {e}", opts.out.display()))?;
            on(Event::Found(&c, &sig, &path));
            s.findings.insert(sig, (1, path));
        }
        if hang {
            s.hung = true;
            break;
        }
    }
    s.elapsed = started.elapsed();
    Ok(s)
}

/// Keeps the default panic hook from printing every caught panic of a run.
pub fn quiet_panics() {
    std::panic::set_hook(Box::new(|_| {}));
}
