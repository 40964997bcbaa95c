//! Helpers for the Responses API on top of the generated types: joining output text and
//! folding stream events into the final `Response`.
