//! The WebSocket transport against an in-process server: the handshake (URL, credentials once
//! per handshake, default headers and query), lanes interleaving, error events, a drop in the
//! middle of a result, the server's time-limit close and reconnection, malformed, binary and
//! oversized frames, and a silent server.

// tungstenite's handshake callback returns its large error type by value.
#![allow(clippy::result_large_err)]

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use oa_runtime::{Client, Credential, Error, Reconnect, Socket, SocketErrorKind, SocketEvent, SocketOptions};
use serde_json::{json, Value};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

/// Server events as the tests see them: JSON with a `stream_id` lane; `done` and `error` end a result.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
struct Ev(Value);

impl SocketEvent for Ev {
    fn event_type(&self) -> &str {
        self.0["type"].as_str().unwrap_or_default()
    }
    fn lane(&self) -> Option<&str> {
        self.0.get("stream_id").and_then(Value::as_str)
    }
    fn ends_result(&self) -> bool {
        matches!(self.event_type(), "done" | "error")
    }
    fn is_error(&self) -> bool {
        self.event_type() == "error"
    }
}

type Ws = WebSocketStream<TcpStream>;
type Handshakes = mpsc::UnboundedReceiver<(String, Vec<(String, String)>)>;

/// A server on loopback running `script(connection number, socket)` for each connection; the
/// handshake's URI and headers are reported on the channel.
async fn server<F, Fut>(script: F) -> (String, Handshakes)
where
    F: Fn(usize, Ws) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/v1", listener.local_addr().unwrap());
    let (tx, rx) = mpsc::unbounded_channel();
    let script = Arc::new(script);
    tokio::spawn(async move {
        for n in 0.. {
            let Ok((tcp, _)) = listener.accept().await else { return };
            let tx = tx.clone();
            let callback = move |req: &Request, resp: Response| {
                let headers = req.headers().iter().map(|(k, v)| (k.to_string(), v.to_str().unwrap_or_default().to_owned())).collect();
                let _ = tx.send((req.uri().to_string(), headers));
                Ok(resp)
            };
            let ws = tokio_tungstenite::accept_hdr_async(tcp, callback).await.unwrap();
            tokio::spawn(script(n, ws));
        }
    });
    (base, rx)
}

async fn recv_json(ws: &mut Ws) -> Value {
    loop {
        match ws.next().await.expect("a frame").expect("no error") {
            Message::Text(t) => return serde_json::from_str(&t).unwrap(),
            Message::Close(_) => panic!("closed"),
            _ => {}
        }
    }
}

async fn send(ws: &mut Ws, v: Value) {
    ws.send(Message::text(v.to_string())).await.unwrap();
}

fn client(base: &str) -> Client {
    use common::BearerMethods;
    common::builder().base_url(base).api_key(common::KEY).default_query("api-version", "1").default_header("x-team", "t1").build().unwrap()
}

async fn connect(client: &Client, options: SocketOptions) -> Socket<Value, Ev> {
    Socket::connect(client, "/responses", Some(&[&["Bearer"]]), Some("/error/message"), options).await.unwrap()
}

/// Answers each `create` with `created` then `done` on its lane.
async fn echo(_: usize, mut ws: Ws) {
    while let Some(Ok(Message::Text(t))) = ws.next().await {
        let v: Value = serde_json::from_str(&t).unwrap();
        let lane = v.get("stream_id").cloned().unwrap_or(Value::Null);
        let id = v["id"].clone();
        send(&mut ws, json!({"type": "created", "stream_id": lane, "id": id})).await;
        send(&mut ws, json!({"type": "done", "stream_id": lane, "id": id})).await;
    }
}

#[tokio::test]
async fn the_handshake_carries_url_credentials_headers_and_query() {
    let (base, mut handshakes) = server(echo).await;
    let options = SocketOptions::new().header("OpenAI-Beta", "responses_websockets=2026-02-06").query("extra", "yes");
    let mut socket = connect(&client(&base), options).await;
    let (uri, headers) = handshakes.recv().await.unwrap();
    assert_eq!(uri, "/v1/responses?api-version=1&extra=yes");
    let header = |name: &str| headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    assert_eq!(header("authorization"), Some(format!("Bearer {}", common::KEY).as_str()));
    assert_eq!(header("user-agent"), Some("runtime-tests/0.1"));
    assert_eq!(header("x-team"), Some("t1"));
    assert_eq!(header("openai-beta"), Some("responses_websockets=2026-02-06"));
    let done = socket.result(&json!({"type": "create", "id": 1}), None).await.unwrap();
    assert_eq!(done.0, json!({"type": "done", "stream_id": null, "id": 1}));
    // The result's own events were consumed by it; nothing is left for the stream.
    socket.close().await.unwrap();
    assert!(socket.next().await.is_none());
}

#[tokio::test]
async fn lanes_interleave_and_other_lanes_queue_for_next() {
    let (base, _) = server(|_, mut ws: Ws| async move {
        let a = recv_json(&mut ws).await;
        let b = recv_json(&mut ws).await;
        assert_eq!((a["stream_id"].as_str(), b["stream_id"].as_str()), (Some("b"), Some("a")));
        for (lane, ty) in [("a", "delta"), ("b", "delta"), ("b", "done"), ("a", "delta"), ("a", "done")] {
            send(&mut ws, json!({"type": ty, "stream_id": lane})).await;
        }
        let _ = ws.next().await;
    })
    .await;
    let mut socket = connect(&client(&base), SocketOptions::new()).await;
    socket.send_event(&json!({"type": "create", "stream_id": "b"}), Some("b")).await.unwrap();
    let done = socket.result(&json!({"type": "create", "stream_id": "a"}), Some("a")).await.unwrap();
    assert_eq!(done.0["stream_id"], "a");
    let b: Vec<Value> = vec![socket.next().await.unwrap().unwrap().0, socket.next().await.unwrap().unwrap().0];
    assert_eq!(b, [json!({"type": "delta", "stream_id": "b"}), json!({"type": "done", "stream_id": "b"})]);
}

#[tokio::test]
async fn an_error_event_is_an_err_with_its_code_and_the_socket_goes_on() {
    let (base, _) = server(|_, mut ws: Ws| async move {
        let _ = recv_json(&mut ws).await;
        send(&mut ws, json!({"type": "error", "status": 400, "error": {"type": "invalid_request_error", "code": "previous_response_not_found", "message": "Previous response with id 'resp_x' not found.", "param": "previous_response_id"}})).await;
        echo(0, ws).await;
    })
    .await;
    let mut socket = connect(&client(&base), SocketOptions::new()).await;
    let err = socket.result(&json!({"type": "create"}), None).await.unwrap_err();
    assert_eq!(err.code(), Some("previous_response_not_found"));
    assert!(err.to_string().contains("previous_response_not_found"), "{err}");
    assert!(socket.result(&json!({"type": "create", "id": 2}), None).await.is_ok());
    // Read as a stream, an error event is an item like any other.
}

#[tokio::test]
async fn a_drop_in_the_middle_of_a_result_is_a_closed_error() {
    let (base, _) = server(|_, mut ws: Ws| async move {
        let _ = recv_json(&mut ws).await;
        send(&mut ws, json!({"type": "created"})).await;
        drop(ws); // no close frame: an abnormal closure
    })
    .await;
    let mut socket = connect(&client(&base), SocketOptions::new()).await;
    let err = socket.result(&json!({"type": "create"}), None).await.unwrap_err();
    assert!(matches!(err, Error::Socket { kind: SocketErrorKind::Closed, close_code: Some(1006), .. }), "{err:?}");
    assert!(socket.next().await.is_none());
    assert!(socket.send_raw("{}").await.is_err(), "sending on a closed socket fails");
}

#[tokio::test]
async fn the_time_limit_close_reconnects_and_says_what_was_lost() {
    let (base, mut handshakes) = server(|n, mut ws: Ws| async move {
        if n == 0 {
            let _ = recv_json(&mut ws).await;
            let frame = CloseFrame { code: CloseCode::Away, reason: "connection limit reached".into() };
            let _ = ws.close(Some(frame)).await;
            return;
        }
        echo(n, ws).await;
    })
    .await;
    let tokens = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&tokens);
    let client = common::builder()
        .base_url(&base)
        .credential("Bearer", Credential::Provider(Arc::new(move || {
            let n = counted.fetch_add(1, Ordering::SeqCst);
            async move { Ok::<_, Error>(format!("token-{n}")) }
        })))
        .build()
        .unwrap();
    let options = SocketOptions::new().reconnect(Reconnect::default().delays(Duration::from_millis(5), Duration::from_millis(20)));
    let mut socket = connect(&client, options).await;
    let err = socket.result(&json!({"type": "create", "stream_id": "a"}), Some("a")).await.unwrap_err();
    match &err {
        Error::Socket { kind: SocketErrorKind::Reconnected, close_code: Some(1001), message } => {
            assert!(message.contains("1 on a") && message.contains("only the old connection held"), "{message}")
        }
        other => panic!("{other:?}"),
    }
    assert!(socket.result(&json!({"type": "create", "id": 3}), None).await.is_ok());
    assert_eq!(tokens.load(Ordering::SeqCst), 2, "one token per handshake");
    let auth: Vec<String> = [handshakes.recv().await.unwrap(), handshakes.recv().await.unwrap()]
        .into_iter()
        .map(|(_, h)| h.into_iter().find(|(k, _)| k == "authorization").unwrap().1)
        .collect();
    assert_eq!(auth, ["Bearer token-0", "Bearer token-1"]);
}

#[tokio::test]
async fn without_reconnection_the_limit_close_ends_the_stream() {
    let (base, _) = server(|_, mut ws: Ws| async move {
        let _ = ws.close(Some(CloseFrame { code: CloseCode::Away, reason: "limit".into() })).await;
    })
    .await;
    let mut socket = connect(&client(&base), SocketOptions::new()).await;
    let err = socket.next().await.unwrap().unwrap_err();
    assert!(matches!(err, Error::Socket { kind: SocketErrorKind::Closed, close_code: Some(1001), .. }), "{err:?}");
    assert!(socket.next().await.is_none());
}

#[tokio::test]
async fn malformed_binary_and_oversized_frames_are_typed_errors() {
    let (base, _) = server(|_, mut ws: Ws| async move {
        ws.send(Message::text("{not json")).await.unwrap();
        ws.send(Message::binary(vec![1u8, 2, 3])).await.unwrap();
        send(&mut ws, json!({"type": "ok"})).await;
        ws.send(Message::text(format!("{{\"type\":\"big\",\"pad\":\"{}\"}}", "x".repeat(4096)))).await.unwrap();
        let _ = ws.next().await;
    })
    .await;
    let mut socket = connect(&client(&base), SocketOptions::new().max_message_bytes(1024)).await;
    assert!(matches!(socket.next().await.unwrap(), Err(Error::Decode { .. })));
    assert!(matches!(socket.next().await.unwrap(), Err(Error::Socket { kind: SocketErrorKind::BinaryFrame, .. })));
    assert_eq!(socket.next().await.unwrap().unwrap().0, json!({"type": "ok"}));
    assert!(matches!(socket.next().await.unwrap(), Err(Error::Socket { kind: SocketErrorKind::TooLarge, .. })));
}

#[tokio::test]
async fn a_silent_server_trips_the_idle_timeout() {
    let (base, _) = server(|_, mut ws: Ws| async move {
        let _ = recv_json(&mut ws).await;
        tokio::time::sleep(Duration::from_secs(5)).await;
    })
    .await;
    let mut socket = connect(&client(&base), SocketOptions::new().idle_timeout(Some(Duration::from_millis(100)))).await;
    let err = socket.result(&json!({"type": "create"}), None).await.unwrap_err();
    assert!(matches!(err, Error::Timeout(Some(d)) if d == Duration::from_millis(100)), "{err:?}");
    assert!(matches!(socket.next().await.unwrap(), Err(Error::Timeout(_))));
}

#[tokio::test]
async fn a_refused_handshake_is_an_api_error() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let (mut tcp, _) = listener.accept().await.unwrap();
        let mut buf = [0u8; 4096];
        let _ = tcp.read(&mut buf).await;
        let body = r#"{"error":{"message":"bad key","type":"invalid_request_error","code":"invalid_api_key"}}"#;
        let _ = tcp.write_all(format!("HTTP/1.1 401 Unauthorized\r\ncontent-type: application/json\r\ncontent-length: {}\r\nx-request-id: req_1\r\n\r\n{body}", body.len()).as_bytes()).await;
    });
    let err = Socket::<Value, Ev>::connect(&client(&base), "/responses", None, Some("/error/message"), SocketOptions::new()).await.unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert_eq!(err.code(), Some("invalid_api_key"));
    assert_eq!(err.request_id(), Some("req_1"));
}

#[tokio::test]
async fn sends_wait_for_the_new_connection_in_a_bounded_queue() {
    let (got_tx, mut got) = mpsc::unbounded_channel::<Value>();
    let (base, _) = server(move |n, mut ws: Ws| {
        let got_tx = got_tx.clone();
        async move {
            if n == 0 {
                let _ = ws.close(Some(CloseFrame { code: CloseCode::Away, reason: "limit".into() })).await;
                return;
            }
            let frame = recv_json(&mut ws).await;
            let _ = got_tx.send(frame);
            let _ = ws.next().await;
        }
    })
    .await;
    let reconnect = Reconnect::default().delays(Duration::from_millis(300), Duration::from_millis(300)).send_queue_bytes(150);
    let mut socket = connect(&client(&base), SocketOptions::new().reconnect(reconnect)).await;
    // The close arrives and the task waits before its next attempt: sends queue meanwhile.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let pad = "x".repeat(80);
    socket.send_raw(json!({"type": "queued", "pad": pad}).to_string()).await.unwrap();
    let full = socket.send_raw(json!({"type": "refused", "pad": pad}).to_string()).await.unwrap_err();
    assert!(matches!(full, Error::Socket { kind: SocketErrorKind::QueueFull, .. }), "{full:?}");
    let notice = socket.next().await.unwrap().unwrap_err();
    assert!(matches!(notice, Error::Socket { kind: SocketErrorKind::Reconnected, close_code: Some(1001), .. }), "{notice:?}");
    assert_eq!(got.recv().await.unwrap()["type"], "queued", "the queued send went out on the new connection");
}
