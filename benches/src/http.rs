//! Request overhead against an in-process loopback HTTP/1.1 server (hyper, its own thread and
//! current-thread runtime, so client and server each get a core), and the SSE stream read
//! through the runtime's `EventStream`.

use std::convert::Infallible;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::StreamExt;
use http_body_util::Full;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use openai_responses::{api::RetrieveParams, types, Client};
use tokio::net::TcpListener;

use crate::{data, decode, median, time_median, Opts, Row};

const RESPONSE_ID: &str = "resp_bench_small";

struct Server {
    port: u16,
}

static SERVER: OnceLock<Server> = OnceLock::new();
static JSON_BODY: OnceLock<Bytes> = OnceLock::new();
pub(crate) static SSE_BODY: Mutex<Option<Bytes>> = Mutex::new(None);
/// Header names and values of one JSON request per user agent, to compare the two clients.
static SEEN: Mutex<Vec<Vec<(String, String)>>> = Mutex::new(Vec::new());

/// The small JSON body of a retrieve: a completed response with one short message.
pub(crate) fn small_body() -> Bytes {
    let v = data::response(
        RESPONSE_ID,
        "completed",
        vec![data::message(1, "completed", vec![data::output_text(1, 200, 1)])],
        decode::error_null_decodes(),
    );
    Bytes::from(serde_json::to_vec(&v).expect("serialize"))
}

async fn handle(req: hyper::Request<hyper::body::Incoming>) -> Result<hyper::Response<Full<Bytes>>, Infallible> {
    let streaming = req
        .headers()
        .get(hyper::header::ACCEPT)
        .is_some_and(|v| v.as_bytes() == b"text/event-stream");
    if streaming {
        let body = SSE_BODY.lock().unwrap().clone().unwrap_or_default();
        return Ok(hyper::Response::builder()
            .header("content-type", "text/event-stream")
            .header("x-request-id", "req_bench")
            .body(Full::new(body))
            .unwrap());
    }
    {
        let mut seen = SEEN.lock().unwrap();
        let ua = req.headers().get("user-agent").map(|v| v.as_bytes().to_vec());
        let known = seen.iter().any(|h| h.iter().any(|(n, v)| n == "user-agent" && Some(v.as_bytes().to_vec()) == ua));
        if !known && seen.len() < 4 {
            seen.push(
                req.headers()
                    .iter()
                    .map(|(n, v)| (n.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
                    .collect(),
            );
        }
    }
    Ok(hyper::Response::builder()
        .header("content-type", "application/json")
        .header("x-request-id", "req_bench")
        .body(Full::new(JSON_BODY.get_or_init(small_body).clone()))
        .unwrap())
}

fn server() -> &'static Server {
    SERVER.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::Builder::new()
            .name("bench-server".into())
            .spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
                rt.block_on(async move {
                    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
                    tx.send(listener.local_addr().expect("addr").port()).expect("send port");
                    loop {
                        let Ok((stream, _)) = listener.accept().await else { continue };
                        let _ = stream.set_nodelay(true);
                        tokio::spawn(async move {
                            let _ = hyper::server::conn::http1::Builder::new()
                                .serve_connection(TokioIo::new(stream), service_fn(handle))
                                .await;
                        });
                    }
                });
            })
            .expect("spawn server thread");
        Server { port: rx.recv().expect("server port") }
    })
}

fn base_url() -> String {
    format!("http://127.0.0.1:{}", server().port)
}

pub(crate) fn client_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime")
}

pub(crate) fn client() -> Client {
    Client::builder().api_key("k").base_url(base_url()).build().expect("client builds")
}

/// Median time to read the whole SSE stream through `retrieve_stream` and decode every event.
pub fn sse_through_runtime(opts: Opts, sse: &[u8]) -> Duration {
    *SSE_BODY.lock().unwrap() = Some(Bytes::copy_from_slice(sse));
    let rt = client_runtime();
    let client = client();
    let params = RetrieveParams::default();
    let read_all = |check: bool| {
        rt.block_on(async {
            let mut events = client.responses().retrieve_stream("resp_bench_stream", &params).await.expect("stream opens");
            let mut n = 0usize;
            while let Some(ev) = events.next().await {
                let ev = ev.expect("event decodes");
                if check {
                    decode::check_event(&ev);
                }
                std::hint::black_box(&ev);
                n += 1;
            }
            n
        })
    };
    assert_eq!(read_all(true), decode::STREAM_EVENTS, "every event arrives through the runtime");
    time_median(opts, 10, Duration::from_secs(2), || read_all(false))
}

/// Requests per second over `rounds` rounds of `n` requests, `concurrency` in flight; median round.
fn rps<F, Fut>(rt: &tokio::runtime::Runtime, n: usize, concurrency: usize, one: F) -> f64
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let t = Instant::now();
    rt.block_on(async {
        futures_util::stream::iter(0..n)
            .map(|_| one())
            .buffer_unordered(concurrency)
            .for_each(|()| async {})
            .await
    });
    n as f64 / t.elapsed().as_secs_f64()
}

pub fn run(opts: Opts, rows: &mut Vec<Row>, notes: &mut Vec<String>) {
    let rt = client_runtime();
    let ours = client();
    let bare = reqwest::Client::builder().build().expect("reqwest client");
    let url = format!("{}/responses/{RESPONSE_ID}", base_url());

    let typed = |ours: &Client| {
        let ours = ours.clone();
        async move {
            let r = ours.responses().retrieve(RESPONSE_ID).await.expect("retrieve");
            assert_eq!(r.id, RESPONSE_ID);
        }
    };
    let by_hand = |decode_body: bool| {
        let bare = bare.clone();
        let url = url.clone();
        async move {
            let resp = bare
                .get(&url)
                .header("user-agent", concat!("openai-responses-rust/", "0.1.0"))
                .header("authorization", "Bearer k")
                .header("accept", "application/json")
                .header("x-oa-retry-count", "0")
                .send()
                .await
                .expect("send");
            assert!(resp.status().is_success());
            let body = resp.bytes().await.expect("body");
            if decode_body {
                let r: types::Response = serde_json::from_slice(&body).expect("decode");
                assert_eq!(r.id, RESPONSE_ID);
            } else {
                std::hint::black_box(body);
            }
        }
    };

    // warm-up: connections, allocator, the header capture
    rt.block_on(async {
        for _ in 0..200 {
            typed(&ours).await;
            by_hand(true).await;
        }
    });
    let seen = SEEN.lock().unwrap().clone();
    let names = |h: &Vec<(String, String)>| {
        let mut v: Vec<String> =
            h.iter().map(|(n, v)| if n == "authorization" { n.clone() } else { format!("{n}: {v}") }).collect();
        v.sort();
        v.join(", ")
    };
    if !seen.is_empty() {
        let all: Vec<String> = seen.iter().map(names).collect();
        let same = all.windows(2).all(|w| w[0] == w[1]);
        notes.push(format!(
            "request overhead: the server saw {} header set(s) for the two clients{}: {}",
            all.len(),
            if same { " (identical)" } else { "" },
            all.join(" | ")
        ));
    }

    let n = if opts.quick { 300 } else { 3000 };
    let rounds = if opts.quick { 1 } else { 5 };
    for concurrency in [1usize, 16] {
        let (mut a, mut b, mut c) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..rounds {
            // interleaved rounds so drift hits all three alike
            a.push(rps(&rt, n, concurrency, || typed(&ours)));
            b.push(rps(&rt, n, concurrency, || by_hand(true)));
            c.push(rps(&rt, n, concurrency, || by_hand(false)));
        }
        let med = |v: &mut Vec<f64>| {
            let mut d: Vec<Duration> = v.iter().map(|r| Duration::from_secs_f64(1.0 / r)).collect();
            1.0 / median(&mut d).as_secs_f64()
        };
        let (a, b, c) = (med(&mut a), med(&mut b), med(&mut c));
        let what = if concurrency == 1 { "sequential".to_owned() } else { format!("{concurrency} in flight") };
        rows.push(
            Row::new("request", format!("GET retrieve, {what}: client vs reqwest + same decode"))
                .ours(format!("{a:.0} req/s"))
                .floor(format!("{b:.0} req/s"))
                .ratio(format!("{:.2}x", a / b))
                .target(">= 0.9x"),
        );
        rows.push(
            Row::new("request", format!("  {what}: client vs reqwest, body not decoded"))
                .ours(format!("{a:.0} req/s"))
                .floor(format!("{c:.0} req/s"))
                .ratio(format!("{:.2}x", a / c)),
        );
    }
    notes.push(format!(
        "request overhead: {} B JSON body; {n} requests per round, {rounds} interleaved rounds, median; keep-alive \
         HTTP/1.1 on 127.0.0.1; client and server on separate current-thread runtimes (one core each)",
        JSON_BODY.get().map_or(0, |b| b.len())
    ));
}
