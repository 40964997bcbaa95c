//! Following a background response: stream it, pick the stream up again after the last event
//! seen (as another process could), then fetch the stored result by polling.

use futures_util::StreamExt;
use openai_responses::api::RetrieveParams;
use openai_responses::ext::responses::{wait_for, ResponseAccumulator};
use openai_responses::types::{CreateResponse, ResponseStreamEvent};
use openai_responses::{Client, Error, PollOptions};

#[tokio::main]
async fn main() -> Result<(), Error> {
    // `auto_resume` reconnects a dropped stream by itself, with
    // `starting_after=<last sequence_number>`, so each event still arrives once.
    let client = Client::builder().load_env()?.auto_resume(true).build()?;
    let request = CreateResponse {
        model: "gpt-5".into(),
        input: "Write a short essay on ferns.".into(),
        background: true.into(),
        ..Default::default()
    };

    // 1. Stream it, and stop reading after the first text delta.
    let mut events = client.responses().create_stream(&request).await?;
    let mut accumulator = ResponseAccumulator::new();
    while let Some(event) = events.next().await {
        let event = event?;
        accumulator.push(&event);
        if let ResponseStreamEvent::OutputTextDelta(_) = event {
            break;
        }
    }
    let id = events.response_id().unwrap_or_default().to_owned();
    let seen = events.last_sequence_number().unwrap_or_default();
    drop(events);
    println!("read {id} up to event {seen}");

    // 2. Resume by hand: only the events after `starting_after` are sent again.
    let params = RetrieveParams { starting_after: Some(seen as i64), ..Default::default() };
    let mut rest = client.responses().retrieve_stream(&id, &params).await?;
    while let Some(event) = rest.next().await {
        accumulator.push(&event?);
    }
    let streamed = accumulator.into_response().unwrap_or_default();
    println!("streamed: {}", streamed.output_text());

    // 3. Or poll until it reaches a terminal status.
    let done = wait_for(&client, &id, &PollOptions::default()).await?;
    println!("polled: {} ({})", done.output_text(), done.status);
    Ok(())
}
