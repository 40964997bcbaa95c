//! Structured output (`schemars` feature): `client.responses().parse::<T>(&request)` asks for
//! JSON that follows `T`'s strict schema and decodes the output text as `T`.

use std::future::Future;

use schemars::JsonSchema;
use serde::de::DeserializeOwned;

use super::strict_schema::{schema_as, strict_schema};
use crate::api::Responses;
use crate::runtime::decode::decode_error;
use crate::runtime::Error;
use crate::types::{
    CreateResponse, Field, OutputItem, OutputMessageContent, Response,
    TextResponseFormatJsonSchema,
};

/// A response together with its output text decoded as `T`.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedResponse<T> {
    /// The response as received.
    pub response: Response,
    /// The output text decoded as `T`; `None` when the response has no output text, for example
    /// when the model refused (the refusal is then in `response.output`).
    pub output_parsed: Option<T>,
}

impl<'c> Responses<'c> {
    /// Like [`create`](Self::create), with `text.format` set to the strict JSON Schema of `T`
    /// (see [`strict_schema`](super::strict_schema)) named after the type, so the model answers
    /// with JSON that decodes as `T`.
    ///
    /// Output text that does not decode as `T` (for example JSON cut short by
    /// `max_output_tokens`) is an [`Error::Decode`] whose `body` is the text. A `format` already
    /// in `request.text` is replaced; its `verbosity` is kept.
    ///
    /// ```no_run
    /// # async fn demo(client: openai_responses::Client) -> Result<(), openai_responses::Error> {
    /// use openai_responses::types::CreateResponse;
    ///
    /// #[derive(schemars::JsonSchema, serde::Deserialize, Debug)]
    /// struct Event { name: String, date: String, participants: Vec<String> }
    ///
    /// let request = CreateResponse {
    ///     model: "gpt-5".into(),
    ///     input: "Alice and Bob are going to a science fair on Friday.".into(),
    ///     ..Default::default()
    /// };
    /// let parsed = client.responses().parse::<Event>(&request).await?;
    /// match parsed.output_parsed {
    ///     Some(event) => println!("{event:?}"),
    ///     None => println!("no answer: {:?}", parsed.response.output),
    /// }
    /// # Ok(()) }
    /// ```
    pub fn parse<T>(
        &self,
        request: &CreateResponse,
    ) -> impl Future<Output = Result<ParsedResponse<T>, Error>> + 'c
    where
        T: JsonSchema + DeserializeOwned + 'c,
    {
        let mut request = request.clone();
        request.text.format = Field::sent(
            TextResponseFormatJsonSchema {
                name: Field::sent(format_name::<T>()),
                schema: Field::sent(schema_as(strict_schema::<T>())),
                strict: Field::sent(true),
                ..Default::default()
            }
            .into(),
        );
        let created = self.create(&request);
        async move {
            let response = created.await?;
            let output_parsed = parse_output_text(&response)?;
            Ok(ParsedResponse { response, output_parsed })
        }
    }
}

/// The output text decoded as `T`; `None` when no message holds an `output_text` part.
pub(super) fn parse_output_text<T: DeserializeOwned>(response: &Response) -> Result<Option<T>, Error> {
    let has_text = response.output.iter().any(|item| match item {
        OutputItem::Message(message) => message
            .content
            .iter()
            .any(|part| matches!(part, OutputMessageContent::OutputText(_))),
        _ => false,
    });
    if !has_text {
        return Ok(None);
    }
    let text = response.output_text();
    match serde_json::from_str(&text) {
        Ok(value) => Ok(Some(value)),
        Err(error) => Err(decode_error(text.as_bytes(), error)),
    }
}

/// A name for a `json_schema` format from the type's schema name: letters, digits, `_` and `-`,
/// at most 64 characters, as the API requires.
fn format_name<T: JsonSchema>() -> String {
    let name: String = T::schema_name()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' })
        .take(64)
        .collect();
    if name.is_empty() {
        "output".to_owned()
    } else {
        name
    }
}
