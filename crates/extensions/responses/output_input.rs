//! `InputItem::from(output_item)`: an output item sent back as input, as the same JSON, for
//! stateless conversations (`store: false`) that resend the whole history every turn.

use crate::types::{InputItem, Item, OutputItem};

impl From<OutputItem> for InputItem {
    /// The same item as input: its JSON is unchanged, unknown keys and variants included
    /// (reasoning items keep their `encrypted_content`, messages their `id` and `status`).
    ///
    /// ```
    /// use openai_responses::types::{InputItem, OutputItem};
    ///
    /// let call: OutputItem = serde_json::from_value(serde_json::json!({
    ///     "type": "function_call", "id": "fc_1", "call_id": "call_1",
    ///     "name": "get_weather", "arguments": "{\"city\":\"Lyon\"}", "status": "completed"
    /// })).unwrap();
    /// let sent_back = serde_json::to_value(&call).unwrap();
    /// let input = InputItem::from(call);
    /// assert_eq!(serde_json::to_value(&input).unwrap(), sent_back);
    /// ```
    #[inline]
    fn from(item: OutputItem) -> Self {
        use OutputItem as O;
        // Where the input side holds the very same type, the value moves as it is; the other
        // kinds have input types of their own (`..ItemParam`), reached through the JSON.
        let same = match item {
            O::Message(v) => Item::OutputMessage(v),
            O::FileSearchCall(v) => Item::FileSearchCall(v),
            O::FunctionCall(v) => Item::FunctionCall(v),
            O::WebSearchCall(v) => Item::WebSearchCall(v),
            O::ComputerCall(v) => Item::ComputerCall(v),
            O::Reasoning(v) => Item::Reasoning(v),
            O::ImageGenerationCall(v) => Item::ImageGenerationCall(v),
            O::CodeInterpreterCall(v) => Item::CodeInterpreterCall(v),
            O::LocalShellCall(v) => Item::LocalShellCall(v),
            O::LocalShellCallOutput(v) => Item::LocalShellCallOutput(v),
            O::McpCall(v) => Item::McpCall(v),
            O::McpListTools(v) => Item::McpListTools(v),
            O::McpApprovalRequest(v) => Item::McpApprovalRequest(v),
            O::CustomToolCall(v) => Item::CustomToolCall(v),
            O::Other(raw) => return InputItem::Other(raw),
            other => return via_json(&other),
        };
        InputItem::Item(Box::new(same))
    }
}

/// Decodes the item's JSON as an input item. Both sides decode losslessly (unknown keys stay in
/// `extra`, values that match no variant in `Other`), so what is sent is what was received.
// Inline, so that the input-side decoders are compiled only in a program that converts.
#[inline]
fn via_json(item: &OutputItem) -> InputItem {
    // Generated types serialize to JSON without fail: no maps with non-string keys, no custom
    // serializers that return errors.
    // Through bytes, as the client decodes, so that no second decoder is compiled for `Value`.
    let json = serde_json::to_vec(item).expect("an output item serializes to JSON");
    serde_json::from_slice(&json).unwrap_or_else(|_| InputItem::Other(serde_json::from_slice(&json).unwrap_or_default()))
}
