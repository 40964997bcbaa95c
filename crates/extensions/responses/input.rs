//! Short constructors for what goes into a request's `input`: messages by role, content parts,
//! and the output of a function call.

use crate::types::{
    EasyInputMessage, EasyInputMessageContent, EasyInputMessageRole, Field,
    FunctionCallOutputItemParam, FunctionCallOutputItemParamOutput, InputContent,
    InputFileContent, InputImageContent, InputItem, InputParam, InputTextContent, Item,
};

impl InputItem {
    /// A message from the user. `content` is a `&str`, a `String` or a `Vec<InputContent>`
    /// (text, images and files in order).
    ///
    /// ```
    /// use openai_responses::types::{CreateResponse, InputContent, InputItem};
    ///
    /// let request = CreateResponse {
    ///     model: "gpt-5".into(),
    ///     input: vec![
    ///         InputItem::developer("Answer in one word."),
    ///         InputItem::user("What colour is the sky?"),
    ///         InputItem::assistant("Blue."),
    ///         InputItem::user(vec![
    ///             InputContent::text("And in this picture?"),
    ///             InputContent::image_url("https://example.com/sky.png"),
    ///         ]),
    ///     ]
    ///     .into(),
    ///     ..Default::default()
    /// };
    /// let json = serde_json::to_value(&request).unwrap();
    /// assert_eq!(json["input"][1], serde_json::json!({"role": "user", "content": "What colour is the sky?"}));
    /// ```
    pub fn user(content: impl Into<EasyInputMessageContent>) -> Self {
        message(EasyInputMessageRole::User, content.into())
    }

    /// A system message: instructions that outrank the user's. Takes the same `content` as
    /// [`user`](Self::user).
    ///
    /// ```
    /// use openai_responses::types::InputItem;
    ///
    /// let item = InputItem::system("You are terse.");
    /// assert_eq!(serde_json::to_string(&item).unwrap(), r#"{"role":"system","content":"You are terse."}"#);
    /// ```
    pub fn system(content: impl Into<EasyInputMessageContent>) -> Self {
        message(EasyInputMessageRole::System, content.into())
    }

    /// A developer message: the application's instructions, which outrank the user's. Takes the
    /// same `content` as [`user`](Self::user).
    ///
    /// ```
    /// use openai_responses::types::InputItem;
    ///
    /// let item = InputItem::developer(String::from("Reply in French."));
    /// assert_eq!(item.item_type(), "message");
    /// ```
    pub fn developer(content: impl Into<EasyInputMessageContent>) -> Self {
        message(EasyInputMessageRole::Developer, content.into())
    }

    /// An earlier answer of the model, written by hand (to send back real output items, convert
    /// them with `InputItem::from(output_item)`). Takes the same `content` as
    /// [`user`](Self::user).
    ///
    /// ```
    /// use openai_responses::types::InputItem;
    ///
    /// let history = vec![InputItem::user("Pick a number."), InputItem::assistant("7")];
    /// assert_eq!(history.len(), 2);
    /// ```
    pub fn assistant(content: impl Into<EasyInputMessageContent>) -> Self {
        message(EasyInputMessageRole::Assistant, content.into())
    }

    /// The result of running a function the model called: `call_id` is the call's
    /// [`call_id`](crate::types::FunctionToolCall::call_id), `output` the text (often JSON) to
    /// give the model.
    ///
    /// ```
    /// use openai_responses::types::InputItem;
    ///
    /// let item = InputItem::function_call_output("call_123", r#"{"celsius":21}"#);
    /// assert_eq!(
    ///     serde_json::to_value(&item).unwrap(),
    ///     serde_json::json!({"type": "function_call_output", "call_id": "call_123", "output": "{\"celsius\":21}"}),
    /// );
    /// ```
    pub fn function_call_output(call_id: impl Into<String>, output: impl Into<String>) -> Self {
        let output = FunctionCallOutputItemParam {
            call_id: Field::sent(call_id.into()),
            output: Field::sent(FunctionCallOutputItemParamOutput::String(output.into())),
            ..Default::default()
        };
        Item::FunctionCallOutput(Box::new(output)).into()
    }
}

/// A shorthand message (`{"role", "content"}`, no `type`), which every role accepts.
fn message(role: EasyInputMessageRole, content: EasyInputMessageContent) -> InputItem {
    EasyInputMessage {
        role: Field::sent(role),
        content: Field::sent(content),
        ..Default::default()
    }
    .into()
}

impl InputContent {
    /// A text part (`input_text`).
    ///
    /// ```
    /// use openai_responses::types::InputContent;
    ///
    /// let part = InputContent::text("Describe this image.");
    /// assert_eq!(serde_json::to_string(&part).unwrap(), r#"{"type":"input_text","text":"Describe this image."}"#);
    /// ```
    pub fn text(text: impl Into<String>) -> Self {
        InputTextContent {
            text: Field::sent(text.into()),
            ..Default::default()
        }
        .into()
    }

    /// An image part (`input_image`) by URL: an `https://` address or a `data:image/...;base64,`
    /// URL. `detail` is not sent, so the server picks it.
    ///
    /// ```
    /// use openai_responses::types::InputContent;
    ///
    /// let part = InputContent::image_url("https://example.com/cat.png");
    /// assert_eq!(
    ///     serde_json::to_string(&part).unwrap(),
    ///     r#"{"type":"input_image","image_url":"https://example.com/cat.png"}"#,
    /// );
    /// ```
    pub fn image_url(url: impl Into<String>) -> Self {
        InputImageContent {
            image_url: Field::sent(url.into()),
            ..Default::default()
        }
        .into()
    }

    /// A file part (`input_file`) by the ID of an uploaded file.
    ///
    /// ```
    /// use openai_responses::types::InputContent;
    ///
    /// let part = InputContent::file_id("file-abc123");
    /// assert_eq!(serde_json::to_string(&part).unwrap(), r#"{"type":"input_file","file_id":"file-abc123"}"#);
    /// ```
    pub fn file_id(id: impl Into<String>) -> Self {
        InputFileContent {
            file_id: Field::sent(id.into()),
            ..Default::default()
        }
        .into()
    }
}

/// `input: vec![InputItem::user("hi")].into()`: the list form of a request's input, which would
/// otherwise need `InputParam::from(vec![..]).into()`.
impl From<Vec<InputItem>> for Field<InputParam> {
    fn from(items: Vec<InputItem>) -> Self {
        Field::sent(InputParam::InputItemList(items))
    }
}
