//! `ResponseAccumulator`: folds the events of a streamed response into the final `Response`.

use crate::types::{
    OutputContent, OutputItem, OutputMessageContent, ReasoningTextContent,
    RefusalContent, Response, ResponseStreamEvent, ResponsesServerEvent, SummaryTextContent,
};

/// The fold of one event, written once for the two event unions: the server-sent events of
/// `create_stream` (`ResponseStreamEvent`) and the events of a WebSocket connection
/// (`ResponsesServerEvent`), whose variants carry the same names and fields (the WebSocket
/// ones add their lane).
macro_rules! fold_event {
    ($this:expr, $event:expr, $E:ident) => {{
        let this: &mut ResponseAccumulator = $this;
        use $E as E;
            match $event {
                E::Created(e) => this.snapshot(&e.response),
                E::Queued(e) => this.snapshot(&e.response),
                E::InProgress(e) => this.snapshot(&e.response),
                E::Completed(e) => this.snapshot(&e.response),
                E::Failed(e) => this.snapshot(&e.response),
                E::Incomplete(e) => this.snapshot(&e.response),
                E::OutputItemAdded(e) => this.set_item(*e.output_index, &e.item),
                E::OutputItemDone(e) => this.set_item(*e.output_index, &e.item),
                E::ContentPartAdded(e) => {
                    this.set_part(*e.output_index, &e.item_id, *e.content_index, &e.part)
                }
                E::ContentPartDone(e) => {
                    this.set_part(*e.output_index, &e.item_id, *e.content_index, &e.part)
                }
                E::OutputTextDelta(e) => {
                    if let Some(text) = this.text_part(*e.output_index, &e.item_id, *e.content_index) {
                        text.push_str(&e.delta);
                    }
                }
                E::OutputTextDone(e) => {
                    if let Some(text) = this.text_part(*e.output_index, &e.item_id, *e.content_index) {
                        text.clone_from(&e.text);
                    }
                }
                E::RefusalDelta(e) => {
                    if let Some(text) = this.refusal_part(*e.output_index, &e.item_id, *e.content_index) {
                        text.push_str(&e.delta);
                    }
                }
                E::RefusalDone(e) => {
                    if let Some(text) = this.refusal_part(*e.output_index, &e.item_id, *e.content_index) {
                        text.clone_from(&e.refusal);
                    }
                }
                E::FunctionCallArgumentsDelta(e) => {
                    if let Some(OutputItem::FunctionCall(call)) =
                        this.item(*e.output_index, &e.item_id)
                    {
                        call.arguments.push_str(&e.delta);
                    }
                }
                E::FunctionCallArgumentsDone(e) => {
                    if let Some(OutputItem::FunctionCall(call)) =
                        this.item(*e.output_index, &e.item_id)
                    {
                        call.arguments = e.arguments.clone();
                        if !e.name.is_empty() {
                            call.name = e.name.clone();
                        }
                    }
                }
                E::CustomToolCallInputDelta(e) => {
                    if let Some(OutputItem::CustomToolCall(call)) =
                        this.item(*e.output_index, &e.item_id)
                    {
                        call.input.push_str(&e.delta);
                    }
                }
                E::CustomToolCallInputDone(e) => {
                    if let Some(OutputItem::CustomToolCall(call)) =
                        this.item(*e.output_index, &e.item_id)
                    {
                        call.input = e.input.clone();
                    }
                }
                E::ReasoningTextDelta(e) => {
                    if let Some(OutputItem::Reasoning(item)) = this.item(*e.output_index, &e.item_id)
                    {
                        let content = &mut *item.content;
                        slot(content, *e.content_index).text.push_str(&e.delta);
                    }
                }
                E::ReasoningTextDone(e) => {
                    if let Some(OutputItem::Reasoning(item)) = this.item(*e.output_index, &e.item_id)
                    {
                        let content = &mut *item.content;
                        slot::<ReasoningTextContent>(content, *e.content_index).text = e.text.clone();
                    }
                }
                E::ReasoningSummaryTextDelta(e) => {
                    if let Some(OutputItem::Reasoning(item)) = this.item(*e.output_index, &e.item_id)
                    {
                        slot::<SummaryTextContent>(&mut *item.summary, *e.summary_index)
                            .text
                            .push_str(&e.delta);
                    }
                }
                E::ReasoningSummaryTextDone(e) => {
                    if let Some(OutputItem::Reasoning(item)) = this.item(*e.output_index, &e.item_id)
                    {
                        slot::<SummaryTextContent>(&mut *item.summary, *e.summary_index).text =
                            e.text.clone();
                    }
                }
                _ => {}
            }
    }};
}

/// Builds the final [`Response`] from stream events, one [`push`](Self::push) at a time.
///
/// - `response.created` / `queued` / `in_progress` / `completed` / `failed` / `incomplete`
///   carry a snapshot of the whole response, which replaces the accumulated one (the
///   accumulated `output` is kept when the snapshot holds fewer items, as the early snapshots do).
/// - `response.output_item.added` / `done` put the item at its `output_index`.
/// - `response.content_part.added` / `done`, `response.output_text.delta` / `done`,
///   `response.refusal.delta` / `done`, `response.function_call_arguments.delta` / `done`,
///   `response.custom_tool_call_input.delta` / `done` and the reasoning text and summary deltas
///   update the item they name (by `output_index`, or by `item_id` when the index does not match).
/// - Every other event, including `Other` (unknown types), is ignored.
///
/// After `response.completed` the result equals that event's `response`; for a stream that
/// ended early it holds everything received so far.
///
/// ```
/// # use openai_responses::{ext::responses::ResponseAccumulator, types::ResponseStreamEvent};
/// # fn fold(events: Vec<ResponseStreamEvent>) {
/// let mut acc = ResponseAccumulator::new();
/// for event in &events {
///     acc.push(event);
/// }
/// if let Some(response) = acc.response() {
///     println!("{}", response.output_text());
/// }
/// # }
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResponseAccumulator {
    response: Option<Response>,
}

impl ResponseAccumulator {
    /// An empty accumulator.
    pub fn new() -> Self {
        Self::default()
    }

    /// The response built so far; `None` until an event carried a snapshot or an output item.
    pub fn response(&self) -> Option<&Response> {
        self.response.as_ref()
    }

    /// The response built so far, by value.
    pub fn into_response(self) -> Option<Response> {
        self.response
    }

    /// Folds one event into the response.
    pub fn push(&mut self, event: &ResponseStreamEvent) {
        fold_event!(self, event, ResponseStreamEvent)
    }

    /// Folds one event of a WebSocket connection (`connect()`) into the response, as
    /// [`push`](Self::push) folds a server-sent one. The events of one response share a lane:
    /// give an accumulator the events of one lane only.
    pub fn push_ws(&mut self, event: &ResponsesServerEvent) {
        fold_event!(self, event, ResponsesServerEvent)
    }

    fn snapshot(&mut self, snapshot: &Response) {
        let mut next = snapshot.clone();
        if let Some(current) = self.response.take() {
            if next.output.len() < current.output.len() {
                next.output = current.output;
            }
        }
        self.response = Some(next);
    }

    fn output(&mut self) -> &mut Vec<OutputItem> {
        &mut self.response.get_or_insert_with(Response::default).output
    }

    fn set_item(&mut self, output_index: i64, item: &OutputItem) {
        let Ok(index) = usize::try_from(output_index) else {
            return;
        };
        let output = self.output();
        if output.len() <= index {
            output.resize_with(index + 1, OutputItem::default);
        }
        output[index] = item.clone();
    }

    /// The item at `output_index` when its id is `item_id` (or it has no id), else the item
    /// whose id is `item_id`.
    fn item(&mut self, output_index: i64, item_id: &str) -> Option<&mut OutputItem> {
        let output: &mut Vec<OutputItem> = &mut self.response.as_mut()?.output;
        let by_index = usize::try_from(output_index).ok().filter(|&i| {
            i < output.len()
                && item_id_of(&output[i])
                    .is_none_or(|id| id.is_empty() || item_id.is_empty() || id == item_id)
        });
        let index = match by_index {
            Some(i) => i,
            None => output
                .iter()
                .position(|item| item_id_of(item) == Some(item_id))?,
        };
        output.get_mut(index)
    }

    fn message_content(
        &mut self,
        output_index: i64,
        item_id: &str,
    ) -> Option<&mut Vec<OutputMessageContent>> {
        match self.item(output_index, item_id)? {
            OutputItem::Message(message) => Some(&mut message.content),
            _ => None,
        }
    }

    fn set_part(
        &mut self,
        output_index: i64,
        item_id: &str,
        content_index: i64,
        part: &OutputContent,
    ) {
        match self.item(output_index, item_id) {
            Some(OutputItem::Message(message)) => {
                let part = match part {
                    OutputContent::OutputText(p) => {
                        OutputMessageContent::OutputText(p.clone())
                    }
                    OutputContent::Refusal(p) => {
                        OutputMessageContent::Refusal(p.clone())
                    }
                    OutputContent::ReasoningText(_) => return,
                    OutputContent::Other(v) => OutputMessageContent::Other(v.clone()),
                };
                *slot(&mut message.content, content_index) = part;
            }
            Some(OutputItem::Reasoning(item)) => {
                if let OutputContent::ReasoningText(p) = part {
                    *slot(&mut *item.content, content_index) = p.clone();
                }
            }
            _ => {}
        }
    }

    fn text_part(
        &mut self,
        output_index: i64,
        item_id: &str,
        content_index: i64,
    ) -> Option<&mut String> {
        let part = slot(self.message_content(output_index, item_id)?, content_index);
        if !matches!(part, OutputMessageContent::OutputText(_)) {
            if !is_placeholder(part) {
                return None;
            }
            *part = OutputMessageContent::OutputText(Box::default());
        }
        match part {
            OutputMessageContent::OutputText(p) => Some(&mut p.text),
            _ => None,
        }
    }

    fn refusal_part(
        &mut self,
        output_index: i64,
        item_id: &str,
        content_index: i64,
    ) -> Option<&mut String> {
        let part = slot(self.message_content(output_index, item_id)?, content_index);
        if !matches!(part, OutputMessageContent::Refusal(_)) {
            if !is_placeholder(part) {
                return None;
            }
            *part = OutputMessageContent::Refusal(RefusalContent::default());
        }
        match part {
            OutputMessageContent::Refusal(p) => Some(&mut p.refusal),
            _ => None,
        }
    }
}

/// The element at `index`, growing the vector with defaults when it is too short
/// (a negative index is treated as one past the end).
fn slot<T: Default>(items: &mut Vec<T>, index: i64) -> &mut T {
    let index = usize::try_from(index).unwrap_or(items.len());
    if items.len() <= index {
        items.resize_with(index + 1, T::default);
    }
    &mut items[index]
}

/// A content slot created by [`slot`] and not filled yet.
fn is_placeholder(part: &OutputMessageContent) -> bool {
    matches!(part, OutputMessageContent::Other(serde_json::Value::Null))
}

/// The `id` of an item, for the variants that stream deltas.
fn item_id_of(item: &OutputItem) -> Option<&str> {
    match item {
        OutputItem::Message(m) => m.id.get().map(String::as_str),
        OutputItem::FunctionCall(c) => c.id.get().map(String::as_str),
        OutputItem::CustomToolCall(c) => c.id.get().map(String::as_str),
        OutputItem::Reasoning(r) => r.id.get().map(String::as_str),
        OutputItem::Other(v) => v.get("id").and_then(|id| id.as_str()),
        _ => None,
    }
}
