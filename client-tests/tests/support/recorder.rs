//! A loopback HTTP/1.1 recorder for wire tests: it keeps every request (method, path, decoded
//! query pairs, headers, JSON body) and answers each one with what a caller-supplied function
//! returns, as JSON or as a server-sent event stream.
//!
//! Included by test files with `#[path = "support/recorder.rs"] mod recorder;`. It speaks just
//! enough HTTP/1.1 for the clients under test: keep-alive, `content-length` and chunked request
//! bodies, one request at a time per connection.

#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// One request as it arrived.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    /// The path without the query, still percent-encoded as sent (`/v1/responses/resp_1`).
    pub path: String,
    /// The query string decoded into name/value pairs, in the order sent.
    pub query: Vec<(String, String)>,
    /// Header names lower-cased, values as sent, in the order sent.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
    /// When the request was complete.
    pub at: std::time::Instant,
}

impl Recorded {
    /// The first value of header `name` (lower-case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first value of query parameter `name`.
    pub fn query_value(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body parsed as JSON; `None` when there is no body, a JSON string of the raw text when
    /// it is not JSON (so a comparison shows it).
    pub fn json(&self) -> Option<Value> {
        if self.body.is_empty() {
            return None;
        }
        Some(serde_json::from_slice(&self.body).unwrap_or_else(|_| {
            Value::String(format!(
                "<not JSON> {}",
                String::from_utf8_lossy(&self.body)
            ))
        }))
    }
}

/// What the recorder answers.
pub enum Reply {
    /// A JSON body with this status and these extra headers.
    Json(u16, Vec<(String, String)>, Value),
    /// `200 text/event-stream`: each value becomes `event: <type>` + `data: <json>`; the
    /// connection closes after the last event.
    Sse(Vec<Value>),
    /// `200 text/event-stream` with `data:` lines only (as chat-completions streams are), one
    /// per string; the connection closes after the last.
    SseData(Vec<String>),
}

type Answer = dyn Fn(&Recorded, &[Recorded]) -> Reply + Send + Sync;

/// A running recorder; stops accepting when dropped.
pub struct Recorder {
    port: u16,
    requests: Arc<Mutex<Vec<Recorded>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Recorder {
    /// Listens on 127.0.0.1 (a free port). `answer` gets the request and every request recorded
    /// before it.
    pub async fn start(
        answer: impl Fn(&Recorded, &[Recorded]) -> Reply + Send + Sync + 'static,
    ) -> Recorder {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1");
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let answer: Arc<Answer> = Arc::new(answer);
        let recorded = requests.clone();
        let task = tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let (recorded, answer) = (recorded.clone(), answer.clone());
                tokio::spawn(async move {
                    if let Err(e) = serve(socket, recorded, answer).await {
                        eprintln!("recorder: connection ended with an error: {e}");
                    }
                });
            }
        });
        Recorder {
            port,
            requests,
            task,
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:PORT/v1`.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}/v1", self.port)
    }

    /// Everything recorded so far, in arrival order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(
    socket: tokio::net::TcpStream,
    recorded: Arc<Mutex<Vec<Recorded>>>,
    answer: Arc<Answer>,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(socket);
    loop {
        let Some(request) = read_request(&mut reader).await? else {
            return Ok(());
        };
        let close = request
            .header("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"));
        let reply = {
            let mut all = recorded.lock().unwrap();
            let reply = answer(&request, &all);
            all.push(request);
            reply
        };
        let socket = reader.get_mut();
        match reply {
            Reply::Json(status, headers, body) => {
                let body = body.to_string();
                let mut head = format!(
                    "HTTP/1.1 {status} {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n",
                    reason(status),
                    body.len()
                );
                for (n, v) in headers {
                    head.push_str(&format!("{n}: {v}\r\n"));
                }
                if close {
                    head.push_str("connection: close\r\n");
                }
                head.push_str("\r\n");
                socket.write_all(head.as_bytes()).await?;
                socket.write_all(body.as_bytes()).await?;
                socket.flush().await?;
                if close {
                    let _ = socket.shutdown().await;
                    return Ok(());
                }
            }
            Reply::Sse(_) | Reply::SseData(_) => {
                let mut text = String::from(
                    "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\nconnection: close\r\n\r\n",
                );
                match reply {
                    Reply::Sse(events) => {
                        for e in events {
                            let kind = e["type"].as_str().unwrap_or("message").to_owned();
                            text.push_str(&format!("event: {kind}\ndata: {e}\n\n"));
                        }
                    }
                    Reply::SseData(lines) => {
                        for data in lines {
                            text.push_str(&format!("data: {data}\n\n"));
                        }
                    }
                    Reply::Json(..) => unreachable!(),
                }
                socket.write_all(text.as_bytes()).await?;
                socket.flush().await?;
                let _ = socket.shutdown().await;
                return Ok(());
            }
        }
    }
}

/// Reads one request; `None` on a clean end of the connection before a request line.
async fn read_request<R: AsyncRead + Unpin>(
    reader: &mut BufReader<R>,
) -> std::io::Result<Option<Recorded>> {
    let mut line = String::new();
    if reader.read_line(&mut line).await? == 0 {
        return Ok(None);
    }
    let mut parts = line.trim_end().splitn(3, ' ');
    let method = parts.next().unwrap_or_default().to_owned();
    let target = parts.next().unwrap_or_default().to_owned();
    let mut headers = Vec::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).await? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
        }
    }
    let find = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v): &(String, String)| v.clone())
    };
    let body = if find("transfer-encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked")) {
        read_chunked(reader).await?
    } else {
        let length: usize = find("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let mut body = vec![0; length];
        reader.read_exact(&mut body).await?;
        body
    };
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_owned(), decode_query(q)),
        None => (target, Vec::new()),
    };
    Ok(Some(Recorded {
        method,
        path,
        query,
        headers,
        body,
        at: std::time::Instant::now(),
    }))
}

async fn read_chunked<R: AsyncRead + Unpin>(reader: &mut BufReader<R>) -> std::io::Result<Vec<u8>> {
    let mut body = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        reader.read_line(&mut line).await?;
        let size_text = line.trim().split(';').next().unwrap_or("0");
        let size = usize::from_str_radix(size_text, 16)
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidData, "bad chunk size"))?;
        if size == 0 {
            // Trailers, then the empty line.
            loop {
                line.clear();
                reader.read_line(&mut line).await?;
                if line.trim().is_empty() {
                    return Ok(body);
                }
            }
        }
        let start = body.len();
        body.resize(start + size, 0);
        reader.read_exact(&mut body[start..]).await?;
        line.clear();
        reader.read_line(&mut line).await?;
    }
}

/// Splits `a=1&b=x%20y` into decoded pairs (`+` counts as a space, as in forms).
pub fn decode_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (n, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(n), percent_decode(v))
        })
        .collect()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        _ => "Status",
    }
}
