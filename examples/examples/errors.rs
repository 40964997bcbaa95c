//! Telling errors apart: a rate limit (429), an unknown id (404), and the request id to quote
//! when asking for help.

use openai_responses::types::CreateResponse;
use openai_responses::{Client, Error, RequestOptions};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let client = Client::from_env()?;
    // The client retries 408, 409, 429 and 5xx twice by default, with backoff; no retries here,
    // so the 429 arrives at once.
    let responses = client.responses().with_options(RequestOptions::default().max_retries(0));
    let request = CreateResponse { model: "gpt-5".into(), input: "Hi".into(), ..Default::default() };
    match responses.create(&request).await {
        Ok(response) => println!("{}", response.output_text()),
        Err(e) if e.status() == Some(429) => {
            println!("rate limited (request id {}): {e}", e.request_id().unwrap_or("-"))
        }
        Err(e) => return Err(e),
    }

    match client.responses().retrieve("resp_does_not_exist").await {
        Err(Error::Api { status: 404, request_id, error, .. }) => {
            let message = error.and_then(|e| e.message).unwrap_or_default();
            println!("not found (request id {}): {message}", request_id.unwrap_or_default());
        }
        Err(e) => return Err(e),
        Ok(response) => println!("found {}", response.id),
    }
    Ok(())
}
