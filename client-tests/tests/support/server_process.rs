//! Starting a third-party server (a Python program from a venv that `cargo xtask test` installs)
//! on loopback for a test, waiting until it answers, and a few raw HTTP/1.1 helpers for looking
//! at its answers without going through the client under test.

#![allow(dead_code)]

use std::fs::File;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const STARTUP_LIMIT: Duration = Duration::from_secs(180);

/// The path in variable `name`, or `None` (after saying why) when it is unset; panics instead
/// when `REQUIRE_CORPUS=1` or `CI` is set.
pub fn tool(name: &str) -> Option<PathBuf> {
    match std::env::var_os(name).filter(|v| !v.is_empty()) {
        Some(v) => Some(PathBuf::from(v)),
        None => {
            let required = std::env::var("REQUIRE_CORPUS").is_ok_and(|v| v == "1")
                || std::env::var_os("CI").is_some_and(|v| !v.is_empty());
            if required {
                panic!("{name} is not set (REQUIRE_CORPUS=1 or CI is set); run `cargo xtask test`");
            }
            eprintln!("skipping: {name} is not set; `cargo xtask test` installs it and sets it");
            None
        }
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("bind a free port")
        .port()
}

/// Variables that keep Python servers and their libraries off the network and quiet.
pub const OFFLINE_ENV: &[(&str, &str)] = &[
    ("HF_HUB_OFFLINE", "1"),
    ("TRANSFORMERS_OFFLINE", "1"),
    ("HF_HUB_DISABLE_TELEMETRY", "1"),
    ("DO_NOT_TRACK", "1"),
    ("ANONYMIZED_TELEMETRY", "False"),
    ("LITELLM_LOCAL_MODEL_COST_MAP", "True"),
    ("LITELLM_TELEMETRY", "False"),
    ("NO_PROXY", "127.0.0.1,localhost"),
    ("PYTHONDONTWRITEBYTECODE", "1"),
    ("PYTHONUNBUFFERED", "1"),
];

/// A running server process; killed when dropped.
pub struct Server {
    pub name: &'static str,
    pub port: u16,
    child: Child,
    log: PathBuf,
}

impl Server {
    /// Starts `program args` in `dir` with `env` added (proxy and `OPENAI_*` variables removed),
    /// then waits until `GET health_path` answers 200.
    pub async fn start(
        name: &'static str,
        program: &Path,
        args: &[String],
        env: &[(String, String)],
        dir: &Path,
        port: u16,
        health_path: &str,
    ) -> Server {
        let log = std::env::temp_dir().join(format!(
            "client-tests-{}-{}-{port}.log",
            name.to_ascii_lowercase().replace(' ', "-"),
            std::process::id()
        ));
        let out = File::create(&log).expect("create the server log file");
        let err = out.try_clone().expect("clone the server log file");
        let mut cmd = Command::new(program);
        cmd.args(args).current_dir(dir).stdin(Stdio::null()).stdout(out).stderr(err);
        for (k, _) in std::env::vars_os() {
            let k = k.to_string_lossy().to_string();
            if k.starts_with("OPENAI_") || k.to_ascii_lowercase().ends_with("_proxy") {
                cmd.env_remove(&k);
            }
        }
        cmd.envs(OFFLINE_ENV.iter().copied());
        cmd.envs(env.iter().map(|(k, v)| (k, v)));
        let child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name} ({}): {e}", program.display()));
        let mut server = Server { name, port, child, log };
        server.wait_ready(health_path).await;
        server
    }

    async fn wait_ready(&mut self, health_path: &str) {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("poll the server") {
                panic!("{} exited ({status}) before answering:\n{}", self.name, self.log_text());
            }
            if let Ok((200, _)) = get(self.port, health_path, None).await {
                eprintln!("{} answered after {:.1?}", self.name, started.elapsed());
                return;
            }
            if started.elapsed() > STARTUP_LIMIT {
                panic!(
                    "{} did not answer GET {health_path} on port {} within {STARTUP_LIMIT:?}:\n{}",
                    self.name,
                    self.port,
                    self.log_text()
                );
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }

    /// The server's output so far (its last 20,000 characters).
    pub fn log_text(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let cut = text.len().saturating_sub(20_000);
        let cut = (cut..text.len()).find(|&i| text.is_char_boundary(i)).unwrap_or(0);
        text[cut..].to_owned()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.log);
    }
}

/// A raw HTTP/1.1 exchange on 127.0.0.1; returns the status and the body (de-chunked).
pub async fn exchange(
    port: u16,
    method: &str,
    path: &str,
    bearer: Option<&str>,
    json: Option<&serde_json::Value>,
) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).await?;
    let body = json.map(|j| j.to_string()).unwrap_or_default();
    let mut head = format!("{method} {path} HTTP/1.1\r\nhost: 127.0.0.1:{port}\r\nconnection: close\r\n");
    if let Some(key) = bearer {
        head.push_str(&format!("authorization: Bearer {key}\r\n"));
    }
    if json.is_some() {
        head.push_str(&format!("content-type: application/json\r\ncontent-length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body.as_bytes()).await?;
    let mut raw = Vec::new();
    tokio::time::timeout(Duration::from_secs(60), stream.read_to_end(&mut raw))
        .await
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "no answer in 60 s"))??;
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap_or(raw.len());
    let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
    let body = raw.get(split + 4..).unwrap_or_default();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = if head.contains("transfer-encoding: chunked") { dechunk(body) } else { body.to_vec() };
    Ok((status, String::from_utf8_lossy(&body).into_owned()))
}

pub async fn get(port: u16, path: &str, bearer: Option<&str>) -> std::io::Result<(u16, String)> {
    exchange(port, "GET", path, bearer, None).await
}

fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = body.windows(2).position(|w| w == b"\r\n") {
        let size_text = String::from_utf8_lossy(&body[..eol]);
        let Ok(size) = usize::from_str_radix(size_text.trim(), 16) else { break };
        let rest = &body[eol + 2..];
        if size == 0 || rest.len() < size {
            break;
        }
        out.extend_from_slice(&rest[..size]);
        body = rest[size..].strip_prefix(b"\r\n").unwrap_or(&rest[size..]);
    }
    out
}

/// The `data:` payloads of a server-sent event stream, in order.
pub fn sse_data(body: &str) -> Vec<String> {
    body.replace("\r\n", "\n")
        .split("\n\n")
        .filter_map(|event| {
            let data: Vec<&str> = event
                .lines()
                .filter_map(|l| l.strip_prefix("data:").map(|d| d.strip_prefix(' ').unwrap_or(d)))
                .collect();
            (!data.is_empty()).then(|| data.join("\n"))
        })
        .collect()
}
