//! The Rust client against independent implementations of the Responses API, started on
//! loopback from the venvs that `cargo xtask test` installs: LiteLLM's proxy (its Responses
//! bridge over chat completions) and Llama Stack's built-in Responses implementation (SQLite
//! stores). Both get their "model" from a chat-completions endpoint this test serves on loopback,
//! which echoes the last user message, so nothing leaves the machine and no weights are needed.
//!
//! Each server's deviations from the OpenAI API are listed with the checks that find them; a
//! listed deviation that no longer shows up fails the test, as does one that is not listed.
//! Needs `LITELLM_BIN` / `LLAMA_STACK_PYTHON`; without them the tests are skipped, unless
//! `REQUIRE_CORPUS=1` or `CI` is set.

#[path = "support/recorder.rs"]
mod recorder;
#[path = "support/server_process.rs"]
mod server_process;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures_util::StreamExt;
use openai_responses::api::InputItemsParams;
use openai_responses::{types, Client, Error};
use recorder::{Recorded, Recorder, Reply};
use serde_json::{json, Value};
use server_process::{exchange, free_port, sse_data, tool, Server};

const MODEL: &str = "echo-model";
const INSTRUCTIONS: &str = "Answer briefly.";

// ---------------------------------------------------------------------------------------------
// The upstream "model": an OpenAI-style chat-completions endpoint that echoes.

fn text_of(content: &Value) -> String {
    match content {
        Value::String(s) => s.clone(),
        Value::Array(parts) => parts.iter().filter_map(|p| p["text"].as_str()).collect(),
        _ => String::new(),
    }
}

fn echo_of(body: &Value) -> String {
    let messages = body["messages"].as_array().cloned().unwrap_or_default();
    let last_user = messages.iter().rev().find(|m| m["role"] == "user");
    format!("Echo: {}", last_user.map(|m| text_of(&m["content"])).unwrap_or_default())
}

fn chat_upstream() -> impl Fn(&Recorded, &[Recorded]) -> Reply + Send + Sync + 'static {
    let counter = AtomicUsize::new(0);
    move |req, _| {
        let ok = |v| Reply::Json(200, Vec::new(), v);
        if req.method == "GET" && req.path.ends_with("/models") {
            return ok(json!({"object": "list", "data": [
                {"id": "echo-1", "object": "model", "created": 0, "owned_by": "client-tests"}
            ]}));
        }
        if req.method != "POST" || !req.path.ends_with("/chat/completions") {
            return Reply::Json(404, Vec::new(), json!({"error": {"message": "not here"}}));
        }
        // Unique ids: Llama Stack stores every completion under its id.
        let id = format!("chatcmpl-{}", counter.fetch_add(1, Ordering::SeqCst));
        let body = req.json().unwrap_or(Value::Null);
        let text = echo_of(&body);
        let usage = json!({"prompt_tokens": 9, "completion_tokens": 3, "total_tokens": 12});
        if body["stream"] != json!(true) {
            return ok(json!({
                "id": id, "object": "chat.completion", "created": 1_700_000_000, "model": "echo-1",
                "choices": [{"index": 0, "finish_reason": "stop",
                             "message": {"role": "assistant", "content": text}}],
                "usage": usage
            }));
        }
        let chunk = |delta: Value, finish: Value| {
            json!({"id": id, "object": "chat.completion.chunk", "created": 1_700_000_000,
                   "model": "echo-1",
                   "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})
        };
        let mut lines = Vec::new();
        for (i, word) in text.split(' ').enumerate() {
            let piece = if i == 0 { word.to_owned() } else { format!(" {word}") };
            lines.push(chunk(json!({"role": "assistant", "content": piece}), Value::Null).to_string());
        }
        let mut last = chunk(json!({}), json!("stop"));
        last["usage"] = usage;
        lines.push(last.to_string());
        lines.push("[DONE]".into());
        Reply::SseData(lines)
    }
}

/// The chat requests the upstream got, as (system text, user text) of each.
fn upstream_prompts(upstream: &Recorder) -> Vec<(String, String)> {
    upstream
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/chat/completions"))
        .map(|r| {
            let body = r.json().unwrap_or(Value::Null);
            let of = |role: &str| {
                body["messages"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|m| m["role"] == role)
                    .map(|m| text_of(&m["content"]))
                    .collect::<Vec<_>>()
                    .join("|")
            };
            (of("system"), of("user"))
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Findings: hard expectations, and deviations checked against each server's list.

struct Findings {
    server: &'static str,
    failures: Vec<String>,
    observed: Vec<(String, String)>,
}

impl Findings {
    fn new(server: &'static str) -> Findings {
        Findings { server, failures: Vec::new(), observed: Vec::new() }
    }

    /// A property the server must have.
    fn expect(&mut self, ok: bool, what: &str, detail: impl std::fmt::Display) {
        if ok {
            eprintln!("{}: ok: {what}", self.server);
        } else {
            self.failures.push(format!("{what}: {detail}"));
        }
    }

    /// A known kind of deviation, observed when `seen`; `detail` shows what was seen.
    fn deviation(&mut self, key: &str, seen: bool, detail: impl std::fmt::Display) {
        if seen {
            self.observed.push((key.to_owned(), detail.to_string()));
        }
    }

    /// Fails unless every expectation held and the deviations seen are exactly `listed`.
    fn finish(self, listed: &[(&str, &str)], server: &Server) {
        let mut problems = self.failures;
        for (key, detail) in &self.observed {
            match listed.iter().find(|(k, _)| k == key) {
                Some((_, why)) => eprintln!("{}: known deviation: {key} ({why}); seen: {detail}", self.server),
                None => problems.push(format!("deviation not in the list: {key}; seen: {detail}")),
            }
        }
        for (key, _) in listed {
            if !self.observed.iter().any(|(k, _)| k == key) {
                problems.push(format!("listed deviation no longer seen (update the list): {key}"));
            }
        }
        assert!(
            problems.is_empty(),
            "{}: {} problem(s):\n  {}\n--- server log (end) ---\n{}",
            self.server,
            problems.len(),
            problems.join("\n  "),
            server.log_text()
        );
    }
}

fn describe<T>(result: &Result<T, Error>) -> String {
    match result {
        Ok(_) => "ok".into(),
        Err(Error::Api { status, body, .. }) => format!("HTTP {status}: {}", truncate(&body.to_string())),
        Err(Error::Decode { path, source, .. }) => format!("not decodable at `{path}`: {source}"),
        Err(e) => format!("{e}"),
    }
}

fn truncate(s: &str) -> String {
    s.chars().take(300).collect()
}

fn output_text(response: &Value) -> String {
    let mut text = String::new();
    for item in response["output"].as_array().into_iter().flatten() {
        for part in item["content"].as_array().into_iter().flatten() {
            if part["type"] == "output_text" {
                text.push_str(part["text"].as_str().unwrap_or_default());
            }
        }
    }
    text
}

fn status_of<T>(result: &Result<T, Error>) -> Option<u16> {
    match result {
        Err(Error::Api { status, .. }) => Some(*status),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// The Rust calls, one small function per operation.

fn client(base_url: &str, key: &str) -> Client {
    Client::builder()
        .api_key(key)
        .base_url(base_url)
        .max_retries(0)
        .timeout(Duration::from_secs(60))
        .build()
        .expect("build client")
}

fn create_body(input: &str) -> types::CreateResponse {
    serde_json::from_value(json!({
        "model": MODEL, "instructions": INSTRUCTIONS, "input": input, "store": true
    }))
    .expect("the request fits CreateResponse")
}

async fn create(c: &Client, input: &str) -> Result<types::Response, Error> {
    c.responses().create(&create_body(input)).await
}

async fn create_stream(c: &Client, input: &str) -> Result<Vec<Result<types::ResponseStreamEvent, Error>>, Error> {
    let stream = c.responses().create_stream(&create_body(input)).await?;
    Ok(stream.collect().await)
}

async fn retrieve(c: &Client, id: &str) -> Result<types::Response, Error> {
    c.responses().retrieve(id).await
}

async fn delete(c: &Client, id: &str) -> Result<types::DeletedResponse, Error> {
    c.responses().delete(id).await
}

async fn cancel(c: &Client, id: &str) -> Result<types::Response, Error> {
    c.responses().cancel(id).await
}

async fn input_items(c: &Client, id: &str) -> Result<types::ResponseItemList, Error> {
    let params = InputItemsParams { limit: Some(10), order: Some("asc".into()), ..Default::default() };
    c.responses().input_items_with(id, &params).await
}

// ---------------------------------------------------------------------------------------------
// Checks shared by both servers. Our client decodes leniently (a missing field keeps its
// default), so the shape of each answer is checked on the raw JSON of a second, raw request.

/// Where a server's Responses API is.
struct Target {
    port: u16,
    /// The path in front of `/responses`.
    prefix: &'static str,
    key: Option<&'static str>,
}

impl Target {
    async fn raw(&self, method: &str, path: &str, body: Option<&Value>) -> (u16, String) {
        let path = format!("{}{path}", self.prefix);
        exchange(self.port, method, &path, self.key, body).await.expect("raw request")
    }
}

/// Create: the echo comes back, the upstream saw the instructions and the input, and the
/// deviations of the answer's shape. Returns the id of the response our client created.
async fn check_create(f: &mut Findings, c: &Client, t: &Target, upstream: &Recorder, input: &str) -> String {
    let result = create(c, input).await;
    f.expect(status_of(&result).is_none(), "create answers", describe(&result));
    f.deviation("create: our client cannot decode the answer", matches!(result, Err(Error::Decode { .. })), describe(&result));
    let prompts = upstream_prompts(upstream);
    f.expect(
        prompts.last() == Some(&(INSTRUCTIONS.to_owned(), input.to_owned())),
        "create: the model got the instructions as system text and the input as user text",
        format!("{prompts:?}"),
    );
    let id = match &result {
        Ok(r) => {
            f.expect(r.output_text() == format!("Echo: {input}"), "create: output_text() is the model's answer", r.output_text());
            f.expect(!r.id.is_empty(), "create: `id` is set", &*r.id);
            r.id.to_string()
        }
        Err(_) => String::from("resp_missing"),
    };

    let request = serde_json::to_value(create_body(input)).unwrap();
    let (status, text) = t.raw("POST", "/responses", Some(&request)).await;
    let body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    f.expect(status == 200 && output_text(&body) == format!("Echo: {input}"), "create (raw): answers the echo", truncate(&text));
    f.deviation("create: `object` is not \"response\"", body["object"] != "response", &body["object"]);
    f.deviation("create: `instructions` not echoed", body["instructions"] != INSTRUCTIONS, &body["instructions"]);
    f.deviation("create: `model` is not the requested name", body["model"] != MODEL, &body["model"]);
    f.deviation("create: `store` not echoed", body["store"] != json!(true), &body["store"]);
    let missing: Vec<&str> = ["tools", "tool_choice", "usage", "metadata", "created_at"]
        .into_iter()
        .filter(|k| body.get(*k).is_none())
        .collect();
    f.deviation("create: fields left out", !missing.is_empty(), format!("{missing:?}"));
    let item_status = &body["output"][0]["status"];
    f.deviation(
        "create: the message's `status` is not a message status",
        !["in_progress", "completed", "incomplete"].contains(&item_status.as_str().unwrap_or("")),
        item_status,
    );
    id
}

/// Stream: the deltas spell the echo, in order; the event shapes' deviations.
async fn check_stream(f: &mut Findings, c: &Client, t: &Target, input: &str) {
    let events = create_stream(c, input).await;
    let events = match events {
        Ok(e) => e,
        Err(e) => return f.expect(false, "stream: the stream opens", e),
    };
    let decoded: Vec<Value> = events.iter().filter_map(|e| e.as_ref().ok()).map(|e| serde_json::to_value(e).unwrap()).collect();
    let failed: Vec<String> = events.iter().filter_map(|e| e.as_ref().err()).map(|e| format!("{e}")).collect();
    f.deviation("stream: our client rejects events", !failed.is_empty(), format!("{} of {}: {:?}", failed.len(), events.len(), failed.first()));
    let deltas: String = decoded
        .iter()
        .filter(|e| e["type"] == "response.output_text.delta")
        .map(|e| e["delta"].as_str().unwrap_or_default())
        .collect();
    f.expect(deltas == format!("Echo: {input}"), "stream: the text deltas spell the answer", &deltas);

    // The same stream, raw, to see the shapes the client may have rejected.
    let body = create_body(input);
    let mut body = serde_json::to_value(&body).unwrap();
    body["stream"] = json!(true);
    let (status, text) = t.raw("POST", "/responses", Some(&body)).await;
    let data = sse_data(&text);
    f.expect(status == 200 && !data.is_empty(), "stream: raw request answers events", format!("{status}: {}", truncate(&text)));
    let events: Vec<Value> = data.iter().filter_map(|d| serde_json::from_str(d).ok()).collect();
    let types: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap_or("?")).collect();
    f.deviation("stream: the first event is not `response.created`", types.first() != Some(&"response.created"), format!("{types:?}"));
    f.expect(types.last() == Some(&"response.completed"), "stream: the last event is `response.completed`", format!("{types:?}"));
    let unnumbered = events.iter().filter(|e| e.get("sequence_number").is_none()).count();
    f.deviation("stream: events without `sequence_number`", unnumbered > 0, format!("{unnumbered} of {}", events.len()));
    f.deviation("stream: ends with `data: [DONE]`", data.last().map(String::as_str) == Some("[DONE]"), "[DONE]");
    let completed = events.iter().find(|e| e["type"] == "response.completed");
    f.deviation(
        "stream: the completed response's `object` is not \"response\"",
        completed.is_some_and(|e| e["response"]["object"] != "response"),
        completed.map(|e| e["response"]["object"].clone()).unwrap_or_default(),
    );
}

fn tool_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tools/python").join(name)
}

// ---------------------------------------------------------------------------------------------

/// What LiteLLM 1.74's proxy does differently, by check.
const LITELLM_DEVIATIONS: &[(&str, &str)] = &[
    ("create: `object` is not \"response\"", "the bridge copies the chat completion's `object`"),
    ("create: `instructions` not echoed", "the bridge sends them upstream but answers null"),
    ("create: `model` is not the requested name", "answers with the provider's model name"),
    ("create: `store` not echoed", "answers null"),
    ("create: the message's `status` is not a message status", "copies the chat finish reason (\"stop\")"),
    ("stream: the first event is not `response.created`", "the bridge starts with the first delta"),
    ("stream: events without `sequence_number`", "the bridge numbers no events"),
    ("stream: ends with `data: [DONE]`", "a chat-completions terminator after `response.completed`"),
    ("stream: the completed response's `object` is not \"response\"", "as for create"),
    ("retrieve, delete, cancel and input_items are not served", "LiteLLM serves them only for providers with a native Responses API (OpenAI, Azure), by forwarding"),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn litellm_proxy_serves_create_and_stream() {
    let Some(bin) = tool("LITELLM_BIN") else { return };
    let upstream = Recorder::start(chat_upstream()).await;
    let port = free_port();
    let dir = tool_dir("litellm");
    let args: Vec<String> = ["--config", "config.yaml", "--host", "127.0.0.1", "--port", &port.to_string(), "--num_workers", "1"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let env = [("LITELLM_UPSTREAM_URL".to_string(), upstream.base_url())];
    let server = Server::start("LiteLLM", &bin, &args, &env, &dir, port, "/health/liveliness").await;
    let key = "sk-litellm-test";
    let c = client(&format!("http://127.0.0.1:{port}/v1"), key);
    let mut f = Findings::new("LiteLLM");

    let t = Target { port, prefix: "/v1", key: Some(key) };
    let id = check_create(&mut f, &c, &t, &upstream, "Hello from Rust").await;
    check_stream(&mut f, &c, &t, "Stream to Rust").await;

    let (r, d, x, i) = (retrieve(&c, &id).await, delete(&c, &id).await, cancel(&c, &id).await, input_items(&c, &id).await);
    let statuses = [status_of(&r), status_of(&d), status_of(&x), status_of(&i)];
    f.deviation(
        "retrieve, delete, cancel and input_items are not served",
        statuses.iter().all(|s| s.is_some_and(|s| s >= 400)),
        format!("HTTP {statuses:?}; retrieve: {}", describe(&r)),
    );
    f.finish(LITELLM_DEVIATIONS, &server);
}

/// What Llama Stack 0.2.12 does differently, by check.
const LLAMA_STACK_DEVIATIONS: &[(&str, &str)] = &[
    ("create: `instructions` not echoed", "sent upstream as the system message, left out of the answer"),
    ("create: `store` not echoed", "left out of the answer"),
    ("create: fields left out", "no `tools`, `tool_choice`, `usage` or `metadata` in the answer"),
    ("stream: events without `sequence_number`", "`response.created` and `response.completed` carry none; the deltas do"),
    ("input_items: the list has no `first_id`, `last_id` or `has_more`", "our client decodes it anyway, with defaults"),
    ("input_items: the item's `status` is null", "stored input messages have no status"),
    ("delete is not served", "DELETE /responses/{id} arrived in later releases (they need Python 3.12)"),
    ("cancel is not served", "no background mode, so no cancel"),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn llama_stack_serves_create_stream_retrieve_and_input_items() {
    let Some(python) = tool("LLAMA_STACK_PYTHON") else { return };
    let upstream = Recorder::start(chat_upstream()).await;
    let port = free_port();
    let dir = tool_dir("llama-stack");
    let store = std::env::temp_dir().join(format!("client-tests-llama-stack-{}-{port}", std::process::id()));
    std::fs::create_dir_all(&store).unwrap();
    let args: Vec<String> = ["-m", "llama_stack.distribution.server.server", "--config", "run.yaml", "--port", &port.to_string()]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let env = [
        ("LLAMA_UPSTREAM_URL".to_string(), upstream.base_url()),
        ("SQLITE_STORE_DIR".to_string(), store.display().to_string()),
    ];
    let server = Server::start("Llama Stack", &python, &args, &env, &dir, port, "/v1/health").await;
    let c = client(&format!("http://127.0.0.1:{port}/v1/openai/v1"), "unused");
    let mut f = Findings::new("Llama Stack");

    let t = Target { port, prefix: "/v1/openai/v1", key: None };
    let input = "Hello from Rust";
    let id = check_create(&mut f, &c, &t, &upstream, input).await;
    check_stream(&mut f, &c, &t, "Stream to Rust").await;

    match retrieve(&c, &id).await {
        Ok(r) => {
            f.expect(r.id == id, "retrieve: the id round-trips", &*r.id);
            f.expect(r.output_text() == format!("Echo: {input}"), "retrieve: the stored output", r.output_text());
        }
        Err(e) => f.expect(false, "retrieve decodes", e),
    }

    match input_items(&c, &id).await {
        Ok(list) => {
            let texts: Vec<String> = list
                .data
                .iter()
                .map(|i| text_of(&serde_json::to_value(i).unwrap()["content"]))
                .collect();
            f.expect(texts == [input], "input_items: lists the input message", format!("{texts:?}"));
        }
        Err(e) => f.expect(false, "input_items decodes", e),
    }
    let (_, text) = t.raw("GET", &format!("/responses/{id}/input_items?limit=10&order=asc"), None).await;
    let list: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    let missing: Vec<&str> = ["first_id", "last_id", "has_more"].into_iter().filter(|k| list.get(*k).is_none()).collect();
    f.deviation("input_items: the list has no `first_id`, `last_id` or `has_more`", !missing.is_empty(), format!("{missing:?}"));
    let item_status = &list["data"][0]["status"];
    f.deviation("input_items: the item's `status` is null", item_status.is_null(), item_status);

    let deleted = delete(&c, &id).await;
    f.deviation("delete is not served", status_of(&deleted).is_some_and(|s| s >= 400), describe(&deleted));
    let cancelled = cancel(&c, &id).await;
    f.deviation("cancel is not served", status_of(&cancelled).is_some_and(|s| s >= 400), describe(&cancelled));
    let _ = std::fs::remove_dir_all(&store);
    f.finish(LLAMA_STACK_DEVIATIONS, &server);
}
