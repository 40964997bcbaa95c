//! HTTP runtime shared by generated API clients: transport, retries, errors, SSE streaming and pagination.

#[cfg(feature = "client")]
mod auth;
#[cfg(feature = "client")]
mod builder;
#[cfg(feature = "client")]
mod client;
#[cfg(feature = "client")]
pub(crate) mod decode;
#[cfg(feature = "client")]
mod error;
#[cfg(feature = "client")]
mod event;
#[cfg(feature = "client")]
mod paginate;
#[cfg(feature = "client")]
mod poll;
#[cfg(feature = "client")]
mod profile;
#[cfg(feature = "client")]
mod request;
#[cfg(feature = "client")]
mod response;
#[cfg(feature = "client")]
mod retry;
#[cfg(feature = "client")]
mod sse;
#[cfg(feature = "client")]
mod stream;
#[cfg(feature = "webhooks")]
mod webhooks;
#[cfg(feature = "websocket")]
mod socket;
#[cfg(feature = "websocket")]
mod socket_io;

#[cfg(feature = "client")]
pub use builder::ClientBuilder;
#[cfg(feature = "client")]
pub use client::Client;
#[cfg(feature = "client")]
pub use error::{ApiErrorBody, Error, WebhookCheck};
#[cfg(feature = "client")]
pub use paginate::{paginate, NextPage, Page, PageInfo, PageStream, Paginator};
#[cfg(feature = "client")]
pub use poll::{poll_until, PollOptions};
#[cfg(feature = "client")]
pub use profile::{ApiProfile, Credential, KeyPlace, Resume, SchemeKind, SecurityScheme, TokenFuture, TokenProvider};
#[cfg(feature = "client")]
pub use request::{encode_path_segment, ApiRequest, IntoRequest, RequestOptions};
#[cfg(feature = "client")]
pub use response::ApiResponse;
#[cfg(feature = "client")]
pub use retry::{Jitter, Sleeper, TokioSleeper};
#[cfg(feature = "client")]
pub use event::StreamEvent;
#[cfg(feature = "client")]
pub use stream::EventStream;
#[cfg(feature = "webhooks")]
pub use webhooks::Webhooks;
#[cfg(feature = "websocket")]
pub use socket::{Reconnect, Socket, SocketErrorKind, SocketEvent, SocketOptions};
