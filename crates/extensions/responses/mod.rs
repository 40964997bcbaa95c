//! Helpers for the Responses API on top of the generated types: building input, sending output
//! back, answering function calls, structured output, and following streamed or background
//! responses.
//!
//! - [`InputItem::user`](crate::types::InputItem::user) (and `system`, `developer`,
//!   `assistant`, `function_call_output`) and [`InputContent::text`](crate::types::InputContent::text)
//!   (and `image_url`, `file_id`) build input; `InputItem::from(output_item)` sends an output
//!   item back unchanged.
//! - [`Response::output_text`](crate::types::Response::output_text) joins the text of every
//!   `output_text` part of every output message;
//!   [`Response::function_calls`](crate::types::Response::function_calls) lists the function
//!   calls to answer, and [`FunctionToolCall::parse_arguments`](crate::types::FunctionToolCall::parse_arguments)
//!   decodes their arguments.
//! - With the `schemars` feature: `Tool::function::<Args>()`, a strict function tool from a Rust
//!   type, `strict_schema::<T>()`, and `client.responses().parse::<T>()` for structured output.
//! - [`ResponseAccumulator`] folds the events of a streamed response into the `Response` that
//!   `response.completed` would carry.
//! - [`ApiResponse::rate_limit`](crate::ApiResponse::rate_limit) (client feature) reads the
//!   `x-ratelimit-*` headers.
//! - `wait_for` (client feature) polls a background response until it reaches a terminal
//!   status.

mod accumulator;
#[cfg(feature = "client")]
mod background;
mod function_calls;
mod input;
mod output_input;
mod output_text;
#[cfg(feature = "client")]
mod rate_limit;
#[cfg(all(feature = "schemars", feature = "client"))]
mod parse;
#[cfg(feature = "schemars")]
mod strict_schema;
#[cfg(test)]
mod tests;

pub use accumulator::ResponseAccumulator;
#[cfg(feature = "client")]
pub use rate_limit::RateLimit;
#[cfg(feature = "client")]
pub use background::{is_terminal, wait_for};
#[cfg(all(feature = "schemars", feature = "client"))]
pub use parse::ParsedResponse;
#[cfg(feature = "schemars")]
pub use strict_schema::strict_schema;
