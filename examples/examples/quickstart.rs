//! The README's quickstart, kept compiling: `tests/readme.rs` checks the two stay equal.

use futures_util::StreamExt;
use openai_responses::types::{CreateResponse, InputItem, ResponseStreamEvent};
use openai_responses::{Client, Error};

#[tokio::main]
async fn main() -> Result<(), Error> {
    // Reads OPENAI_API_KEY, and OPENAI_BASE_URL when set (it includes /v1).
    let client = Client::from_env()?;
    let request = CreateResponse {
        model: "gpt-5".into(),
        input: vec![
            InputItem::developer("Answer in French."),
            InputItem::user("Say hello."),
        ]
        .into(),
        ..Default::default()
    };
    let response = client.responses().create(&request).await?;
    println!("{}", response.output_text());

    // The same request as a stream of typed events (unknown event types arrive as `Other`).
    let mut events = client.responses().create_stream(&request).await?;
    while let Some(event) = events.next().await {
        if let ResponseStreamEvent::OutputTextDelta(delta) = event? {
            print!("{}", delta.delta);
        }
    }
    println!();
    Ok(())
}
