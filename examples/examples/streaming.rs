//! Streaming: print the text deltas as they arrive, and fold every event into the final response.

use futures_util::StreamExt;
use openai_responses::ext::responses::ResponseAccumulator;
use openai_responses::types::{CreateResponse, ResponseStreamEvent};
use openai_responses::{Client, Error};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let client = Client::from_env()?;
    let request = CreateResponse {
        model: "gpt-5".into(),
        input: "Write a haiku about Rust.".into(),
        ..Default::default()
    };
    let mut events = client.responses().create_stream(&request).await?;
    let mut accumulator = ResponseAccumulator::new();
    while let Some(event) = events.next().await {
        let event = event?; // an `error` event arrives as Err(Error::StreamError { .. })
        if let ResponseStreamEvent::OutputTextDelta(delta) = &event {
            print!("{}", delta.delta);
        }
        accumulator.push(&event);
    }
    println!();
    if let Some(response) = accumulator.into_response() {
        println!("{} {}: {} output tokens", response.id, response.status, response.usage.output_tokens);
    }
    Ok(())
}
