//! `ClientBuilder`: client configuration, environment loading and validation.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION, USER_AGENT};
use reqwest::Url;

use super::client::{header_name, header_value, Client, Inner};
use super::error::Error;
use super::retry::{Jitter, RandomJitter, Sleeper, TokioSleeper};

const DEFAULT_BASE_URL: &str = "https://api.openai.com/v1";
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(600);
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const DEFAULT_MAX_RETRIES: u32 = 2;

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
    total_timeout: Option<Duration>,
    connect_timeout: Duration,
    max_retries: u32,
    auto_resume: bool,
    api_key_header: bool,
    plain_array_query: bool,
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
            .field("total_timeout", &self.total_timeout)
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
            total_timeout: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            max_retries: DEFAULT_MAX_RETRIES,
            auto_resume: false,
            api_key_header: false,
            plain_array_query: false,
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

    /// Limit for a whole call: every attempt and the waits between them (no
    /// limit by default). No retry is started that could not begin before it
    /// runs out, and an attempt in flight is cut off when it does; the call
    /// then fails with [`Error::TotalTimeout`]. For streams the limit covers
    /// opening the stream, not the events that follow.
    pub fn total_timeout(mut self, timeout: Duration) -> Self {
        self.total_timeout = Some(timeout);
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

    /// Sends the array query parameters that the API wants with brackets
    /// ([`ApiRequest::query_array_brackets`](super::ApiRequest::query_array_brackets))
    /// in the plain form `name=value` instead, for servers that want that (default off).
    pub fn plain_array_query(mut self, enabled: bool) -> Self {
        self.plain_array_query = enabled;
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
                total_timeout: self.total_timeout,
                max_retries: self.max_retries,
                auto_resume: self.auto_resume,
                plain_array_query: self.plain_array_query,
                sleeper: self.sleeper.unwrap_or_else(|| Arc::new(TokioSleeper)),
                jitter: self.jitter.unwrap_or_else(|| Arc::new(RandomJitter)),
                organization: self.organization,
                project: self.project,
                api_key_header: self.api_key_header,
            }),
            options: Default::default(),
        })
    }
}
