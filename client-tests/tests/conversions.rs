//! A union variant's payload converts into a field typed by the union, so request literals read
//! as the JSON they send: `format: TextResponseFormatJsonSchema { .. }.into()`.

use openai_responses::types::{CreateResponse, ResponseTextParam, TextResponseFormatConfiguration, TextResponseFormatJsonSchema, ToolChoiceFunction, ToolChoiceParam};
use serde_json::json;

#[test]
fn payloads_convert_into_fields_of_their_union() {
    let request = CreateResponse {
        model: "gpt-5".into(),
        text: ResponseTextParam {
            format: TextResponseFormatJsonSchema { name: "answer".into(), schema: json!({"type": "object"}).into(), ..Default::default() }.into(),
            ..Default::default()
        }
        .into(),
        tool_choice: ToolChoiceFunction { name: "lookup".into(), ..Default::default() }.into(),
        ..Default::default()
    };
    assert!(matches!(request.text.format.get(), Some(TextResponseFormatConfiguration::JsonSchema(_))));
    assert!(matches!(request.tool_choice.get(), Some(ToolChoiceParam::Function(_))));
    let sent = serde_json::to_value(&request).unwrap();
    assert_eq!(sent["text"]["format"], json!({"type": "json_schema", "name": "answer", "schema": {"type": "object"}}));
    assert_eq!(sent["tool_choice"], json!({"type": "function", "name": "lookup"}));
}
