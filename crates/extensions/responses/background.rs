//! Waiting for a background response (`background: true`) to finish, by polling `retrieve`.

use crate::runtime::{poll_until, Client, Error, PollOptions};
use crate::types::{Response, ResponseStatus};

/// True for the statuses after which a response no longer changes: `completed`, `failed`,
/// `cancelled` and `incomplete`. `queued`, `in_progress`, a missing status and unknown values
/// are not terminal.
pub fn is_terminal(status: Option<&ResponseStatus>) -> bool {
    matches!(
        status,
        Some(
            ResponseStatus::Completed
                | ResponseStatus::Failed
                | ResponseStatus::Cancelled
                | ResponseStatus::Incomplete
        )
    )
}

/// Polls `GET /responses/{id}` until the response reaches a terminal status (see
/// [`is_terminal`]) and returns it; a `failed` or `cancelled` response is returned as `Ok`, so
/// check its `status` and `error`.
///
/// Waits between polls follow `options` through the client's sleeper; a request error ends the
/// wait at once, and a used-up [`PollOptions::max_wait`] gives `Error::Timeout`.
// Not an `async fn`, whose body would be compiled in this crate with every decoder of a
// `Response`: the future it returns is compiled where a program awaits it (ARCHITECTURE.md).
pub fn wait_for<'a>(
    client: &'a Client,
    id: &'a str,
    options: &'a PollOptions,
) -> impl std::future::Future<Output = Result<Response, Error>> + 'a {
    poll_until(
        client,
        options,
        move || client.responses().retrieve(id),
        |response: &Response| is_terminal(response.status.get()),
    )
}
