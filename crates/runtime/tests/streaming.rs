//! Server-sent events over real HTTP: framing, skipping, decode failures, error events, truncation.

mod common;

#[allow(unused_imports)]
use common::BearerMethods;

use std::time::Duration;

use common::{RecordingSleeper, Reply, TestServer};
use futures_util::StreamExt;
use oa_runtime::{ApiRequest, Error, EventStream, RequestOptions};
use reqwest::Method;
use serde::Deserialize;
use serde_json::{json, Value};

fn post() -> ApiRequest {
    ApiRequest::new(Method::POST, "/responses")
        .json(&json!({"stream": true}))
        .unwrap()
}

async fn collect<T: oa_runtime::StreamEvent>(mut s: EventStream<T>) -> Vec<Result<T, Error>> {
    let mut out = Vec::new();
    while let Some(item) = s.next().await {
        out.push(item);
    }
    out
}

async fn stream_of(reply: Reply) -> (TestServer, Vec<Result<Value, Error>>) {
    let server = TestServer::start(vec![reply]).await;
    let sleeper = RecordingSleeper::new();
    let client = server.builder(&sleeper).build().unwrap();
    let s = client.send_stream::<Value>(post()).await.unwrap();
    let items = collect(s).await;
    (server, items)
}

fn oks(items: &[Result<Value, Error>]) -> Vec<Value> {
    items
        .iter()
        .filter_map(|r| r.as_ref().ok().cloned())
        .collect()
}

#[tokio::test]
async fn comments_and_keepalives_are_skipped_and_done_ends_the_stream() {
    let (server, items) = stream_of(Reply::sse(&[
        ": hello comment\n\n",
        "event: keepalive\ndata: {}\n\n",
        "data: {\"type\":\"keepalive\"}\n\n",
        "event: response.created\ndata: {\"type\":\"a\",\"n\":1}\n\n",
        "id: 7\nretry: 100\ndata: {\"type\":\"b\",\n",
        "data: \"n\":2}\n\n",
        "data: [DONE]\n\n",
        "data: {\"type\":\"after-done\"}\n\n",
    ]))
    .await;
    assert_eq!(
        oks(&items),
        vec![json!({"type":"a","n":1}), json!({"type":"b","n":2})]
    );
    assert_eq!(items.len(), 2);
    let req = &server.requests()[0];
    assert_eq!(req.header("accept"), Some("text/event-stream"));
    assert_eq!(req.header("content-type"), Some("application/json"));
}

#[tokio::test]
async fn done_is_optional() {
    let (_s, items) = stream_of(Reply::sse(&["data: {\"n\":1}\n\n", "data: {\"n\":2}\n\n"])).await;
    assert_eq!(oks(&items), vec![json!({"n":1}), json!({"n":2})]);
    assert_eq!(items.len(), 2);
}

#[tokio::test]
async fn line_endings_and_split_chunks() {
    // CRLF, lone CR and LF line endings, with chunks split mid-line and between CR and LF.
    let (_s, items) = stream_of(
        Reply::sse(&[
            "\u{feff}da",
            "ta: {\"n\"",
            ":1}\r",
            "\n\r",
            "\ndata: {\"n\":2}\r\r",
            "data: {\"n\":3}\n",
            "\n",
        ])
        .paced(),
    )
    .await;
    assert_eq!(
        oks(&items),
        vec![json!({"n":1}), json!({"n":2}), json!({"n":3})]
    );
}

#[tokio::test]
async fn undecodable_event_yields_error_and_stream_continues() {
    #[derive(Debug, Deserialize, serde::Serialize, PartialEq)]
    struct Ev {
        n: u32,
    }
    impl oa_runtime::StreamEvent for Ev {}
    let server = TestServer::start(vec![Reply::sse(&[
        "data: {\"n\":1}\n\n",
        "data: {not json\n\n",
        "data: {\"n\":\"two\"}\n\n",
        "data: {\"n\":3}\n\n",
    ])])
    .await;
    let sleeper = RecordingSleeper::new();
    let client = server.builder(&sleeper).build().unwrap();
    let items = collect(client.send_stream::<Ev>(post()).await.unwrap()).await;
    assert_eq!(items.len(), 4);
    assert_eq!(items[0].as_ref().unwrap(), &Ev { n: 1 });
    match &items[1] {
        Err(e @ Error::Decode { body, path, .. }) => {
            assert_eq!(body, "{not json");
            assert_eq!(path, ".");
            assert!(e.to_string().contains("line 1 column 2"), "{e}");
        }
        other => panic!("{other:?}"),
    }
    match &items[2] {
        Err(Error::Decode { body, path, .. }) => {
            assert_eq!(body, "{\"n\":\"two\"}");
            assert_eq!(path, "n");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(items[3].as_ref().unwrap(), &Ev { n: 3 });
}

#[tokio::test]
async fn flat_and_nested_error_events() {
    // An error event ends the stream: what follows it is not delivered.
    let (_s, mut items) = stream_of(Reply::sse(&[
        "data: {\"type\":\"error\",\"code\":\"rate_limit\",\"message\":\"slow down\",\"param\":null,\"sequence_number\":4}\n\n",
        "data: {\"type\":\"response.output_text.delta\",\"sequence_number\":5}\n\n",
    ]))
    .await;
    assert_eq!(items.len(), 1);
    let (_s2, nested) = stream_of(Reply::sse(&[
        "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"server_error\",\"code\":\"boom\",\"message\":\"nested\",\"param\":\"input\"}}\n\n",
    ]))
    .await;
    items.extend(nested);
    assert_eq!(items.len(), 2);
    match &items[0] {
        Err(Error::StreamError {
            code,
            message,
            param,
            sequence_number,
            event_type,
            event,
        }) => {
            assert_eq!(code.as_deref(), Some("rate_limit"));
            assert_eq!(message, "slow down");
            assert_eq!(param, &None);
            assert_eq!(sequence_number, &Some(4));
            assert_eq!(event_type.as_deref(), Some("error"));
            assert_eq!(event["code"], "rate_limit");
        }
        other => panic!("{other:?}"),
    }
    match &items[1] {
        Err(Error::StreamError {
            code,
            message,
            param,
            sequence_number,
            ..
        }) => {
            assert_eq!(code.as_deref(), Some("boom"));
            assert_eq!(message, "nested");
            assert_eq!(param.as_deref(), Some("input"));
            assert_eq!(sequence_number, &None);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn error_event_keeps_its_type_raw_json_and_sequence_number() {
    let raw = json!({
        "type": "error",
        "sequence_number": 12,
        "error": {"type": "server_error", "code": "overloaded", "message": "busy"},
        "retry_hint": {"after_ms": 250}
    });
    let (_s, items) = stream_of(Reply::sse(&[
        "data: {\"type\":\"response.created\",\"sequence_number\":11}\n\n".to_owned(),
        format!("event: error\ndata: {raw}\n\n"),
    ]))
    .await;
    assert_eq!(items.len(), 2, "{items:?}");
    match &items[1] {
        Err(Error::StreamError {
            code,
            message,
            sequence_number,
            event_type,
            event,
            ..
        }) => {
            assert_eq!(event_type.as_deref(), Some("error"));
            assert_eq!(*sequence_number, Some(12));
            assert_eq!(**event, raw);
            // A field the runtime knows nothing about is still there.
            assert_eq!(event["retry_hint"]["after_ms"], 250);
            assert_eq!(code.as_deref(), Some("overloaded"));
            assert_eq!(message, "busy");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn error_event_without_json_keeps_the_sse_event_name() {
    let (_s, items) = stream_of(Reply::sse(&["event: error\ndata: upstream exploded\n\n"])).await;
    assert_eq!(items.len(), 1);
    match &items[0] {
        Err(Error::StreamError {
            message,
            sequence_number,
            event_type,
            event,
            ..
        }) => {
            assert_eq!(event_type.as_deref(), Some("error"));
            assert_eq!(message, "upstream exploded");
            assert_eq!(*sequence_number, None);
            assert!(event.is_null(), "{event:?}");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn truncated_event_at_eof_is_reported() {
    let (_s, items) = stream_of(Reply::sse(&["data: {\"n\":1}\n\n", "data: {\"n\":"])).await;
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].as_ref().unwrap(), &json!({"n":1}));
    assert!(matches!(&items[1], Err(Error::Stream(_))), "{:?}", items[1]);
}

#[tokio::test]
async fn dropped_connection_without_resume_is_an_error() {
    let (_s, items) =
        stream_of(Reply::sse(&["data: {\"n\":1}\n\n", "data: {\"n\":2}\n\n"]).abort()).await;
    assert_eq!(oks(&items), vec![json!({"n":1}), json!({"n":2})]);
    assert_eq!(items.len(), 3);
    assert!(
        matches!(&items[2], Err(Error::Connection(_))),
        "{:?}",
        items[2]
    );
}

#[tokio::test]
async fn error_status_is_returned_before_streaming() {
    let server = TestServer::start(vec![Reply::json(
        401,
        r#"{"error":{"message":"bad key","type":"invalid_request_error","code":"invalid_api_key","param":null}}"#,
    )
    .header("x-request-id", "req_9")])
    .await;
    let sleeper = RecordingSleeper::new();
    let client = server.builder(&sleeper).build().unwrap();
    let err = client.send_stream::<Value>(post().error_message_at("/error/message")).await.unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert_eq!(err.request_id(), Some("req_9"));
    assert_eq!(
        err.api_error().unwrap().code.as_deref(),
        Some("invalid_api_key")
    );
}

#[tokio::test]
async fn stream_errors_are_retried_before_the_body() {
    let server = TestServer::start(vec![
        Reply::json(503, "{}"),
        Reply::sse(&["data: {\"n\":1}\n\n"]).header("x-request-id", "req_s"),
    ])
    .await;
    let sleeper = RecordingSleeper::new();
    let client = server.builder(&sleeper).build().unwrap();
    let s = client.send_stream::<Value>(post()).await.unwrap();
    assert_eq!(s.request_id(), Some("req_s"));
    assert_eq!(s.status(), 200);
    assert_eq!(oks(&collect(s).await), vec![json!({"n":1})]);
    let reqs = server.requests();
    assert_eq!(
        reqs[0].header("idempotency-key"),
        reqs[1].header("idempotency-key")
    );
}

#[tokio::test]
async fn stalled_stream_times_out() {
    // A server that sends the head and one event, then nothing for 30 s.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let (mut sock, _) = listener.accept().await.unwrap();
        let mut buf = [0u8; 4096];
        let _ = sock.read(&mut buf).await;
        let _ = sock
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\nf\r\ndata: {\"n\":1}\n\n\r\n")
            .await;
        tokio::time::sleep(Duration::from_secs(30)).await;
    });
    let sleeper = RecordingSleeper::new();
    let client = common::builder()
        .api_key(common::KEY)
        .base_url(format!("http://{addr}/v1"))
        .sleeper(sleeper)
        .build()
        .unwrap();
    let req = post().options(RequestOptions::default().timeout(Duration::from_millis(200)));
    let items = collect(client.send_stream::<Value>(req).await.unwrap()).await;
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].as_ref().unwrap(), &json!({"n":1}));
    assert!(
        matches!(&items[1], Err(Error::Timeout(Some(_)))),
        "{:?}",
        items[1]
    );
}

#[tokio::test]
async fn dropping_the_stream_closes_the_connection() {
    fn ev(i: u64) -> String {
        format!("data: {{\"n\":{i},\"pad\":\"{}\"}}\n\n", "x".repeat(1000))
    }
    let server = TestServer::start(vec![Reply::endless(ev, 1 << 40)]).await;
    let sleeper = RecordingSleeper::new();
    let client = server.builder(&sleeper).build().unwrap();
    let mut s = client.send_stream::<Value>(post()).await.unwrap();
    for i in 0..3u64 {
        assert_eq!(s.next().await.unwrap().unwrap()["n"], json!(i));
    }
    drop(s);
    // The server notices the closed socket once its writes fail.
    for _ in 0..500 {
        if server.client_went_away() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the server kept writing to a dropped stream");
}

#[tokio::test]
async fn trailing_carriage_return_at_eof_ends_the_event() {
    let (_s, items) = stream_of(Reply::sse(&["data: {\"n\":1}\r", "\r"]).paced()).await;
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].as_ref().unwrap(), &json!({"n":1}));
}

#[tokio::test]
async fn byte_by_byte_delivery() {
    let text = ": c\r\nevent: x\r\ndata: {\"n\":1,\r\ndata: \"s\":\"é\"}\r\n\r\ndata:{\"n\":2}\r\rdata: [DONE]\n\n";
    let bytes: Vec<String> = text.chars().map(String::from).collect();
    let (_s, items) = stream_of(Reply::sse(&bytes).paced()).await;
    assert_eq!(oks(&items), vec![json!({"n":1,"s":"é"}), json!({"n":2})]);
    assert_eq!(items.len(), 2);
}

#[tokio::test]
async fn json_answer_to_a_stream_request_is_an_unexpected_content_type() {
    let body = r#"{"id":"resp_1","object":"response","status":"completed"}"#;
    let server =
        TestServer::start(vec![Reply::json(200, body).header("x-request-id", "req_j")]).await;
    let sleeper = RecordingSleeper::new();
    let client = server.builder(&sleeper).build().unwrap();
    let err = client.send_stream::<Value>(post()).await.unwrap_err();
    match &err {
        Error::UnexpectedContentType {
            status,
            content_type,
            request_id,
            body: start,
        } => {
            assert_eq!(*status, 200);
            assert_eq!(content_type.as_deref(), Some("application/json"));
            assert_eq!(request_id.as_deref(), Some("req_j"));
            assert_eq!(start, body);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(err.status(), Some(200));
    assert_eq!(err.request_id(), Some("req_j"));
    let shown = err.to_string();
    assert!(shown.contains("application/json"), "{shown}");
    assert!(shown.contains(r#"{"id":"resp_1""#), "{shown}");
    // A 2xx is not retried, whatever its type.
    assert_eq!(server.requests().len(), 1);
    assert!(sleeper.delays().is_empty());
}

#[tokio::test]
async fn unexpected_body_is_cut_to_its_start_and_missing_type_is_rejected() {
    // 3 bytes per character, so the 4 KiB cut falls inside one.
    let big = "€".repeat(5000);
    let mut html = Reply::json(200, &big);
    html.headers = vec![("content-type".into(), "text/html".into())];
    let mut untyped = Reply::json(200, "data: {\"n\":1}\n\n");
    untyped.headers.clear();
    let server = TestServer::start(vec![html, untyped]).await;
    let sleeper = RecordingSleeper::new();
    let client = server.builder(&sleeper).build().unwrap();
    let err = client.send_stream::<Value>(post()).await.unwrap_err();
    match &err {
        Error::UnexpectedContentType { body, .. } => {
            assert!(body.len() <= 4096 && body.len() > 4000, "{}", body.len());
            assert!(body.chars().all(|c| c == '€'));
        }
        other => panic!("{other:?}"),
    }
    // Display shows only the beginning of what the error keeps.
    let shown = err.to_string();
    assert!(
        shown.contains("text/html") && shown.ends_with("€…"),
        "{shown}"
    );
    assert!(shown.chars().count() < 400, "{shown}");
    match client.send_stream::<Value>(post()).await.unwrap_err() {
        Error::UnexpectedContentType {
            content_type, body, ..
        } => {
            assert_eq!(content_type, None);
            assert_eq!(body, "data: {\"n\":1}\n\n");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn event_stream_type_with_parameters_is_accepted() {
    let mut reply = Reply::sse(&["data: {\"n\":1}\n\n"]);
    reply.headers = vec![(
        "content-type".into(),
        "Text/Event-Stream ; charset=utf-8".into(),
    )];
    let (_s, items) = stream_of(reply).await;
    assert_eq!(oks(&items), vec![json!({"n":1})]);
}
