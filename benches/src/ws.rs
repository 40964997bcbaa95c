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

/// The events the server floods on `{"type": "bench.flood"}`.
static FLOOD: Mutex<Vec<String>> = Mutex::new(Vec::new());
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
                                let events = FLOOD.lock().unwrap().clone();
                                for e in events {
                                    let _ = ws.feed(Message::text(e)).await;
                                }
                                let _ = ws.flush().await;
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
    *FLOOD.lock().unwrap() = payloads;
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
    let sse_time = http::sse_through_runtime(opts, &sse);
    let (frames, _) = time_pair_median(opts, 10, Duration::from_secs(2), read_frames, || ());
    let events_per_s = |d: Duration| decode::STREAM_EVENTS as f64 / d.as_secs_f64();
    rows.push(
        Row::new("ws", format!("{} events decoded: WebSocket frames vs SSE (runtime, loopback)", decode::STREAM_EVENTS))
            .ours(format!("{:.0}k ev/s", events_per_s(frames) / 1e3))
            .floor(format!("{:.0}k ev/s", events_per_s(sse_time) / 1e3))
            .ratio(format!("{:.2}x", events_per_s(frames) / events_per_s(sse_time)))
            .target(">= 0.9x"),
    );
}
