//! The API client: configuration, request assembly, the retry loop and the public `send_*` calls.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{
    HeaderMap, HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, USER_AGENT,
};
use reqwest::{Method, StatusCode, Url};
use serde::de::DeserializeOwned;
use tracing::Instrument;

use super::decode::decode_json;
use super::error::Error;
use super::request::{check_path, ApiRequest};
use super::response::{header_str, ApiResponse};
use super::retry::{retry_delay, should_retry, Jitter, RandomJitter, Sleeper, TokioSleeper};
use super::stream::EventStream;

const DEFAULT_BASE_URL: &str = "https://api.openai.com/v1";
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(600);
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const DEFAULT_MAX_RETRIES: u32 = 2;
const RETRY_COUNT_HEADER: &str = "x-oa-retry-count";

/// A handle to the API. Cheap to clone: clones share one connection pool and configuration.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    http: reqwest::Client,
    base_url: String,
    default_headers: HeaderMap,
    default_query: Vec<(String, String)>,
    timeout: Duration,
    pub(crate) max_retries: u32,
    pub(crate) auto_resume: bool,
    array_query_brackets: bool,
    pub(crate) sleeper: Arc<dyn Sleeper>,
    pub(crate) jitter: Arc<dyn Jitter>,
    organization: Option<String>,
    project: Option<String>,
    api_key_header: bool,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        f.debug_struct("Client")
            .field("base_url", &i.base_url)
            .field("api_key", &"<redacted>")
            .field("organization", &i.organization)
            .field("project", &i.project)
            .field("timeout", &i.timeout)
            .field("max_retries", &i.max_retries)
            .field("auto_resume", &i.auto_resume)
            .field("api_key_header", &i.api_key_header)
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
    pub(crate) timeout: Duration,
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
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// Builds a client from `OPENAI_API_KEY` (required), `OPENAI_BASE_URL`,
    /// `OPENAI_ORG_ID` and `OPENAI_PROJECT_ID`.
    ///
    /// Returns [`Error::Config`] when the key is missing or empty.
    pub fn from_env() -> Result<Client, Error> {
        ClientBuilder::new().load_env()?.build()
    }

    /// The base URL every request path is appended to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// Sends `req` and decodes the JSON body as `T`.
    pub async fn send_json<T: DeserializeOwned>(&self, req: ApiRequest) -> Result<T, Error> {
        self.send_json_with_response(req).await.map(|r| r.data)
    }

    /// Sends `req` and returns the decoded body together with status and headers.
    ///
    /// An empty body decodes as JSON `null`, so `()` and `Option<_>` accept it.
    pub async fn send_json_with_response<T: DeserializeOwned>(
        &self,
        req: ApiRequest,
    ) -> Result<ApiResponse<T>, Error> {
        let resp = self.send_bytes(req).await?;
        let data = if resp.data.iter().all(u8::is_ascii_whitespace) {
            decode_json(b"null")?
        } else {
            decode_json(&resp.data)?
        };
        Ok(ApiResponse::new(data, resp.status, resp.headers))
    }

    /// Sends `req` and returns the raw body bytes (for binary downloads).
    pub async fn send_bytes(&self, req: ApiRequest) -> Result<ApiResponse<Bytes>, Error> {
        let prepared = self.prepare(req, false)?;
        match self.execute(&prepared, false).await? {
            Received::Full(status, headers, body) => {
                Ok(ApiResponse::new(body, status.as_u16(), headers))
            }
            Received::Streaming(_) => Err(Error::Stream("unexpected streaming response".into())),
        }
    }

    /// Sends `req` with `Accept: text/event-stream` and returns the decoded events.
    ///
    /// Errors before the first byte of the body (status, connection, retries)
    /// are returned here; later ones are items of the stream.
    pub async fn send_stream<T: DeserializeOwned + Send + 'static>(
        &self,
        req: ApiRequest,
    ) -> Result<EventStream<T>, Error> {
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
        match self.execute(&prepared, true).await? {
            Received::Streaming(r) => Ok((r, prepared.timeout, prepared.max_retries)),
            Received::Full(status, headers, body) => {
                // A 2xx with the body already read cannot happen in stream mode.
                Err(Error::from_response(status.as_u16(), headers, &body))
            }
        }
    }

    /// Turns an [`ApiRequest`] into a ready-to-send request.
    fn prepare(&self, req: ApiRequest, streaming: bool) -> Result<Prepared, Error> {
        let inner = &*self.inner;
        check_path(&req.path)?;
        let mut url = Url::parse(&format!("{}{}", inner.base_url, req.path))
            .map_err(|e| Error::Config(format!("invalid request URL: {e}")))?;
        let has_query = !(inner.default_query.is_empty()
            && req.query.is_empty()
            && req.options.query.is_empty());
        if has_query {
            let mut pairs = url.query_pairs_mut();
            for (k, v) in &inner.default_query {
                pairs.append_pair(k, v);
            }
            for q in &req.query {
                if q.array && inner.array_query_brackets {
                    pairs.append_pair(&format!("{}[]", q.name), &q.value);
                } else {
                    pairs.append_pair(&q.name, &q.value);
                }
            }
            for (k, v) in &req.options.query {
                pairs.append_pair(k, v);
            }
        }

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
            None => None,
        };
        let key = match req.options.idempotency_key {
            Some(k) => Some(k),
            None if req.method == Method::POST => Some(new_idempotency_key()),
            None => None,
        };
        if let Some(k) = key {
            headers.insert("idempotency-key", header_value(&k)?);
        }
        for (name, value) in req
            .headers
            .iter()
            .map(|(n, v)| (&**n, v))
            .chain(req.options.headers.iter().map(|(n, v)| (n.as_str(), v)))
        {
            headers.insert(header_name(name)?, header_value(value)?);
        }
        Ok(Prepared {
            method: req.method,
            path: req.path,
            url,
            headers,
            body,
            timeout: req.options.timeout.unwrap_or(inner.timeout),
            max_retries: req.options.max_retries.unwrap_or(inner.max_retries),
        })
    }

    /// Sends `p`, retrying per the retry policy, until a 2xx arrives or the
    /// retries run out. Non-2xx results become [`Error::Api`].
    pub(crate) async fn execute(&self, p: &Prepared, streaming: bool) -> Result<Received, Error> {
        let span = tracing::info_span!(
            "oa_request",
            method = %p.method,
            path = %p.path,
            attempt = tracing::field::Empty,
            status = tracing::field::Empty,
            request_id = tracing::field::Empty,
        );
        async move {
            let mut attempt: u32 = 0;
            loop {
                tracing::Span::current().record("attempt", attempt);
                let result = self.attempt(p, attempt, streaming).await;
                let delay = match &result {
                    Ok(Received::Full(status, headers, _)) if !status.is_success() => {
                        should_retry(*status, headers).then(|| self.delay(Some(headers), attempt))
                    }
                    Ok(_) => None,
                    Err(e) if e.is_transient() => Some(self.delay(None, attempt)),
                    Err(_) => None,
                };
                match delay {
                    Some(delay) if attempt < p.max_retries => {
                        match &result {
                            Err(e) => tracing::info!(attempt, delay_ms = delay.as_millis() as u64, error = %e, "retrying request"),
                            Ok(_) => tracing::info!(attempt, delay_ms = delay.as_millis() as u64, "retrying request"),
                        }
                        drop(result);
                        self.inner.sleeper.sleep(delay).await;
                        attempt += 1;
                    }
                    _ => {
                        return match result? {
                            Received::Full(status, headers, body) if !status.is_success() => {
                                Err(Error::from_response(status.as_u16(), headers, &body))
                            }
                            ok => Ok(ok),
                        };
                    }
                }
            }
        }
        .instrument(span)
        .await
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
    ) -> Result<Received, Error> {
        let mut rb = self
            .inner
            .http
            .request(p.method.clone(), p.url.clone())
            .headers(p.headers.clone())
            .header(RETRY_COUNT_HEADER, attempt);
        if let Some(body) = &p.body {
            rb = rb.body(body.clone());
        }
        let work = async {
            let resp = rb.send().await.map_err(Error::from_reqwest)?;
            let status = resp.status();
            let span = tracing::Span::current();
            span.record("status", status.as_u16());
            if let Some(id) = header_str(resp.headers(), "x-request-id") {
                span.record("request_id", id);
            }
            if streaming && status.is_success() {
                return Ok(Received::Streaming(resp));
            }
            let headers = resp.headers().clone();
            let body = resp.bytes().await.map_err(Error::from_reqwest)?;
            Ok(Received::Full(status, headers, body))
        };
        match tokio::time::timeout(p.timeout, work).await {
            Ok(r) => r,
            Err(_) => Err(Error::Timeout(Some(p.timeout))),
        }
    }
}

fn new_idempotency_key() -> String {
    format!("oa-{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..))
}

fn header_name(name: &str) -> Result<HeaderName, Error> {
    HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| Error::Config(format!("invalid header name {name:?}")))
}

fn header_value(value: &str) -> Result<HeaderValue, Error> {
    // The value is deliberately left out of the message: it may be a secret.
    HeaderValue::from_str(value).map_err(|_| Error::Config("invalid header value".into()))
}

/// Configures and builds a [`Client`].
#[derive(Clone)]
pub struct ClientBuilder {
    api_key: Option<String>,
    base_url: Option<String>,
    organization: Option<String>,
    project: Option<String>,
    default_headers: Vec<(String, String)>,
    default_query: Vec<(String, String)>,
    timeout: Duration,
    connect_timeout: Duration,
    max_retries: u32,
    auto_resume: bool,
    api_key_header: bool,
    array_query_brackets: bool,
    http_client: Option<reqwest::Client>,
    sleeper: Option<Arc<dyn Sleeper>>,
    jitter: Option<Arc<dyn Jitter>>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("base_url", &self.base_url)
            .field("organization", &self.organization)
            .field("project", &self.project)
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .finish_non_exhaustive()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl ClientBuilder {
    /// A builder with the defaults: 600 s timeout, 5 s connect timeout, 2 retries.
    pub fn new() -> Self {
        ClientBuilder {
            api_key: None,
            base_url: None,
            organization: None,
            project: None,
            default_headers: Vec::new(),
            default_query: Vec::new(),
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            max_retries: DEFAULT_MAX_RETRIES,
            auto_resume: false,
            api_key_header: false,
            array_query_brackets: false,
            http_client: None,
            sleeper: None,
            jitter: None,
        }
    }

    /// Reads `OPENAI_API_KEY` (required), `OPENAI_BASE_URL`, `OPENAI_ORG_ID`
    /// and `OPENAI_PROJECT_ID` from the process environment. Empty values count as unset.
    pub fn load_env(self) -> Result<Self, Error> {
        self.load_env_from(|name| std::env::var(name).ok())
    }

    /// Like [`load_env`](Self::load_env) with a custom variable lookup.
    pub fn load_env_from(mut self, lookup: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        self.api_key = Some(get("OPENAI_API_KEY").ok_or_else(|| {
            Error::Config("the OPENAI_API_KEY environment variable is not set".into())
        })?);
        if let Some(v) = get("OPENAI_BASE_URL") {
            self.base_url = Some(v);
        }
        if let Some(v) = get("OPENAI_ORG_ID") {
            self.organization = Some(v);
        }
        if let Some(v) = get("OPENAI_PROJECT_ID") {
            self.project = Some(v);
        }
        Ok(self)
    }

    /// The API key, sent as `Authorization: Bearer <key>` (or `api-key: <key>`).
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// Base URL that request paths are appended to (default `https://api.openai.com/v1`).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Sends `OpenAI-Organization` on every request.
    pub fn organization(mut self, org: impl Into<String>) -> Self {
        self.organization = Some(org.into());
        self
    }

    /// Sends `OpenAI-Project` on every request.
    pub fn project(mut self, project: impl Into<String>) -> Self {
        self.project = Some(project.into());
        self
    }

    /// Adds a header to every request (a later one with the same name wins).
    pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.default_headers.push((name.into(), value.into()));
        self
    }

    /// Adds a query pair to every request, such as Azure's `api-version`.
    pub fn default_query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.default_query.push((name.into(), value.into()));
        self
    }

    /// Time limit for each attempt, including reading a non-streaming body;
    /// for streams, the longest wait for the next chunk (default 600 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// TCP+TLS connect limit (default 5 s). Ignored with [`http_client`](Self::http_client).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Retries after a failed first attempt (default 2).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// Reconnects dropped `/responses` streams and continues after the last
    /// seen `sequence_number` (default off).
    pub fn auto_resume(mut self, enabled: bool) -> Self {
        self.auto_resume = enabled;
        self
    }

    /// Sends the key as an `api-key` header instead of a bearer token (Azure style).
    pub fn api_key_header(mut self, enabled: bool) -> Self {
        self.api_key_header = enabled;
        self
    }

    /// Sends array query parameters as `name[]=value` instead of `name=value`.
    pub fn array_query_brackets(mut self, enabled: bool) -> Self {
        self.array_query_brackets = enabled;
        self
    }

    /// Uses a preconfigured `reqwest::Client` (proxies, certificates...).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Replaces how the client waits between attempts and reads the clock (for tests).
    pub fn sleeper(mut self, sleeper: Arc<dyn Sleeper>) -> Self {
        self.sleeper = Some(sleeper);
        self
    }

    /// Replaces the randomness behind backoff jitter (for tests).
    pub fn jitter(mut self, jitter: Arc<dyn Jitter>) -> Self {
        self.jitter = Some(jitter);
        self
    }

    /// Validates the settings and builds the client.
    ///
    /// Fails with [`Error::Config`] when no API key was given (unless an
    /// `Authorization` or `api-key` default header stands in for it), or when
    /// the base URL or a header is invalid.
    pub fn build(self) -> Result<Client, Error> {
        let base_url = self
            .base_url
            .unwrap_or_else(|| DEFAULT_BASE_URL.to_owned())
            .trim_end_matches('/')
            .to_owned();
        let parsed =
            Url::parse(&base_url).map_err(|e| Error::Config(format!("invalid base URL: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.cannot_be_a_base() {
            return Err(Error::Config(
                "base URL must be an http or https URL".into(),
            ));
        }

        let mut headers = HeaderMap::new();
        headers.insert(
            USER_AGENT,
            HeaderValue::from_static(concat!("openai-responses-rust/", env!("CARGO_PKG_VERSION"))),
        );
        if let Some(org) = &self.organization {
            headers.insert("openai-organization", header_value(org)?);
        }
        if let Some(project) = &self.project {
            headers.insert("openai-project", header_value(project)?);
        }
        match &self.api_key {
            Some(key) => {
                let (name, value) = if self.api_key_header {
                    (HeaderName::from_static("api-key"), key.clone())
                } else {
                    (AUTHORIZATION, format!("Bearer {key}"))
                };
                let mut value = header_value(&value)?;
                value.set_sensitive(true);
                headers.insert(name, value);
            }
            None => {
                let has_auth = self.default_headers.iter().any(|(n, _)| {
                    n.eq_ignore_ascii_case("authorization") || n.eq_ignore_ascii_case("api-key")
                });
                if !has_auth {
                    return Err(Error::Config("no API key configured".into()));
                }
            }
        }
        for (name, value) in &self.default_headers {
            let mut v = header_value(value)?;
            if name.eq_ignore_ascii_case("authorization") || name.eq_ignore_ascii_case("api-key") {
                v.set_sensitive(true);
            }
            headers.insert(header_name(name)?, v);
        }

        let http = match self.http_client {
            Some(c) => c,
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout)
                .build()
                .map_err(|e| Error::Config(format!("could not build the HTTP client: {e}")))?,
        };

        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                default_headers: headers,
                default_query: self.default_query,
                timeout: self.timeout,
                max_retries: self.max_retries,
                auto_resume: self.auto_resume,
                array_query_brackets: self.array_query_brackets,
                sleeper: self.sleeper.unwrap_or_else(|| Arc::new(TokioSleeper)),
                jitter: self.jitter.unwrap_or_else(|| Arc::new(RandomJitter)),
                organization: self.organization,
                project: self.project,
                api_key_header: self.api_key_header,
            }),
        })
    }
}
