//! Background mode: `background: true` returns at once while the model works on the server;
//! here the response is looked at once and then cancelled.

use openai_responses::types::CreateResponse;
use openai_responses::{Client, Error};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let client = Client::from_env()?;
    let started = client
        .responses()
        .create(&CreateResponse {
            model: "gpt-5".into(),
            input: "Write a long essay on ferns.".into(),
            background: true.into(),
            ..Default::default()
        })
        .await?;
    println!("started {} ({})", started.id, started.status);

    let now = client.responses().retrieve(&started.id).await?;
    println!("now {}", now.status);

    // Cancelling a response that already finished is an error (HTTP 400).
    let cancelled = client.responses().cancel(&started.id).await?;
    println!("cancelled {} ({})", cancelled.id, cancelled.status);
    Ok(())
}
