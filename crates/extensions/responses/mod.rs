//! Helpers for the Responses API on top of the generated types: joining output text and
//! folding stream events into the final `Response`.
//!
//! - [`Response::output_text`](crate::types::Response::output_text) joins the text of every
//!   `output_text` part of every output message.
//! - [`ResponseAccumulator`] folds the events of a streamed response into the `Response` that
//!   `response.completed` would carry.
//! - `wait_for` (client feature) polls a background response until it reaches a terminal
//!   status.

mod accumulator;
#[cfg(feature = "client")]
mod background;
mod output_text;

pub use accumulator::ResponseAccumulator;
#[cfg(feature = "client")]
pub use background::{is_terminal, wait_for};
