//! A function-tool round trip: declare a function from a Rust type, run the calls the model asks
//! for, and send their outputs back.

use openai_responses::types::{CreateResponse, InputItem, Tool};
use openai_responses::Client;
use serde::Deserialize;

/// The arguments of `get_weather`; its JSON Schema (strict) is what the model sees.
#[derive(Deserialize, schemars::JsonSchema)]
struct GetWeather {
    /// City name, such as "Lyon".
    city: String,
}

fn get_weather(args: &GetWeather) -> String {
    serde_json::json!({ "city": args.city, "forecast": "sunny", "celsius": 21 }).to_string()
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    let tools = vec![Tool::function::<GetWeather>("get_weather", "Current weather for a city.")];
    let first = client
        .responses()
        .create(&CreateResponse {
            model: "gpt-5".into(),
            input: "What's the weather in Lyon?".into(),
            tools: tools.clone().into(),
            ..Default::default()
        })
        .await?;

    // Answer every function call the model made, matching each by its call_id.
    let mut outputs = Vec::new();
    for call in first.function_calls() {
        println!("model called {}({})", call.name, call.arguments);
        let output = match call.name.as_str() {
            "get_weather" => get_weather(&call.parse_arguments()?),
            other => format!("unknown function {other}"),
        };
        outputs.push(InputItem::function_call_output(call.call_id.as_str(), output));
    }

    // The server keeps the call (`store` is true by default): chain onto it with the outputs.
    let second = client
        .responses()
        .create(&CreateResponse {
            model: "gpt-5".into(),
            previous_response_id: first.id.clone(),
            input: outputs.into(),
            tools: tools.into(),
            ..Default::default()
        })
        .await?;
    println!("{}", second.output_text());
    Ok(())
}
