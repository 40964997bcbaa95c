//! The request description built by generated endpoint code, per-request options and path encoding.

use std::borrow::Cow;
use std::time::Duration;

use bytes::Bytes;
use reqwest::Method;
use serde::Serialize;

use super::auth::Requirement;
use super::error::Error;

/// What the `Client::send_*` methods take: a request, or the result of building one, whose
/// error becomes the call's. Generated methods hand over their builder's result this way, so
/// that each needs no `async` block (and no state machine for rustc to check) of its own.
pub trait IntoRequest {
    /// The request, or the error building it ended in.
    fn into_request(self) -> Result<ApiRequest, Error>;
}

impl IntoRequest for ApiRequest {
    fn into_request(self) -> Result<ApiRequest, Error> {
        Ok(self)
    }
}

impl IntoRequest for Result<ApiRequest, Error> {
    fn into_request(self) -> Result<ApiRequest, Error> {
        self
    }
}

/// Per-request overrides of client settings.
///
/// Build with `RequestOptions::default()` and the chained setters, then attach
/// with [`ApiRequest::options`].
#[derive(Clone, Default, Debug)]
#[non_exhaustive]
pub struct RequestOptions {
    /// Time limit for each attempt (connect, send and read); the client default when `None`.
    pub timeout: Option<Duration>,
    /// Limit for the whole call, all attempts and the waits between them; the
    /// client default when `None`. For streams it ends when the events start.
    pub total_timeout: Option<Duration>,
    /// Retries after the first attempt; the client default when `None`.
    pub max_retries: Option<u32>,
    /// Extra headers, sent after (and so replacing) the client's defaults.
    pub headers: Vec<(String, String)>,
    /// Extra query pairs, appended after the endpoint's own.
    pub query: Vec<(String, String)>,
    /// Idempotency key to send instead of a generated one.
    pub idempotency_key: Option<String>,
}

impl RequestOptions {
    /// Sets the per-attempt time limit.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sets the limit for the whole call, across all attempts and the waits between them.
    pub fn total_timeout(mut self, timeout: Duration) -> Self {
        self.total_timeout = Some(timeout);
        self
    }

    /// Sets how many times a failed attempt may be retried.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = Some(retries);
        self
    }

    /// Adds a header.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Adds a query pair.
    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }

    /// Sets the `Idempotency-Key` header value, used on every attempt.
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }

    /// Folds `other` into `self`: its `Some` values win, lists are appended.
    fn merge(&mut self, other: RequestOptions) {
        if other.timeout.is_some() {
            self.timeout = other.timeout;
        }
        if other.total_timeout.is_some() {
            self.total_timeout = other.total_timeout;
        }
        if other.max_retries.is_some() {
            self.max_retries = other.max_retries;
        }
        if other.idempotency_key.is_some() {
            self.idempotency_key = other.idempotency_key;
        }
        self.headers.extend(other.headers);
        self.query.extend(other.query);
    }
}

/// One query pair; `brackets` pairs are sent as `name[]=value` unless the
/// client was built with `plain_array_query(true)`.
#[derive(Clone, Debug)]
pub(crate) struct QueryPair {
    pub(crate) name: Cow<'static, str>,
    pub(crate) value: String,
    pub(crate) brackets: bool,
}

/// A request to one endpoint, relative to the client's base URL.
///
/// Generated code builds one per call:
/// `ApiRequest::new(Method::GET, format!("/items/{}", encode_path_segment(id))).query_opt("include", ..)`.
#[derive(Clone, Debug)]
pub struct ApiRequest {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) query: Vec<QueryPair>,
    pub(crate) headers: Vec<(Cow<'static, str>, String)>,
    pub(crate) body: Option<(Cow<'static, str>, Bytes)>,
    pub(crate) options: RequestOptions,
    pub(crate) security: Requirement,
    pub(crate) error_message: Option<&'static str>,
    /// An absolute target (a next-page link), used instead of the base URL and `path`.
    pub(crate) absolute: Option<reqwest::Url>,
}

impl ApiRequest {
    /// Starts a request. `path` is relative to the base URL, begins with `/`
    /// and has its parameters already encoded with [`encode_path_segment`].
    pub fn new(method: Method, path: impl Into<String>) -> Self {
        ApiRequest {
            method,
            path: path.into(),
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            options: RequestOptions::default(),
            security: None,
            error_message: None,
            absolute: None,
        }
    }

    /// The operation's security requirement: alternatives of scheme names, the first whose
    /// credentials are all configured is sent; `&[]` sends none. Without it, every configured
    /// credential is sent.
    pub fn security(mut self, alternatives: &'static [&'static [&'static str]]) -> Self {
        self.security = Some(alternatives);
        self
    }

    /// Where the operation's declared error body holds its message, as a JSON pointer
    /// (`/error/message`); [`Error::Api`](super::Error::Api) reads it from a failed answer.
    pub fn error_message_at(mut self, pointer: &'static str) -> Self {
        self.error_message = Some(pointer);
        self
    }

    /// A request to an absolute URL that the server gave (a next-page link), sent as given:
    /// only the client's default query pairs whose names it lacks are added.
    pub fn to_url(method: Method, url: reqwest::Url) -> Self {
        let mut request = ApiRequest::new(method, url.path().to_owned());
        request.absolute = Some(url);
        request
    }

    /// Sets the query parameter `name` to `value`: the first pair of that name takes the value
    /// and the others are dropped; appended when there is none (the next page's cursor).
    pub(crate) fn set_query(mut self, name: &'static str, value: String) -> Self {
        match self.query.iter().position(|q| q.name == name) {
            Some(at) => {
                self.query[at].value = value;
                let mut index = 0;
                self.query.retain(|q| {
                    index += 1;
                    index - 1 == at || q.name != name
                });
            }
            None => self = self.query_pair(name, value),
        }
        self
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The path relative to the base URL.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Appends one query pair.
    pub fn query(self, name: &'static str, value: impl ToString) -> Self {
        self.query_pair(name, value.to_string())
    }

    /// Appends one query pair whose name is computed, such as the
    /// deepObject style `created[gt]=1`. The name is sent as given (percent-encoded).
    pub fn query_pair(
        mut self,
        name: impl Into<Cow<'static, str>>,
        value: impl Into<String>,
    ) -> Self {
        self.query.push(QueryPair {
            name: name.into(),
            value: value.into(),
            brackets: false,
        });
        self
    }

    /// Appends a query pair when `value` is `Some`.
    pub fn query_opt(self, name: &'static str, value: Option<impl ToString>) -> Self {
        match value {
            Some(v) => self.query(name, v),
            None => self,
        }
    }

    /// Appends one pair per value in the plain form: `name=a&name=b`.
    pub fn query_array(
        self,
        name: &'static str,
        values: impl IntoIterator<Item = impl ToString>,
    ) -> Self {
        self.push_array(name, values, false)
    }

    /// Appends one pair per value with brackets: `name[]=a&name[]=b` (as some
    /// APIs want for arrays), or the plain form when the client was
    /// built with `plain_array_query(true)`.
    pub fn query_array_brackets(
        self,
        name: &'static str,
        values: impl IntoIterator<Item = impl ToString>,
    ) -> Self {
        self.push_array(name, values, true)
    }

    fn push_array(
        mut self,
        name: &'static str,
        values: impl IntoIterator<Item = impl ToString>,
        brackets: bool,
    ) -> Self {
        for v in values {
            self.query.push(QueryPair {
                name: Cow::Borrowed(name),
                value: v.to_string(),
                brackets,
            });
        }
        self
    }

    /// Adds a header parameter of the endpoint.
    pub fn header(self, name: &'static str, value: impl ToString) -> Self {
        self.header_pair(name, value.to_string())
    }

    /// Adds a header whose name is computed. An invalid name or value fails
    /// the call with [`Error::Config`] before anything is sent.
    pub fn header_pair(
        mut self,
        name: impl Into<Cow<'static, str>>,
        value: impl Into<String>,
    ) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Adds a header parameter when `value` is `Some`.
    pub fn header_opt(self, name: &'static str, value: Option<impl ToString>) -> Self {
        match value {
            Some(v) => self.header(name, v),
            None => self,
        }
    }

    /// Serializes `body` as the JSON request body, once; retries reuse the bytes.
    pub fn json<B: Serialize + ?Sized>(mut self, body: &B) -> Result<Self, Error> {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| Error::Config(format!("could not serialize the request body: {e}")))?;
        self.body = Some((Cow::Borrowed("application/json"), Bytes::from(bytes)));
        Ok(self)
    }

    /// Sets a pre-encoded body (for example multipart form data) with its content type.
    pub fn body(
        mut self,
        content_type: impl Into<Cow<'static, str>>,
        body: impl Into<Bytes>,
    ) -> Self {
        self.body = Some((content_type.into(), body.into()));
        self
    }

    /// Applies per-request overrides; called twice, the later values win.
    pub fn options(mut self, opts: RequestOptions) -> Self {
        self.options.merge(opts);
        self
    }

    /// Sends `key` as the `Idempotency-Key` header on every attempt.
    ///
    /// POST requests get a random key automatically; use this to choose it,
    /// or to send one with another method.
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.options.idempotency_key = Some(key.into());
        self
    }
}

/// Percent-encodes one path parameter so it stays a single path segment.
///
/// Everything except ASCII letters, digits and `-._~` is encoded, including `/`.
pub fn encode_path_segment(s: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 0xF)] as char);
        }
    }
    out
}

/// Rejects paths that URL normalisation would change: empty segments (an
/// empty id would turn `/files/{id}` into `/files/`) and `.`/`..` segments,
/// whose percent-encoded forms are also resolved by URL parsers.
pub(crate) fn check_path(path: &str) -> Result<(), Error> {
    let Some(rest) = path.strip_prefix('/') else {
        return Err(Error::Config(format!(
            "request path must start with '/': {path:?}"
        )));
    };
    if rest.is_empty() {
        return Ok(());
    }
    for seg in rest.split('/') {
        let lower = seg.to_ascii_lowercase();
        if seg.is_empty() {
            return Err(Error::Config(format!(
                "request path has an empty segment: {path:?}"
            )));
        }
        if matches!(
            lower.as_str(),
            "." | ".." | "%2e" | "%2e%2e" | ".%2e" | "%2e."
        ) {
            return Err(Error::Config(format!(
                "request path has a dot segment: {path:?}"
            )));
        }
    }
    Ok(())
}
