//! `cargo xtask corpus [DIR]`: generates every document whole (`--include /`, with `?beta=true`
//! paths) and `cargo check`s each output, printing one table row per document: by default the
//! published OpenAI documents and those of other origins (`../shared/openapi-corpus/`).

use oa_codegen::settings::Settings;
use oa_load::Document;
use std::path::PathBuf;
use std::process::{Command, ExitCode};
use std::time::Instant;

pub fn run(args: &[String]) -> Result<ExitCode, String> {
    let root = crate::cli::workspace_root();
    let dirs: Vec<PathBuf> = match args.first() {
        Some(dir) => vec![PathBuf::from(dir)],
        None => vec![root.join("../shared/upstream"), root.join("../shared/openapi-corpus")],
    };
    let mut docs: Vec<PathBuf> = Vec::new();
    for dir in &dirs {
        let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| format!("{}: {e}", dir.display()))?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "json"))
            .collect();
        found.sort();
        docs.extend(found);
    }
    let scratch = root.join("target/corpus");
    let target = root.join("target/corpus-check");
    println!("| document | operations | types | lines | generation ms | check s | check peak MB |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    let mut failed = false;
    for doc_path in docs {
        let name = doc_path.file_stem().unwrap_or_default().to_string_lossy().into_owned();
        let start = Instant::now();
        let doc = Document::read(&doc_path).map_err(|e| e.to_string())?;
        let mut settings = Settings::new(&format!("corpus-{name}").replace('.', "-"));
        settings.with_query_paths = true;
        let generated = match oa_codegen::generate(&doc, &settings) {
            Ok(g) => g,
            Err(e) => {
                eprintln!("{e}");
                failed = true;
                continue;
            }
        };
        let gen_ms = start.elapsed().as_millis();
        let out = scratch.join(&name);
        let _ = std::fs::remove_dir_all(&out);
        oa_codegen::output::sync(&out, &generated.files, false).map_err(|e| e.to_string())?;
        let mut manifest = generated.files["Cargo.toml"].clone();
        manifest.push_str("\n[workspace]\n");
        std::fs::write(out.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
        std::fs::copy(root.join("Cargo.lock"), out.join("Cargo.lock")).map_err(|e| e.to_string())?;
        let lines: usize = generated.files.iter().filter(|(p, _)| p.ends_with(".rs")).map(|(_, c)| c.lines().count()).sum();
        let check_start = Instant::now();
        let status = Command::new(env!("CARGO"))
            .args(["check", "--quiet", "--message-format=short"])
            .current_dir(&out)
            .env("CARGO_TARGET_DIR", &target)
            .env("RUSTFLAGS", "-Dwarnings")
            // Not incremental: a cache left by an earlier run of a similar output would make the
            // time and memory figures depend on what ran before.
            .env("CARGO_INCREMENTAL", "0")
            .status()
            .map_err(|e| e.to_string())?;
        let check_s = check_start.elapsed().as_secs_f64();
        failed |= !status.success();
        let peak = peak_child_rss_mb().map_or("n/a".to_owned(), |m| m.to_string());
        println!(
            "| {name} | {} | {} | {lines} | {gen_ms} | {check_s:.1}{} | {peak} |",
            generated.operations,
            generated.types,
            if status.success() { "" } else { " (failed)" }
        );
    }
    println!("(check peak MB is the largest rustc so far in this run: getrusage of finished children)");
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// The largest resident set of any finished child process so far (rustc, for a check).
fn peak_child_rss_mb() -> Option<u64> {
    // SAFETY: getrusage only writes into the zeroed struct we pass.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    (rc == 0).then_some(usage.ru_maxrss as u64 / 1024)
}
