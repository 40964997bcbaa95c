//! `cargo run --release -p benches`: every benchmark of the generator and of the generated
//! client, each against a floor measured in the same run, printed as one table.
//!
//! Not criterion: a single binary that finishes in about a minute on 2 cores. Each figure is the
//! median of several timed runs after a warm-up. Nothing here asserts on time; the setup only
//! asserts that the inputs decode into the intended typed variants.
//!
//! Sections: (1) generation per stage vs yaml-rust2's own loader, peak RSS (child process) and
//! output size; (2) decoding a large `Response` and a 10,000-event SSE stream vs
//! `serde::de::IgnoredAny`; (3) the dependency tree of `openai-responses` (`cargo tree`);
//! (4) requests per second of `responses().retrieve` vs a hand-built reqwest GET, against an
//! in-process loopback hyper server; (5) WebSocket mode: a 20-turn tool loop against HTTP
//! keep-alive, and 10,000 events decoded from frames against the SSE path (`ws.rs`). With `--features peer-async-openai`, section (2) also
//! decodes the same bytes with async-openai's types (`peer.rs`); CI never builds that feature.
//!
//! Flags: `--quick` runs fewer iterations; `--only gen|decode|tree|http` runs one section;
//! `--response-items N` sizes the large `Response` of section (2) (600 items, 0.59 MB, by default).
//! `--peak-rss <spec|whole|floor-whole|base>` is the child mode used for the RSS figures.

mod data;
mod decode;
mod gen;
mod http;
#[cfg(feature = "peer-async-openai")]
mod peer;
mod tree;
mod ws;

use std::time::{Duration, Instant};

/// One line of the result table.
pub struct Row {
    pub section: &'static str,
    pub name: String,
    pub ours: String,
    pub floor: String,
    /// ours relative to the floor, already formatted (e.g. `3.2x floor`, `0.61x`).
    pub ratio: String,
    pub target: String,
}

impl Row {
    pub fn new(section: &'static str, name: impl Into<String>) -> Self {
        Row {
            section,
            name: name.into(),
            ours: String::new(),
            floor: String::new(),
            ratio: String::new(),
            target: String::new(),
        }
    }
    pub fn ours(mut self, s: impl Into<String>) -> Self {
        self.ours = s.into();
        self
    }
    pub fn floor(mut self, s: impl Into<String>) -> Self {
        self.floor = s.into();
        self
    }
    pub fn ratio(mut self, s: impl Into<String>) -> Self {
        self.ratio = s.into();
        self
    }
    pub fn target(mut self, s: impl Into<String>) -> Self {
        self.target = s.into();
        self
    }
}

/// Iteration settings shared by the sections.
#[derive(Clone, Copy)]
pub struct Opts {
    pub quick: bool,
    /// Output items of the large `Response` decoded in section (2); `--response-items N`.
    pub response_items: usize,
}

impl Opts {
    /// Runs for at least `min` iterations and, unless quick, until `budget` is spent.
    pub fn iters(&self, min: usize, budget: Duration) -> (usize, Duration) {
        if self.quick {
            (min.clamp(1, 3), Duration::ZERO)
        } else {
            (min, budget)
        }
    }
}

/// Median of the samples.
pub fn median(samples: &mut [Duration]) -> Duration {
    samples.sort();
    let n = samples.len();
    if n == 0 {
        return Duration::ZERO;
    }
    if n % 2 == 1 {
        samples[n / 2]
    } else {
        (samples[n / 2 - 1] + samples[n / 2]) / 2
    }
}

/// Times `f` (after one warm-up call) at least `min` times and until `budget` has passed;
/// returns the median.
pub fn time_median<T>(opts: Opts, min: usize, budget: Duration, mut f: impl FnMut() -> T) -> Duration {
    let (min, budget) = opts.iters(min, budget);
    std::hint::black_box(f());
    let start = Instant::now();
    let mut samples = Vec::new();
    while samples.len() < min || start.elapsed() < budget {
        let t = Instant::now();
        std::hint::black_box(f());
        samples.push(t.elapsed());
    }
    median(&mut samples)
}

/// Medians of `f` and `g` timed in alternation (f, g, f, g, ...), so that a change of load on the
/// shared machine falls on both sides alike instead of on whichever ran second.
pub fn time_pair_median<T, U>(opts: Opts, min: usize, budget: Duration, mut f: impl FnMut() -> T, mut g: impl FnMut() -> U) -> (Duration, Duration) {
    let (min, budget) = opts.iters(min, budget);
    std::hint::black_box(f());
    std::hint::black_box(g());
    let start = Instant::now();
    let (mut fs, mut gs) = (Vec::new(), Vec::new());
    while fs.len() < min || start.elapsed() < budget {
        let t = Instant::now();
        std::hint::black_box(f());
        fs.push(t.elapsed());
        let t = Instant::now();
        std::hint::black_box(g());
        gs.push(t.elapsed());
    }
    (median(&mut fs), median(&mut gs))
}

pub fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1e3;
    if ms >= 100.0 {
        format!("{ms:.0} ms")
    } else if ms >= 10.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{ms:.2} ms")
    }
}

/// `ours / floor` for times (lower is better).
pub fn times_floor(ours: Duration, floor: Duration) -> String {
    format!("{:.2}x floor", ours.as_secs_f64() / floor.as_secs_f64())
}

fn print_table(rows: &[Row]) {
    let headers = ["section", "benchmark", "ours", "floor", "ratio", "target"];
    let cells: Vec<[&str; 6]> = rows
        .iter()
        .map(|r| [r.section, &r.name, &r.ours, &r.floor, &r.ratio, &r.target])
        .collect();
    let mut widths = headers.map(str::len);
    for c in &cells {
        for (w, s) in widths.iter_mut().zip(c) {
            *w = (*w).max(s.chars().count());
        }
    }
    let line = |c: [&str; 6]| {
        let mut s = String::from("|");
        for (i, (w, v)) in widths.iter().zip(c).enumerate() {
            let pad = w - v.chars().count();
            // numbers right-aligned, names left-aligned
            if i >= 2 {
                s.push_str(&format!(" {}{} |", " ".repeat(pad), v));
            } else {
                s.push_str(&format!(" {}{} |", v, " ".repeat(pad)));
            }
        }
        s
    };
    println!("{}", line(headers));
    let mut sep = String::from("|");
    for (i, w) in widths.iter().enumerate() {
        if i >= 2 {
            sep.push_str(&format!("{}:|", "-".repeat(w + 1)));
        } else {
            sep.push_str(&format!("{}|", "-".repeat(w + 2)));
        }
    }
    println!("{sep}");
    for c in cells {
        println!("{}", line(c));
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(i) = args.iter().position(|a| a == "--peak-rss") {
        gen::peak_rss_child(args.get(i + 1).map(String::as_str).unwrap_or("whole"));
        return;
    }
    let flag = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1));
    let response_items = flag("--response-items").map(|n| n.parse().expect("--response-items takes a number"));
    let opts = Opts {
        quick: args.iter().any(|a| a == "--quick"),
        response_items: response_items.unwrap_or(decode::OUTPUT_ITEMS),
    };
    let only = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1).cloned());
    let run = |s: &str| only.as_deref().is_none_or(|o| o == s);

    let started = Instant::now();
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    if run("gen") {
        eprintln!("[1/4] generation ...");
        gen::run(opts, &mut rows, &mut notes);
    }
    if run("decode") {
        eprintln!("[2/4] decoding ...");
        decode::run(opts, &mut rows, &mut notes);
    }
    if run("tree") {
        eprintln!("[3/4] dependency tree ...");
        tree::run(&mut rows, &mut notes);
    }
    if run("http") {
        eprintln!("[4/4] request overhead ...");
        http::run(opts, &mut rows, &mut notes);
    }
    if run("ws") {
        eprintln!("[5/5] WebSocket mode ...");
        ws::run(opts, &mut rows, &mut notes);
    }
    println!();
    print_table(&rows);
    println!();
    for n in &notes {
        println!("- {n}");
    }
    println!(
        "- machine: {} cores, {}; total bench time {:.1} s",
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        cpu_model(),
        started.elapsed().as_secs_f64()
    );
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into())
}

/// Root of the workspace (the parent of this package).
pub fn workspace_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("benches/ has a parent")
        .to_path_buf()
}
