//! Test support: a scripted raw-HTTP/1.1 server on 127.0.0.1 and a recording sleeper.
//!
//! The server is hand-rolled on `tokio::net` so each test controls framing
//! exactly: content-length bodies, EOF-delimited streams, and chunked streams
//! cut off without their final chunk (what a dropped connection looks like).
#![allow(dead_code)]

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use oa_runtime::{ApiProfile, ClientBuilder, Credential, Resume, SchemeKind, SecurityScheme, Sleeper};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

pub const KEY: &str = "sk-test-SECRET-123";

/// The profile of an API with one bearer scheme (with an `api-key` alternative header) and the
/// conventions a generated crate's settings can name: request-id, retry-count and retry-hint
/// headers, an idempotency header, and stream resumption.
pub static PROFILE: ApiProfile = ApiProfile::with(
    None,
    "runtime-tests/0.1",
    &[SecurityScheme::new("Bearer", SchemeKind::Bearer, Some("api-key"))],
    &["x-request-id"],
    Some("x-retry-count"),
    Some("x-should-retry"),
    Some("idempotency-key"),
    Some(Resume::new("/responses/{id}", ("stream", "true"), "starting_after")),
);

/// A builder for [`PROFILE`].
pub fn builder() -> ClientBuilder {
    ClientBuilder::new(&PROFILE)
}

/// What a generated crate's methods for the `Bearer` scheme do.
pub trait BearerMethods {
    fn api_key(self, key: impl Into<String>) -> Self;
    fn api_key_header(self, enabled: bool) -> Self;
}

impl BearerMethods for ClientBuilder {
    fn api_key(self, key: impl Into<String>) -> Self {
        self.credential("Bearer", Credential::Value(key.into()))
    }

    fn api_key_header(self, enabled: bool) -> Self {
        self.alternative_header("Bearer", enabled)
    }
}

/// One recorded request.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    /// The query as percent-decoded name/value pairs, in order.
    pub fn decoded_query(&self) -> Vec<(String, String)> {
        let url = format!("http://x/?{}", self.query.as_deref().unwrap_or(""));
        reqwest::Url::parse(&url)
            .unwrap()
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    }
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        self.query
            .as_deref()
            .unwrap_or("")
            .split('&')
            .filter(|s| !s.is_empty())
            .map(|kv| {
                let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                (k.to_owned(), v.to_owned())
            })
            .collect()
    }
}

#[derive(Clone, Debug)]
pub enum End {
    /// Close the socket after the body (EOF-delimited body).
    Clean,
    /// Chunked encoding, closed without the final zero chunk.
    Abort,
}

#[derive(Clone, Debug)]
pub enum Body {
    Full(Vec<u8>),
    Chunks(Vec<Vec<u8>>, End),
    /// Chunked SSE generated on the fly until `limit` bytes; `make(i)` returns event `i`.
    Endless {
        make: fn(u64) -> String,
        limit: u64,
    },
}

#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Body,
    pub delay: Option<Duration>,
    /// Pause between chunks, so that they arrive as separate reads.
    pub chunk_pause: bool,
}

impl Reply {
    pub fn json(status: u16, body: &str) -> Reply {
        Reply {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: Body::Full(body.as_bytes().to_vec()),
            delay: None,
            chunk_pause: false,
        }
    }
    pub fn sse<S: AsRef<str>>(chunks: &[S]) -> Reply {
        Reply {
            status: 200,
            headers: vec![("content-type".into(), "text/event-stream".into())],
            body: Body::Chunks(
                chunks
                    .iter()
                    .map(|c| c.as_ref().as_bytes().to_vec())
                    .collect(),
                End::Clean,
            ),
            delay: None,
            chunk_pause: false,
        }
    }
    pub fn endless(make: fn(u64) -> String, limit: u64) -> Reply {
        Reply {
            status: 200,
            headers: vec![("content-type".into(), "text/event-stream".into())],
            body: Body::Endless { make, limit },
            delay: None,
            chunk_pause: false,
        }
    }
    pub fn header(mut self, k: &str, v: &str) -> Reply {
        self.headers.push((k.into(), v.into()));
        self
    }
    pub fn abort(mut self) -> Reply {
        if let Body::Chunks(c, _) = self.body {
            self.body = Body::Chunks(c, End::Abort);
        }
        self
    }
    pub fn delay(mut self, d: Duration) -> Reply {
        self.delay = Some(d);
        self
    }
    pub fn paced(mut self) -> Reply {
        self.chunk_pause = true;
        self
    }
}

#[derive(Default)]
struct State {
    replies: Mutex<VecDeque<Reply>>,
    requests: Mutex<Vec<Recorded>>,
    client_went_away: AtomicBool,
}

pub struct TestServer {
    pub base_url: String,
    state: Arc<State>,
}

impl TestServer {
    pub async fn start(replies: Vec<Reply>) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(State::default());
        state.replies.lock().unwrap().extend(replies);
        let st = state.clone();
        tokio::spawn(async move {
            loop {
                let Ok((sock, _)) = listener.accept().await else {
                    return;
                };
                let st = st.clone();
                tokio::spawn(async move {
                    let _ = serve(sock, st).await;
                });
            }
        });
        TestServer {
            base_url: format!("http://{addr}/v1"),
            state,
        }
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.state.requests.lock().unwrap().clone()
    }

    pub fn client_went_away(&self) -> bool {
        self.state.client_went_away.load(Ordering::SeqCst)
    }

    /// A builder pointed at this server with the test key and a recording sleeper.
    pub fn builder(&self, sleeper: &Arc<RecordingSleeper>) -> ClientBuilder {
        builder()
            .api_key(KEY)
            .base_url(&self.base_url)
            .sleeper(sleeper.clone())
            .jitter(Arc::new(|| 0.0))
    }
}

async fn serve(sock: TcpStream, st: Arc<State>) -> std::io::Result<()> {
    sock.set_nodelay(true)?;
    let mut reader = BufReader::new(sock);
    let mut line = String::new();
    reader.read_line(&mut line).await?;
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_owned();
    let target = parts.next().unwrap_or("").to_owned();
    let mut headers = Vec::new();
    loop {
        line.clear();
        reader.read_line(&mut line).await?;
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((k, v)) = l.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_owned()));
        }
    }
    let len = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    reader.read_exact(&mut body).await?;
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_owned(), Some(q.to_owned())),
        None => (target.clone(), None),
    };
    st.requests.lock().unwrap().push(Recorded {
        method,
        path,
        query,
        headers,
        body,
    });
    let reply = st
        .replies
        .lock()
        .unwrap()
        .pop_front()
        .unwrap_or_else(|| Reply::json(599, "{\"error\":{\"message\":\"no scripted reply\"}}"));
    let mut sock = reader.into_inner();
    if let Some(d) = reply.delay {
        tokio::time::sleep(d).await;
    }
    let mut head = format!("HTTP/1.1 {} X\r\nconnection: close\r\n", reply.status);
    for (k, v) in &reply.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    match &reply.body {
        Body::Full(b) => {
            head.push_str(&format!("content-length: {}\r\n\r\n", b.len()));
            sock.write_all(head.as_bytes()).await?;
            sock.write_all(b).await?;
        }
        Body::Chunks(chunks, End::Clean) => {
            head.push_str("\r\n");
            sock.write_all(head.as_bytes()).await?;
            for c in chunks {
                sock.write_all(c).await?;
                sock.flush().await?;
                if reply.chunk_pause {
                    tokio::time::sleep(Duration::from_millis(2)).await;
                }
            }
        }
        Body::Chunks(chunks, End::Abort) => {
            head.push_str("transfer-encoding: chunked\r\n\r\n");
            sock.write_all(head.as_bytes()).await?;
            for c in chunks {
                sock.write_all(format!("{:x}\r\n", c.len()).as_bytes())
                    .await?;
                sock.write_all(c).await?;
                sock.write_all(b"\r\n").await?;
                sock.flush().await?;
            }
            // Let the client read what was sent before the connection goes away.
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Body::Endless { make, limit } => {
            head.push_str("transfer-encoding: chunked\r\n\r\n");
            sock.write_all(head.as_bytes()).await?;
            let mut sent = 0u64;
            let mut i = 0u64;
            while sent < *limit {
                let ev = make(i);
                i += 1;
                sent += ev.len() as u64;
                let r = async {
                    sock.write_all(format!("{:x}\r\n", ev.len()).as_bytes())
                        .await?;
                    sock.write_all(ev.as_bytes()).await?;
                    sock.write_all(b"\r\n").await
                }
                .await;
                if r.is_err() {
                    st.client_went_away.store(true, Ordering::SeqCst);
                    return Ok(());
                }
            }
            sock.write_all(b"0\r\n\r\n").await?;
        }
    }
    sock.flush().await?;
    sock.shutdown().await?;
    Ok(())
}

/// Records every requested delay and returns at once; `now` is fixed when set.
/// Its monotonic clock runs in real time plus every delay it skipped, so
/// skipped waits still count against a `total_timeout`.
#[derive(Default)]
pub struct RecordingSleeper {
    pub delays: Mutex<Vec<Duration>>,
    pub now: Option<SystemTime>,
}

impl RecordingSleeper {
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }
    pub fn at(now: SystemTime) -> Arc<Self> {
        Arc::new(Self {
            delays: Mutex::default(),
            now: Some(now),
        })
    }
    pub fn delays(&self) -> Vec<Duration> {
        self.delays.lock().unwrap().clone()
    }
}

impl Sleeper for RecordingSleeper {
    fn sleep(&self, d: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + 'static>> {
        self.delays.lock().unwrap().push(d);
        Box::pin(async {})
    }
    fn now(&self) -> SystemTime {
        self.now.unwrap_or_else(SystemTime::now)
    }
    fn instant(&self) -> Instant {
        Instant::now() + self.delays().iter().sum::<Duration>()
    }
}

/// A port on 127.0.0.1 with nothing listening.
pub async fn closed_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    l.local_addr().unwrap().port()
}
