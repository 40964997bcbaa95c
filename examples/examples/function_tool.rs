//! A function-tool round trip: the model asks for a call, we run it and send the output back.

use openai_responses::types::{
    CreateResponse, FunctionCallOutputItemParam, FunctionCallOutputItemParamOutput, FunctionTool,
    InputItem, InputParam, Item, OutputItem, Tool,
};
use openai_responses::{Client, Error};
use serde_json::json;

fn get_weather(arguments: &str) -> String {
    let args: serde_json::Value = serde_json::from_str(arguments).unwrap_or_default();
    json!({ "city": args["city"], "forecast": "sunny", "celsius": 21 }).to_string()
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let client = Client::from_env()?;
    let weather = Tool::FunctionTool(FunctionTool {
        name: "get_weather".into(),
        description: Some("Current weather for a city.".into()),
        parameters: json!({
            "type": "object",
            "properties": { "city": { "type": "string" } },
            "required": ["city"],
            "additionalProperties": false
        })
        .as_object()
        .cloned(),
        strict: Some(true),
        ..Default::default()
    });
    let first = client
        .responses()
        .create(&CreateResponse {
            model: Some("gpt-5".into()),
            input: Some(InputParam::TextInput("What's the weather in Lyon?".into())),
            tools: Some(vec![weather.clone()]),
            ..Default::default()
        })
        .await?;

    // Answer every function call the model made.
    let mut outputs = Vec::new();
    for item in &first.output {
        if let OutputItem::FunctionToolCall(call) = item {
            println!("model called {}({})", call.name, call.arguments);
            outputs.push(InputItem::Item(Item::FunctionCallOutputItemParam(
                FunctionCallOutputItemParam {
                    call_id: Some(call.call_id.clone()),
                    output: FunctionCallOutputItemParamOutput::String(get_weather(&call.arguments)),
                    ..Default::default()
                },
            )));
        }
    }

    // The server remembers the call (store defaults to true): chain onto it.
    let second = client
        .responses()
        .create(&CreateResponse {
            model: Some("gpt-5".into()),
            previous_response_id: Some(first.id.clone()),
            input: Some(InputParam::InputItemList(outputs)),
            tools: Some(vec![weather]),
            ..Default::default()
        })
        .await?;
    println!("{}", second.output_text());
    Ok(())
}
