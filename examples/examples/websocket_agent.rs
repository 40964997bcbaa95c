//! A function-tool loop on one WebSocket connection (`--features websocket`): each turn sends
//! the tool outputs of the previous one, chained with `previous_response_id`, until the model
//! answers in text. One connection carries every turn, so no turn pays for a new request, and
//! with `store: false` the chain lives in the connection's memory only.

use openai_responses::types::{CreateResponse, InputItem, Tool};
use openai_responses::{Client, SocketOptions};
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

/// Most turns before the loop gives up on a model that keeps calling tools.
const MAX_TURNS: usize = 8;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    let mut socket = client.responses().connect_with(SocketOptions::new()).await?;
    let tools = vec![Tool::function::<GetWeather>("get_weather", "Current weather for a city.")];
    let mut request = CreateResponse {
        model: "gpt-5".into(),
        input: "What's the weather in Lyon and in Oslo?".into(),
        tools: tools.clone().into(),
        store: false.into(),
        ..Default::default()
    };
    for _ in 0..MAX_TURNS {
        // `create` waits for this turn's response; an `error` event is an `Err` with its code.
        let response = socket.create(&request).await?;
        let calls: Vec<_> = response.function_calls().collect();
        if calls.is_empty() {
            println!("{}", response.output_text());
            break;
        }
        let mut outputs = Vec::new();
        for call in calls {
            println!("model called {}({})", call.name, call.arguments);
            let output = match call.name.as_str() {
                "get_weather" => get_weather(&call.parse_arguments()?),
                other => format!("unknown function {other}"),
            };
            outputs.push(InputItem::function_call_output(call.call_id.as_str(), output));
        }
        request = CreateResponse {
            model: "gpt-5".into(),
            previous_response_id: response.id.clone(),
            input: outputs.into(),
            tools: tools.clone().into(),
            store: false.into(),
            ..Default::default()
        };
    }
    socket.close().await?;
    Ok(())
}
