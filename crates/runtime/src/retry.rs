//! Retry policy (which failures to retry, how long to wait) and the injectable sleep/jitter hooks.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant, SystemTime};

use reqwest::header::HeaderMap;
use reqwest::StatusCode;

/// First backoff delay, doubled on every further retry.
const INITIAL_DELAY: f64 = 0.5;
/// Cap on the exponential backoff delay, in seconds.
const MAX_DELAY: f64 = 8.0;
/// Server-provided delays above this are ignored in favour of the backoff.
const MAX_SERVER_DELAY: Duration = Duration::from_secs(60);

/// Waits between attempts and tells the current wall-clock time.
///
/// The client uses it for retry backoff, stream resumption and
/// [`poll_until`](super::poll_until). Tests swap in an implementation that
/// records the requested delays and returns at once.
pub trait Sleeper: Send + Sync + 'static {
    /// Returns a future that completes after `duration`.
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

    /// The current time, used to turn an HTTP-date `retry-after` into a delay.
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }

    /// A monotonic clock reading, from which the overall deadline of a call
    /// (`total_timeout`) is measured. A sleeper that returns at once should
    /// move it forward by each delay, so that waits count against the deadline.
    fn instant(&self) -> Instant {
        Instant::now()
    }
}

/// The default [`Sleeper`]: `tokio::time::sleep` and the system clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct TokioSleeper;

impl Sleeper for TokioSleeper {
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + 'static>> {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// Source of randomness for backoff jitter.
///
/// `sample` returns a number in `[0, 1)`; the backoff delay is multiplied by
/// `1 - 0.25 * sample`, a factor in `(0.75, 1]`. Any `Fn() -> f64` closure works.
pub trait Jitter: Send + Sync + 'static {
    /// A number in `[0, 1)`.
    fn sample(&self) -> f64;
}

impl<F: Fn() -> f64 + Send + Sync + 'static> Jitter for F {
    fn sample(&self) -> f64 {
        self()
    }
}

/// The default [`Jitter`], backed by `fastrand`.
pub(crate) struct RandomJitter;

impl Jitter for RandomJitter {
    fn sample(&self) -> f64 {
        fastrand::f64()
    }
}

impl fmt::Debug for dyn Sleeper {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Sleeper")
    }
}

impl fmt::Debug for dyn Jitter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Jitter")
    }
}

/// Decides whether a non-2xx response is worth another attempt.
///
/// The API's retry hint header, where it has one, wins when it says `true` or `false`;
/// otherwise 408, 409, 429 and every 5xx are retried.
pub(crate) fn should_retry(status: StatusCode, headers: &HeaderMap, hint: Option<&str>) -> bool {
    match hint.and_then(|h| headers.get(h)).and_then(|v| v.to_str().ok()) {
        Some(v) if v.eq_ignore_ascii_case("true") => return true,
        Some(v) if v.eq_ignore_ascii_case("false") => return false,
        _ => {}
    }
    matches!(status.as_u16(), 408 | 409 | 429) || status.is_server_error()
}

/// The delay before retry number `retries_done + 1`.
///
/// Honours `retry-after-ms`, then `retry-after` (seconds or an HTTP date) when
/// the server's value is in `(0, 60 s]`; otherwise falls back to jittered
/// exponential backoff: `min(0.5 * 2^retries_done, 8)` seconds times a factor in `(0.75, 1]`.
pub(crate) fn retry_delay(
    headers: Option<&HeaderMap>,
    retries_done: u32,
    now: SystemTime,
    jitter_sample: f64,
) -> Duration {
    if let Some(d) = headers.and_then(|h| server_delay(h, now)) {
        if !d.is_zero() && d <= MAX_SERVER_DELAY {
            return d;
        }
    }
    backoff(retries_done, jitter_sample)
}

/// Jittered exponential backoff without looking at any headers.
pub(crate) fn backoff(retries_done: u32, jitter_sample: f64) -> Duration {
    let exp = INITIAL_DELAY * 2f64.powi(retries_done.min(30) as i32);
    let base = exp.min(MAX_DELAY);
    let sample = if jitter_sample.is_finite() {
        jitter_sample.clamp(0.0, 1.0)
    } else {
        0.0
    };
    Duration::from_secs_f64(base * (1.0 - 0.25 * sample))
}

fn server_delay(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    if let Some(ms) = header("retry-after-ms").and_then(|v| v.parse::<f64>().ok()) {
        return secs(ms / 1000.0);
    }
    let value = header("retry-after")?;
    if let Ok(s) = value.parse::<f64>() {
        return secs(s);
    }
    let at = httpdate::parse_http_date(value).ok()?;
    // A date in the past means "retry now", which falls back to backoff.
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

fn secs(s: f64) -> Option<Duration> {
    (s.is_finite() && s > 0.0 && s < 1e9).then(|| Duration::from_secs_f64(s))
}
