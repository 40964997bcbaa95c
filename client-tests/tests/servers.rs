//! The Rust client against independent implementations of the Responses API, started on
//! loopback from the venvs that `cargo xtask test` installs:
//!
//! - LiteLLM's proxy (its Responses bridge over chat completions): create and stream;
//! - Llama Stack's built-in Responses implementation (SQLite stores): create, stream, retrieve
//!   and input_items;
//! - Microsoft's agentserver Responses host (`azure-ai-agentserver-responses`, in-memory store):
//!   create, stream, retrieve (and its replay stream), delete, cancel of a background response,
//!   and input_items over pages.
//!
//! LiteLLM and Llama Stack get their "model" from a chat-completions endpoint this test serves
//! on loopback, which echoes the last user message; the agentserver host's handler (the one
//! piece an application supplies, `tools/python/azure-responses/server.py`) echoes the same way.
//! Nothing leaves the machine and no weights are needed.
//!
//! Each server's deviations from the OpenAI API are listed (`LITELLM_DEVIATIONS`,
//! `LLAMA_STACK_DEVIATIONS`, `AZURE_DEVIATIONS`) with the checks that find them; a listed
//! deviation that no longer shows up fails the test, as does one that is not listed. In short:
//! LiteLLM copies chat-completion fields into the answer and serves none of the stored-response
//! calls; Llama Stack leaves fields out and serves neither delete nor cancel; the agentserver
//! host leaves `instructions`, `store`, `tools`, `tool_choice`, `usage` and `metadata` out and
//! adds fields of its own (`response_id`, `agent_reference`, `agent_session_id`).
//! Needs `LITELLM_BIN` / `LLAMA_STACK_PYTHON` / `AZURE_RESPONSES_PYTHON`; without them the
//! tests are skipped, unless `REQUIRE_CORPUS=1` or `CI` is set.

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

/// Create: the echo comes back, the upstream (when the server has one) saw the instructions and
/// the input, and the deviations of the answer's shape. Returns the id of the response our
/// client created.
async fn check_create(f: &mut Findings, c: &Client, t: &Target, upstream: Option<&Recorder>, input: &str) -> String {
    let result = create(c, input).await;
    f.expect(status_of(&result).is_none(), "create answers", describe(&result));
    f.deviation("create: our client cannot decode the answer", matches!(result, Err(Error::Decode { .. })), describe(&result));
    if let Some(upstream) = upstream {
        let prompts = upstream_prompts(upstream);
        f.expect(
            prompts.last() == Some(&(INSTRUCTIONS.to_owned(), input.to_owned())),
            "create: the model got the instructions as system text and the input as user text",
            format!("{prompts:?}"),
        );
    }
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
    let id = check_create(&mut f, &c, &t, Some(&upstream), "Hello from Rust").await;
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
    let id = check_create(&mut f, &c, &t, Some(&upstream), input).await;
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

// ---------------------------------------------------------------------------------------------

/// What Microsoft's agentserver Responses host 2.3 does differently, by check.
const AZURE_DEVIATIONS: &[(&str, &str)] = &[
    ("create: `instructions` not echoed", "left out of the answer"),
    ("create: `store` not echoed", "left out of the answer"),
    ("create: fields left out", "no `tools`, `tool_choice`, `usage` or `metadata` in the answer"),
    (
        "retrieve: fields of its own",
        "`response_id`, `agent_reference` and `agent_session_id` (Azure AI Foundry's); our client keeps them in `extra`",
    ),
];

fn request(body: Value) -> types::CreateResponse {
    serde_json::from_value(body).expect("the request fits CreateResponse")
}

fn status_name(r: &types::Response) -> String {
    serde_json::to_value(r).unwrap()["status"].as_str().unwrap_or("(none)").to_owned()
}

fn item_texts<'a>(items: impl IntoIterator<Item = &'a types::ItemResource>) -> Vec<String> {
    items.into_iter().map(|i| text_of(&serde_json::to_value(i).unwrap()["content"])).collect()
}

/// A 404 whose `error` our client parsed, as the OpenAI API answers for an unknown id.
fn is_not_found<T>(result: &Result<T, Error>) -> bool {
    status_of(result) == Some(404)
        && result.as_ref().err().and_then(Error::api_error).and_then(|e| e.r#type.as_deref()) == Some("invalid_request_error")
}

fn quick_polls() -> openai_responses::PollOptions {
    openai_responses::PollOptions::default()
        .initial_delay(Duration::from_millis(100))
        .max_delay(Duration::from_millis(500))
        .max_wait(Duration::from_secs(30))
}

/// Microsoft's `azure-ai-agentserver-responses` host serves all six calls itself (storage in
/// memory, background runs, cancel, delete, replay, input-item pages); its handler is the echo
/// model in `tools/python/azure-responses/server.py`, which holds an input that starts with
/// "Hold" until it is cancelled.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn azure_agentserver_serves_every_call() {
    use openai_responses::api::RetrieveParams;
    use openai_responses::ext::responses::{is_terminal, wait_for};
    use types::ResponseStatus;

    let Some(python) = tool("AZURE_RESPONSES_PYTHON") else { return };
    let port = free_port();
    let dir = tool_dir("azure-responses");
    let args = vec!["server.py".to_owned(), port.to_string()];
    let server = Server::start("Azure agentserver", &python, &args, &[], &dir, port, "/readiness").await;
    let c = client(&format!("http://127.0.0.1:{port}/v1"), "unused");
    let mut f = Findings::new("Azure agentserver");
    let t = Target { port, prefix: "/v1", key: None };

    // Create and stream: the shared checks.
    let input = "Hello from Rust";
    let id = check_create(&mut f, &c, &t, None, input).await;
    check_stream(&mut f, &c, &t, "Stream to Rust").await;

    // Retrieve.
    match retrieve(&c, &id).await {
        Ok(r) => {
            f.expect(r.id == id, "retrieve: the id round-trips", &*r.id);
            f.expect(r.output_text() == format!("Echo: {input}"), "retrieve: the stored output", r.output_text());
            f.expect(r.status.get() == Some(&ResponseStatus::Completed), "retrieve: status `completed`", status_name(&r));
            let own: Vec<String> = r.extra.clone().into_map().keys().cloned().collect();
            f.deviation("retrieve: fields of its own", !own.is_empty(), format!("{own:?}"));
        }
        Err(e) => f.expect(false, "retrieve decodes", e),
    }

    // Input items: the one message, and a list with its cursors.
    match input_items(&c, &id).await {
        Ok(list) => f.expect(item_texts(list.data.iter()) == [input], "input_items: lists the input message", format!("{:?}", item_texts(list.data.iter()))),
        Err(e) => f.expect(false, "input_items decodes", e),
    }
    let (_, text) = t.raw("GET", &format!("/responses/{id}/input_items?limit=10&order=asc"), None).await;
    let list: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    let missing: Vec<&str> = ["first_id", "last_id", "has_more"].into_iter().filter(|k| list.get(*k).is_none()).collect();
    f.expect(missing.is_empty(), "input_items: the list has `first_id`, `last_id` and `has_more`", format!("missing {missing:?}"));

    // Input items over pages: three messages, two a page, oldest first; then every item, newest
    // first (the default order), through the client's item stream.
    let three = c
        .responses()
        .create(&request(json!({"model": MODEL, "store": true, "input": [
            {"role": "user", "content": "one"}, {"role": "user", "content": "two"}, {"role": "user", "content": "three"}
        ]})))
        .await;
    f.expect(three.is_ok(), "create with three input messages", describe(&three));
    let three_id = three.map(|r| r.id.to_string()).unwrap_or_default();
    let params = InputItemsParams { limit: Some(2), order: Some("asc".into()), ..Default::default() };
    let pages: Vec<_> = c.responses().input_items_pages_with(&three_id, &params).collect().await;
    let sizes: Vec<usize> = pages.iter().map(|p| p.as_ref().map_or(0, |p| p.data.len())).collect();
    let texts = item_texts(pages.iter().flatten().flat_map(|p| p.data.iter()));
    f.expect(
        pages.iter().all(Result::is_ok) && sizes == [2, 1] && texts == ["one", "two", "three"],
        "input_items_pages: two pages (2 + 1) in order, following `last_id`",
        format!("sizes {sizes:?}, texts {texts:?}, errors {:?}", pages.iter().filter_map(|p| p.as_ref().err()).map(|e| e.to_string()).collect::<Vec<_>>()),
    );
    let items: Vec<_> = c.responses().input_items_stream(&three_id).collect().await;
    let texts = item_texts(items.iter().flatten());
    f.expect(
        items.iter().all(Result::is_ok) && texts == ["three", "two", "one"],
        "input_items_stream: every item, newest first by default",
        format!("{texts:?}"),
    );

    // Delete: the confirmation, then the id is gone for retrieve, delete and input_items.
    match delete(&c, &id).await {
        Ok(d) => {
            let v = serde_json::to_value(&d).unwrap();
            f.expect(
                d.id == id && d.deleted.get() == Some(&true) && v["object"] == "response",
                "delete: confirms the id, `deleted: true`, `object: \"response\"`",
                &v,
            );
        }
        Err(e) => f.expect(false, "delete answers", e),
    }
    let after = retrieve(&c, &id).await;
    f.expect(is_not_found(&after), "delete: retrieve afterwards is a typed 404", describe(&after));
    let again = delete(&c, &id).await;
    f.expect(is_not_found(&again), "delete: deleting again is a typed 404", describe(&again));
    let listed = input_items(&c, &id).await;
    f.expect(is_not_found(&listed), "delete: input_items afterwards is a typed 404", describe(&listed));

    // Background, left to finish: wait_for polls retrieve until it is done.
    let started = c
        .responses()
        .create(&request(json!({"model": MODEL, "input": "Background to Rust", "store": true, "background": true})))
        .await;
    match &started {
        Ok(r) => {
            f.expect(r.background.get() == Some(&true), "background create: `background: true` in the answer", status_name(r));
            f.expect(r.status.get() != Some(&ResponseStatus::Failed), "background create: not failed", status_name(r));
            match wait_for(&c, &r.id, &quick_polls()).await {
                Ok(done) => f.expect(
                    done.status.get() == Some(&ResponseStatus::Completed) && done.output_text() == "Echo: Background to Rust",
                    "background: wait_for ends `completed` with the answer",
                    format!("{} {:?}", status_name(&done), done.output_text()),
                ),
                Err(e) => f.expect(false, "background: wait_for ends", e),
            }
        }
        Err(_) => f.expect(false, "background create answers", describe(&started)),
    }

    // Cancel: a background response the model holds stays in progress until cancelled.
    let held = c
        .responses()
        .create(&request(json!({"model": MODEL, "input": "Hold until cancelled", "store": true, "background": true})))
        .await;
    match &held {
        Ok(r) => {
            let id = r.id.to_string();
            f.expect(!is_terminal(r.status.get()), "cancel: the held response starts unfinished", status_name(r));
            let still = retrieve(&c, &id).await;
            f.expect(
                still.as_ref().is_ok_and(|s| !is_terminal(s.status.get())),
                "cancel: retrieve shows it still unfinished",
                still.as_ref().map(status_name).unwrap_or_else(|e| e.to_string()),
            );
            match cancel(&c, &id).await {
                Ok(x) => f.expect(
                    x.id == id && x.status.get() == Some(&ResponseStatus::Cancelled),
                    "cancel: answers the response with status `cancelled`",
                    status_name(&x),
                ),
                Err(e) => f.expect(false, "cancel answers", e),
            }
            match wait_for(&c, &id, &quick_polls()).await {
                Ok(done) => f.expect(
                    done.status.get() == Some(&ResponseStatus::Cancelled) && done.output_text().is_empty(),
                    "cancel: it stays `cancelled`, with no output",
                    format!("{} {:?}", status_name(&done), done.output_text()),
                ),
                Err(e) => f.expect(false, "cancel: wait_for ends", e),
            }
        }
        Err(_) => f.expect(false, "cancel: the background create answers", describe(&held)),
    }
    let refused = cancel(&c, &three_id).await;
    f.expect(
        status_of(&refused) == Some(400) && refused.as_ref().err().and_then(Error::api_error).is_some(),
        "cancel: a response made without `background` is a typed 400",
        describe(&refused),
    );

    // Replay: a background stream, then retrieve_stream from a sequence number on.
    let body = request(json!({"model": MODEL, "input": "Replay to Rust", "store": true, "background": true}));
    let events: Vec<Value> = match c.responses().create_stream(&body).await {
        Ok(stream) => stream.collect::<Vec<_>>().await.iter().flatten().map(|e| serde_json::to_value(e).unwrap()).collect(),
        Err(e) => {
            f.expect(false, "replay: the background stream opens", e);
            Vec::new()
        }
    };
    let replay_id = events.first().and_then(|e| e["response"]["id"].as_str()).unwrap_or("resp_missing").to_owned();
    let seq = |e: &Value| e["sequence_number"].as_i64().unwrap_or(-1);
    let from = events.iter().find(|e| e["type"] == "response.output_text.done").map(seq).unwrap_or(0);
    let params = RetrieveParams { starting_after: Some(from), ..Default::default() };
    match c.responses().retrieve_stream(&replay_id, &params).await {
        Ok(stream) => {
            let replayed: Vec<_> = stream.collect().await;
            let replayed: Vec<Value> = replayed.iter().flatten().map(|e| serde_json::to_value(e).unwrap()).collect();
            let wanted: Vec<Value> = events.iter().filter(|e| seq(e) > from).cloned().collect();
            f.expect(
                !wanted.is_empty() && replayed == wanted,
                "replay: retrieve_stream gives the events after `starting_after`, as first sent",
                format!("{} replayed, {} wanted after {from}", replayed.len(), wanted.len()),
            );
        }
        Err(e) => f.expect(false, "replay: retrieve_stream opens", e),
    }

    f.finish(AZURE_DEVIATIONS, &server);
}
