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

    // A background response's stream can be resumed after any event already seen
    // (`Client::builder().auto_resume(true)` does this by itself when a connection drops).
    let background = CreateResponse { background: Some(true), ..request };
    let mut events = client.responses().create_stream(&background).await?;
    let _created = events.next().await.transpose()?;
    if let (Some(id), Some(seen)) = (events.response_id(), events.last_sequence_number()) {
        let query = RetrieveQuery { starting_after: Some(seen as i64), ..Default::default() };
        let mut rest = client.responses().retrieve_stream(id, &query).await?;
        while let Some(event) = rest.next().await {
            accumulator.push(&event?);
        }
    }
    Ok(())
}
