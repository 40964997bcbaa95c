//! `cargo xtask fuzz [--seconds N] [--seed S] [--case K [--save]] [--case-limit SECONDS]`: argument
//! parsing and the summary around `oa_codegen::fuzz`, which mutates the published documents
//! (`../shared/upstream/*.yaml`) and the corpus documents of other origins and generates each
//! case. Findings are saved under `crates/oa-codegen/tests/fuzz-reproducers/` and fail the run.
//! Without documents the command skips, or fails when `REQUIRE_CORPUS=1`.

use oa_codegen::fuzz::{self, Event, Options, Source};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

const CORPUS: &[&str] = &["stripe.yaml", "github.json", "kubernetes-core-v1.json"];

fn number(flag: &str, v: Option<&String>) -> Result<u64, String> {
    let v = v.ok_or_else(|| format!("{flag} needs a value"))?;
    let parsed = match v.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => v.parse(),
    };
    parsed.map_err(|_| format!("{flag}: `{v}` is not a number"))
}

fn documents() -> Vec<PathBuf> {
    let root = crate::cli::workspace_root();
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root.join("../shared/upstream"))
        .map(|dir| dir.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "yaml")).collect())
        .unwrap_or_default();
    docs.sort();
    docs.extend(CORPUS.iter().map(|n| root.join("../shared/openapi-corpus").join(n)).filter(|p| p.is_file()));
    docs
}

/// Runs the fuzzer in a child process: a stack overflow aborts a process, not a thread, and
/// the parent then saves the case the child had started (from `target/fuzz-last-case.txt`).
pub fn run(args: &[String]) -> Result<ExitCode, String> {
    if args.first().is_some_and(|a| a == "--child") || args.iter().any(|a| a == "--save") {
        return fuzz_here(args.iter().filter(|a| *a != "--child").cloned().collect::<Vec<_>>().as_slice());
    }
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let last = crate::cli::workspace_root().join("target/fuzz-last-case.txt");
    let _ = std::fs::remove_file(&last);
    let status = std::process::Command::new(&exe).arg("fuzz").arg("--child").args(args).status().map_err(|e| e.to_string())?;
    if status.code().is_some() {
        return Ok(if status.success() { ExitCode::SUCCESS } else { ExitCode::from(1) });
    }
    let started = std::fs::read_to_string(&last).unwrap_or_default();
    eprintln!("fuzz: FINDING: the process aborted ({status}) in the case\n  {started}");
    // `--seed S --case K: origin`: saved without being run.
    let words: Vec<&str> = started.split_whitespace().collect();
    if let [_, seed, _, case, ..] = words.as_slice() {
        let case = case.trim_end_matches(':');
        std::process::Command::new(&exe).args(["fuzz", "--seed", seed, "--case", case, "--save"]).status().map_err(|e| e.to_string())?;
    }
    Ok(ExitCode::from(1))
}

fn fuzz_here(args: &[String]) -> Result<ExitCode, String> {
    let root = crate::cli::workspace_root();
    let seed_now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_nanos() as u64) ^ u64::from(std::process::id());
    let mut opts = Options {
        seed: seed_now,
        duration: Duration::from_secs(60),
        case_limit: Duration::from_secs(20),
        only_case: None,
        out: root.join("crates/oa-codegen/tests/fuzz-reproducers"),
    };
    let mut save_only = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--seconds" => opts.duration = Duration::from_secs(number(a, it.next())?),
            "--seed" => opts.seed = number(a, it.next())?,
            "--case" => opts.only_case = Some(number(a, it.next())?),
            "--case-limit" => opts.case_limit = Duration::from_secs(number(a, it.next())?),
            "--save" => save_only = true,
            other => return Err(format!("unknown flag `{other}`")),
        }
    }
    let paths = documents();
    if paths.is_empty() {
        if std::env::var("REQUIRE_CORPUS").is_ok_and(|v| v == "1") {
            return Err("fuzz: REQUIRE_CORPUS=1 but no ../shared/upstream/*.yaml nor ../shared/openapi-corpus/ document was found".into());
        }
        eprintln!("fuzz: skipped, no ../shared/upstream/*.yaml nor ../shared/openapi-corpus/ document (set REQUIRE_CORPUS=1 to fail instead)");
        return Ok(ExitCode::SUCCESS);
    }
    let t0 = Instant::now();
    let mut sources = Vec::new();
    for p in &paths {
        sources.push(Source::read(p)?);
    }
    let operations: usize = sources.iter().map(Source::operations).sum();
    eprintln!("fuzz: seed {:#x}; {} documents, {operations} operations, parsed in {:.1?}", opts.seed, sources.len(), t0.elapsed());
    if let (true, Some(k)) = (save_only, opts.only_case) {
        // Saved without running it: a case that overflows the stack aborts the process.
        let case = fuzz::case(&sources, opts.seed, k);
        let finding = fuzz::Outcome::Finding { kind: "abort".into(), message: "the process aborted (a stack overflow?)".into() };
        let path = fuzz::save(&fuzz::Reproducer::of(&case, &finding), &opts.out).map_err(|e| e.to_string())?;
        println!("fuzz: case {k} saved as {}", path.display());
        return Ok(ExitCode::SUCCESS);
    }
    let last = root.join("target/fuzz-last-case.txt");
    fuzz::quiet_panics();
    let summary = fuzz::fuzz(&sources, &opts, &mut |event| match event {
        // A stack overflow aborts the process: the last case started is then on disk.
        Event::Case(c) => {
            let _ = std::fs::write(&last, format!("--seed {:#x} --case {}: {}\n  {}\n", c.seed, c.index, c.origin, c.mutations.join("\n  ")));
        }
        Event::Found(c, sig, path) => {
            eprintln!("fuzz: FINDING in case {} ({}; {}): {sig}\n  saved as {}", c.index, c.origin, c.mutations.join("; "), path.display())
        }
    })?;
    let secs = summary.elapsed.as_secs_f64();
    let failures: u64 = summary.findings.values().map(|f| f.0).sum();
    println!(
        "fuzz: seed {:#x}: {} cases in {secs:.0} s ({:.1} cases/s): {} ok, {} rejected with located errors, failures: {failures} ({} kinds)",
        opts.seed,
        summary.cases,
        summary.cases as f64 / secs.max(1e-9),
        summary.ok,
        summary.rejected,
        summary.findings.len()
    );
    for (sig, (n, path)) in &summary.findings {
        println!("  {n} x {sig}\n      {}", path.display());
    }
    if summary.hung {
        println!("  (stopped at a hang: its thread was still running)");
    }
    Ok(if failures == 0 { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
