//! A decoded response body together with its status and headers, and rate-limit header accessors.

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
}

impl<T> ApiResponse<T> {
    pub(crate) fn new(data: T, status: u16, headers: HeaderMap) -> Self {
        ApiResponse {
            data,
            status,
            headers,
            attempts: 1,
            idempotency_key: None,
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

    /// The `Idempotency-Key` sent with every attempt (generated for POST, or
    /// the one chosen); `None` when the request carried none.
    pub fn idempotency_key(&self) -> Option<&str> {
        self.idempotency_key.as_deref()
    }

    /// The `x-request-id` header, useful when reporting problems.
    pub fn request_id(&self) -> Option<&str> {
        header_str(&self.headers, "x-request-id")
    }

    /// Server-side processing time from `openai-processing-ms`, in milliseconds.
    pub fn processing_ms(&self) -> Option<u64> {
        header_str(&self.headers, "openai-processing-ms").and_then(|v| v.trim().parse().ok())
    }

    /// The `x-ratelimit-*` headers.
    pub fn rate_limit(&self) -> RateLimit<'_> {
        RateLimit::from_headers(&self.headers)
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
        }
    }

    /// Drops status, headers and the call details.
    pub fn into_data(self) -> T {
        self.data
    }
}

/// The rate-limit headers of a response; each field is `None` when absent.
///
/// The reset values are durations as the server writes them (such as `1s` or `6m0s`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateLimit<'a> {
    /// `x-ratelimit-limit-requests`.
    pub limit_requests: Option<u64>,
    /// `x-ratelimit-remaining-requests`.
    pub remaining_requests: Option<u64>,
    /// `x-ratelimit-reset-requests`.
    pub reset_requests: Option<&'a str>,
    /// `x-ratelimit-limit-tokens`.
    pub limit_tokens: Option<u64>,
    /// `x-ratelimit-remaining-tokens`.
    pub remaining_tokens: Option<u64>,
    /// `x-ratelimit-reset-tokens`.
    pub reset_tokens: Option<&'a str>,
}

impl<'a> RateLimit<'a> {
    /// Reads the `x-ratelimit-*` headers from any header map.
    pub fn from_headers(headers: &'a HeaderMap) -> Self {
        let num = |n: &str| header_str(headers, n).and_then(|v| v.trim().parse().ok());
        RateLimit {
            limit_requests: num("x-ratelimit-limit-requests"),
            remaining_requests: num("x-ratelimit-remaining-requests"),
            reset_requests: header_str(headers, "x-ratelimit-reset-requests"),
            limit_tokens: num("x-ratelimit-limit-tokens"),
            remaining_tokens: num("x-ratelimit-remaining-tokens"),
            reset_tokens: header_str(headers, "x-ratelimit-reset-tokens"),
        }
    }
}

pub(crate) fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}
