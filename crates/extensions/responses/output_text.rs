//! `Response::output_text()`: the text of a response's output messages, joined.

use crate::types::{OutputItem, OutputMessageContent, Response};

impl Response {
    /// The text of every `output_text` content part of every output message, joined in order
    /// with no separator. Refusals, tool calls and reasoning are skipped; a response without
    /// text gives an empty string.
    ///
    /// It is computed from `output`, so it also works on responses built by
    /// [`ResponseAccumulator`](super::ResponseAccumulator).
    pub fn output_text(&self) -> String {
        let mut text = String::new();
        for item in &self.output {
            if let OutputItem::Message(message) = item {
                for part in &message.content {
                    if let OutputMessageContent::OutputText(part) = part {
                        text.push_str(&part.text);
                    }
                }
            }
        }
        text
    }
}
