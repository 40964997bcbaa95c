//! Background mode: start a long response, then follow it by streaming (with automatic
//! resumption) or by polling.

use futures_util::StreamExt;
use openai_responses::api::RetrieveQuery;
use openai_responses::ext::responses::{wait_for, ResponseAccumulator};
use openai_responses::types::{CreateResponse, InputParam};
use openai_responses::{Client, Error, PollOptions};

#[tokio::main]
async fn main() -> Result<(), Error> {
    // `auto_resume` reconnects a dropped stream with `starting_after=<last sequence_number>`,
    // so each event is delivered exactly once.
    let client = Client::builder().load_env()?.auto_resume(true).build()?;
    let request = CreateResponse {
        model: Some("gpt-5".into()),
        input: Some(InputParam::TextInput(
            "Write a short essay on ferns.".into(),
        )),
        background: Some(true),
        ..Default::default()
    };

    // 1. Stream it while it runs.
    let mut events = client.responses().create_stream(&request).await?;
    let mut accumulator = ResponseAccumulator::new();
    while let Some(event) = events.next().await {
        accumulator.push(&event?);
    }
    let id = events.response_id().unwrap_or_default().to_owned();
    println!(
        "streamed {id}: {} chars",
        accumulator.response().map_or(0, |r| r.output_text().len())
    );

    // 2. Or pick the stream up by hand, for example in another process, after event 10.
    let query = RetrieveQuery {
        starting_after: Some(10),
        ..Default::default()
    };
    let mut replay = client.responses().retrieve_stream(&id, &query).await?;
    let mut count = 0;
    while let Some(event) = replay.next().await {
        event?;
        count += 1;
    }
    println!("replayed {count} events after sequence number 10");

    // 3. Or simply poll until it is done.
    let started = client.responses().create(&request).await?;
    let done = wait_for(&client, &started.id, &PollOptions::default()).await?;
    println!("{}: {:?}\n{}", done.id, done.status, done.output_text());
    Ok(())
}
