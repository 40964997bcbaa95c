//! What a generated crate tells the runtime about its API: default server, security schemes and
//! the header conventions of its vendor. The runtime itself knows no API.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use super::error::Error;

/// The facts of one API that the runtime acts on, written by the generator as a `static` from
/// the document (servers, security schemes) and its settings (header conventions).
#[derive(Debug)]
#[non_exhaustive]
pub struct ApiProfile {
    /// The base URL used when the builder is given none (the document's first server), if any.
    pub base_url: Option<&'static str>,
    /// The `user-agent` sent on every request.
    pub user_agent: &'static str,
    /// The security schemes, in the document's order.
    pub schemes: &'static [SecurityScheme],
    /// Response headers that carry the server's request id, the first present wins.
    pub request_id_headers: &'static [&'static str],
    /// A header telling the server which attempt this is (0 for the first), if the API reads one.
    pub retry_count_header: Option<&'static str>,
    /// A response header whose `true`/`false` overrides the status's retry rule, if the API sends one.
    pub should_retry_header: Option<&'static str>,
    /// The idempotency header generated for every POST and PATCH, which makes them retryable.
    /// Without it, POST and PATCH are not retried unless the call sets a key itself.
    pub idempotency_header: Option<&'static str>,
    /// How a dropped event stream is resumed, if the API can resume one.
    pub resume: Option<Resume>,
}

impl ApiProfile {
    /// A profile with nothing of any API: no default server, no schemes, `user_agent` as given.
    pub const fn new(user_agent: &'static str) -> Self {
        ApiProfile {
            base_url: None,
            user_agent,
            schemes: &[],
            request_id_headers: &["x-request-id"],
            retry_count_header: None,
            should_retry_header: None,
            idempotency_header: None,
            resume: None,
        }
    }

    /// Sets every field; for generated code, which writes the profile as a `static`.
    #[allow(clippy::too_many_arguments)]
    #[doc(hidden)]
    pub const fn with(
        base_url: Option<&'static str>,
        user_agent: &'static str,
        schemes: &'static [SecurityScheme],
        request_id_headers: &'static [&'static str],
        retry_count_header: Option<&'static str>,
        should_retry_header: Option<&'static str>,
        idempotency_header: Option<&'static str>,
        resume: Option<Resume>,
    ) -> Self {
        ApiProfile {
            base_url,
            user_agent,
            schemes,
            request_id_headers,
            retry_count_header,
            should_retry_header,
            idempotency_header,
            resume,
        }
    }

    pub(crate) fn scheme(&self, name: &str) -> Option<&'static SecurityScheme> {
        self.schemes.iter().find(|s| s.name == name)
    }
}

/// How a stream that broke off is picked up again: `GET {path with the id}?{stream}&{cursor}=N`.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Resume {
    /// The path, with `{id}` where the encoded id of the streamed resource goes.
    pub path: &'static str,
    /// The query pair that asks for a stream.
    pub stream_query: (&'static str, &'static str),
    /// The query parameter taking the last sequence number seen.
    pub cursor: &'static str,
}

impl Resume {
    /// A resume rule.
    pub const fn new(path: &'static str, stream_query: (&'static str, &'static str), cursor: &'static str) -> Self {
        Resume { path, stream_query, cursor }
    }
}

/// One entry of the document's `components.securitySchemes`.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct SecurityScheme {
    /// The scheme's key in the document, which operations' requirements name.
    pub name: &'static str,
    /// What it sends.
    pub kind: SchemeKind,
    /// A header the credential may go in instead, as its bare value (Azure's `api-key` for a
    /// bearer token), switched on with [`ClientBuilder::alternative_header`](super::ClientBuilder::alternative_header).
    pub alternative_header: Option<&'static str>,
}

impl SecurityScheme {
    /// A scheme.
    pub const fn new(name: &'static str, kind: SchemeKind, alternative_header: Option<&'static str>) -> Self {
        SecurityScheme { name, kind, alternative_header }
    }

    /// The header this scheme's credential travels in, if it travels in one.
    pub(crate) fn header_name(&self) -> Option<&'static str> {
        match self.kind {
            SchemeKind::ApiKey { place: KeyPlace::Header, name } => Some(name),
            SchemeKind::ApiKey { place: KeyPlace::Cookie, .. } => Some("cookie"),
            SchemeKind::ApiKey { place: KeyPlace::Query, .. } => None,
            SchemeKind::Basic | SchemeKind::Bearer => Some("authorization"),
        }
    }
}

/// The kinds of security scheme the runtime sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SchemeKind {
    /// `type: apiKey`: the value as given, in a header, query parameter or cookie of this name.
    ApiKey {
        /// Where it goes.
        place: KeyPlace,
        /// The header, parameter or cookie name.
        name: &'static str,
    },
    /// `type: http, scheme: basic`: `Authorization: Basic base64(user:password)`.
    Basic,
    /// `type: http, scheme: bearer`, `oauth2` and `openIdConnect`: `Authorization: Bearer <token>`.
    Bearer,
}

/// Where an API key goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyPlace {
    /// A request header.
    Header,
    /// A query parameter.
    Query,
    /// A cookie.
    Cookie,
}

/// A credential configured for one scheme.
#[derive(Clone)]
#[non_exhaustive]
pub enum Credential {
    /// An API key or a bearer token, sent as given.
    Value(String),
    /// A user name and password for HTTP basic.
    Basic(String, String),
    /// A bearer token asked for on every request (free to cache and refresh).
    Provider(Arc<dyn TokenProvider>),
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Credential::Value(_) => "Value(<redacted>)",
            Credential::Basic(..) => "Basic(<redacted>)",
            Credential::Provider(_) => "Provider(..)",
        })
    }
}

/// The future a [`TokenProvider`] returns.
pub type TokenFuture = Pin<Box<dyn Future<Output = Result<String, Error>> + Send + 'static>>;

/// Gives a bearer token for each request: for tokens that expire (OAuth2, Azure Entra ID). Any
/// `Fn() -> impl Future<Output = Result<String, Error>>` closure is one.
pub trait TokenProvider: Send + Sync + 'static {
    /// The token to send now.
    fn token(&self) -> TokenFuture;
}

impl<F, Fut> TokenProvider for F
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<String, Error>> + Send + 'static,
{
    fn token(&self) -> TokenFuture {
        Box::pin(self())
    }
}
