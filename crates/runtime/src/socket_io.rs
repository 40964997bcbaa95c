//! The connection behind a `Socket`: the handshake (URL, credentials, headers, TLS through rustls
//! with the webpki roots, as the HTTP client has), and the task that owns the connection: it
//! writes what the socket sends, decodes what arrives, and replaces a dropped connection when
//! asked to.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use futures_util::future::{select, Either};
use futures_util::{FutureExt, SinkExt, StreamExt};
use reqwest::Url;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::{mpsc, oneshot};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::WebSocketStream;

use super::auth::{self, Requirement};
use super::client::{header_name, header_value, Client};
use super::decode::decode_json;
use super::error::Error;
use super::socket::{socket_error, Reconnect, SocketErrorKind, SocketEvent, SocketOptions};

/// Any byte stream the connection runs over (plain TCP or TLS).
pub(crate) trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

pub(crate) type Conn = WebSocketStream<Box<dyn Io>>;

/// Close codes after which a new connection may succeed (RFC 6455 §7.4.1: going away, no
/// status, abnormal closure, server error, restart, try again later, TLS failure), as
/// the vendors' own SDKs decide.
const RECOVERABLE: &[u16] = &[1001, 1005, 1006, 1011, 1012, 1013, 1015];

/// Everything needed to open (and reopen) the connection.
pub(crate) struct Handshake {
    pub(crate) client: Client,
    pub(crate) path: &'static str,
    pub(crate) security: Requirement,
    pub(crate) error_message: Option<&'static str>,
    pub(crate) options: SocketOptions,
}

/// What the socket asks of the task.
pub(crate) enum Command {
    Send(String),
    Close(oneshot::Sender<Result<(), Error>>),
}

/// What the task hands the socket.
pub(crate) enum Incoming<S> {
    /// A decoded event and the size of its frame.
    Event(S, usize),
    Failed(Error),
}

/// Events handed over at once: frames already read are decoded and passed together, so a burst
/// costs one wake-up of the reader rather than one per event.
pub(crate) type Batch<S> = Vec<Incoming<S>>;

/// Most events in one batch.
const BATCH: usize = 64;

/// What one message means for the reader.
enum Step<S> {
    Item(Incoming<S>),
    Skip,
    /// The connection ended, after an item to report first, if any.
    End(Ended, Option<Incoming<S>>),
}

/// How serving one connection ended.
enum Ended {
    /// Closed by the socket, or the socket is gone.
    Stop,
    /// The peer closed it or it broke: the close code (1006 when none came) and reason.
    Dropped(u16, String),
}

/// Opens the connection within the connect timeout.
pub(crate) async fn open(hs: &Handshake) -> Result<Conn, Error> {
    let limit = hs.options.connect_timeout;
    tokio::time::timeout(limit, open_now(hs)).await.unwrap_or(Err(Error::Timeout(Some(limit))))
}

async fn open_now(hs: &Handshake) -> Result<Conn, Error> {
    let inner = &*hs.client.inner;
    let mut url = Url::parse(&format!("{}{}", inner.base_url, hs.path)).map_err(|e| Error::Config(format!("invalid WebSocket URL: {e}")))?;
    let tls = url.scheme() == "https";
    url.set_scheme(if tls { "wss" } else { "ws" }).map_err(|()| Error::Config("the base URL cannot become a WebSocket URL".into()))?;
    if !(inner.default_query.is_empty() && hs.options.query.is_empty()) {
        let mut pairs = url.query_pairs_mut();
        for (k, v) in inner.default_query.iter().chain(&hs.options.query) {
            pairs.append_pair(k, v);
        }
    }
    let mut headers = inner.default_headers.clone();
    let on_wire = inner.credentials.resolve(&inner.credentials.pick(hs.security)).await?;
    auth::apply(&on_wire, &mut url, &mut headers)?;
    for (name, value) in &hs.options.headers {
        headers.insert(header_name(name)?, header_value(value)?);
    }
    let mut request = url.as_str().into_client_request().map_err(|e| Error::Config(format!("invalid WebSocket request: {e}")))?;
    request.headers_mut().extend(headers);

    let host = url.host_str().unwrap_or_default().trim_start_matches('[').trim_end_matches(']').to_owned();
    let port = url.port_or_known_default().unwrap_or(if tls { 443 } else { 80 });
    let tcp = tokio::net::TcpStream::connect((host.as_str(), port)).await.map_err(|e| connect_error(format!("{host}:{port}: {e}")))?;
    // Events are small and latency matters more than packet count.
    let _ = tcp.set_nodelay(true);
    let io: Box<dyn Io> = if tls {
        let name = rustls::pki_types::ServerName::try_from(host.clone()).map_err(|e| Error::Config(format!("invalid TLS server name: {e}")))?;
        let stream = tokio_rustls::TlsConnector::from(tls_config()).connect(name, tcp).await.map_err(|e| connect_error(format!("TLS: {e}")))?;
        Box::new(stream)
    } else {
        Box::new(tcp)
    };
    let max = hs.options.max_message_bytes;
    let config = WebSocketConfig::default().max_message_size(Some(max)).max_frame_size(Some(max));
    match tokio_tungstenite::client_async_with_config(request, io, Some(config)).await {
        Ok((conn, _)) => Ok(conn),
        Err(tungstenite::Error::Http(response)) => {
            let (parts, body) = response.into_parts();
            let request_id = hs.client.request_id(&parts.headers).map(str::to_owned);
            Err(Error::from_response(parts.status.as_u16(), parts.headers, body.as_deref().unwrap_or_default(), request_id, hs.error_message))
        }
        Err(e) => Err(connect_error(format!("upgrade: {e}"))),
    }
}

fn connect_error(message: String) -> Error {
    socket_error(SocketErrorKind::Connect, None, message)
}

/// One rustls configuration for every connection: the ring provider and the webpki roots, the
/// same as the HTTP client's `rustls` feature.
fn tls_config() -> Arc<rustls::ClientConfig> {
    static CONFIG: OnceLock<Arc<rustls::ClientConfig>> = OnceLock::new();
    Arc::clone(CONFIG.get_or_init(|| {
        let roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
        let config = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .expect("ring supports the default protocol versions")
            .with_root_certificates(roots)
            .with_no_client_auth();
        Arc::new(config)
    }))
}

/// The task owning the connection; it ends when the socket closes or is dropped, or when the
/// connection is lost for good.
pub(crate) async fn run<S: SocketEvent>(mut conn: Conn, hs: Handshake, mut commands: mpsc::UnboundedReceiver<Command>, events: mpsc::Sender<Batch<S>>, unsent: Arc<AtomicUsize>) {
    // A send whose write failed, kept (with reconnection on) for the new connection, as the
    // vendors' SDKs keep theirs.
    let mut retry: Option<String> = None;
    let keep = hs.options.reconnect.is_some();
    loop {
        let served = serve(&mut conn, &mut commands, &events, &unsent, (hs.options.max_message_bytes, keep), &mut retry);
        let (code, reason) = match served.await {
            Ended::Stop => return,
            Ended::Dropped(code, reason) => (code, reason),
        };
        tracing::debug!(code, reason = %reason, "websocket connection lost");
        if let Some(policy) = hs.options.reconnect.as_ref().filter(|_| RECOVERABLE.contains(&code)) {
            match reopen(&hs, policy).await {
                Ok(new) => {
                    conn = new;
                    let notice = socket_error(SocketErrorKind::Reconnected, Some(code), format!("the connection closed ({reason}) and a new one is open"));
                    if events.send(vec![Incoming::Failed(notice)]).await.is_err() {
                        return;
                    }
                    continue;
                }
                Err(e) => {
                    let _ = events.send(vec![Incoming::Failed(e)]).await;
                }
            }
        }
        // A normal closure by the server simply ends the stream.
        if code != 1000 {
            let _ = events.send(vec![Incoming::Failed(socket_error(SocketErrorKind::Closed, Some(code), reason))]).await;
        }
        return;
    }
}

/// Serves one connection until it ends: writes sends, decodes frames.
async fn serve<S: SocketEvent>(
    conn: &mut Conn,
    commands: &mut mpsc::UnboundedReceiver<Command>,
    events: &mpsc::Sender<Batch<S>>,
    unsent: &AtomicUsize,
    (max, keep): (usize, bool),
    retry: &mut Option<String>,
) -> Ended {
    if let Some(text) = retry.take() {
        let len = text.len();
        if let Err(e) = conn.send(Message::text(text.clone())).await {
            *retry = Some(text);
            return Ended::Dropped(1006, e.to_string());
        }
        unsent.fetch_sub(len, Ordering::AcqRel);
    }
    loop {
        let incoming = match select(Box::pin(commands.recv()), conn.next()).await {
            Either::Left((command, _)) => match command {
                None => {
                    let _ = close(conn).await;
                    return Ended::Stop;
                }
                Some(Command::Send(text)) => {
                    let len = text.len();
                    // Copied only when a failed write may be tried again on a new connection.
                    let kept = keep.then(|| text.clone());
                    if let Err(e) = conn.send(Message::text(text)).await {
                        // Still counted as unsent while it waits for the new connection.
                        match kept {
                            Some(text) => *retry = Some(text),
                            None => {
                                unsent.fetch_sub(len, Ordering::AcqRel);
                            }
                        }
                        return Ended::Dropped(1006, e.to_string());
                    }
                    unsent.fetch_sub(len, Ordering::AcqRel);
                    continue;
                }
                Some(Command::Close(done)) => {
                    let _ = done.send(close(conn).await);
                    return Ended::Stop;
                }
            },
            Either::Right((message, _)) => message,
        };
        let mut batch = Vec::new();
        let mut next = Some(incoming);
        let mut ended = None;
        while let Some(message) = next.take() {
            match step(message, max) {
                Step::Item(item) => batch.push(item),
                Step::Skip => {}
                Step::End(end, last) => {
                    batch.extend(last);
                    ended = Some(end);
                    break;
                }
            }
            if batch.len() < BATCH {
                // Frames already buffered join the batch; none waiting ends it.
                next = conn.next().now_or_never();
            }
        }
        if !batch.is_empty() && events.send(batch).await.is_err() {
            let _ = close(conn).await;
            return Ended::Stop;
        }
        if let Some(end) = ended {
            return end;
        }
    }
}

/// Decodes one message read from the connection.
fn step<S: SocketEvent>(message: Option<Result<Message, tungstenite::Error>>, max: usize) -> Step<S> {
    match message {
        Some(Ok(Message::Text(text))) => Step::Item(match decode_json::<S>(text.as_bytes()) {
            Ok(event) => Incoming::Event(event, text.len()),
            Err(e) => Incoming::Failed(e),
        }),
        Some(Ok(Message::Binary(bytes))) => Step::Item(Incoming::Failed(socket_error(SocketErrorKind::BinaryFrame, None, format!("{} bytes where JSON text was expected", bytes.len())))),
        Some(Ok(Message::Close(frame))) => Step::End(
            match frame {
                Some(f) => Ended::Dropped(f.code.into(), f.reason.to_string()),
                None => Ended::Dropped(1005, "closed without a status".into()),
            },
            None,
        ),
        Some(Ok(_)) => Step::Skip, // ping and pong: tungstenite answers pings itself
        Some(Err(tungstenite::Error::Capacity(e))) => {
            let too_large = socket_error(SocketErrorKind::TooLarge, Some(1009), format!("{e} (limit {max} bytes)"));
            // The reader cannot resynchronize after a message it refused.
            Step::End(Ended::Dropped(1009, "message too large".into()), Some(Incoming::Failed(too_large)))
        }
        Some(Err(e)) => Step::End(Ended::Dropped(1006, e.to_string()), None),
        None => Step::End(Ended::Dropped(1006, "the connection ended".into()), None),
    }
}

/// Sends a normal closure and waits (briefly) for the peer's.
async fn close(conn: &mut Conn) -> Result<(), Error> {
    let closing = async {
        conn.close(None).await.map_err(|e| socket_error(SocketErrorKind::Closed, None, e.to_string()))?;
        while let Some(Ok(_)) = conn.next().await {}
        Ok(())
    };
    tokio::time::timeout(Duration::from_secs(5), closing).await.unwrap_or(Ok(()))
}

/// New connections with jittered exponential backoff, at most `policy.max_tries`.
async fn reopen(hs: &Handshake, policy: &Reconnect) -> Result<Conn, Error> {
    let mut last = socket_error(SocketErrorKind::Closed, None, "no reconnection was tried");
    for attempt in 0..policy.max_tries {
        let base = (policy.initial_delay.as_secs_f64() * 2f64.powi(attempt.min(30) as i32)).min(policy.max_delay.as_secs_f64());
        // 75-100% of the delay, as the vendors' SDKs wait, so clients dropped together spread out.
        tokio::time::sleep(Duration::from_secs_f64(base * (0.75 + 0.25 * fastrand::f64()))).await;
        match open(hs).await {
            Ok(conn) => return Ok(conn),
            Err(e) => {
                tracing::debug!(attempt, error = %e, "websocket reconnection failed");
                last = e;
            }
        }
    }
    Err(socket_error(SocketErrorKind::Closed, None, format!("{} reconnection attempts failed; last: {last}", policy.max_tries)))
}
