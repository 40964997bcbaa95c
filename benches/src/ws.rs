//! WebSocket mode: (a) a 20-turn tool loop over loopback against an instantly answering server,
//! one WebSocket connection against HTTP keep-alive, as client time per turn; (b) the same
//! 10,000 events decoded from WebSocket frames and from the SSE stream of the HTTP path.

use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};

use openai_responses::types::{CreateResponse, InputItem, ResponsesServerEvent};
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::Message;

use crate::{data, decode, http, time_pair_median, Opts, Row};

const TURNS: usize = 20;

/// The events the server floods on `{"type": "bench.flood"}`, as ready WebSocket frames: the
/// server writes them in one go, as the HTTP server writes its prepared SSE body, so that both
/// rows measure the client.
static FLOOD: Mutex<Vec<u8>> = Mutex::new(Vec::new());

/// Unmasked text frames (server to client), one per payload.
fn frames(payloads: &[String]) -> Vec<u8> {
    let mut out = Vec::new();
    for p in payloads {
        out.push(0x81);
        match p.len() {
            n if n < 126 => out.push(n as u8),
            n if n <= 0xFFFF => {
                out.push(126);
                out.extend_from_slice(&(n as u16).to_be_bytes());
            }
            n => {
                out.push(127);
                out.extend_from_slice(&(n as u64).to_be_bytes());
            }
        }
        out.extend_from_slice(p.as_bytes());
    }
    out
}
static PORT: OnceLock<u16> = OnceLock::new();

/// A WebSocket server on its own thread: each `response.create` is answered at once with one
/// `response.completed` holding the same response the HTTP server answers with.
fn port() -> u16 {
    *PORT.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
            rt.block_on(async move {
                let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
                tx.send(listener.local_addr().expect("addr").port()).expect("port");
                let body: serde_json::Value = serde_json::from_slice(&http::small_body()).expect("json");
                let completed = serde_json::json!({"type": "response.completed", "sequence_number": 1, "response": body}).to_string();
                loop {
                    let Ok((tcp, _)) = listener.accept().await else { continue };
                    let _ = tcp.set_nodelay(true);
                    let completed = completed.clone();
                    tokio::spawn(async move {
                        let Ok(mut ws) = tokio_tungstenite::accept_async(tcp).await else { return };
                        while let Some(Ok(Message::Text(text))) = ws.next().await {
                            if text.contains("bench.flood") {
                                use tokio::io::AsyncWriteExt;
                                let bytes = FLOOD.lock().unwrap().clone();
                                // Nothing of tungstenite's is buffered between two requests.
                                let _ = ws.get_mut().write_all(&bytes).await;
                            } else if ws.send(Message::text(completed.clone())).await.is_err() {
                                return;
                            }
                        }
                    });
                }
            });
        });
        rx.recv().expect("ws server port")
    })
}

fn ws_client() -> openai_responses::Client {
    openai_responses::Client::builder().api_key("k").base_url(format!("http://127.0.0.1:{}", port())).build().expect("client")
}

/// One turn's request: the tool output of the previous turn, chained onto it.
fn turn(i: usize) -> CreateResponse {
    CreateResponse {
        model: "gpt-5".into(),
        previous_response_id: format!("resp_{i}").into(),
        input: vec![InputItem::function_call_output(format!("call_{i}"), "{\"celsius\":21}")].into(),
        store: false.into(),
        ..Default::default()
    }
}

pub fn run(opts: Opts, rows: &mut Vec<Row>, notes: &mut Vec<String>) {
    let rt = http::client_runtime();
    let (ws, plain) = (ws_client(), http::client());
    let turns: Vec<CreateResponse> = (0..TURNS).map(turn).collect();
    let over_ws = || {
        rt.block_on(async {
            let mut socket = ws.responses().connect().await.expect("connects");
            for t in &turns {
                std::hint::black_box(socket.create(t).await.expect("turn"));
            }
            socket.close().await.expect("closes");
        })
    };
    let over_http = || {
        rt.block_on(async {
            for t in &turns {
                std::hint::black_box(plain.responses().create(t).await.expect("turn"));
            }
        })
    };
    let (w, h) = time_pair_median(opts, 10, Duration::from_secs(3), over_ws, over_http);
    let per = |d: Duration| d.as_secs_f64() * 1e6 / TURNS as f64;
    rows.push(
        Row::new("ws", format!("{TURNS}-turn tool loop, per turn: WebSocket vs HTTP keep-alive"))
            .ours(format!("{:.0} µs", per(w)))
            .floor(format!("{:.0} µs", per(h)))
            .ratio(format!("{:.2}x", per(w) / per(h)))
            .target("<= 1x"),
    );
    notes.push(
        "ws loop: each loop opens its connection (handshake included) and closes it; the HTTP client's pool is warm. \
         Both servers answer at once with the same response (WebSocket: one `response.completed` event; HTTP: the JSON)"
            .into(),
    );

    // (b) the same events from frames and from the SSE stream.
    let (sse, payloads) = data::sse_stream(decode::STREAM_EVENTS, decode::DELTAS_PER_ITEM, decode::error_null_decodes());
    let (as_ws, as_sse) = time_pair_median(
        opts,
        10,
        Duration::from_secs(2),
        || {
            for p in &payloads {
                std::hint::black_box(serde_json::from_str::<ResponsesServerEvent>(p).expect("decodes"));
            }
        },
        || {
            for p in &payloads {
                std::hint::black_box(serde_json::from_str::<openai_responses::types::ResponseStreamEvent>(p).expect("decodes"));
            }
        },
    );
    rows.push(
        Row::new("ws", "  same payloads, decoding only: ResponsesServerEvent vs ResponseStreamEvent")
            .ours(format!("{:.0}k ev/s", decode::STREAM_EVENTS as f64 / as_ws.as_secs_f64() / 1e3))
            .floor(format!("{:.0}k ev/s", decode::STREAM_EVENTS as f64 / as_sse.as_secs_f64() / 1e3))
            .ratio(format!("{:.2}x", as_sse.as_secs_f64() / as_ws.as_secs_f64())),
    );
    *FLOOD.lock().unwrap() = frames(&payloads);
    let read_frames = || {
        rt.block_on(async {
            let mut socket = ws.responses().connect().await.expect("connects");
            socket.send_raw(&serde_json::json!({"type": "bench.flood"})).await.expect("sends");
            let mut n = 0;
            while n < decode::STREAM_EVENTS {
                let event: ResponsesServerEvent = socket.next().await.expect("event").expect("decodes");
                std::hint::black_box(&event);
                n += 1;
            }
            socket.close().await.expect("closes");
        })
    };
    // The SSE side as `decode.rs` reads it (`retrieve_stream` from the loopback hyper server),
    // timed in alternation with the frames so that the shared machine's load falls on both.
    *http::SSE_BODY.lock().unwrap() = Some(bytes::Bytes::copy_from_slice(&sse));
    let read_sse = || {
        rt.block_on(async {
            let params = openai_responses::api::RetrieveParams::default();
            let mut events = plain.responses().retrieve_stream("resp_bench_stream", &params).await.expect("stream opens");
            let mut n = 0;
            while let Some(event) = events.next().await {
                std::hint::black_box(event.expect("decodes"));
                n += 1;
            }
            assert_eq!(n, decode::STREAM_EVENTS);
        })
    };
    let (frames, sse_time) = time_pair_median(opts, 10, Duration::from_secs(3), read_frames, read_sse);
    let events_per_s = |d: Duration| decode::STREAM_EVENTS as f64 / d.as_secs_f64();
    rows.push(
        Row::new("ws", format!("{} events decoded: WebSocket frames vs SSE (runtime, loopback)", decode::STREAM_EVENTS))
            .ours(format!("{:.0}k ev/s", events_per_s(frames) / 1e3))
            .floor(format!("{:.0}k ev/s", events_per_s(sse_time) / 1e3))
            .ratio(format!("{:.2}x", events_per_s(frames) / events_per_s(sse_time)))
            .target(">= 0.9x"),
    );
}
