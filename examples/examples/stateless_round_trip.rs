//! Stateless conversation: `store: false`, so the client sends the whole history every turn,
//! including the previous output items (reasoning items come back encrypted for that purpose).

use openai_responses::types::{
    CreateResponse, EasyInputMessage, EasyInputMessageContent, EasyInputMessageRole, IncludeEnum,
    InputItem, InputParam,
};
use openai_responses::{Client, Error};

fn user(text: &str) -> InputItem {
    InputItem::EasyInputMessage(EasyInputMessage {
        role: EasyInputMessageRole::User,
        content: EasyInputMessageContent::TextInput(text.into()),
        ..Default::default()
    })
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let client = Client::from_env()?;
    let mut history = Vec::new();
    for question in [
        "Pick a random fruit and tell me only its name.",
        "What colour is it?",
        "Name a dish made with it.",
    ] {
        history.push(user(question));
        let response = client
            .responses()
            .create(&CreateResponse {
                model: Some("gpt-5".into()),
                input: Some(InputParam::InputItemList(history.clone())),
                store: Some(false),
                include: Some(vec![IncludeEnum::ReasoningEncryptedContent]),
                ..Default::default()
            })
            .await?;
        println!("> {}", response.output_text());
        // Output items become input items through their shared JSON shape.
        for item in &response.output {
            let json = serde_json::to_value(item).expect("output items serialize");
            history.push(serde_json::from_value(json).expect("output items are valid input items"));
        }
    }
    Ok(())
}
