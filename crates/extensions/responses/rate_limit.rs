//! The rate-limit headers of the Responses API's answers, read from any response.

use crate::runtime::ApiResponse;
use reqwest::header::HeaderMap;

impl<T> ApiResponse<T> {
    /// The `x-ratelimit-*` headers.
    pub fn rate_limit(&self) -> RateLimit<'_> {
        RateLimit::from_headers(&self.headers)
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


fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}
