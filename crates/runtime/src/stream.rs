//! `EventStream`: typed, poll-driven decoding of an SSE response, with optional resumption of dropped streams where the API can resume one.

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_util::stream::FusedStream;
use futures_util::Stream;
use http_body::Body as _;
use reqwest::header::HeaderMap;
use reqwest::Method;
use tokio::time::{Instant, Sleep};

use super::client::Client;
use super::decode::decode_json;
use super::error::Error;
use super::event::StreamEvent;
use super::request::{encode_path_segment, ApiRequest, RequestOptions};
use super::retry::backoff;
use super::sse::{SseDecoder, SseEvent};

type Reconnect =
    Pin<Box<dyn Future<Output = Result<(reqwest::Response, Duration, u32), Error>> + Send>>;

/// A stream of decoded server-sent events.
///
/// Items are produced only as the consumer polls, so at most one network chunk
/// plus one partial event is buffered. An event that fails to decode yields
/// `Err(Error::Decode { .. })` and the stream goes on; an `error` event yields
/// `Err(Error::StreamError { .. })`. Comments and `keepalive` events are skipped,
/// and `data: [DONE]` ends the stream. Dropping the stream closes the connection.
pub struct EventStream<T> {
    client: Client,
    options: RequestOptions,
    status: u16,
    headers: HeaderMap,
    body: Option<Pin<Box<reqwest::Body>>>,
    decoder: SseDecoder,
    idle: Duration,
    idle_timer: Pin<Box<Sleep>>,
    reconnect: Option<Reconnect>,
    max_retries: u32,
    response_id: Option<String>,
    last_seq: Option<u64>,
    /// A terminal event (`response.completed`, `error`, ...) has been seen.
    terminal: bool,
    /// Reconnections in a row that delivered no new event.
    failed_resumes: u32,
    /// The current body ended; handled once buffered events are drained.
    eof: bool,
    done: bool,
    _marker: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream")
            .field("status", &self.status)
            .field("response_id", &self.response_id)
            .field("last_sequence_number", &self.last_seq)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl<T> EventStream<T> {
    pub(crate) fn new(
        client: Client,
        (response, idle, max_retries): (reqwest::Response, Duration, u32),
        options: RequestOptions,
    ) -> Self {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        EventStream {
            client,
            options,
            status,
            headers,
            body: Some(Box::pin(http_body_of(response))),
            decoder: SseDecoder::new(),
            idle,
            idle_timer: Box::pin(tokio::time::sleep(idle)),
            reconnect: None,
            max_retries,
            response_id: None,
            last_seq: None,
            terminal: false,
            failed_resumes: 0,
            eof: false,
            done: false,
            _marker: PhantomData,
        }
    }

    /// HTTP status of the response that opened the stream.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// Headers of the response that opened the stream.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The server's request id of the response that opened the stream.
    pub fn request_id(&self) -> Option<&str> {
        self.client.request_id(&self.headers)
    }

    /// The `response.id` seen in the events so far.
    pub fn response_id(&self) -> Option<&str> {
        self.response_id.as_deref()
    }

    /// The highest `sequence_number` delivered so far.
    pub fn last_sequence_number(&self) -> Option<u64> {
        self.last_seq
    }

    fn can_resume(&self) -> bool {
        self.client.inner.auto_resume
            && self.client.inner.profile.resume.is_some()
            && !self.terminal
            && self.response_id.is_some()
            && self.last_seq.is_some()
            && self.failed_resumes < self.max_retries
    }

    /// Handles a broken connection: ignores it after a terminal event,
    /// schedules a reconnection when possible, otherwise ends the stream with `err`.
    fn on_disconnect(&mut self, err: Error) -> Option<Error> {
        self.body = None;
        if self.terminal {
            // The logical stream is complete; a broken tail carries no information.
            tracing::debug!(error = %err, "connection closed after the terminal event");
            self.done = true;
            return None;
        }
        if !self.can_resume() {
            self.done = true;
            return Some(err);
        }
        let (Some(id), Some(last), Some(resume)) = (self.response_id.clone(), self.last_seq, self.client.inner.profile.resume) else {
            self.done = true;
            return Some(err);
        };
        let delay = backoff(self.failed_resumes, self.client.inner.jitter.sample());
        self.failed_resumes += 1;
        tracing::info!(response_id = %id, after = last, error = %err, "resuming event stream");
        let mut options = self.options.clone();
        options.idempotency_key = None;
        options.query.clear();
        let req = ApiRequest::new(
            Method::GET,
            resume.path.replace("{id}", &encode_path_segment(&id)),
        )
        .query(resume.stream_query.0, resume.stream_query.1)
        .query(resume.cursor, last)
        .options(options);
        let client = self.client.clone();
        let sleeper = client.inner.sleeper.clone();
        self.reconnect = Some(Box::pin(async move {
            sleeper.sleep(delay).await;
            client.open_stream(req).await
        }));
        None
    }

    /// Handles the end of a response body: done after a terminal event,
    /// otherwise a reconnection when possible, otherwise the end of the
    /// stream (with an error when an event was cut off).
    fn on_eof(&mut self) -> Option<Error> {
        if self.terminal {
            self.done = true;
            return None;
        }
        let truncated = self.decoder.has_partial();
        let err = Error::Stream(if truncated {
            "the connection closed in the middle of an event".into()
        } else {
            "the connection closed before a terminal event".into()
        });
        if self.can_resume() {
            return self.on_disconnect(err);
        }
        self.done = true;
        truncated.then_some(err)
    }

    fn install(&mut self, response: reqwest::Response, idle: Duration) {
        self.body = Some(Box::pin(http_body_of(response)));
        self.decoder.reset();
        self.idle = idle;
        self.reset_idle();
    }

    fn reset_idle(&mut self) {
        self.idle_timer.as_mut().reset(Instant::now() + self.idle);
    }
}

impl<T: StreamEvent> EventStream<T> {
    /// Turns one SSE event into an item, or `None` when it is skipped. The data is parsed
    /// once, into `T`; the stream reads the sequence number, response id and type from it.
    fn handle(&mut self, ev: SseEvent) -> Option<Result<T, Error>> {
        if ev.event == "keepalive" {
            return None;
        }
        if ev.data.trim() == "[DONE]" {
            self.terminal = true;
            self.done = true;
            self.body = None;
            return None;
        }
        if ev.event == "error" {
            return Some(Err(self.error_event(&ev)));
        }
        let event: T = match decode_json(ev.data.as_bytes()) {
            Ok(event) => event,
            Err(e) => return Some(Err(e)),
        };
        let ty = event.event_type();
        if ty == "keepalive" {
            return None;
        }
        if let Some(seq) = event.sequence_number().and_then(|s| u64::try_from(s).ok()) {
            if self.client.inner.auto_resume && self.last_seq.is_some_and(|last| seq <= last) {
                return None; // already delivered before a reconnection
            }
            self.last_seq = Some(seq);
            self.failed_resumes = 0;
        }
        if self.response_id.is_none() {
            self.response_id = event.response_id().map(str::to_owned);
        }
        if ty == "error" {
            // Its JSON is read from the event's data as it came (unknown fields included).
            return Some(Err(self.error_event(&ev)));
        }
        if matches!(ty, "response.completed" | "response.failed" | "response.incomplete") {
            self.terminal = true;
        }
        Some(Ok(event))
    }

    /// An `error` event ends the stream: as an `Err` keeping its type, raw JSON and sequence number.
    fn error_event(&mut self, ev: &SseEvent) -> Error {
        self.terminal = true;
        self.done = true;
        self.body = None;
        stream_error(ev)
    }
}

impl<T: StreamEvent> Stream for EventStream<T> {
    type Item = Result<T, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if this.done {
                return Poll::Ready(None);
            }
            if let Some(ev) = this.decoder.next_event() {
                match this.handle(ev) {
                    Some(item) => return Poll::Ready(Some(item)),
                    None => continue,
                }
            }
            if this.eof {
                this.eof = false;
                if let Some(err) = this.on_eof() {
                    return Poll::Ready(Some(Err(err)));
                }
                continue;
            }
            if let Some(fut) = this.reconnect.as_mut() {
                match fut.as_mut().poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(Ok((response, idle, _))) => {
                        this.reconnect = None;
                        this.install(response, idle);
                        continue;
                    }
                    Poll::Ready(Err(e)) => {
                        this.reconnect = None;
                        this.done = true;
                        return Poll::Ready(Some(Err(e)));
                    }
                }
            }
            let Some(body) = this.body.as_mut() else {
                this.done = true;
                continue;
            };
            match body.as_mut().poll_frame(cx) {
                Poll::Ready(Some(Ok(frame))) => {
                    if let Ok(data) = frame.into_data() {
                        this.reset_idle();
                        if let Err(e) = this.decoder.push(&data) {
                            this.done = true;
                            this.body = None;
                            return Poll::Ready(Some(Err(e)));
                        }
                    }
                }
                Poll::Ready(Some(Err(e))) => {
                    if let Some(err) = this.on_disconnect(Error::from_reqwest(e)) {
                        return Poll::Ready(Some(Err(err)));
                    }
                }
                Poll::Ready(None) => {
                    // Events still buffered are delivered before the end is handled.
                    this.decoder.finish();
                    this.body = None;
                    this.eof = true;
                }
                Poll::Pending => {
                    if this.idle_timer.as_mut().poll(cx).is_ready() {
                        let err = Error::Timeout(Some(this.idle));
                        if let Some(err) = this.on_disconnect(err) {
                            return Poll::Ready(Some(Err(err)));
                        }
                        continue;
                    }
                    return Poll::Pending;
                }
            }
        }
    }
}

impl<T: StreamEvent> FusedStream for EventStream<T> {
    fn is_terminated(&self) -> bool {
        self.done
    }
}

fn http_body_of(response: reqwest::Response) -> reqwest::Body {
    http::Response::<reqwest::Body>::from(response).into_body()
}

/// Builds [`Error::StreamError`] from a flat (`{"type":"error","code",...}`)
/// or nested (`{"type":"error","error":{...}}`) error event, keeping the
/// parsed event whole so callers can read fields this code does not know.
fn stream_error(ev: &SseEvent) -> Error {
    error_event(&ev.data, &ev.event)
}

/// [`Error::StreamError`] for an error event's `data` (JSON, or else text), `name` its SSE event
/// name if it had one; also used for the error events of a WebSocket.
pub(crate) fn error_event(data: &str, name: &str) -> Error {
    use serde_json::Value;
    fn text(v: Option<&Value>) -> Option<String> {
        match v? {
            Value::Null => None,
            Value::String(s) => Some(s.clone()),
            other => Some(other.to_string()),
        }
    }
    let raw = serde_json::from_str::<Value>(data).unwrap_or(Value::Null);
    // Nested fields win over flat ones, each on its own.
    let field = |name: &str| {
        let nested = raw.get("error").and_then(|e| e.get(name));
        text(nested).or_else(|| text(raw.get(name)))
    };
    let message = field("message").unwrap_or_else(|| {
        if data.trim().is_empty() {
            "the server sent an error event".to_owned()
        } else {
            data.to_owned()
        }
    });
    let event_type = match raw.get("type") {
        Some(Value::String(t)) => Some(t.clone()),
        _ => (!name.is_empty()).then(|| name.to_owned()),
    };
    Error::StreamError {
        code: field("code"),
        message,
        param: field("param"),
        sequence_number: raw.get("sequence_number").and_then(Value::as_i64),
        event_type,
        event: Box::new(raw),
    }
}
