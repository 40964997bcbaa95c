//! The API client: configuration, request assembly, the retry loop and the public `send_*` calls.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, CONTENT_LENGTH, CONTENT_TYPE};
use reqwest::{Method, StatusCode, Url};
use serde::de::DeserializeOwned;
use tracing::Instrument;

use super::auth::{self, Credentials, Requirement};
use super::profile::ApiProfile;
use super::decode::decode_json;
use super::event::StreamEvent;
use super::error::Error;
use super::request::{check_path, ApiRequest, IntoRequest};
use super::response::{header_str, ApiResponse};
use super::retry::{retry_delay, should_retry, Jitter, Sleeper};
use super::stream::EventStream;

/// Most redirects followed for one attempt.
const MAX_REDIRECTS: usize = 10;

/// A handle to the API. Cheap to clone: clones share one connection pool and configuration.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
    /// Applied to the calls made through this handle (see [`Client::with_options`]).
    pub(crate) options: super::request::RequestOptions,
}

pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    pub(crate) profile: &'static ApiProfile,
    pub(crate) base_url: String,
    /// The base URL parsed: credentials go to its origin only.
    pub(crate) origin: Url,
    pub(crate) default_headers: HeaderMap,
    pub(crate) default_query: Vec<(String, String)>,
    pub(crate) credentials: Credentials,
    pub(crate) timeout: Duration,
    pub(crate) total_timeout: Option<Duration>,
    pub(crate) max_retries: u32,
    pub(crate) auto_resume: bool,
    pub(crate) plain_array_query: bool,
    pub(crate) sleeper: Arc<dyn Sleeper>,
    pub(crate) jitter: Arc<dyn Jitter>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        let schemes: Vec<&str> = i.credentials.values.iter().map(|(s, _)| s.name).collect();
        f.debug_struct("Client")
            .field("base_url", &i.base_url)
            .field("credentials_for", &schemes)
            .field("timeout", &i.timeout)
            .field("total_timeout", &i.total_timeout)
            .field("max_retries", &i.max_retries)
            .field("auto_resume", &i.auto_resume)
            .finish_non_exhaustive()
    }
}

/// A request ready to send: URL with query, complete headers and the body bytes.
pub(crate) struct Prepared {
    method: Method,
    path: String,
    url: Url,
    headers: HeaderMap,
    body: Option<Bytes>,
    /// The idempotency key sent on every attempt, if any.
    idempotency_key: Option<String>,
    /// Whether a failed attempt may be repeated: the method is idempotent or a key makes it so.
    retryable: bool,
    /// Which configured credentials the operation sends.
    security: Requirement,
    /// Where the message sits in the operation's declared error body.
    error_message: Option<&'static str>,
    pub(crate) timeout: Duration,
    total_timeout: Option<Duration>,
    pub(crate) max_retries: u32,
}

/// What one successful `execute` produced.
pub(crate) enum Received {
    /// A fully read body (always the case for non-streaming calls).
    Full(StatusCode, HeaderMap, Bytes),
    /// A 2xx response whose body is still to be read as a stream.
    Streaming(reqwest::Response),
}

impl Client {
    /// This client with per-request options (timeouts, retries, headers) for the calls made
    /// through it: its own operation methods and the group handles it gives out. Cheap: the
    /// clone shares the connection pool and configuration.
    pub fn with_options(&self, options: super::request::RequestOptions) -> Client {
        Client { inner: Arc::clone(&self.inner), options }
    }

    /// The options this client applies to its calls (see [`Client::with_options`]).
    pub fn options(&self) -> &super::request::RequestOptions {
        &self.options
    }

    /// The base URL every request path is appended to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// Sends `req` and decodes the JSON body as `T`.
    pub async fn send_json<T: DeserializeOwned>(&self, req: impl IntoRequest) -> Result<T, Error> {
        self.send_json_with_response(req).await.map(|r| r.data)
    }

    /// Sends `req` and returns the decoded body together with status and headers.
    ///
    /// An empty body decodes as JSON `null`, so `()` and `Option<_>` accept it.
    pub async fn send_json_with_response<T: DeserializeOwned>(
        &self,
        req: impl IntoRequest,
    ) -> Result<ApiResponse<T>, Error> {
        let resp = self.send_bytes(req).await?;
        let data = if resp.data.iter().all(u8::is_ascii_whitespace) {
            decode_json(b"null")?
        } else {
            decode_json(&resp.data)?
        };
        Ok(resp.map(|_| data))
    }

    /// Sends `req` and returns the raw body bytes (for binary downloads).
    pub async fn send_bytes(&self, req: impl IntoRequest) -> Result<ApiResponse<Bytes>, Error> {
        let prepared = self.prepare(req.into_request()?, false)?;
        match self.execute(&prepared, false).await? {
            (Received::Full(status, headers, body), attempts) => {
                let request_id = self.request_id(&headers).map(str::to_owned);
                Ok(ApiResponse::new(body, status.as_u16(), headers, request_id)
                    .with_call(attempts, prepared.idempotency_key))
            }
            (Received::Streaming(_), _) => {
                Err(Error::Stream("unexpected streaming response".into()))
            }
        }
    }

    /// Sends `req` with `Accept: text/event-stream` and returns the decoded events.
    ///
    /// Errors before the first byte of the body (status, connection, retries)
    /// are returned here; later ones are items of the stream. A 2xx answer
    /// that is not `text/event-stream` is [`Error::UnexpectedContentType`].
    pub async fn send_stream<T: StreamEvent + Send + 'static>(
        &self,
        req: impl IntoRequest,
    ) -> Result<EventStream<T>, Error> {
        let req = req.into_request()?;
        let options = req.options.clone();
        let response = self.open_stream(req).await?;
        Ok(EventStream::new(self.clone(), response, options))
    }

    /// Sends a streaming request and returns the 2xx response with its body unread.
    pub(crate) async fn open_stream(
        &self,
        req: ApiRequest,
    ) -> Result<(reqwest::Response, Duration, u32), Error> {
        let prepared = self.prepare(req, true)?;
        match self.execute(&prepared, true).await?.0 {
            Received::Streaming(r) => {
                let request_id = self.request_id(r.headers()).map(str::to_owned);
                let r = expect_event_stream(r, prepared.timeout, request_id).await?;
                Ok((r, prepared.timeout, prepared.max_retries))
            }
            Received::Full(status, headers, body) => {
                // A 2xx with the body already read cannot happen in stream mode.
                Err(self.api_error(&prepared, status, headers, &body))
            }
        }
    }

    /// Turns an [`ApiRequest`] into a ready-to-send request.
    fn prepare(&self, req: ApiRequest, streaming: bool) -> Result<Prepared, Error> {
        let inner = &*self.inner;
        let url = self.request_url(&req)?;

        let mut headers = inner.default_headers.clone();
        headers.insert(
            ACCEPT,
            HeaderValue::from_static(if streaming {
                "text/event-stream"
            } else {
                "application/json"
            }),
        );
        let body = match req.body {
            Some((content_type, bytes)) => {
                headers.insert(CONTENT_TYPE, header_value(&content_type)?);
                Some(bytes)
            }
            // RFC 9110 §8.6: a request whose method defines a body should say
            // it is empty; some proxies answer 411 Length Required otherwise,
            // and hyper sends no length for a request without a body.
            None if matches!(req.method, Method::POST | Method::PUT | Method::PATCH) => {
                headers.insert(CONTENT_LENGTH, HeaderValue::from_static("0"));
                None
            }
            None => None,
        };
        let idempotency_header = inner.profile.idempotency_header.unwrap_or("idempotency-key");
        let unsafe_method = matches!(req.method, Method::POST | Method::PATCH);
        let key = match req.options.idempotency_key {
            Some(k) => Some(k),
            None if unsafe_method && inner.profile.idempotency_header.is_some() => Some(new_idempotency_key()),
            None => None,
        };
        if let Some(k) = key {
            headers.insert(header_name(idempotency_header)?, header_value(&k)?);
        }
        for (name, value) in req
            .headers
            .iter()
            .map(|(n, v)| (&**n, v))
            .chain(req.options.headers.iter().map(|(n, v)| (n.as_str(), v)))
        {
            headers.insert(header_name(name)?, header_value(value)?);
        }
        // Read back from the headers: an explicit header option overrides the key.
        let idempotency_key = header_str(&headers, idempotency_header).map(str::to_owned);
        Ok(Prepared {
            retryable: !unsafe_method || idempotency_key.is_some(),
            security: req.security,
            error_message: req.error_message,
            method: req.method,
            path: req.path,
            url,
            headers,
            body,
            idempotency_key,
            timeout: req.options.timeout.unwrap_or(inner.timeout),
            total_timeout: req.options.total_timeout.or(inner.total_timeout),
            max_retries: req.options.max_retries.unwrap_or(inner.max_retries),
        })
    }

    /// The URL `req` goes to: the base URL and its path, or its absolute target (whose own
    /// query is kept and gains only the default and option pairs whose names it lacks).
    pub(crate) fn request_url(&self, req: &ApiRequest) -> Result<Url, Error> {
        let inner = &*self.inner;
        let mut url = match &req.absolute {
            Some(url) => url.clone(),
            None => {
                check_path(&req.path)?;
                Url::parse(&format!("{}{}", inner.base_url, req.path))
                    .map_err(|e| Error::Config(format!("invalid request URL: {e}")))?
            }
        };
        let given: Vec<String> = url.query_pairs().map(|(k, _)| k.into_owned()).collect();
        let defaults = inner.default_query.iter().filter(|(k, _)| !given.contains(k));
        let options = req.options.query.iter().filter(|(k, _)| !given.contains(k));
        let has_query = !(defaults.clone().next().is_none()
            && req.query.is_empty()
            && options.clone().next().is_none());
        if has_query {
            let mut pairs = url.query_pairs_mut();
            for (k, v) in defaults {
                pairs.append_pair(k, v);
            }
            for q in &req.query {
                if q.brackets && !inner.plain_array_query {
                    pairs.append_pair(&format!("{}[]", q.name), &q.value);
                } else {
                    pairs.append_pair(&q.name, &q.value);
                }
            }
            for (k, v) in options {
                pairs.append_pair(k, v);
            }
        }
        Ok(url)
    }

    /// Sends `p`, retrying per the retry policy, until a 2xx arrives, the
    /// retries run out or the overall deadline passes. Non-2xx results become
    /// [`Error::Api`]. Returns what arrived and the number of attempts made.
    pub(crate) async fn execute(
        &self,
        p: &Prepared,
        streaming: bool,
    ) -> Result<(Received, u32), Error> {
        let span = tracing::info_span!(
            "oa_request",
            method = %p.method,
            path = %p.path,
            attempt = tracing::field::Empty,
            status = tracing::field::Empty,
            request_id = tracing::field::Empty,
        );
        let inner_span = span.clone();
        async move {
            let clock = &*self.inner.sleeper;
            let deadline = p
                .total_timeout
                .and_then(|t| clock.instant().checked_add(t).map(|at| (at, t)));
            let mut attempt: u32 = 0;
            loop {
                inner_span.record("attempt", attempt);
                // The attempt may not outlast the deadline; when it is cut
                // short for that reason, the call has run out of time.
                let remaining =
                    deadline.map(|(at, _)| at.saturating_duration_since(clock.instant()));
                let limit = remaining.map_or(p.timeout, |r| r.min(p.timeout));
                let result = self
                    .attempt(p, attempt, streaming, limit, &inner_span)
                    .await;
                let attempts = attempt + 1;
                let cut_off = limit < p.timeout && matches!(result, Err(Error::Timeout(_)));
                let delay = self.retry_delay_after(&result, attempt).filter(|_| p.retryable);
                let Some(delay) = delay.filter(|_| attempt < p.max_retries) else {
                    return match deadline {
                        Some((_, total)) if cut_off => Err(self.total_timeout(p, total, attempts, result)),
                        _ => self.outcome(p, result).map(|r| (r, attempts)),
                    };
                };
                if let Some((at, total)) = deadline {
                    if clock.instant().checked_add(delay).is_none_or(|t| t >= at) {
                        tracing::info!(
                            attempt,
                            delay_ms = millis(delay),
                            "not retrying: the total timeout would pass first"
                        );
                        return Err(self.total_timeout(p, total, attempts, result));
                    }
                }
                log_retry(&result, attempt, delay);
                drop(result);
                clock.sleep(delay).await;
                attempt += 1;
            }
        }
        .instrument(span)
        .await
    }

    /// The wait before another attempt, or `None` when `result` is not worth retrying.
    fn retry_delay_after(
        &self,
        result: &Result<Received, Error>,
        attempt: u32,
    ) -> Option<Duration> {
        match result {
            Ok(Received::Full(status, headers, _)) if !status.is_success() => {
                should_retry(*status, headers, self.inner.profile.should_retry_header)
                    .then(|| self.delay(Some(headers), attempt))
            }
            Ok(_) => None,
            Err(e) if e.is_transient() => Some(self.delay(None, attempt)),
            Err(_) => None,
        }
    }

    fn delay(&self, headers: Option<&HeaderMap>, retries_done: u32) -> Duration {
        retry_delay(
            headers,
            retries_done,
            self.inner.sleeper.now(),
            self.inner.jitter.sample(),
        )
    }

    /// One attempt under the per-attempt time limit. A non-streaming attempt
    /// includes reading the whole body; a streaming one stops at the headers
    /// when the status is 2xx.
    async fn attempt(
        &self,
        p: &Prepared,
        attempt: u32,
        streaming: bool,
        limit: Duration,
        span: &tracing::Span,
    ) -> Result<Received, Error> {
        let work = async {
            let resp = self.send_following_redirects(p, attempt).await?;
            let status = resp.status();
            span.record("status", status.as_u16());
            if let Some(id) = self.request_id(resp.headers()) {
                span.record("request_id", id);
            }
            if streaming && status.is_success() {
                return Ok(Received::Streaming(resp));
            }
            let headers = resp.headers().clone();
            let body = resp.bytes().await.map_err(Error::from_reqwest)?;
            Ok(Received::Full(status, headers, body))
        };
        match tokio::time::timeout(limit, work).await {
            Ok(r) => r,
            Err(_) => Err(Error::Timeout(Some(limit))),
        }
    }
}

impl Client {
    /// Sends one attempt of `p` and follows redirects (at most [`MAX_REDIRECTS`]): 303, and 301
    /// or 302 after a POST, become a GET without body; 307 and 308 resend the body. Credentials
    /// go only to the base URL's origin: once a redirect leaves it, the credentials this client
    /// adds and every default header that carries one by name stay behind.
    async fn send_following_redirects(&self, p: &Prepared, attempt: u32) -> Result<reqwest::Response, Error> {
        let inner = &*self.inner;
        let on_wire = inner.credentials.resolve(&inner.credentials.pick(p.security)).await?;
        let (mut method, mut url, mut body) = (p.method.clone(), p.url.clone(), p.body.clone());
        let mut at_origin = true;
        for _hop in 0..=MAX_REDIRECTS {
            at_origin = at_origin && auth::same_origin(&url, &inner.origin);
            let mut headers = p.headers.clone();
            let mut hop_url = url.clone();
            if at_origin {
                auth::apply(&on_wire, &mut hop_url, &mut headers)?;
            } else {
                auth::strip_for_other_origin(&mut headers, inner.profile);
            }
            if let Some(name) = inner.profile.retry_count_header {
                headers.insert(header_name(name)?, HeaderValue::from(attempt));
            }
            if body.is_none() && p.body.is_some() {
                // A 303 turned the request into a GET: nothing of the body goes along.
                headers.remove(CONTENT_TYPE);
                headers.remove(CONTENT_LENGTH);
            }
            let mut rb = inner.http.request(method.clone(), hop_url).headers(headers);
            if let Some(body) = &body {
                rb = rb.body(body.clone());
            }
            let resp = rb.send().await.map_err(Error::from_reqwest)?;
            let status = resp.status().as_u16();
            let location = resp.headers().get(reqwest::header::LOCATION).and_then(|v| v.to_str().ok());
            let (Some(location), 301 | 302 | 303 | 307 | 308) = (location, status) else {
                return Ok(resp);
            };
            let next = url.join(location).map_err(|e| Error::Config(format!("invalid redirect location: {e}")))?;
            if !matches!(next.scheme(), "http" | "https") {
                return Ok(resp);
            }
            if status == 303 || (matches!(status, 301 | 302) && method == Method::POST) {
                if method != Method::HEAD {
                    method = Method::GET;
                }
                body = None;
            }
            tracing::debug!(status, to_same_origin = auth::same_origin(&next, &inner.origin), "following redirect");
            url = next;
        }
        Err(Error::Config(format!("more than {MAX_REDIRECTS} redirects")))
    }

    /// The server's request id, from the first of the API's request-id headers present.
    pub(crate) fn request_id<'h>(&self, headers: &'h HeaderMap) -> Option<&'h str> {
        self.inner.profile.request_id_headers.iter().find_map(|name| header_str(headers, name))
    }

    /// [`Error::Api`] for a failed answer to `p`.
    fn api_error(&self, p: &Prepared, status: StatusCode, headers: HeaderMap, body: &[u8]) -> Error {
        let request_id = self.request_id(&headers).map(str::to_owned);
        Error::from_response(status.as_u16(), headers, body, request_id, p.error_message)
    }

    /// The final result of a call from its last attempt: a non-2xx becomes [`Error::Api`].
    fn outcome(&self, p: &Prepared, result: Result<Received, Error>) -> Result<Received, Error> {
        match result? {
            Received::Full(status, headers, body) if !status.is_success() => {
                Err(self.api_error(p, status, headers, &body))
            }
            ok => Ok(ok),
        }
    }

    /// [`Error::TotalTimeout`], keeping what the last attempt ended with.
    fn total_timeout(&self, p: &Prepared, limit: Duration, attempts: u32, last: Result<Received, Error>) -> Error {
        let last = match self.outcome(p, last) {
            Err(e) => e,
            // Only failed attempts are ever retried, so this does not happen.
            Ok(_) => Error::Timeout(Some(limit)),
        };
        Error::TotalTimeout {
            limit,
            attempts,
            last: Box::new(last),
        }
    }
}

/// Most bytes of an unexpected streaming answer kept in the error.
const BODY_START_BYTES: usize = 4 * 1024;

/// Passes a `text/event-stream` answer through; anything else (say JSON from
/// a server that ignored `stream: true`) would otherwise look like an empty
/// or broken stream, so it becomes [`Error::UnexpectedContentType`] with the
/// start of its body, read within the attempt's time limit.
async fn expect_event_stream(
    mut resp: reqwest::Response,
    limit: Duration,
    request_id: Option<String>,
) -> Result<reqwest::Response, Error> {
    let content_type = resp
        .headers()
        .get(CONTENT_TYPE)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    if content_type.as_deref().is_some_and(is_event_stream) {
        return Ok(resp);
    }
    let status = resp.status().as_u16();
    let deadline = tokio::time::Instant::now() + limit;
    let mut start = Vec::new();
    while start.len() < BODY_START_BYTES {
        match tokio::time::timeout_at(deadline, resp.chunk()).await {
            Ok(Ok(Some(chunk))) => start.extend_from_slice(&chunk),
            // End of body, a broken connection or the time limit: the error
            // is about the content type, so whatever arrived is enough.
            _ => break,
        }
    }
    start.truncate(BODY_START_BYTES);
    // Do not show a character cut in half by the truncation as U+FFFD.
    if let Err(e) = std::str::from_utf8(&start) {
        if e.error_len().is_none() {
            start.truncate(e.valid_up_to());
        }
    }
    Err(Error::UnexpectedContentType {
        status,
        content_type,
        request_id,
        body: String::from_utf8_lossy(&start).into_owned(),
    })
}

/// `text/event-stream`, ignoring parameters such as `charset` and letter case.
fn is_event_stream(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or("");
    essence.trim().eq_ignore_ascii_case("text/event-stream")
}

/// The event for one retry: why (status or transport error) and how long it waits.
fn log_retry(result: &Result<Received, Error>, attempt: u32, delay: Duration) {
    let delay_ms = millis(delay);
    match result {
        Ok(Received::Full(status, ..)) => tracing::info!(
            attempt,
            delay_ms,
            reason = "status",
            status = status.as_u16(),
            "retrying request"
        ),
        Err(e) => tracing::info!(
            attempt,
            delay_ms,
            reason = if matches!(e, Error::Timeout(_)) { "timeout" } else { "connection" },
            error = %e,
            "retrying request"
        ),
        // A response still streaming is a 2xx, which is never retried.
        Ok(Received::Streaming(_)) => {}
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// A random key: 128 bits as hex, new for each call and kept across its attempts.
fn new_idempotency_key() -> String {
    format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..))
}

pub(crate) fn header_name(name: &str) -> Result<HeaderName, Error> {
    HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| Error::Config(format!("invalid header name {name:?}")))
}

pub(crate) fn header_value(value: &str) -> Result<HeaderValue, Error> {
    // The value is deliberately left out of the message: it may be a secret.
    HeaderValue::from_str(value).map_err(|_| Error::Config("invalid header value".into()))
}
