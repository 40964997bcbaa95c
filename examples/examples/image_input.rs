//! An image as input: a user message whose content is a text part and an image part (a URL, or a
//! `data:image/png;base64,...` URL for a local file).

use openai_responses::types::{CreateResponse, InputContent, InputItem};
use openai_responses::{Client, Error};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let client = Client::from_env()?;
    let url = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "https://upload.wikimedia.org/wikipedia/commons/3/3f/Fronds_of_a_fern.jpg".into());
    let request = CreateResponse {
        model: "gpt-5".into(),
        input: vec![InputItem::user(vec![
            InputContent::text("What is in this image? One sentence."),
            InputContent::image_url(url),
        ])]
        .into(),
        ..Default::default()
    };
    let response = client.responses().create(&request).await?;
    println!("{}", response.output_text());
    Ok(())
}
