//! The README's quickstart, kept compiling: `tests/readme.rs` checks the two stay equal.

use futures_util::StreamExt;
use openai_responses::ext::responses::ResponseAccumulator;
use openai_responses::types::{CreateResponse, ResponseStreamEvent};
use openai_responses::{Client, RetrieveQuery};

#[tokio::main]
async fn main() -> Result<(), openai_responses::Error> {
    let client = Client::from_env()?; // OPENAI_API_KEY, optional OPENAI_BASE_URL
    let request = CreateResponse {
        model: Some("gpt-5".into()),
        input: Some("Say hello in French.".into()),
        ..Default::default()
    };
    let response = client.responses().create(&request).await?;
    println!("{}", response.output_text());

    // Streaming: typed events, decoded one by one; unknown event types arrive as `Other`.
    let mut events = client.responses().create_stream(&request).await?;
    let mut accumulator = ResponseAccumulator::new();
    while let Some(event) = events.next().await {
        let event = event?;
        if let ResponseStreamEvent::ResponseTextDeltaEvent(delta) = &event {
            print!("{}", delta.delta);
        }
        accumulator.push(&event);
    }

    // Resume a stream after event 41 (or let `Client::builder().auto_resume(true)` do it).
    let query = RetrieveQuery { starting_after: Some(41), ..Default::default() };
    let mut rest = client.responses().retrieve_stream(&response.id, &query).await?;
    while let Some(event) = rest.next().await {
        accumulator.push(&event?);
    }
    Ok(())
}
