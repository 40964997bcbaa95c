//! A stateless conversation: `store: false`, so nothing stays on the server and every turn sends
//! the whole history, the model's output items included (`InputItem::from(output_item)` sends
//! each back as it came; reasoning items carry their encrypted content for that purpose).

use openai_responses::types::{CreateResponse, IncludeEnum, InputItem};
use openai_responses::{Client, Error};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let client = Client::from_env()?;
    let mut history = vec![InputItem::developer("Answer in one short sentence.")];
    for question in ["Pick a random fruit and tell me only its name.", "What colour is it?"] {
        history.push(InputItem::user(question));
        let response = client
            .responses()
            .create(&CreateResponse {
                model: "gpt-5".into(),
                input: history.clone().into(),
                store: false.into(),
                include: vec![IncludeEnum::ReasoningEncryptedContent].into(),
                ..Default::default()
            })
            .await?;
        println!("> {question}\n{}", response.output_text());
        history.extend(response.output.into_inner().into_iter().map(InputItem::from));
    }
    println!("history: {} items", history.len());
    Ok(())
}
