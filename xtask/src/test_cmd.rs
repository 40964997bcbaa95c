//! `cargo xtask test`: installs what the tests need (Prism from npm, pinned Python packages into
//! venvs under tools/python) and runs the whole test suite.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::SystemTime;

use crate::cli::workspace_root;

/// `cargo xtask test [-- CARGO TEST ARGS]`: `npm ci` in `tools/prism` and the Python venvs of
/// [`VENVS`] when needed, then `cargo test --workspace ARGS` (without `--workspace` when ARGS pick
/// packages) with `PRISM_BIN` and each venv's variable set; then a types-only check and a
/// warning-free rustdoc of the generated crate. Returns cargo's exit code.
pub fn run(args: &[String]) -> Result<ExitCode, String> {
    let extra = match args.first().map(String::as_str) {
        Some("--") => &args[1..],
        Some(other) => return Err(format!(
            "cargo xtask test: unexpected argument {other:?}; pass cargo test arguments after `--`"
        )),
        None => args,
    };
    let root = workspace_root();
    let tools = root.join("tools/prism");
    let prism =
        tools
            .join("node_modules/.bin")
            .join(if cfg!(windows) { "prism.cmd" } else { "prism" });
    // npm ci rewrites node_modules/.package-lock.json, so it marks the last install.
    let marker = tools.join("node_modules/.package-lock.json");
    if !prism.exists() || modified(&tools.join("package-lock.json")) > modified(&marker) {
        let npm = if cfg!(windows) { "npm.cmd" } else { "npm" };
        eprintln!(
            "xtask: installing Prism (npm ci --prefix {})",
            tools.display()
        );
        let status = Command::new(npm)
            .arg("ci")
            .arg("--prefix")
            .arg(&tools)
            .current_dir(&root)
            .status()
            .map_err(|e| format!("cargo xtask test needs npm (Node.js 18.20.1 or newer) on PATH to install Prism: running `{npm}` failed: {e}"))?;
        if !status.success() {
            return Err(format!(
                "`npm ci --prefix {}` failed ({status})",
                tools.display()
            ));
        }
        if !prism.exists() {
            return Err(format!(
                "npm ci succeeded but {} is missing",
                prism.display()
            ));
        }
    }
    let mut venv_env = Vec::new();
    for venv in VENVS {
        venv_env.push((venv.env, install_venv(&root, venv)?));
    }
    // `--workspace` would override a package selection in the extra arguments.
    let selects = extra
        .iter()
        .take_while(|a| *a != "--")
        .any(|a| a.starts_with("-p") || a.starts_with("--package"));
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(&cargo)
        .arg("test")
        // Every test binary runs even after one fails, so CI shows all failures at once.
        .arg("--no-fail-fast")
        .args((!selects).then_some("--workspace"))
        .args(extra)
        .env("PRISM_BIN", &prism)
        .envs(venv_env.iter().map(|(k, v)| (k, v)))
        .current_dir(&root)
        .status()
        .map_err(|e| format!("running cargo test failed: {e}"))?;
    // The whole run also proves the generated crate builds without its client (types only),
    // documents without rustdoc warnings and passes clippy's default lints.
    if status.success() && !selects {
        let mut steps = vec![
            ("types-only build", vec!["check", "--quiet", "-p", "openai-responses", "--no-default-features"], None),
            ("rustdoc", vec!["doc", "--quiet", "-p", "openai-responses", "--no-deps"], Some(("RUSTDOCFLAGS", "-Dwarnings"))),
            // The runtime's socket tests need its `websocket` feature, which no member turns on
            // (generated crates copy the runtime rather than depend on it).
            ("WebSocket tests", vec!["test", "--quiet", "-p", "oa-runtime", "--features", "websocket", "--test", "socket"], None),
        ];
        if Command::new(&cargo).args(["clippy", "--version"]).output().is_ok_and(|o| o.status.success()) {
            let clippy = vec!["clippy", "--quiet", "-p", "openai-responses", "--all-features", "--all-targets", "--", "-Dwarnings"];
            steps.push(("clippy", clippy, None));
        } else {
            println!("cargo xtask test: clippy is not installed, the generated crate's lints are not checked");
        }
        // The adopter fixture: a project of its own using the generator through its library,
        // built in the scratch target dir the generator's compile tests use.
        let adopter = root.join("crates/oa-codegen/tests/adopter");
        let scratch = root.join("target/compile-check");
        let adopter_steps = [
            ("adopter's codegen --check", vec!["xtask", "codegen", "--check"]),
            ("adopter's tests", vec!["test", "--quiet", "--workspace"]),
        ];
        for (what, args, env) in steps {
            let mut cmd = Command::new(&cargo);
            cmd.args(&args).current_dir(&root);
            if let Some((k, v)) = env {
                cmd.env(k, v);
            }
            let ok = cmd.status().map_err(|e| format!("running cargo {what} failed: {e}"))?.success();
            println!("cargo xtask test: {what} of openai-responses: {}", if ok { "ok" } else { "FAILED" });
            if !ok {
                return Ok(ExitCode::from(1));
            }
        }
        for (what, args) in adopter_steps {
            let ok = Command::new(&cargo)
                .args(&args)
                .current_dir(&adopter)
                .env("CARGO_TARGET_DIR", &scratch)
                // A snapshot that differs fails instead of being written.
                .env("INSTA_UPDATE", "no")
                .status()
                .map_err(|e| format!("running cargo {what} failed: {e}"))?
                .success();
            println!("cargo xtask test: {what}: {}", if ok { "ok" } else { "FAILED" });
            if !ok {
                return Ok(ExitCode::from(1));
            }
        }
    }
    Ok(match status.code() {
        Some(0) => ExitCode::SUCCESS,
        Some(code) => ExitCode::from(u8::try_from(code).unwrap_or(1).max(1)),
        None => ExitCode::from(1),
    })
}

/// Modification time, or the epoch when the file is missing (so a missing marker counts as stale).
fn modified(path: &Path) -> SystemTime {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .unwrap_or(SystemTime::UNIX_EPOCH)
}

/// A Python virtual environment under `tools/python/<dir>/.venv`, installed from the
/// `requirements.txt` beside it (every package pinned with its hashes).
struct Venv {
    dir: &'static str,
    /// The variable that hands the test the path of `program`.
    env: &'static str,
    /// The program in the venv's `bin` the test runs.
    program: &'static str,
}

/// The venvs the tests use: the official `openai` SDK for the wire comparison, three
/// independent Responses API servers (LiteLLM's proxy, Llama Stack, Microsoft's agentserver host),
/// and the Standard Webhooks reference library.
const VENVS: &[Venv] = &[
    Venv { dir: "sdk", env: "OPENAI_SDK_PYTHON", program: "python" },
    Venv { dir: "litellm", env: "LITELLM_BIN", program: "litellm" },
    Venv { dir: "llama-stack", env: "LLAMA_STACK_PYTHON", program: "python" },
    Venv { dir: "azure-responses", env: "AZURE_RESPONSES_PYTHON", program: "python" },
    // Webhooks (issue 18): the Standard Webhooks reference library signs what we verify.
    Venv { dir: "standardwebhooks", env: "STANDARD_WEBHOOKS_PYTHON", program: "python" },
];

/// Creates the venv and installs its requirements unless the recorded install matches the
/// current requirements file; returns the path of its program.
fn install_venv(root: &Path, venv: &Venv) -> Result<PathBuf, String> {
    let dir = root.join("tools/python").join(venv.dir);
    let env_dir = dir.join(".venv");
    let bin = env_dir.join(if cfg!(windows) { "Scripts" } else { "bin" });
    let exe = |name: &str| bin.join(if cfg!(windows) { format!("{name}.exe") } else { name.to_owned() });
    let program = exe(venv.program);
    let requirements = dir.join("requirements.txt");
    let wanted = std::fs::read_to_string(&requirements)
        .map_err(|e| format!("cannot read {}: {e}", requirements.display()))?;
    // The marker holds the requirements the venv was installed from.
    let marker = env_dir.join("installed-requirements.txt");
    if program.exists() && std::fs::read_to_string(&marker).ok().as_deref() == Some(wanted.as_str()) {
        return Ok(program);
    }
    eprintln!("xtask: installing {} into {}", requirements.display(), env_dir.display());
    let started = std::time::Instant::now();
    if env_dir.exists() {
        std::fs::remove_dir_all(&env_dir)
            .map_err(|e| format!("cannot remove the old {}: {e}", env_dir.display()))?;
    }
    let python = if cfg!(windows) { "python" } else { "python3" };
    run_step(
        Command::new(python).args(["-m", "venv"]).arg(&env_dir),
        &format!("cargo xtask test needs Python 3.11 (`{python}` with the venv module) on PATH"),
    )?;
    run_step(
        Command::new(exe("python"))
            .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check"])
            .args(["--require-hashes", "--no-deps", "--only-binary", ":all:", "-r"])
            .arg(&requirements),
        "pip install",
    )?;
    if !program.exists() {
        return Err(format!("pip install succeeded but {} is missing", program.display()));
    }
    std::fs::write(&marker, &wanted).map_err(|e| format!("cannot write {}: {e}", marker.display()))?;
    eprintln!("xtask: installed {} in {:.0?}", venv.dir, started.elapsed());
    Ok(program)
}

fn run_step(cmd: &mut Command, what: &str) -> Result<(), String> {
    let status = cmd.status().map_err(|e| format!("{what}: cannot run {cmd:?}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{what}: {cmd:?} failed ({status})"))
    }
}
