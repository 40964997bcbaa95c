//! Azure OpenAI (or any server that speaks the same API): the base URL and the key's header are
//! the only differences.

use openai_responses::types::CreateResponse;
use openai_responses::{Client, Error};

#[tokio::main]
async fn main() -> Result<(), Error> {
    // For example https://my-resource.openai.azure.com/openai/v1; `model` is the deployment name.
    let endpoint = std::env::var("AZURE_OPENAI_ENDPOINT").expect("AZURE_OPENAI_ENDPOINT is set");
    let key = std::env::var("AZURE_OPENAI_API_KEY").expect("AZURE_OPENAI_API_KEY is set");
    let client = Client::builder()
        .base_url(endpoint)
        .api_key(key)
        .api_key_header(true) // `api-key: <key>` instead of `Authorization: Bearer <key>`
        .build()?;
    let request = CreateResponse {
        model: "my-gpt-5-deployment".into(),
        input: "Say hello in French.".into(),
        ..Default::default()
    };
    let response = client.responses().create(&request).await?;
    println!("{}", response.output_text());
    Ok(())
}
