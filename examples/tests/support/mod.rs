//! A scripted HTTP/1.1 server on 127.0.0.1 that records what it receives, and a runner for the
//! example programs, which `cargo test` builds next to the test binaries.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;

/// One scripted answer.
pub struct Reply {
    status: u16,
    content_type: &'static str,
    headers: Vec<(&'static str, String)>,
    body: String,
}

impl Reply {
    /// `200` with a JSON body.
    pub fn json(body: Value) -> Reply {
        Reply { status: 200, content_type: "application/json", headers: Vec::new(), body: body.to_string() }
    }

    /// `200` with an event stream: each value is one event, named after its `type`.
    pub fn events(events: &[Value]) -> Reply {
        let mut body = String::new();
        for event in events {
            let name = event["type"].as_str().unwrap_or("message");
            body.push_str(&format!("event: {name}\ndata: {event}\n\n"));
        }
        Reply { status: 200, content_type: "text/event-stream", headers: Vec::new(), body }
    }

    /// The API's error shape, `{"error": {...}}`, with this status.
    pub fn error(status: u16, code: &str, message: &str) -> Reply {
        let body = serde_json::json!({"error": {"message": message, "type": "invalid_request_error", "param": null, "code": code}});
        Reply { status, ..Reply::json(body) }
    }

    /// Adds a response header.
    pub fn header(mut self, name: &'static str, value: &str) -> Reply {
        self.headers.push((name, value.to_owned()));
        self
    }
}

/// A request as the server read it.
#[derive(Clone, Debug)]
pub struct Received {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub headers: Vec<(String, String)>,
    /// The body as JSON, `Null` when there was none.
    pub body: Value,
}

impl Received {
    /// `METHOD /path?query`, to compare a whole exchange at once.
    pub fn line(&self) -> String {
        match &self.query {
            Some(q) => format!("{} {}?{q}", self.method, self.path),
            None => format!("{} {}", self.method, self.path),
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// Answers the scripted replies in order, one per request; a request past the script gets a
/// 500 (so a program that asks too much fails instead of hanging).
pub struct Server {
    pub base_url: String,
    received: Arc<Mutex<Vec<Received>>>,
}

impl Server {
    /// A server started elsewhere (the WebSocket one of tests/websocket.rs), for [`run`].
    #[allow(dead_code)]
    pub fn at(base_url: &str) -> Server {
        Server { base_url: base_url.to_owned(), received: Arc::default() }
    }

    pub fn start(replies: Vec<Reply>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base_url = format!("http://{}/v1", listener.local_addr().unwrap());
        let received = Arc::new(Mutex::new(Vec::new()));
        let log = received.clone();
        std::thread::spawn(move || {
            let mut replies = replies.into_iter();
            // Connections are served one at a time: the programs make one request at a time.
            for socket in listener.incoming() {
                let Ok(socket) = socket else { break };
                if let Some(request) = read_request(&socket) {
                    log.lock().unwrap().push(request);
                    let reply = replies.next().unwrap_or_else(|| Reply::error(500, "unscripted", "no reply left"));
                    write_reply(socket, &reply);
                }
            }
        });
        Server { base_url, received }
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

fn read_request(socket: &TcpStream) -> Option<Received> {
    socket.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    let mut reader = BufReader::new(socket);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let target = parts.next()?.to_owned();
    let mut headers = Vec::new();
    loop {
        line.clear();
        reader.read_line(&mut line).ok()?;
        let Some((name, value)) = line.trim_end().split_once(':') else { break };
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    let length = headers.iter().find(|(n, _)| n == "content-length").map_or(0, |(_, v)| v.parse().unwrap());
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    let body = if body.is_empty() { Value::Null } else { serde_json::from_slice(&body).unwrap() };
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_owned(), Some(q.to_owned())),
        None => (target, None),
    };
    Some(Received { method, path, query, headers, body })
}

fn write_reply(mut socket: TcpStream, reply: &Reply) {
    let mut head = format!(
        "HTTP/1.1 {} Scripted\r\ncontent-type: {}\r\ncontent-length: {}\r\nconnection: close\r\n",
        reply.status,
        reply.content_type,
        reply.body.len()
    );
    for (name, value) in &reply.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    // The program may stop reading early (it dropped a stream on purpose): ignore write errors.
    let _ = socket.write_all(head.as_bytes());
    let _ = socket.write_all(reply.body.as_bytes());
    let _ = socket.flush();
}

/// The example binary: `cargo test` builds every example into `target/<profile>/examples/`,
/// beside the `deps/` folder that holds this test. A run limited with `--test` does not build
/// them, so a missing binary, or one older than its source, is refused rather than run.
pub fn example_path(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().and_then(|deps| deps.parent()).unwrap();
    let path = profile_dir.join("examples").join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    let source = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples").join(format!("{name}.rs"));
    let modified = |p: &PathBuf| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let fresh = matches!((modified(&path), modified(&source)), (Some(built), Some(src)) if built >= src);
    assert!(fresh, "{} is missing or stale: run `cargo test -p examples`, which builds the examples", path.display());
    path
}

/// Runs example `name` against `server` with `args`; returns what it printed (stdout), after
/// checking that it exited successfully.
pub fn run(name: &str, server: &Server, args: &[&str]) -> String {
    let output = Command::new(example_path(name))
        .args(args)
        .env("OPENAI_BASE_URL", &server.base_url)
        .env("OPENAI_API_KEY", "sk-test")
        .env_remove("OPENAI_ORG_ID")
        .env_remove("OPENAI_PROJECT_ID")
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{name} failed ({}):\n{stdout}\n{stderr}", output.status);
    stdout
}

/// A completed response whose output is one assistant message with `text`.
pub fn text_response(id: &str, text: &str) -> Value {
    serde_json::json!({
        "id": id, "object": "response", "created_at": 1_760_000_000, "status": "completed", "model": "gpt-5",
        "output": [{"id": format!("msg_{id}"), "type": "message", "status": "completed", "role": "assistant",
                    "content": [{"type": "output_text", "text": text, "annotations": [], "logprobs": []}]}],
        "usage": {"input_tokens": 12, "output_tokens": 5, "total_tokens": 17,
                  "input_tokens_details": {"cached_tokens": 0}, "output_tokens_details": {"reasoning_tokens": 0}}
    })
}

/// The events of a streamed [`text_response`] whose text arrives in `deltas`, numbered from 0.
pub fn text_events(id: &str, deltas: &[&str]) -> Vec<Value> {
    use serde_json::json;
    let item_id = format!("msg_{id}");
    let text: String = deltas.concat();
    let mut events = vec![
        json!({"type": "response.created", "response": {"id": id, "object": "response", "status": "in_progress", "model": "gpt-5", "output": []}}),
        json!({"type": "response.output_item.added", "output_index": 0,
               "item": {"id": item_id, "type": "message", "status": "in_progress", "role": "assistant", "content": []}}),
        json!({"type": "response.content_part.added", "item_id": item_id, "output_index": 0, "content_index": 0,
               "part": {"type": "output_text", "text": "", "annotations": []}}),
    ];
    for delta in deltas {
        events.push(json!({"type": "response.output_text.delta", "item_id": item_id, "output_index": 0,
                           "content_index": 0, "delta": delta, "logprobs": []}));
    }
    let done = text_response(id, &text);
    events.extend([
        json!({"type": "response.output_text.done", "item_id": item_id, "output_index": 0, "content_index": 0, "text": text, "logprobs": []}),
        json!({"type": "response.content_part.done", "item_id": item_id, "output_index": 0, "content_index": 0, "part": done["output"][0]["content"][0]}),
        json!({"type": "response.output_item.done", "output_index": 0, "item": done["output"][0]}),
        json!({"type": "response.completed", "response": done}),
    ]);
    for (n, event) in events.iter_mut().enumerate() {
        event["sequence_number"] = json!(n);
    }
    events
}
