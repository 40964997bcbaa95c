//! `ClientBuilder`: client configuration, environment loading and validation.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, USER_AGENT};
use reqwest::Url;

use super::client::{header_name, header_value, Client, Inner};
use super::auth::{is_credential_header, Credentials};
use super::error::Error;
use super::profile::{ApiProfile, Credential};
use super::retry::{Jitter, RandomJitter, Sleeper, TokioSleeper};

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(600);
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const DEFAULT_MAX_RETRIES: u32 = 2;

/// Configures and builds a [`Client`]. Generated crates add one method per security scheme of
/// their document (`bearer_auth`, `basic_auth`, ...), which call [`credential`](Self::credential).
#[derive(Clone)]
pub struct ClientBuilder {
    profile: &'static ApiProfile,
    base_url: Option<String>,
    credentials: Credentials,
    /// The first invalid setting, reported by `build`.
    invalid: Option<String>,
    default_headers: Vec<(String, String)>,
    default_query: Vec<(String, String)>,
    timeout: Duration,
    total_timeout: Option<Duration>,
    connect_timeout: Duration,
    max_retries: u32,
    auto_resume: bool,
    plain_array_query: bool,
    http_client: Option<reqwest::Client>,
    sleeper: Option<Arc<dyn Sleeper>>,
    jitter: Option<Arc<dyn Jitter>>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let schemes: Vec<&str> = self.credentials.values.iter().map(|(s, _)| s.name).collect();
        let headers: Vec<&str> = self.default_headers.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url.as_deref().or(self.profile.base_url))
            .field("credentials_for", &schemes)
            .field("default_headers", &headers)
            .field("timeout", &self.timeout)
            .field("total_timeout", &self.total_timeout)
            .field("max_retries", &self.max_retries)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// A builder for the API `profile` describes, with the defaults: 600 s timeout, 5 s connect
    /// timeout, 2 retries. Generated crates call it from `Client::builder()`.
    pub fn new(profile: &'static ApiProfile) -> Self {
        ClientBuilder {
            profile,
            base_url: None,
            credentials: Credentials::default(),
            invalid: None,
            default_headers: Vec::new(),
            default_query: Vec::new(),
            timeout: DEFAULT_TIMEOUT,
            total_timeout: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            max_retries: DEFAULT_MAX_RETRIES,
            auto_resume: false,
            plain_array_query: false,
            http_client: None,
            sleeper: None,
            jitter: None,
        }
    }

    /// The credential for the security scheme named `scheme` in the document (a later one
    /// replaces it). Each operation sends the credentials its security requirement asks for.
    pub fn credential(mut self, scheme: &str, credential: Credential) -> Self {
        if let Err(e) = self.credentials.set(self.profile, scheme, credential) {
            self.invalid.get_or_insert(e.to_string());
        }
        self
    }

    /// Sends the credential of `scheme` as the bare value of the scheme's alternative header
    /// (such as Azure's `api-key`) instead of its usual place.
    pub fn alternative_header(mut self, scheme: &str, enabled: bool) -> Self {
        match self.profile.scheme(scheme).filter(|s| s.alternative_header.is_some()) {
            Some(s) => {
                self.credentials.alternative.retain(|n| *n != s.name);
                if enabled {
                    self.credentials.alternative.push(s.name);
                }
            }
            None => {
                self.invalid.get_or_insert(format!("the scheme {scheme:?} has no alternative header"));
            }
        }
        self
    }

    /// Base URL that request paths are appended to (default: the document's first server).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
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

    /// Reconnects dropped event streams and continues after the last seen sequence number,
    /// where the API can resume a stream (default off).
    pub fn auto_resume(mut self, enabled: bool) -> Self {
        self.auto_resume = enabled;
        self
    }

    /// Sends the array query parameters that the API wants with brackets
    /// ([`ApiRequest::query_array_brackets`](super::ApiRequest::query_array_brackets))
    /// in the plain form `name=value` instead, for servers that want that (default off).
    pub fn plain_array_query(mut self, enabled: bool) -> Self {
        self.plain_array_query = enabled;
        self
    }

    /// Uses a preconfigured `reqwest::Client` (proxies, certificates...). It must not follow
    /// redirects itself (`redirect(reqwest::redirect::Policy::none())`): the client follows them,
    /// and drops credentials when one leads to another origin, which reqwest does only for
    /// `Authorization` and `Cookie`.
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
    /// Fails with [`Error::Config`] when there is no base URL (neither given nor a server of the
    /// document), when it or a header is invalid, or when a credential names no scheme. No
    /// credential is required: an operation whose requirement nothing configured satisfies is
    /// sent without, and the server's answer says what is missing.
    pub fn build(mut self) -> Result<Client, Error> {
        if let Some(e) = self.invalid {
            return Err(Error::Config(e));
        }
        self.credentials.render()?;
        let base_url = self
            .base_url
            .as_deref()
            .or(self.profile.base_url)
            .ok_or_else(|| Error::Config("no base URL: the API description names no usable server; set one with `base_url(..)`".into()))?
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
        headers.insert(USER_AGENT, header_value(self.profile.user_agent)?);
        for (name, value) in &self.default_headers {
            let mut v = header_value(value)?;
            if is_credential_header(self.profile, name) {
                v.set_sensitive(true);
            }
            headers.insert(header_name(name)?, v);
        }

        let http = match self.http_client {
            Some(c) => c,
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout)
                // Redirects are followed by the client, which keeps credentials at their origin.
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(|e| Error::Config(format!("could not build the HTTP client: {e}")))?,
        };

        Ok(Client {
            inner: Arc::new(Inner {
                http,
                profile: self.profile,
                base_url,
                origin: parsed,
                default_headers: headers,
                default_query: self.default_query,
                credentials: self.credentials,
                timeout: self.timeout,
                total_timeout: self.total_timeout,
                max_retries: self.max_retries,
                auto_resume: self.auto_resume,
                plain_array_query: self.plain_array_query,
                sleeper: self.sleeper.unwrap_or_else(|| Arc::new(TokioSleeper)),
                jitter: self.jitter.unwrap_or_else(|| Arc::new(RandomJitter)),
            }),
            options: Default::default(),
        })
    }
}
