//! Polling a resource (such as a background response) until it reaches a terminal state.

use std::future::Future;
use std::time::Duration;

use super::client::Client;
use super::error::Error;

/// How [`poll_until`] spaces its requests.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct PollOptions {
    /// Wait after the first non-terminal result (default 1 s).
    pub initial_delay: Duration,
    /// Upper bound for one wait (default 8 s).
    pub max_delay: Duration,
    /// Growth factor of the wait after each poll (default 2).
    pub multiplier: f64,
    /// Give up with [`Error::Timeout`] once this much time was spent waiting (default: never).
    pub max_wait: Option<Duration>,
}

impl Default for PollOptions {
    fn default() -> Self {
        PollOptions {
            initial_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(8),
            multiplier: 2.0,
            max_wait: None,
        }
    }
}

impl PollOptions {
    /// Sets the first wait.
    pub fn initial_delay(mut self, d: Duration) -> Self {
        self.initial_delay = d;
        self
    }

    /// Sets the longest single wait.
    pub fn max_delay(mut self, d: Duration) -> Self {
        self.max_delay = d;
        self
    }

    /// Sets the growth factor (values below 1 are treated as 1).
    pub fn multiplier(mut self, m: f64) -> Self {
        self.multiplier = m;
        self
    }

    /// Sets the total waiting budget.
    pub fn max_wait(mut self, d: Duration) -> Self {
        self.max_wait = Some(d);
        self
    }
}

/// Calls `fetch` until `is_done` accepts its result, waiting between calls
/// with bounded exponential growth through the client's [`Sleeper`](super::Sleeper).
///
/// An error from `fetch` is returned at once (the client already retried it).
/// When [`PollOptions::max_wait`] is set and used up, returns
/// `Error::Timeout(Some(max_wait))`. The waiting budget counts requested
/// sleeps, not wall-clock time spent in requests.
pub async fn poll_until<T, F, Fut, D>(
    client: &Client,
    options: &PollOptions,
    mut fetch: F,
    mut is_done: D,
) -> Result<T, Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Error>>,
    D: FnMut(&T) -> bool,
{
    let multiplier = if options.multiplier.is_finite() {
        options.multiplier.max(1.0)
    } else {
        1.0
    };
    let mut delay = options.initial_delay.min(options.max_delay);
    let mut waited = Duration::ZERO;
    loop {
        let value = fetch().await?;
        if is_done(&value) {
            return Ok(value);
        }
        let mut this_wait = delay;
        if let Some(max) = options.max_wait {
            if waited >= max {
                return Err(Error::Timeout(Some(max)));
            }
            this_wait = this_wait.min(max - waited);
        }
        client.inner.sleeper.sleep(this_wait).await;
        waited += this_wait;
        delay = delay.mul_f64(multiplier).min(options.max_delay);
    }
}
