//! One request, one answer: `POST /responses` with a text input, then print the text.

use openai_responses::types::CreateResponse;
use openai_responses::{Client, Error};

#[tokio::main]
async fn main() -> Result<(), Error> {
    // OPENAI_API_KEY, and OPENAI_BASE_URL when not https://api.openai.com/v1 (it includes /v1).
    let client = Client::from_env()?;
    let request = CreateResponse {
        model: "gpt-5".into(),
        input: "Say hello in French.".into(),
        ..Default::default()
    };
    let response = client.responses().create(&request).await?;
    println!("{} ({})", response.id, response.status);
    println!("{}", response.output_text());
    Ok(())
}
