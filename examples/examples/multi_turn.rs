//! A conversation kept on the server: each turn names the previous response with
//! `previous_response_id`, so only the new input is sent.

use openai_responses::types::CreateResponse;
use openai_responses::{Client, Error};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let client = Client::from_env()?;
    let mut previous = None;
    for question in ["Pick a random fruit and tell me only its name.", "What colour is it?"] {
        let response = client
            .responses()
            .create(&CreateResponse {
                model: "gpt-5".into(),
                input: question.into(),
                // `None` the first time: a field set from `None` is not sent.
                previous_response_id: previous.take().into(),
                ..Default::default()
            })
            .await?;
        println!("> {question}\n{}", response.output_text());
        previous = response.id.into_option();
    }
    Ok(())
}
