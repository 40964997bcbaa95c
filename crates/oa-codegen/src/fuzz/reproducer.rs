//! Reproducers of `fuzz` findings: a case made small (its whole document cut to the one
//! operation's subset, then component by component while the finding stays the same) and
//! written as `<hash>.json` (or `.yaml` when only the YAML text shows it) with a `<hash>.txt`
//! beside it: seed, case, origin, mutations, the settings' `include` and the finding.
//! A line `open: <reason>` added to the `.txt` marks a finding not fixed yet.

use super::{run, Case, Input, Outcome};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long one finding may take to reduce.
const REDUCE_BUDGET: Duration = Duration::from_secs(30);

/// A finding's document and what to say about it.
pub struct Reproducer {
    pub text: String,
    pub extension: &'static str,
    pub include: String,
    pub notes: String,
}

impl Reproducer {
    /// The case as it is, not reduced.
    pub fn of(case: &Case, outcome: &Outcome) -> Reproducer {
        let (text, extension) = match &case.input {
            Input::Json(t) => (t.clone(), "json"),
            Input::Yaml(t) => (t.clone(), "yaml"),
            Input::Value(v) => (pretty(v), "json"),
        };
        Reproducer { text, extension, include: case.include.clone(), notes: notes(case, outcome, "") }
    }
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default() + "\n"
}

fn notes(case: &Case, outcome: &Outcome, reduced: &str) -> String {
    let mut s = format!("seed: {:#x}\ncase: {}\norigin: {}\n", case.seed, case.index, case.origin);
    s += "mutations:\n";
    for m in &case.mutations {
        s += &format!("  - {}\n", m.replace('\n', "\\n"));
    }
    if !reduced.is_empty() {
        s += &format!("reduced: {reduced}\n");
    }
    if let Outcome::Finding { kind, message } = outcome {
        let message: Vec<&str> = message.lines().take(30).collect();
        s += &format!("finding: {kind}\n  {}\n", message.join("\n  "));
    }
    s
}

/// The case made smaller while `outcome`'s signature stays: the whole document cut to what its
/// operation reaches, then components dropped one at a time, within a time budget.
pub fn reduce(case: &Case, outcome: &Outcome, limit: Duration) -> Reproducer {
    let want = outcome.signature();
    let started = Instant::now();
    let same = |input: Input, include: &str| run(input, include, limit).signature() == want;
    let value = match &case.input {
        Input::Value(v) => Some(v.clone()),
        Input::Json(t) => serde_json::from_str::<Value>(t).ok(),
        Input::Yaml(t) => oa_load::Document::parse("case.yaml", t.as_str()).ok().map(|d| d.root),
    };
    // Text that does not load, or a finding only the YAML text shows: kept as it is.
    let Some(mut value) = value.filter(|v| same(Input::Json(pretty(v)), &case.include)) else {
        return Reproducer::of(case, outcome);
    };
    let mut include = case.include.clone();
    let mut steps = Vec::new();
    if include != "/" {
        let paths = value.get("paths").and_then(Value::as_object).cloned().unwrap_or_default();
        let cut = crate::subset::extract_paths(&value, paths, Default::default(), Vec::new());
        if same(Input::Value(cut.clone()), "/") {
            value = cut;
            include = "/".into();
            steps.push("cut to the operation's subset".to_owned());
        }
    }
    let mut dropped = 0;
    for kind in ["schemas", "parameters", "responses", "requestBodies", "headers", "securitySchemes"] {
        let names: Vec<String> = value.pointer(&format!("/components/{kind}")).and_then(Value::as_object).map(|m| m.keys().cloned().collect()).unwrap_or_default();
        for name in names {
            if started.elapsed() > REDUCE_BUDGET {
                break;
            }
            let mut smaller = value.clone();
            if let Some(Value::Object(m)) = smaller.pointer_mut(&format!("/components/{kind}")) {
                m.shift_remove(&name);
            }
            if same(Input::Value(smaller.clone()), &include) {
                value = smaller;
                dropped += 1;
            }
        }
    }
    if dropped > 0 {
        steps.push(format!("{dropped} components dropped"));
    }
    Reproducer { text: pretty(&value), extension: "json", include: include.clone(), notes: notes(case, outcome, &steps.join(", ")) + &format!("include: {include}\n") }
}

/// FNV-1a, for file names that follow the content.
fn hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// Writes `<hash>.<ext>` and `<hash>.txt` into `dir`; the document's path.
pub fn save(r: &Reproducer, dir: &Path) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let name = format!("{:016x}", hash(&r.text));
    let path = dir.join(format!("{name}.{}", r.extension));
    std::fs::write(&path, &r.text)?;
    let mut notes = r.notes.clone();
    if !notes.contains("\ninclude: ") {
        notes += &format!("include: {}\n", r.include);
    }
    std::fs::write(dir.join(format!("{name}.txt")), notes)?;
    Ok(path)
}

/// A saved reproducer's settings `include` and, when marked, why it is still open.
pub fn notes_of(path: &Path) -> (String, Option<String>) {
    let text = std::fs::read_to_string(path.with_extension("txt")).unwrap_or_default();
    let field = |key: &str| text.lines().find_map(|l| l.strip_prefix(key)).map(|v| v.trim().to_owned());
    (field("include: ").unwrap_or_else(|| "/".into()), field("open: "))
}
