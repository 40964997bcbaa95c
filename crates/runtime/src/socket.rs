//! `Socket`: one WebSocket connection carrying JSON events both ways, generic over the event type
//! the client sends and the one the server sends. Results run on lanes (an event property the
//! generated code names); `result` waits for the next one on a lane while the events of other
//! lanes queue for the `Stream`. The connection itself lives in a task (`socket_io`).

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_util::Stream;
use serde::de::DeserializeOwned;
use serde::Serialize;
use tokio::sync::{mpsc, oneshot};
use tokio::time::{Instant, Sleep};

use super::auth::Requirement;
use super::client::Client;
use super::error::Error;
use super::socket_io::{self, Batch, Command, Handshake, Incoming};

/// A type the server's events decode into: what the socket reads from each.
pub trait SocketEvent: DeserializeOwned + Serialize + Send + 'static {
    /// The event's tag (`type`).
    fn event_type(&self) -> &str;
    /// The lane the event belongs to; `None` for the default lane.
    fn lane(&self) -> Option<&str> {
        None
    }
    /// Whether the event ends one result on its lane (a final event or an error).
    fn ends_result(&self) -> bool {
        false
    }
    /// Whether the event is an error (which ends a result when [`Self::ends_result`] says so).
    fn is_error(&self) -> bool {
        false
    }
}

impl SocketEvent for serde_json::Value {
    fn event_type(&self) -> &str {
        self.get("type").and_then(serde_json::Value::as_str).unwrap_or_default()
    }
}

/// What went wrong with a WebSocket connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SocketErrorKind {
    /// The connection could not be opened (TCP, TLS or the upgrade; an HTTP answer is `Error::Api`).
    Connect,
    /// The connection closed or broke; without reconnection the socket ends after this.
    Closed,
    /// The connection broke and a new one was opened: results in flight on the old one are lost,
    /// and so is what only the old connection held: a request referring to a result it kept
    /// without storing it (a chain of earlier results) cannot continue on the new one.
    Reconnected,
    /// A binary frame arrived where JSON text was expected.
    BinaryFrame,
    /// A frame or message exceeded the configured size.
    TooLarge,
    /// The event was refused before sending (a field the socket does not allow).
    Refused,
    /// The queue of sends waiting for a reconnection, or of events waiting for `next()`, is full.
    QueueFull,
}

impl fmt::Display for SocketErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SocketErrorKind::Connect => "connect failed",
            SocketErrorKind::Closed => "connection closed",
            SocketErrorKind::Reconnected => "reconnected",
            SocketErrorKind::BinaryFrame => "binary frame",
            SocketErrorKind::TooLarge => "frame too large",
            SocketErrorKind::Refused => "event refused",
            SocketErrorKind::QueueFull => "queue full",
        })
    }
}

pub(crate) fn socket_error(kind: SocketErrorKind, close_code: Option<u16>, message: impl Into<String>) -> Error {
    Error::Socket { kind, close_code, message: message.into() }
}

/// How a dropped connection is replaced (see [`SocketOptions::reconnect`]).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Reconnect {
    /// Connection attempts after a drop before giving up (5).
    pub max_tries: u32,
    /// Wait before the first attempt, doubled for each next one (0.5 s).
    pub initial_delay: Duration,
    /// Longest wait between attempts (8 s).
    pub max_delay: Duration,
    /// Most bytes of events sent while the connection is down, kept to be sent on the new one (1 MiB).
    pub send_queue_bytes: usize,
}

impl Default for Reconnect {
    fn default() -> Self {
        Reconnect { max_tries: 5, initial_delay: Duration::from_millis(500), max_delay: Duration::from_secs(8), send_queue_bytes: 1 << 20 }
    }
}

impl Reconnect {
    /// Sets [`Self::max_tries`].
    pub fn max_tries(mut self, n: u32) -> Self {
        self.max_tries = n;
        self
    }
    /// Sets [`Self::initial_delay`] and [`Self::max_delay`].
    pub fn delays(mut self, initial: Duration, max: Duration) -> Self {
        (self.initial_delay, self.max_delay) = (initial, max);
        self
    }
    /// Sets [`Self::send_queue_bytes`].
    pub fn send_queue_bytes(mut self, n: usize) -> Self {
        self.send_queue_bytes = n;
        self
    }
}

/// Options of one WebSocket connection.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SocketOptions {
    /// Headers added to the handshake (after the client's default headers and credentials).
    pub headers: Vec<(String, String)>,
    /// Query pairs added to the URL (after the client's default query).
    pub query: Vec<(String, String)>,
    /// Limit for opening the connection, TLS and upgrade included (30 s).
    pub connect_timeout: Duration,
    /// Longest wait for the next frame while the caller waits for an event (the client's timeout);
    /// `None` waits for ever.
    pub idle_timeout: Option<Duration>,
    /// Largest message accepted from the server (16 MiB).
    pub max_message_bytes: usize,
    /// Most bytes of events of other lanes held for `next()` while `result` waits (16 MiB).
    pub max_queue_bytes: usize,
    /// Reconnection after a drop; off unless set.
    pub reconnect: Option<Reconnect>,
}

impl Default for SocketOptions {
    fn default() -> Self {
        SocketOptions {
            headers: Vec::new(),
            query: Vec::new(),
            connect_timeout: Duration::from_secs(30),
            idle_timeout: None,
            max_message_bytes: 16 << 20,
            max_queue_bytes: 16 << 20,
            reconnect: None,
        }
    }
}

impl SocketOptions {
    /// Default options.
    pub fn new() -> Self {
        Self::default()
    }
    /// Adds a handshake header (a beta flag, say).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
    /// Adds a query pair to the URL.
    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }
    /// Sets [`Self::connect_timeout`].
    pub fn connect_timeout(mut self, limit: Duration) -> Self {
        self.connect_timeout = limit;
        self
    }
    /// Sets [`Self::idle_timeout`].
    pub fn idle_timeout(mut self, limit: Option<Duration>) -> Self {
        self.idle_timeout = limit;
        self
    }
    /// Sets [`Self::max_message_bytes`].
    pub fn max_message_bytes(mut self, n: usize) -> Self {
        self.max_message_bytes = n;
        self
    }
    /// Sets [`Self::max_queue_bytes`].
    pub fn max_queue_bytes(mut self, n: usize) -> Self {
        self.max_queue_bytes = n;
        self
    }
    /// Turns reconnection on.
    pub fn reconnect(mut self, reconnect: Reconnect) -> Self {
        self.reconnect = Some(reconnect);
        self
    }
}

/// A WebSocket connection: send client events of type `C`, receive server events of type `S` as a
/// [`Stream`], in arrival order. An error event is an item like any other; the socket goes on.
/// Dropping it closes the connection.
pub struct Socket<C, S> {
    commands: mpsc::UnboundedSender<Command>,
    events: mpsc::Receiver<Batch<S>>,
    /// The rest of the last batch.
    ready: VecDeque<Incoming<S>>,
    /// Bytes of sends not yet written (bounded while reconnecting).
    unsent: Arc<AtomicUsize>,
    send_limit: usize,
    /// Events of other lanes that arrived while `result` waited, with their size.
    queued: VecDeque<(Result<S, Error>, usize)>,
    queued_bytes: usize,
    max_queue_bytes: usize,
    /// Results sent and not yet ended, per lane (the default lane is `None`).
    open: HashMap<Option<String>, u32>,
    idle: Option<Duration>,
    timer: Pin<Box<Sleep>>,
    waiting: bool,
    _client_event: PhantomData<fn(C)>,
}

// No field is ever pinned in place (the timer is boxed), whatever the event types are.
impl<C, S> Unpin for Socket<C, S> {}

impl<C, S> fmt::Debug for Socket<C, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Socket").field("queued", &self.queued.len()).field("open", &self.open).finish_non_exhaustive()
    }
}

impl<C: Serialize, S: SocketEvent> Socket<C, S> {
    /// Opens a connection to `path` under the client's base URL (`https` becomes `wss`, `http`
    /// `ws`), with the client's default headers and query, and the credentials `security` picks
    /// (a token provider is asked once per handshake).
    pub async fn connect(client: &Client, path: &'static str, security: Requirement, error_message: Option<&'static str>, options: SocketOptions) -> Result<Self, Error> {
        let idle = options.idle_timeout.or(Some(client.inner.timeout));
        let max_queue_bytes = options.max_queue_bytes;
        let send_limit = options.reconnect.as_ref().map_or(usize::MAX, |r| r.send_queue_bytes);
        let handshake = Handshake { client: client.clone(), path, security, error_message, options };
        let conn = socket_io::open(&handshake).await?;
        let (commands, command_rx) = mpsc::unbounded_channel();
        let (event_tx, events) = mpsc::channel(16);
        let unsent = Arc::new(AtomicUsize::new(0));
        tokio::spawn(socket_io::run::<S>(conn, handshake, command_rx, event_tx, Arc::clone(&unsent)));
        Ok(Socket {
            commands,
            events,
            ready: VecDeque::new(),
            unsent,
            send_limit,
            queued: VecDeque::new(),
            queued_bytes: 0,
            max_queue_bytes,
            open: HashMap::new(),
            idle,
            timer: Box::pin(tokio::time::sleep(Duration::ZERO)),
            waiting: false,
            _client_event: PhantomData,
        })
    }

    /// Sends one event; `lane` is the lane its result runs on, counted so that [`Self::result`]
    /// waits for results in send order. Returns once the event is handed to the connection.
    pub async fn send_event(&mut self, event: &C, lane: Option<&str>) -> Result<(), Error> {
        let text = serde_json::to_string(event).map_err(|e| Error::Config(format!("cannot encode the event: {e}")))?;
        self.send_text(text)?;
        *self.open.entry(lane.map(str::to_owned)).or_default() += 1;
        Ok(())
    }

    /// Sends a text frame as it is: for client events this crate does not know. Starts no result.
    pub async fn send_raw(&mut self, text: impl Into<String>) -> Result<(), Error> {
        self.send_text(text.into())
    }

    fn send_text(&mut self, text: String) -> Result<(), Error> {
        let len = text.len();
        if self.unsent.load(Ordering::Acquire).saturating_add(len) > self.send_limit {
            return Err(socket_error(SocketErrorKind::QueueFull, None, format!("more than {} bytes wait for the connection", self.send_limit)));
        }
        self.unsent.fetch_add(len, Ordering::AcqRel);
        self.commands
            .send(Command::Send(text))
            .map_err(|_| socket_error(SocketErrorKind::Closed, None, "the connection is closed"))
    }

    /// Sends `event` and waits for the end of its result on `lane`: after the results sent earlier
    /// on that lane, the first event that ends one. An error event is an `Err` with its code and
    /// message, and the socket stays usable. Events of other lanes (and of earlier results on
    /// this one) queue for the `Stream`, up to [`SocketOptions::max_queue_bytes`].
    pub async fn result(&mut self, event: &C, lane: Option<&str>) -> Result<S, Error> {
        let key = lane.map(str::to_owned);
        let mut earlier = self.open.get(&key).copied().unwrap_or(0);
        self.send_event(event, lane).await?;
        loop {
            let (item, size) = self.receive().await.ok_or_else(|| socket_error(SocketErrorKind::Closed, None, "the connection closed before the result ended"))?;
            let event = match item {
                Ok(event) if event.lane() == lane && earlier == 0 => event,
                Ok(event) => {
                    if event.lane() == lane && event.ends_result() {
                        earlier -= 1;
                    }
                    self.hold(Ok(event), size)?;
                    continue;
                }
                // The result is lost with its connection, or the server went silent.
                Err(e @ (Error::Socket { kind: SocketErrorKind::Reconnected | SocketErrorKind::Closed, .. } | Error::Timeout(_))) => return Err(e),
                // A frame that cannot be read may belong to any lane: the stream reports it.
                Err(e) => {
                    self.hold(Err(e), size)?;
                    continue;
                }
            };
            if !event.ends_result() {
                continue;
            }
            return if event.is_error() { Err(self.error_of(&event)) } else { Ok(event) };
        }
    }

    /// Closes the connection (normal closure) and waits for the peer's answer; the stream then ends.
    pub async fn close(&mut self) -> Result<(), Error> {
        let (done, wait) = oneshot::channel();
        if self.commands.send(Command::Close(done)).is_err() {
            return Ok(());
        }
        wait.await.unwrap_or(Ok(()))
    }

    fn error_of(&self, event: &S) -> Error {
        // Error events are rare: encoding one back to read its fields costs nothing that matters.
        let text = serde_json::to_string(event).unwrap_or_default();
        super::stream::error_event(&text, "")
    }

    fn hold(&mut self, item: Result<S, Error>, size: usize) -> Result<(), Error> {
        if self.queued_bytes + size > self.max_queue_bytes {
            return Err(socket_error(SocketErrorKind::QueueFull, None, format!("events of other lanes exceed {} bytes", self.max_queue_bytes)));
        }
        self.queued_bytes += size;
        self.queued.push_back((item, size));
        Ok(())
    }

    /// The next item from the connection, with the idle limit.
    async fn receive(&mut self) -> Option<(Result<S, Error>, usize)> {
        if self.ready.is_empty() {
            let next = self.events.recv();
            let batch = match self.idle {
                Some(limit) => match tokio::time::timeout(limit, next).await {
                    Ok(v) => v,
                    Err(_) => return Some((Err(Error::Timeout(Some(limit))), 0)),
                },
                None => next.await,
            }?;
            self.ready.extend(batch);
        }
        let incoming = self.ready.pop_front()?;
        Some(self.observe(incoming))
    }

    /// Counts ended results, and says which lanes lost theirs when the connection was replaced.
    fn observe(&mut self, incoming: Incoming<S>) -> (Result<S, Error>, usize) {
        match incoming {
            Incoming::Event(event, size) => {
                if event.ends_result() {
                    let key = event.lane().map(str::to_owned);
                    if let Some(n) = self.open.get_mut(&key) {
                        *n = n.saturating_sub(1);
                    }
                }
                (Ok(event), size)
            }
            Incoming::Failed(Error::Socket { kind: SocketErrorKind::Reconnected, close_code, message }) => {
                let mut lost: Vec<String> = self.open.drain().filter(|(_, n)| *n > 0).map(|(lane, n)| format!("{} on {}", n, lane.as_deref().unwrap_or("the default lane"))).collect();
                lost.sort();
                let lost = if lost.is_empty() { "no result was in flight".to_owned() } else { format!("results lost: {}", lost.join(", ")) };
                (Err(socket_error(SocketErrorKind::Reconnected, close_code, format!("{message}; {lost}; results that only the old connection held cannot be referred to on the new one"))), 0)
            }
            Incoming::Failed(e) => (Err(e), 0),
        }
    }
}

impl<C: Serialize, S: SocketEvent> Stream for Socket<C, S> {
    type Item = Result<S, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if let Some((item, size)) = this.queued.pop_front() {
            this.queued_bytes -= size;
            return Poll::Ready(Some(item));
        }
        if let Some(incoming) = this.ready.pop_front() {
            this.waiting = false;
            return Poll::Ready(Some(this.observe(incoming).0));
        }
        if let Poll::Ready(batch) = this.events.poll_recv(cx) {
            this.waiting = false;
            let Some(batch) = batch else { return Poll::Ready(None) };
            this.ready.extend(batch);
            // A batch is never empty; should one be, the next poll asks again.
            return match this.ready.pop_front() {
                Some(incoming) => Poll::Ready(Some(this.observe(incoming).0)),
                None => {
                    cx.waker().wake_by_ref();
                    Poll::Pending
                }
            };
        }
        let Some(limit) = this.idle else { return Poll::Pending };
        if !this.waiting {
            this.waiting = true;
            this.timer.as_mut().reset(Instant::now() + limit);
        }
        if this.timer.as_mut().poll(cx).is_ready() {
            this.waiting = false;
            return Poll::Ready(Some(Err(Error::Timeout(Some(limit)))));
        }
        Poll::Pending
    }
}
