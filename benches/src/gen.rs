//! Generation: load -> lower -> render -> format -> write, on `spec/openapi.yaml` (with
//! `spec/settings.yaml`) and on the whole published document (`include: ["/"]`).
//! Floor: yaml-rust2's own `YamlLoader::load_from_str` on the same text.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use oa_codegen::settings::Settings;
use oa_load::Document;

use crate::{median, ms, time_median, times_floor, workspace_root, Opts, Row};

pub const WHOLE_DOC: &str = "openai-openapi-2026-08-21.yaml";

struct Case {
    label: &'static str,
    path: PathBuf,
    settings: Settings,
    /// Minimum timed end-to-end runs.
    min_iters: usize,
}

fn spec_case() -> Case {
    let root = workspace_root();
    let settings_doc = Document::read(&root.join("spec/settings.yaml")).expect("spec/settings.yaml loads");
    let settings = Settings::from_value(settings_doc.root).expect("spec/settings.yaml is valid");
    Case { label: "spec", path: root.join("spec/openapi.yaml"), settings, min_iters: 10 }
}

fn whole_path() -> PathBuf {
    workspace_root().join("../shared/upstream").join(WHOLE_DOC)
}

fn whole_case() -> Option<Case> {
    let path = whole_path();
    path.exists().then(|| Case { label: "whole", path, settings: Settings::new("whole"), min_iters: 3 })
}

#[derive(Default)]
struct Samples {
    load: Vec<Duration>,
    lower: Vec<Duration>,
    render: Vec<Duration>,
    format: Vec<Duration>,
    generate: Vec<Duration>,
    write: Vec<Duration>,
    total: Vec<Duration>,
}

/// One end-to-end run: read + generate + write into a fresh temporary directory.
/// Returns (files, lines, bytes) of the output.
fn end_to_end(case: &Case, s: &mut Samples) -> (usize, usize, usize) {
    let dir = tempfile::tempdir().expect("temp dir");
    let t0 = Instant::now();
    let doc = Document::read(&case.path).expect("document loads");
    let t1 = Instant::now();
    let generated = oa_codegen::generate(&doc, &case.settings).unwrap_or_else(|f| panic!("generation failed:\n{}", f.rendered));
    let t2 = Instant::now();
    let report = oa_codegen::output::sync(dir.path(), &generated.files, false).expect("write");
    let t3 = Instant::now();
    assert_eq!(report.written.len(), generated.files.len(), "every file written into the empty dir");
    s.load.push(t1 - t0);
    s.lower.push(generated.timings.lower);
    s.render.push(generated.timings.render);
    s.format.push(generated.timings.format);
    s.generate.push(t2 - t1);
    s.write.push(t3 - t2);
    s.total.push(t3 - t0);
    let lines = generated.files.values().map(|f| f.lines().count()).sum();
    let bytes = generated.files.values().map(String::len).sum();
    drop(doc);
    // the temp dir's removal is not timed
    drop(dir);
    (generated.files.len(), lines, bytes)
}

pub fn run(opts: Opts, rows: &mut Vec<Row>, notes: &mut Vec<String>) {
    let mut cases = vec![spec_case()];
    match whole_case() {
        Some(c) => cases.push(c),
        None => notes.push(format!("../shared/upstream/{WHOLE_DOC} not found: whole-document rows skipped")),
    }
    for case in &cases {
        let source = std::fs::read_to_string(&case.path).expect("read spec");
        let size_mb = source.len() as f64 / 1e6;
        // Floor: yaml-rust2's own loader on the same text (already in memory).
        let floor = time_median(opts, case.min_iters.max(5), Duration::from_secs(2), || {
            yaml_rust2::YamlLoader::load_from_str(&source).expect("yaml-rust2 parses")
        });
        // Our loader on the same in-memory text, for a like-for-like load ratio.
        let parse = time_median(opts, case.min_iters.max(5), Duration::from_secs(2), || {
            Document::parse(case.path.display().to_string(), source.as_str()).expect("oa-load parses")
        });

        let mut s = Samples::default();
        let (files, lines, bytes) = end_to_end(case, &mut Samples::default()); // warm-up
        let (min, budget) = opts.iters(case.min_iters, Duration::from_secs(if case.label == "whole" { 12 } else { 3 }));
        let start = Instant::now();
        while s.total.len() < min || start.elapsed() < budget {
            end_to_end(case, &mut s);
        }
        let n = s.total.len();
        let l = case.label;
        let stage = |name: &str, v: &mut Vec<Duration>, rows: &mut Vec<Row>| {
            let d = median(v);
            rows.push(Row::new("generate", format!("{l}: {name}")).ours(ms(d)).floor(ms(floor)).ratio(times_floor(d, floor)));
        };
        rows.push(
            Row::new("generate", format!("{l}: end-to-end ({size_mb:.2} MB YAML, n={n})"))
                .ours(ms(median(&mut s.total)))
                .floor(ms(floor))
                .ratio(times_floor(median(&mut s.total), floor)),
        );
        stage("load (Document::read)", &mut s.load, rows);
        rows.push(
            Row::new("generate", format!("{l}: load, in-memory (Document::parse)"))
                .ours(ms(parse))
                .floor(ms(floor))
                .ratio(times_floor(parse, floor)),
        );
        stage("lower", &mut s.lower, rows);
        stage("render", &mut s.render, rows);
        stage("format", &mut s.format, rows);
        stage("write (output::sync)", &mut s.write, rows);
        let files_map = files_of(case);
        let mut blind: Vec<Duration> = (0..if opts.quick { 1 } else { 5 }).map(|_| raw_write(&files_map)).collect();
        let blind = median(&mut blind);
        rows.push(
            Row::new("generate", format!("{l}:   reference: create_dir_all + fs::write of the same files"))
                .ours(ms(blind))
                .floor(ms(floor))
                .ratio(times_floor(blind, floor)),
        );
        rows.push(
            Row::new("generate", format!("{l}: output size"))
                .ours(format!("{files} files, {lines} lines, {:.2} MB", bytes as f64 / 1e6)),
        );
        if l == "whole" {
            let ours = child_rss("whole");
            let floor_rss = child_rss("floor-whole");
            let base = child_rss("base");
            if let (Some(o), Some(f)) = (ours, floor_rss) {
                rows.push(
                    Row::new("generate", format!("{l}: peak RSS (VmHWM, child process)"))
                        .ours(format!("{:.0} MB", o as f64 / 1024.0))
                        .floor(format!("{:.0} MB", f as f64 / 1024.0))
                        .ratio(format!("{:.2}x floor", o as f64 / f as f64)),
                );
                if let Some(b) = base {
                    notes.push(format!(
                        "peak RSS: a child that only starts and exits peaks at {:.1} MB; the floor child reads the file and runs YamlLoader::load_from_str",
                        b as f64 / 1024.0
                    ));
                }
            } else {
                notes.push("peak RSS: /proc/self/status unavailable, row skipped".into());
            }
        }
    }
}

/// The generated files of `case` (cached per case label).
fn files_of(case: &Case) -> std::sync::Arc<std::collections::BTreeMap<String, String>> {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, OnceLock};
    type Files = Arc<std::collections::BTreeMap<String, String>>;
    static CACHE: OnceLock<Mutex<HashMap<&'static str, Files>>> = OnceLock::new();
    let mut cache = CACHE.get_or_init(Default::default).lock().unwrap();
    cache
        .entry(case.label)
        .or_insert_with(|| {
            let doc = Document::read(&case.path).expect("load");
            Arc::new(oa_codegen::generate(&doc, &case.settings).expect("generate").files)
        })
        .clone()
}

/// A floor for the write stage: the same files written blindly into a fresh temp dir.
fn raw_write(files: &std::collections::BTreeMap<String, String>) -> Duration {
    let dir = tempfile::tempdir().expect("temp dir");
    let t = Instant::now();
    for (rel, contents) in files {
        let path = dir.path().join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, contents).expect("write");
    }
    let d = t.elapsed();
    drop(dir);
    d
}

/// Runs this binary again with `--peak-rss <mode>` and returns the child's VmHWM in kB.
fn child_rss(mode: &str) -> Option<u64> {
    let exe = std::env::current_exe().ok()?;
    let out = Command::new(exe).args(["--peak-rss", mode]).output().ok()?;
    if !out.status.success() {
        eprintln!("peak-rss child `{mode}` failed: {}", String::from_utf8_lossy(&out.stderr));
        return None;
    }
    String::from_utf8_lossy(&out.stdout).trim().parse().ok()
}

fn vm_hwm_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Child mode: do one thing, print VmHWM (kB) on stdout.
pub fn peak_rss_child(mode: &str) {
    match mode {
        "base" => {}
        "floor-whole" => {
            let source = std::fs::read_to_string(whole_path()).expect("read");
            let docs = yaml_rust2::YamlLoader::load_from_str(&source).expect("parse");
            std::hint::black_box(&docs);
        }
        "whole" | "spec" => {
            let case = if mode == "whole" { whole_case().expect("whole document present") } else { spec_case() };
            let dir = tempfile::tempdir().expect("temp dir");
            let doc = Document::read(&case.path).expect("load");
            let generated = oa_codegen::generate(&doc, &case.settings).unwrap_or_else(|f| panic!("{}", f.rendered));
            oa_codegen::output::sync(dir.path(), &generated.files, false).expect("write");
            std::hint::black_box(&generated);
        }
        other => panic!("unknown --peak-rss mode {other}"),
    }
    println!("{}", vm_hwm_kb().unwrap_or(0));
}
