//! A decoded response body together with its status, headers and request id.

use reqwest::header::HeaderMap;

/// A successful response: the decoded body plus status and headers.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ApiResponse<T> {
    /// The decoded body.
    pub data: T,
    /// HTTP status code.
    pub status: u16,
    /// All response headers.
    pub headers: HeaderMap,
    attempts: u32,
    idempotency_key: Option<String>,
    request_id: Option<String>,
}

impl<T> ApiResponse<T> {
    pub(crate) fn new(data: T, status: u16, headers: HeaderMap, request_id: Option<String>) -> Self {
        ApiResponse {
            data,
            status,
            headers,
            attempts: 1,
            idempotency_key: None,
            request_id,
        }
    }

    /// Records how the call went: attempts made and the idempotency key sent.
    pub(crate) fn with_call(mut self, attempts: u32, idempotency_key: Option<String>) -> Self {
        self.attempts = attempts;
        self.idempotency_key = idempotency_key;
        self
    }

    /// How many attempts the call took: 1 when the first one succeeded.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The idempotency key sent with every attempt (generated for POST and PATCH where the API
    /// names an idempotency header, or the one chosen); `None` when the request carried none.
    pub fn idempotency_key(&self) -> Option<&str> {
        self.idempotency_key.as_deref()
    }

    /// The server's request id (from the API's request-id header), useful when reporting problems.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// Any header as text, when it is valid visible ASCII.
    pub fn header(&self, name: &str) -> Option<&str> {
        header_str(&self.headers, name)
    }

    /// Replaces the body, keeping status and headers.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> ApiResponse<U> {
        ApiResponse {
            data: f(self.data),
            status: self.status,
            headers: self.headers,
            attempts: self.attempts,
            idempotency_key: self.idempotency_key,
            request_id: self.request_id,
        }
    }

    /// Drops status, headers and the call details.
    pub fn into_data(self) -> T {
        self.data
    }
}

pub(crate) fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}
