//! WebSocket mode against the official `openai` Python SDK: the same turns go through
//! `client.responses.connect()` (tools/python/sdk/ws_calls.py) and through ours
//! (`client.responses().connect_with(..)`) to one loopback WebSocket recorder, and the two
//! connections are compared: the client frames as JSON values, the handshake's path, query and
//! headers, and what each client decoded from the same answers. Differences we know of are in
//! `KNOWN_HEADERS` with their reason, and each must still show up as listed.
//!
//! The rest of the file checks the generated socket without the SDK: `create` and its error
//! code, `background: true` refused, lanes, and `ResponseAccumulator::push_ws`.
//!
//! Needs `OPENAI_SDK_PYTHON` for the comparison (see sdk_wire.rs); skipped without it unless
//! `REQUIRE_CORPUS=1` or `CI` is set.

// tungstenite's handshake callback returns its large error type by value.
#![allow(clippy::result_large_err)]

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use futures_util::{SinkExt, StreamExt};
use openai_responses::ext::responses::ResponseAccumulator;
use openai_responses::{types, Client, Error, SocketOptions};
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};
use tokio_tungstenite::tungstenite::Message;

/// One connection as the recorder saw it.
#[derive(Debug, Default, Clone)]
struct Connection {
    uri: String,
    headers: BTreeMap<String, String>,
    frames: Vec<Value>,
}

type Log = Arc<Mutex<Vec<Connection>>>;

/// A response object both clients decode.
fn response(id: &str, text: &str) -> Value {
    json!({
        "id": id, "object": "response", "created_at": 1_760_000_000, "status": "completed",
        "model": "gpt-4.1", "output": [{
            "type": "message", "id": format!("msg_{id}"), "role": "assistant", "status": "completed",
            "content": [{"type": "output_text", "text": text, "annotations": []}]
        }],
        "parallel_tool_calls": true, "tool_choice": "auto", "tools": []
    })
}

/// The events answering one `response.create`, on its lane; `previous_response_id: resp_missing`
/// is answered with the API's error event instead.
fn answer(n: usize, create: &Value) -> Vec<Value> {
    let lane = create.get("stream_id").cloned();
    let with_lane = |mut v: Value| {
        if let Some(lane) = &lane {
            v["stream_id"] = lane.clone();
        }
        v
    };
    if create["previous_response_id"] == "resp_missing" {
        return vec![with_lane(json!({"type": "error", "status": 400, "error": {
            "type": "invalid_request_error", "code": "previous_response_not_found",
            "message": "Previous response with id 'resp_missing' not found.", "param": "previous_response_id"}}))];
    }
    let id = format!("resp_{n}");
    let mut created = response(&id, "");
    created["status"] = "in_progress".into();
    created["output"] = json!([]);
    vec![
        with_lane(json!({"type": "response.created", "sequence_number": 0, "response": created})),
        with_lane(json!({"type": "response.output_item.added", "sequence_number": 1, "output_index": 0,
            "item": {"type": "message", "id": format!("msg_{id}"), "role": "assistant", "status": "in_progress", "content": []}})),
        with_lane(json!({"type": "response.content_part.added", "sequence_number": 2, "output_index": 0, "content_index": 0,
            "item_id": format!("msg_{id}"), "part": {"type": "output_text", "text": "", "annotations": []}})),
        with_lane(json!({"type": "response.output_text.delta", "sequence_number": 3, "output_index": 0, "content_index": 0,
            "item_id": format!("msg_{id}"), "delta": "Hello", "logprobs": []})),
        with_lane(json!({"type": "response.output_text.delta", "sequence_number": 4, "output_index": 0, "content_index": 0,
            "item_id": format!("msg_{id}"), "delta": " there", "logprobs": []})),
        with_lane(json!({"type": "response.completed", "sequence_number": 5, "response": response(&id, "Hello there")})),
    ]
}

/// A recorder on loopback: records every connection's handshake and frames, and answers each
/// `response.create` at once. Returns the base URL (`http://…/v1`).
async fn recorder() -> (String, Log) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/v1", listener.local_addr().unwrap());
    let log: Log = Arc::default();
    let shared = Arc::clone(&log);
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else { return };
            let log = Arc::clone(&shared);
            tokio::spawn(async move {
                let index = {
                    let mut log = log.lock().unwrap();
                    log.push(Connection::default());
                    log.len() - 1
                };
                let record = Arc::clone(&log);
                let callback = move |req: &Request, resp: Response| {
                    let mut log = record.lock().unwrap();
                    log[index].uri = req.uri().to_string();
                    log[index].headers = req.headers().iter().map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or("").to_owned())).collect();
                    Ok(resp)
                };
                let Ok(mut ws) = tokio_tungstenite::accept_hdr_async(tcp, callback).await else { return };
                let mut n = 0;
                while let Some(Ok(message)) = ws.next().await {
                    let Message::Text(text) = message else { continue };
                    let frame: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
                    log.lock().unwrap()[index].frames.push(frame.clone());
                    n += 1;
                    for event in answer(n, &frame) {
                        if ws.send(Message::text(event.to_string())).await.is_err() {
                            return;
                        }
                    }
                }
            });
        }
    });
    (base, log)
}

fn weather_tool() -> Value {
    json!({"type": "function", "name": "get_weather", "description": "Current weather for a city.",
           "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"], "additionalProperties": false},
           "strict": true})
}

/// The turns both clients make: a first response, a tool result chained onto it, and one on a lane.
fn turns() -> Value {
    json!([
        {"args": {"model": "gpt-4.1", "input": "What is the weather in Paris?", "tools": [weather_tool()], "store": false}},
        {"args": {"model": "gpt-4.1", "previous_response_id": "resp_1", "tools": [weather_tool()],
                  "input": [{"type": "function_call_output", "call_id": "call_1", "output": "{\"temp_c\": 21}"}]}},
        {"stream_id": "agent_1", "args": {"model": "gpt-4.1", "input": "Say hello on a lane.", "metadata": {"turn": "3"}}}
    ])
}

fn client(base: &str) -> Client {
    Client::builder().base_url(base).api_key("sk-wire-test").max_retries(0).build().unwrap()
}

const BETA: (&str, &str) = ("OpenAI-Beta", "responses_websockets=2026-02-06");

/// Our side of the turns: the first through `send` and the stream (folded by the accumulator),
/// the others through `create` and `create_on`. Returns what was decoded, as the SDK prints it.
async fn ours(base: &str) -> Vec<Value> {
    let mut socket = client(base).responses().connect_with(SocketOptions::new().header(BETA.0, BETA.1)).await.unwrap();
    let mut out = Vec::new();
    for (i, turn) in turns().as_array().unwrap().iter().enumerate() {
        let body: types::CreateResponse = serde_json::from_value(turn["args"].clone()).unwrap();
        let lane = turn.get("stream_id").and_then(Value::as_str);
        if i == 0 {
            socket.send(&body).await.unwrap();
            let (mut kinds, mut acc) = (Vec::new(), ResponseAccumulator::new());
            while let Some(event) = socket.next().await {
                let event = event.unwrap();
                acc.push_ws(&event);
                kinds.push(event.event_type().to_owned());
                if matches!(event, types::ResponsesServerEvent::Completed(_)) {
                    break;
                }
            }
            let r = acc.into_response().unwrap();
            out.push(json!({"types": kinds, "id": *r.id, "output_text": r.output_text()}));
            continue;
        }
        let r = match lane {
            Some(lane) => socket.create_on(lane, &body).await.unwrap(),
            None => socket.create(&body).await.unwrap(),
        };
        out.push(json!({"id": *r.id, "output_text": r.output_text()}));
    }
    socket.close().await.unwrap();
    out
}

/// Handshake headers that differ between the SDK and us, each with its reason. Anything not here
/// must be equal (names and values), apart from the per-connection ones in `PER_CONNECTION`.
/// Sorted by name.
const KNOWN_HEADERS: &[(&str, &str)] = &[
    ("sec-websocket-extensions", "the SDK's `websockets` offers permessage-deflate; tungstenite has no compression, so we offer none (the server may not compress, and events are small)"),
    ("user-agent", "each client names itself (`OpenAI/Python 2.54.0` against `openai-responses-rust/0.1.0`)"),
];
const PER_CONNECTION: &[&str] = &["sec-websocket-key", "host"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sdk_and_ours_send_the_same_frames_and_handshake() {
    let Some(python) = std::env::var_os("OPENAI_SDK_PYTHON").filter(|v| !v.is_empty()) else {
        let required = std::env::var("REQUIRE_CORPUS").is_ok_and(|v| v == "1") || std::env::var_os("CI").is_some();
        assert!(!required, "OPENAI_SDK_PYTHON is not set (REQUIRE_CORPUS=1 or CI is set); run `cargo xtask test`");
        eprintln!("skipping: OPENAI_SDK_PYTHON is not set; `cargo xtask test` installs the SDK and sets it");
        return;
    };
    let (base, log) = recorder().await;
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tools/python/sdk/ws_calls.py");
    let dir = std::env::temp_dir().join(format!("ws-turns-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let turns_file = dir.join("turns.json");
    std::fs::write(&turns_file, turns().to_string()).unwrap();
    let output = tokio::process::Command::new(python).arg(&script).arg(&base).arg(&turns_file).output().await.unwrap();
    assert!(output.status.success(), "ws_calls.py: {}", String::from_utf8_lossy(&output.stderr));
    let theirs: Vec<Value> = String::from_utf8_lossy(&output.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let mine = ours(&base).await;

    // What each decoded: the same ids and text (the SDK saw every event of every turn).
    assert_eq!(theirs.len(), mine.len());
    for (t, m) in theirs.iter().zip(&mine) {
        assert_eq!((&t["id"], &t["output_text"]), (&m["id"], &m["output_text"]));
        if m.get("types").is_some() {
            assert_eq!(t["types"], m["types"]);
        }
    }

    let log = log.lock().unwrap().clone();
    assert_eq!(log.len(), 2, "one connection each");
    let (sdk, rust) = (&log[0], &log[1]);
    assert_eq!(sdk.uri, "/v1/responses");
    assert_eq!(rust.uri, sdk.uri);
    assert_eq!(rust.frames, sdk.frames, "the client frames, as JSON values");
    assert_eq!(sdk.frames.len(), 3);

    let mut differences: Vec<&str> = Vec::new();
    let names: std::collections::BTreeSet<&String> = sdk.headers.keys().chain(rust.headers.keys()).collect();
    for name in names {
        if PER_CONNECTION.contains(&name.as_str()) {
            continue;
        }
        if sdk.headers.get(name) != rust.headers.get(name) {
            differences.push(name);
        }
    }
    let known: Vec<&str> = KNOWN_HEADERS.iter().map(|(n, _)| *n).collect();
    assert_eq!(differences, known, "handshake headers: SDK {:?}\nours {:?}", sdk.headers, rust.headers);
    assert_eq!(rust.headers["authorization"], "Bearer sk-wire-test");
    assert_eq!(rust.headers["openai-beta"], BETA.1);
}

#[tokio::test]
async fn create_ends_on_an_error_event_with_its_code_and_the_socket_goes_on() {
    let (base, _) = recorder().await;
    let mut socket = client(&base).responses().connect().await.unwrap();
    let body = |previous: &str| types::CreateResponse {
        model: "gpt-4.1".into(),
        previous_response_id: previous.into(),
        ..Default::default()
    };
    let err = socket.create(&body("resp_missing")).await.unwrap_err();
    assert_eq!(err.code(), Some("previous_response_not_found"));
    assert!(err.to_string().contains("previous_response_not_found"), "{err}");
    let r = socket.create(&body("resp_1")).await.unwrap();
    assert_eq!(r.output_text(), "Hello there");
}

#[tokio::test]
async fn background_is_refused_and_stream_is_never_sent() {
    let (base, log) = recorder().await;
    let mut socket = client(&base).responses().connect().await.unwrap();
    let mut body = types::CreateResponse { model: "gpt-4.1".into(), background: true.into(), ..Default::default() };
    let err = socket.send(&body).await.unwrap_err();
    assert!(matches!(err, Error::Socket { kind: openai_responses::SocketErrorKind::Refused, .. }), "{err:?}");
    body.background = false.into();
    body.stream = true.into();
    socket.create(&body).await.unwrap();
    let frames = log.lock().unwrap()[0].frames.clone();
    assert_eq!(frames, [json!({"type": "response.create", "model": "gpt-4.1", "background": false})]);
}

#[tokio::test]
async fn lanes_interleave_and_the_stream_keeps_the_other_lanes_events() {
    let (base, _) = recorder().await;
    let mut socket = client(&base).responses().connect().await.unwrap();
    let body = types::CreateResponse { model: "gpt-4.1".into(), input: "hi".into(), ..Default::default() };
    socket.send_on("a", &body).await.unwrap();
    let r = socket.create_on("b", &body).await.unwrap();
    assert_eq!(*r.id, "resp_2");
    // Lane a's six events waited for the stream, in order, each naming its lane.
    let mut a = Vec::new();
    for _ in 0..6 {
        let event = socket.next().await.unwrap().unwrap();
        assert_eq!(event.stream_id(), Some("a"));
        if let types::ResponsesServerEvent::OutputTextDelta(d) = &event {
            a.push(d.delta.to_string());
        }
    }
    assert_eq!(a, ["Hello", " there"]);
}
