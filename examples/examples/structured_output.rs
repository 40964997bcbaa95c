//! Structured output: `parse::<T>()` sends `T`'s JSON Schema (strict) as the text format and
//! decodes the answer as `T`.

use openai_responses::types::{CreateResponse, OutputItem, OutputMessageContent, Response};
use openai_responses::{Client, Error};
use serde::Deserialize;

/// An event found in the text.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
struct CalendarEvent {
    name: String,
    /// The day, as written in the text.
    date: String,
    participants: Vec<String>,
}

/// The model's refusal, if it refused.
fn refusal(response: &Response) -> Option<&str> {
    response.output.iter().find_map(|item| match item {
        OutputItem::Message(message) => message.content.iter().find_map(|part| match part {
            OutputMessageContent::Refusal(r) => Some(r.refusal.as_str()),
            _ => None,
        }),
        _ => None,
    })
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let client = Client::from_env()?;
    let request = CreateResponse {
        model: "gpt-5".into(),
        instructions: "Extract the event.".into(),
        input: "Alice and Bob are going to a science fair on Friday.".into(),
        ..Default::default()
    };
    // Output text that is not a `CalendarEvent` is an `Error::Decode` whose `body` is the text.
    let parsed = client.responses().parse::<CalendarEvent>(&request).await?;
    match parsed.output_parsed {
        Some(event) => println!("{} on {} with {}", event.name, event.date, event.participants.join(" and ")),
        None => println!("refused: {}", refusal(&parsed.response).unwrap_or("(no text)")),
    }
    Ok(())
}
