//! Streaming through the generated client against an in-process HTTP/1.1 server on 127.0.0.1:
//! typed events, the `Other` arm, skipped keepalives, `error` events, folding with
//! `ResponseAccumulator`, and automatic resumption through `GET /responses/{id}?stream=true`.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::StreamExt;
use openai_responses::api::RetrieveParams;
use openai_responses::ext::responses::ResponseAccumulator;
use openai_responses::types::{
    CreateResponse, InputParam, OutputItem, Response, ResponseStatus, ResponseStreamEvent,
};
use openai_responses::{Client, Error, Sleeper};
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

// ---------------------------------------------------------------------------------------------
// A scripted raw HTTP/1.1 server: one reply per connection, in order; every request is recorded.

enum Reply {
    /// `text/event-stream` body closed cleanly (EOF-delimited).
    Sse(Vec<String>),
    /// Chunked `text/event-stream` body; the connection drops without the final chunk.
    SseDropped(Vec<String>),
}

#[derive(Clone, Debug)]
struct Request {
    /// `GET /v1/responses/resp_1?stream=true HTTP/1.1`
    line: String,
    body: Vec<u8>,
}

struct Server {
    base_url: String,
    requests: Arc<Mutex<Vec<Request>>>,
}

impl Server {
    async fn start(replies: Vec<Reply>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}/v1", listener.local_addr().unwrap());
        let replies = Arc::new(Mutex::new(VecDeque::from(replies)));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let recorded = requests.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let (replies, recorded) = (replies.clone(), recorded.clone());
                tokio::spawn(async move {
                    let mut reader = BufReader::new(socket);
                    let mut line = String::new();
                    reader.read_line(&mut line).await.unwrap();
                    let request_line = line.trim_end().to_owned();
                    let mut length = 0;
                    loop {
                        line.clear();
                        reader.read_line(&mut line).await.unwrap();
                        let header = line.trim_end().to_ascii_lowercase();
                        if header.is_empty() {
                            break;
                        }
                        if let Some(v) = header.strip_prefix("content-length:") {
                            length = v.trim().parse().unwrap();
                        }
                    }
                    let mut body = vec![0; length];
                    reader.read_exact(&mut body).await.unwrap();
                    recorded.lock().unwrap().push(Request {
                        line: request_line,
                        body,
                    });
                    let reply = replies
                        .lock()
                        .unwrap()
                        .pop_front()
                        .expect("a scripted reply");
                    let mut socket = reader.into_inner();
                    let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n";
                    match reply {
                        Reply::Sse(events) => {
                            socket
                                .write_all(format!("{head}\r\n").as_bytes())
                                .await
                                .unwrap();
                            for e in events {
                                socket.write_all(e.as_bytes()).await.unwrap();
                            }
                        }
                        Reply::SseDropped(events) => {
                            let head = format!("{head}transfer-encoding: chunked\r\n\r\n");
                            socket.write_all(head.as_bytes()).await.unwrap();
                            for e in events {
                                let chunk = format!("{:x}\r\n{e}\r\n", e.len());
                                socket.write_all(chunk.as_bytes()).await.unwrap();
                            }
                            socket.flush().await.unwrap();
                            // Let the client read what was sent, then drop the connection.
                            tokio::time::sleep(Duration::from_millis(20)).await;
                        }
                    }
                    let _ = socket.shutdown().await;
                });
            }
        });
        Server { base_url, requests }
    }

    fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }
}

/// Returns at once instead of sleeping; counts the calls.
#[derive(Default)]
struct NoSleep(Mutex<usize>);

impl Sleeper for NoSleep {
    fn sleep(&self, _: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + 'static>> {
        *self.0.lock().unwrap() += 1;
        Box::pin(async {})
    }
}

fn client(server: &Server, sleeper: &Arc<NoSleep>, auto_resume: bool) -> Client {
    Client::builder()
        .api_key("sk-test")
        .base_url(&server.base_url)
        .sleeper(sleeper.clone())
        .jitter(Arc::new(|| 0.0))
        .auto_resume(auto_resume)
        .build()
        .unwrap()
}

fn request() -> CreateResponse {
    CreateResponse {
        model: "gpt-5".into(),
        input: InputParam::TextInput("Say hello, then call get_weather.".into()).into(),
        ..Default::default()
    }
}

// ---------------------------------------------------------------------------------------------
// A realistic event sequence: a message streamed as text deltas, then a function call streamed
// as argument deltas.

fn response(status: &str, output: Value) -> Value {
    json!({
        "id": "resp_1", "object": "response", "created_at": 1_700_000_000, "status": status,
        "model": "gpt-5", "output": output, "tools": [], "tool_choice": "auto",
        "parallel_tool_calls": true, "error": null, "incomplete_details": null,
        "instructions": null, "metadata": {}, "temperature": 1.0, "top_p": 1.0,
        "usage": if status == "completed" {
            json!({"input_tokens": 12, "output_tokens": 9, "total_tokens": 21,
                   "input_tokens_details": {"cached_tokens": 0},
                   "output_tokens_details": {"reasoning_tokens": 0}})
        } else { Value::Null }
    })
}

fn text_part(text: &str) -> Value {
    json!({"type": "output_text", "text": text, "annotations": [], "logprobs": []})
}

fn message(status: &str, content: Value) -> Value {
    json!({"type": "message", "id": "msg_1", "role": "assistant", "status": status, "content": content})
}

fn call(status: &str, arguments: &str) -> Value {
    json!({"type": "function_call", "id": "fc_1", "call_id": "call_1", "name": "get_weather",
           "arguments": arguments, "status": status})
}

/// The data of every event, `sequence_number` filled in from the position.
fn event_data() -> Vec<Value> {
    let done_message = message("completed", json!([text_part("Hello, world!")]));
    let done_call = call("completed", r#"{"city":"Lyon"}"#);
    let mut events = vec![
        json!({"type": "response.created", "response": response("in_progress", json!([]))}),
        json!({"type": "response.in_progress", "response": response("in_progress", json!([]))}),
        json!({"type": "response.output_item.added", "output_index": 0,
               "item": message("in_progress", json!([]))}),
        json!({"type": "response.content_part.added", "item_id": "msg_1", "output_index": 0,
               "content_index": 0, "part": text_part("")}),
    ];
    for delta in ["Hel", "lo, ", "world!"] {
        events.push(
            json!({"type": "response.output_text.delta", "item_id": "msg_1",
                           "output_index": 0, "content_index": 0, "delta": delta, "logprobs": []}),
        );
    }
    events.extend([
        json!({"type": "response.output_text.done", "item_id": "msg_1", "output_index": 0,
               "content_index": 0, "text": "Hello, world!", "logprobs": []}),
        json!({"type": "response.content_part.done", "item_id": "msg_1", "output_index": 0,
               "content_index": 0, "part": text_part("Hello, world!")}),
        json!({"type": "response.output_item.done", "output_index": 0, "item": done_message}),
        json!({"type": "response.output_item.added", "output_index": 1, "item": call("in_progress", "")}),
    ]);
    for delta in [r#"{"city""#, r#":"Lyon"}"#] {
        events.push(
            json!({"type": "response.function_call_arguments.delta", "item_id": "fc_1",
                           "output_index": 1, "delta": delta}),
        );
    }
    events.extend([
        json!({"type": "response.function_call_arguments.done", "item_id": "fc_1",
               "output_index": 1, "name": "get_weather", "arguments": r#"{"city":"Lyon"}"#}),
        json!({"type": "response.output_item.done", "output_index": 1, "item": done_call.clone()}),
        json!({"type": "response.completed",
               "response": response("completed", json!([done_message, done_call]))}),
    ]);
    for (i, e) in events.iter_mut().enumerate() {
        e["sequence_number"] = json!(i);
    }
    events
}

fn sse(data: &Value) -> String {
    format!(
        "event: {}\ndata: {data}\n\n",
        data["type"].as_str().unwrap()
    )
}

fn event_texts() -> Vec<String> {
    event_data().iter().map(sse).collect()
}

fn completed_response() -> Response {
    let last = event_data().pop().unwrap();
    serde_json::from_value(last["response"].clone()).unwrap()
}

fn seq(event: &ResponseStreamEvent) -> i64 {
    event
        .sequence_number()
        .expect("every scripted event has a sequence_number")
}

async fn collect(
    stream: impl futures_util::Stream<Item = Result<ResponseStreamEvent, Error>>,
) -> Vec<Result<ResponseStreamEvent, Error>> {
    stream.collect().await
}

// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn create_stream_decodes_typed_events_and_skips_keepalives() {
    let mut texts = event_texts();
    texts.insert(1, ": a comment line\n\n".into());
    texts.insert(
        3,
        "event: keepalive\ndata: {\"type\":\"keepalive\"}\n\n".into(),
    );
    texts.insert(4, "data: {\"type\":\"keepalive\"}\n\n".into());
    texts.insert(
        6,
        "event: response.teleport.started\ndata: {\"type\":\"response.teleport.started\",\"sequence_number\":99,\"where\":\"mars\"}\n\n".into(),
    );
    let server = Server::start(vec![Reply::Sse(texts)]).await;
    let sleeper = Arc::new(NoSleep::default());
    let events = client(&server, &sleeper, false)
        .responses()
        .create_stream(&request())
        .await
        .unwrap();
    let events: Vec<ResponseStreamEvent> = collect(events)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();

    // 17 known events plus the unknown one; comments and keepalives never reach the consumer.
    assert_eq!(events.len(), event_data().len() + 1);
    use ResponseStreamEvent as E;
    assert!(
        matches!(&events[0], E::Created(e) if e.response.id == "resp_1" && e.sequence_number == 0)
    );
    assert!(matches!(&events[1], E::InProgress(_)));
    assert!(
        matches!(&events[2], E::OutputItemAdded(e) if matches!(*e.item, OutputItem::Message(_)))
    );
    match &events[3] {
        E::Other(raw) => {
            assert_eq!(raw["type"], "response.teleport.started");
            assert_eq!(raw["where"], "mars");
        }
        other => panic!("expected the Other arm, got {other:?}"),
    }
    assert!(matches!(&events[4], E::ContentPartAdded(_)));
    assert!(
        matches!(&events[5], E::OutputTextDelta(e) if e.delta == "Hel" && e.item_id == "msg_1")
    );
    assert!(matches!(&events[8], E::OutputTextDone(e) if e.text == "Hello, world!"));
    assert!(
        matches!(&events[11], E::OutputItemAdded(e) if matches!(&*e.item, OutputItem::FunctionCall(c) if c.name == "get_weather"))
    );
    assert!(matches!(&events[12], E::FunctionCallArgumentsDelta(e) if e.delta == r#"{"city""#));
    assert!(
        matches!(&events[14], E::FunctionCallArgumentsDone(e) if e.arguments == r#"{"city":"Lyon"}"#)
    );
    match events.last().unwrap() {
        E::Completed(e) => assert_eq!(*e.response.status, ResponseStatus::Completed),
        other => panic!("expected response.completed, got {other:?}"),
    }

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].line, "POST /v1/responses HTTP/1.1");
    let body: Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(body["stream"], true);
    assert_eq!(body["model"], "gpt-5");
}

#[tokio::test]
async fn an_error_event_surfaces_as_err() {
    let mut texts = event_texts()[..3].to_vec();
    texts.push(
        "event: error\ndata: {\"type\":\"error\",\"code\":\"server_error\",\"message\":\"The model crashed.\",\"param\":null,\"sequence_number\":3}\n\n".into(),
    );
    let server = Server::start(vec![Reply::Sse(texts)]).await;
    let sleeper = Arc::new(NoSleep::default());
    let items = collect(
        client(&server, &sleeper, true)
            .responses()
            .create_stream(&request())
            .await
            .unwrap(),
    )
    .await;

    assert_eq!(
        items.len(),
        4,
        "three events, then the error, then the end: {items:?}"
    );
    assert!(items[..3].iter().all(Result::is_ok));
    match &items[3] {
        Err(Error::StreamError {
            code,
            message,
            sequence_number,
            event_type,
            event,
            ..
        }) => {
            assert_eq!(code.as_deref(), Some("server_error"));
            assert_eq!(message, "The model crashed.");
            assert_eq!(*sequence_number, Some(3));
            assert_eq!(event_type.as_deref(), Some("error"));
            assert_eq!(
                event["message"], "The model crashed.",
                "the whole event is kept: {event}"
            );
            assert_eq!(event["param"], Value::Null);
        }
        other => panic!("expected Error::StreamError, got {other:?}"),
    }
    // An error event is terminal: no reconnection even with auto_resume.
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn the_accumulator_folds_the_stream_into_the_completed_response() {
    let server = Server::start(vec![Reply::Sse(event_texts())]).await;
    let sleeper = Arc::new(NoSleep::default());
    let mut events = client(&server, &sleeper, false)
        .responses()
        .create_stream(&request())
        .await
        .unwrap();
    let expected = completed_response();

    let mut acc = ResponseAccumulator::new();
    assert!(acc.response().is_none());
    while let Some(event) = events.next().await {
        let event = event.unwrap();
        if let ResponseStreamEvent::Completed(_) = &event {
            // Built from the deltas and item events alone, before the final snapshot.
            let built = acc.response().unwrap();
            assert_eq!(built.output, expected.output);
            assert_eq!(built.output_text(), "Hello, world!");
            assert_eq!(*built.status, ResponseStatus::InProgress);
        }
        acc.push(&event);
    }
    let response = acc.into_response().unwrap();
    assert_eq!(response, expected);
    assert_eq!(response.output_text(), "Hello, world!");
    assert_eq!(response.output_text(), expected.output_text());
}

#[tokio::test]
async fn the_accumulator_builds_text_and_arguments_from_deltas_alone() {
    // Without the `*.done` events and the final snapshot the deltas still add up.
    let wanted = [
        "response.created",
        "response.output_item.added",
        "response.output_text.delta",
        "response.function_call_arguments.delta",
    ];
    let mut acc = ResponseAccumulator::new();
    for data in event_data() {
        if wanted.contains(&data["type"].as_str().unwrap()) {
            acc.push(&serde_json::from_value(data).unwrap());
        }
    }
    let built = acc.response().unwrap();
    assert_eq!(built.output_text(), "Hello, world!");
    match &built.output[1] {
        OutputItem::FunctionCall(call) => assert_eq!(call.arguments, r#"{"city":"Lyon"}"#),
        other => panic!("expected a function call, got {other:?}"),
    }
}

#[tokio::test]
async fn auto_resume_reconnects_through_retrieve_stream_and_delivers_each_event_once() {
    let texts = event_texts();
    // The first connection drops after event 3; the second (a replay that overlaps by one
    // event, as a server may) carries on to the end.
    let server = Server::start(vec![
        Reply::SseDropped(texts[..=3].to_vec()),
        Reply::Sse(texts[3..].to_vec()),
    ])
    .await;
    let sleeper = Arc::new(NoSleep::default());
    let client = client(&server, &sleeper, true);
    let events = client
        .responses()
        .retrieve_stream("resp_1", &RetrieveParams::default())
        .await
        .unwrap();
    let events: Vec<ResponseStreamEvent> = collect(events)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();

    let seqs: Vec<i64> = events.iter().map(seq).collect();
    assert_eq!(seqs, (0..event_data().len() as i64).collect::<Vec<_>>());

    let lines: Vec<String> = server.requests().into_iter().map(|r| r.line).collect();
    assert_eq!(
        lines,
        [
            "GET /v1/responses/resp_1?stream=true HTTP/1.1",
            "GET /v1/responses/resp_1?stream=true&starting_after=3 HTTP/1.1",
        ]
    );
    assert_eq!(
        *sleeper.0.lock().unwrap(),
        1,
        "one (injected) backoff before reconnecting"
    );

    let mut acc = ResponseAccumulator::new();
    events.iter().for_each(|e| acc.push(e));
    assert_eq!(acc.into_response().unwrap(), completed_response());
}

#[tokio::test]
async fn without_auto_resume_a_dropped_stream_ends_with_an_error() {
    let server = Server::start(vec![Reply::SseDropped(event_texts()[..=3].to_vec())]).await;
    let sleeper = Arc::new(NoSleep::default());
    let items = collect(
        client(&server, &sleeper, false)
            .responses()
            .create_stream(&request())
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(items.len(), 5);
    assert!(items[..4].iter().all(Result::is_ok));
    assert!(items[4].is_err(), "{:?}", items[4]);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn events_without_sequence_numbers_stay_without_them() {
    // A compatible server that numbers nothing, and a queued snapshot that knows almost nothing.
    let queued = json!({"type": "response.queued", "response": {"id": "resp_1", "object": "response", "status": "queued"}});
    let delta = json!({"type": "response.output_text.delta", "item_id": "msg_1", "output_index": 0,
        "content_index": 0, "delta": "Hi"});
    let server = Server::start(vec![Reply::Sse(vec![sse(&queued), sse(&delta)])]).await;
    let sleeper = Arc::new(NoSleep::default());
    let mut events = client(&server, &sleeper, false)
        .responses()
        .create_stream(&request())
        .await
        .unwrap();
    let mut seen = Vec::new();
    while let Some(event) = events.next().await {
        seen.push(event.unwrap());
    }
    assert_eq!(
        events.last_sequence_number(),
        None,
        "no number was delivered"
    );
    assert_eq!(events.response_id(), Some("resp_1"));
    assert_eq!(seen.len(), 2);
    assert!(
        seen.iter().all(|e| e.sequence_number().is_none()),
        "{seen:?}"
    );
    // Encoded again, each is what came: no `sequence_number`, and the queued response gains no
    // `model`, `tools`, `output`...
    assert_eq!(serde_json::to_value(&seen[0]).unwrap(), queued);
    assert_eq!(serde_json::to_value(&seen[1]).unwrap(), delta);
}
