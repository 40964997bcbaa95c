//! The single error type returned by every runtime call, plus the error object read from a
//! failed answer where the operation declares one.

use std::fmt;
use std::time::Duration;

use reqwest::header::HeaderMap;
use serde::Deserialize;

/// The error object of a non-2xx body: the object holding the message that the operation's
/// declared error schema places (`{"error": {"message": ..}}` or `{"message": ..}`), with the
/// `type`, `param` and `code` beside it where there are.
///
/// Every field is optional because proxies and gateways return their own
/// shapes; the raw body is always kept on [`Error::Api`] as well.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiErrorBody {
    /// Human readable description of the problem.
    pub message: Option<String>,
    /// Error category such as `invalid_request_error` (`type` on the wire).
    pub r#type: Option<String>,
    /// The request parameter the error refers to, when there is one.
    pub param: Option<String>,
    /// Machine readable error code (a string or a number on the wire).
    pub code: Option<String>,
}

impl ApiErrorBody {
    /// Reads the `error` object: each field absent or `null` is `None`, `code` may be a number;
    /// a field of another JSON type makes the whole object unreadable (as a derive would).
    fn from_json(value: &serde_json::Value) -> Result<Self, &'static str> {
        use serde_json::Value;
        let object = value.as_object().ok_or("the error is not an object")?;
        let text = |key: &str| match object.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err("a field of the error is not a string"),
        };
        let code = match object.get("code") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(other) => Some(other.to_string()),
        };
        Ok(ApiErrorBody { message: text("message")?, r#type: text("type")?, param: text("param")?, code })
    }
}

// Written out rather than derived, so the crate needs no serde_derive.
impl<'de> Deserialize<'de> for ApiErrorBody {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        ApiErrorBody::from_json(&serde_json::Value::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

/// Everything that can go wrong while talking to the API.
///
/// The `Display` output never contains the API key or request bodies.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with a non-2xx status (after any retries).
    Api {
        /// HTTP status code.
        status: u16,
        /// The error object, when the operation declares where its message is and the body has it.
        error: Option<Box<ApiErrorBody>>,
        /// The server's request id (from the API's request-id header).
        request_id: Option<String>,
        /// The raw response body, decoded lossily as UTF-8.
        body: String,
        /// All response headers.
        headers: Box<HeaderMap>,
    },
    /// The request could not be sent or the connection broke while reading.
    Connection(reqwest::Error),
    /// A time limit ran out; carries the limit when it is known.
    Timeout(Option<Duration>),
    /// The overall limit of a call (`total_timeout`) ran out: either the next
    /// retry could not have started in time, or the attempt in flight was cut off.
    TotalTimeout {
        /// The configured limit.
        limit: Duration,
        /// Attempts made, counting one that was cut off.
        attempts: u32,
        /// What the last attempt ended with.
        last: Box<Error>,
    },
    /// A 2xx body (or one stream event) was not valid for the expected type.
    Decode {
        /// The raw text that failed to decode.
        body: String,
        /// JSON path of the failing value, such as `output[0].content`; `.` for the root.
        /// For truncated or malformed JSON, how far parsing got; the line and
        /// column of `source` say where it stopped.
        path: String,
        /// The underlying serde error.
        source: serde_json::Error,
    },
    /// The server sent an `error` event inside an event stream.
    StreamError {
        /// Machine readable error code.
        code: Option<String>,
        /// Human readable description.
        message: String,
        /// The request parameter involved, when there is one.
        param: Option<String>,
        /// The event's sequence number, when present.
        sequence_number: Option<i64>,
        /// The event's `type` (normally `error`), or else the SSE `event:` name.
        event_type: Option<String>,
        /// The whole event as sent; `Null` when its data was not JSON (the
        /// text is then the `message`).
        event: Box<serde_json::Value>,
    },
    /// A 2xx answer to a streaming request was not `text/event-stream`, for
    /// example from a compatible server that ignores `stream: true` and answers with JSON.
    UnexpectedContentType {
        /// HTTP status code.
        status: u16,
        /// The `content-type` header, `None` when the answer had none.
        content_type: Option<String>,
        /// The server's request id (from the API's request-id header).
        request_id: Option<String>,
        /// The start of the body (at most 4 KiB), decoded lossily as UTF-8.
        body: String,
    },
    /// The event stream was malformed or ended in the middle of an event.
    Stream(String),
    /// The client was configured wrongly (missing key, invalid header, bad URL...).
    Config(String),
    /// A list could not be walked further: the server repeated a cursor (the stream would
    /// loop), or its next-page link leads to another origin (scheme, host or port).
    Pagination(String),
    /// A webhook was refused by `Webhooks::verify` or `Webhooks::unwrap`: which check failed.
    Webhook(WebhookCheck),
    /// A WebSocket connection failed, closed, or received a frame it cannot use.
    #[cfg(feature = "websocket")]
    Socket {
        /// What happened.
        kind: super::socket::SocketErrorKind,
        /// The close code the peer sent, when the connection closed with one.
        close_code: Option<u16>,
        /// A description (the close reason, the refused field, the lanes that lost a result...).
        message: String,
    },
}


/// The check a webhook failed (see [`Error::Webhook`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum WebhookCheck {
    /// A required header (`webhook-id`, `webhook-timestamp` or `webhook-signature`) is absent,
    /// empty or not text.
    MissingHeader {
        /// The header's name.
        name: &'static str,
    },
    /// `webhook-timestamp` is not a number of seconds.
    TimestampUnparsable {
        /// The header's value.
        value: String,
    },
    /// The timestamp is older than the tolerance allows (a replay, or a delivery held too long).
    TimestampTooOld {
        /// Seconds between the timestamp and now.
        age: u64,
        /// The configured tolerance.
        tolerance: Duration,
    },
    /// The timestamp is further ahead of now than the tolerance allows.
    TimestampInFuture {
        /// Seconds between now and the timestamp.
        ahead: u64,
        /// The configured tolerance.
        tolerance: Duration,
    },
    /// No signature in `webhook-signature` is the body's signature under this secret: the body
    /// or headers were altered, or the secret is another endpoint's.
    NoMatchingSignature,
    /// The signature matched but the body is not JSON.
    NotJson {
        /// The JSON parser's message.
        reason: String,
    },
}

impl fmt::Display for WebhookCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WebhookCheck::MissingHeader { name } => write!(f, "the `{name}` header is missing"),
            WebhookCheck::TimestampUnparsable { value } => write!(f, "the timestamp {value:?} is not a number of seconds"),
            WebhookCheck::TimestampTooOld { age, tolerance } => {
                write!(f, "the timestamp is {age} s old, beyond the tolerance of {} s", tolerance.as_secs())
            }
            WebhookCheck::TimestampInFuture { ahead, tolerance } => {
                write!(f, "the timestamp is {ahead} s ahead, beyond the tolerance of {} s", tolerance.as_secs())
            }
            WebhookCheck::NoMatchingSignature => f.write_str("no signature matches the body and secret"),
            WebhookCheck::NotJson { reason } => write!(f, "the body is not JSON: {reason}"),
        }
    }
}

impl Error {
    /// HTTP status code, for [`Error::Api`] and [`Error::UnexpectedContentType`].
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. } | Error::UnexpectedContentType { status, .. } => {
                Some(*status)
            }
            Error::Connection(e) => e.status().map(|s| s.as_u16()),
            _ => None,
        }
    }

    /// The server's request id of the failed response, for [`Error::Api`] and
    /// [`Error::UnexpectedContentType`].
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api { request_id, .. } | Error::UnexpectedContentType { request_id, .. } => {
                request_id.as_deref()
            }
            _ => None,
        }
    }

    /// The parsed API error object, for [`Error::Api`].
    pub fn api_error(&self) -> Option<&ApiErrorBody> {
        match self {
            Error::Api { error, .. } => error.as_deref(),
            _ => None,
        }
    }

    /// The machine-readable code of an API error or of an `error` event (`previous_response_not_found`).
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Api { error, .. } => error.as_deref().and_then(|e| e.code.as_deref()),
            Error::StreamError { code, .. } => code.as_deref(),
            _ => None,
        }
    }

    /// The message of an API error or of an `error` event.
    pub fn message(&self) -> Option<&str> {
        match self {
            Error::Api { error, .. } => error.as_deref().and_then(|e| e.message.as_deref()),
            Error::StreamError { message, .. } => Some(message),
            _ => None,
        }
    }

    /// True for errors a new attempt might fix: broken connections and
    /// per-attempt timeouts (not [`Error::TotalTimeout`]: the call's time is spent).
    pub fn is_transient(&self) -> bool {
        matches!(self, Error::Connection(_) | Error::Timeout(_))
    }

    pub(crate) fn from_reqwest(e: reqwest::Error) -> Error {
        if e.is_timeout() {
            Error::Timeout(None)
        } else if e.is_builder() {
            Error::Config(format!("invalid request: {e}"))
        } else {
            Error::Connection(e)
        }
    }

    /// Builds [`Error::Api`] from a failed response's parts; `message_at` is the JSON pointer of
    /// the message in the operation's declared error body.
    pub(crate) fn from_response(
        status: u16,
        headers: HeaderMap,
        body: &[u8],
        request_id: Option<String>,
        message_at: Option<&str>,
    ) -> Error {
        let error = message_at
            .and_then(|pointer| {
                let holder = pointer.rsplit_once('/')?.0;
                let envelope = serde_json::from_slice::<serde_json::Value>(body).ok()?;
                ApiErrorBody::from_json(envelope.pointer(holder)?).ok()
            })
            .map(Box::new);
        Error::Api {
            status,
            error,
            request_id,
            body: String::from_utf8_lossy(body).into_owned(),
            headers: Box::new(headers),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api {
                status,
                error,
                request_id,
                ..
            } => {
                write!(f, "API error (HTTP {status})")?;
                if let Some(e) = error {
                    if let Some(t) = &e.r#type {
                        write!(f, " {t}")?;
                    }
                    if let Some(c) = &e.code {
                        write!(f, " [{c}]")?;
                    }
                    if let Some(m) = &e.message {
                        write!(f, ": {m}")?;
                    }
                }
                if let Some(id) = request_id {
                    write!(f, " (request id {id})")?;
                }
                Ok(())
            }
            Error::Connection(e) => write!(f, "connection error: {e}"),
            Error::Timeout(Some(d)) => write!(f, "request timed out after {d:?}"),
            Error::Timeout(None) => f.write_str("request timed out"),
            Error::TotalTimeout {
                limit,
                attempts,
                last,
            } => {
                let s = if *attempts == 1 { "" } else { "s" };
                write!(
                    f,
                    "total timeout of {limit:?} elapsed after {attempts} attempt{s}; last: {last}"
                )
            }
            Error::Decode { path, source, .. } => fmt_decode(f, path, source),
            Error::StreamError { code, message, .. } => {
                write!(f, "stream error")?;
                if let Some(c) = code {
                    write!(f, " [{c}]")?;
                }
                write!(f, ": {message}")
            }
            Error::UnexpectedContentType {
                status,
                content_type,
                request_id,
                body,
            } => {
                let ct = content_type.as_deref().unwrap_or("(none)");
                write!(
                    f,
                    "expected an event stream, got HTTP {status} with content type {ct}"
                )?;
                if let Some(id) = request_id {
                    write!(f, " (request id {id})")?;
                }
                write!(f, "; body starts: {}", Snippet(body))
            }
            Error::Stream(m) => write!(f, "event stream error: {m}"),
            Error::Config(m) => write!(f, "configuration error: {m}"),
            Error::Pagination(m) => write!(f, "pagination error: {m}"),
            Error::Webhook(check) => write!(f, "webhook refused: {check}"),
            #[cfg(feature = "websocket")]
            Error::Socket { kind, close_code, message } => {
                write!(f, "websocket {kind}")?;
                if let Some(code) = close_code {
                    write!(f, " (close code {code})")?;
                }
                if !message.is_empty() {
                    write!(f, ": {message}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Connection(e) => Some(e),
            Error::Decode { source, .. } => Some(source),
            Error::TotalTimeout { last, .. } => Some(&**last),
            _ => None,
        }
    }
}

/// Describes a decode failure. For broken JSON the path is only how far
/// parsing got, so the message leads with the kind of damage and where it is.
fn fmt_decode(f: &mut fmt::Formatter<'_>, path: &str, source: &serde_json::Error) -> fmt::Result {
    use serde_json::error::Category;
    let damage = match source.classify() {
        Category::Eof => "the JSON ends early",
        Category::Syntax => "the JSON is malformed",
        Category::Data | Category::Io => {
            return write!(f, "could not decode response at `{path}`: {source}");
        }
    };
    write!(f, "could not decode response: {damage}: {source}")?;
    // serde_json leaves the position out of its message when it has none.
    if source.line() == 0 {
        f.write_str(" (position unknown)")?;
    }
    if path != "." {
        write!(f, ", inside `{path}`")?;
    }
    Ok(())
}

/// Characters of a response body shown by `Display`; the error keeps more.
const SNIPPET_CHARS: usize = 200;

/// The first [`SNIPPET_CHARS`] characters of a body, on one line, so that an
/// error message stays readable when the body is a page of HTML.
struct Snippet<'a>(&'a str);

impl fmt::Display for Snippet<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.trim().is_empty() {
            return f.write_str("(empty)");
        }
        let mut chars = self.0.trim().chars();
        for c in chars.by_ref().take(SNIPPET_CHARS) {
            match c {
                '\n' | '\r' | '\t' => f.write_str(" ")?,
                c => write!(f, "{c}")?,
            }
        }
        if chars.next().is_some() {
            f.write_str("…")?;
        }
        Ok(())
    }
}

