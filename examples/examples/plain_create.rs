//! One request, one answer: `POST /responses` and print the text.

use openai_responses::types::{CreateResponse, InputParam};
use openai_responses::{Client, Error};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let client = Client::from_env()?;
    let request = CreateResponse {
        model: Some("gpt-5".into()),
        input: Some(InputParam::TextInput("Say hello in French.".into())),
        ..Default::default()
    };
    let response = client.responses().create(&request).await?;
    println!("{} ({:?})", response.id, response.status);
    println!("{}", response.output_text());
    Ok(())
}
