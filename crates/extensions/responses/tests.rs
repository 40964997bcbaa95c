//! Tests of the helpers: output items go back as input unchanged, constructors send only what
//! they set, and (with `schemars`) schemas come out strict.

use serde_json::{json, Value};

use crate::types::{InputItem, OutputItem, Response};

/// Output items shaped as the API sends them: the kinds that move as they are, the kinds that
/// go through JSON, an unknown kind and an unknown key.
fn output_items() -> Vec<Value> {
    vec![
        json!({"id": "msg_1", "type": "message", "status": "completed", "role": "assistant", "content": [
            {"type": "output_text", "text": "Lyon is sunny.", "logprobs": [], "annotations": [
                {"type": "url_citation", "start_index": 0, "end_index": 4, "url": "https://example.com/lyon", "title": "Lyon"}
            ]},
            {"type": "refusal", "refusal": "I can't help with that part."}
        ]}),
        json!({"id": "msg_2", "type": "message", "status": "completed", "role": "assistant", "phase": "final_answer",
               "content": [{"type": "output_text", "text": "Done.", "annotations": []}], "future_key": {"kept": true}}),
        json!({"id": "fc_1", "type": "function_call", "status": "completed", "arguments": "{\"city\":\"Lyon\"}",
               "call_id": "call_1", "name": "get_weather"}),
        json!({"id": "rs_1", "type": "reasoning", "encrypted_content": "gAAAAABo-opaque==",
               "summary": [{"type": "summary_text", "text": "**Checking the forecast**"}]}),
        json!({"id": "rs_2", "type": "reasoning", "summary": [], "content": [{"type": "reasoning_text", "text": "think"}], "status": null}),
        json!({"id": "ws_1", "type": "web_search_call", "status": "completed",
               "action": {"type": "search", "query": "weather Lyon", "sources": [{"type": "url", "url": "https://example.com"}]}}),
        json!({"id": "fs_1", "type": "file_search_call", "status": "completed", "queries": ["ferns"],
               "results": [{"file_id": "file-1", "filename": "ferns.pdf", "score": 0.92, "text": "Ferns...", "attributes": {}}]}),
        json!({"id": "cu_1", "type": "computer_call", "call_id": "call_2", "status": "completed", "pending_safety_checks": [],
               "action": {"type": "click", "button": "left", "x": 10, "y": 20}}),
        json!({"id": "ig_1", "type": "image_generation_call", "status": "completed", "result": "iVBORw0KGgo="}),
        json!({"id": "ci_1", "type": "code_interpreter_call", "status": "completed", "container_id": "cntr_1",
               "code": "print(1)", "outputs": [{"type": "logs", "logs": "1\n"}]}),
        json!({"id": "mcp_1", "type": "mcp_call", "server_label": "deepwiki", "name": "ask", "arguments": "{}",
               "output": "42", "error": null, "status": "completed", "approval_request_id": null}),
        json!({"id": "mcpr_1", "type": "mcp_approval_request", "server_label": "deepwiki", "name": "ask", "arguments": "{}"}),
        json!({"id": "mcpl_1", "type": "mcp_list_tools", "server_label": "deepwiki",
               "tools": [{"name": "ask", "input_schema": {"type": "object"}, "annotations": null}]}),
        json!({"id": "ctc_1", "type": "custom_tool_call", "call_id": "call_3", "name": "grammar", "input": "SELECT 1"}),
        json!({"id": "fco_1", "type": "function_call_output", "call_id": "call_1", "output": "{\"celsius\":21}", "status": "completed"}),
        json!({"id": "sh_1", "type": "shell_call", "call_id": "call_4", "status": "completed",
               "action": {"commands": ["ls"], "timeout_ms": 1000, "max_output_length": null}, "environment": null}),
        json!({"id": "ap_1", "type": "apply_patch_call", "call_id": "call_5", "status": "completed",
               "operation": {"type": "update_file", "path": "a.txt", "diff": "@@\n-a\n+b\n"}}),
        json!({"id": "cmp_1", "type": "compaction", "encrypted_content": "gAAAA-compact"}),
        json!({"id": "pg_1", "type": "program", "call_id": "call_6", "code": "1 + 1", "fingerprint": "fp"}),
        json!({"id": "new_1", "type": "brand_new_item", "payload": [1, 2, 3]}),
    ]
}

#[test]
fn output_items_go_back_as_the_same_json() {
    for original in output_items() {
        let item: OutputItem = serde_json::from_value(original.clone()).unwrap();
        let input = InputItem::from(item);
        let sent = serde_json::to_value(&input).unwrap();
        assert_eq!(sent, original, "{}", original["type"]);
        // What the server would decode is the same item again.
        let again: InputItem = serde_json::from_value(sent.clone()).unwrap();
        assert_eq!(serde_json::to_value(&again).unwrap(), sent);
    }
}

#[test]
fn known_kinds_land_in_typed_arms() {
    let kinds: Vec<(String, bool)> = output_items()
        .into_iter()
        .map(|v| {
            let item: OutputItem = serde_json::from_value(v).unwrap();
            let kind = item.item_type().to_owned();
            (kind, matches!(InputItem::from(item), InputItem::Other(_)))
        })
        .collect();
    for (kind, raw) in kinds {
        assert_eq!(raw, kind == "brand_new_item", "{kind}");
    }
}

#[test]
fn messages_by_role_send_role_and_content_only() {
    use crate::types::InputContent;
    let cases = [
        (InputItem::user("hi"), json!({"role": "user", "content": "hi"})),
        (InputItem::system(String::from("s")), json!({"role": "system", "content": "s"})),
        (InputItem::developer("d"), json!({"role": "developer", "content": "d"})),
        (InputItem::assistant("a"), json!({"role": "assistant", "content": "a"})),
        (
            InputItem::user(vec![
                InputContent::text("look"),
                InputContent::image_url("data:image/png;base64,AAAA"),
                InputContent::file_id("file-1"),
            ]),
            json!({"role": "user", "content": [
                {"type": "input_text", "text": "look"},
                {"type": "input_image", "image_url": "data:image/png;base64,AAAA"},
                {"type": "input_file", "file_id": "file-1"}
            ]}),
        ),
    ];
    for (item, expected) in cases {
        assert_eq!(serde_json::to_value(&item).unwrap(), expected);
    }
}

#[test]
fn function_calls_are_the_function_call_items() {
    let response: Response = serde_json::from_value(json!({"output": [
        {"type": "reasoning", "id": "rs_1", "summary": []},
        {"type": "function_call", "call_id": "a", "name": "f", "arguments": "{\"n\":1}"},
        {"type": "message", "role": "assistant", "content": []},
        {"type": "function_call", "call_id": "b", "name": "g", "arguments": "not json"}
    ]}))
    .unwrap();
    let calls: Vec<_> = response.function_calls().collect();
    assert_eq!(calls.iter().map(|c| c.call_id.as_str()).collect::<Vec<_>>(), ["a", "b"]);
    let n: Value = calls[0].parse_arguments().unwrap();
    assert_eq!(n, json!({"n": 1}));
    assert!(calls[1].parse_arguments::<Value>().is_err());
}

#[cfg(feature = "schemars")]
mod strict {
    use serde_json::{json, Value};
    use std::collections::HashMap;

    use super::super::strict_schema;

    /// A unit of measure.
    #[derive(schemars::JsonSchema)]
    #[allow(dead_code)]
    enum Unit {
        /// Degrees Celsius.
        Celsius,
        /// Degrees Fahrenheit.
        Fahrenheit,
    }

    #[derive(schemars::JsonSchema)]
    #[allow(dead_code)]
    struct Place {
        city: String,
        country: Option<String>,
    }

    #[derive(schemars::JsonSchema)]
    #[allow(dead_code)]
    struct Query {
        /// Where.
        place: Place,
        also: Vec<Place>,
        unit: Option<Unit>,
        days: u8,
        #[serde(default)]
        verbose: bool,
        tags: HashMap<String, String>,
    }

    #[derive(schemars::JsonSchema)]
    #[allow(dead_code)]
    struct Tree {
        label: String,
        /// The first child.
        first: Option<Box<Tree>>,
        /// Every child.
        children: Vec<Tree>,
    }

    /// Every object in `schema`, wherever it is.
    fn objects(schema: &Value, out: &mut Vec<Value>) {
        match schema {
            Value::Object(map) => {
                if map.get("type") == Some(&json!("object")) {
                    out.push(schema.clone());
                }
                map.values().for_each(|v| objects(v, out));
            }
            Value::Array(list) => list.iter().for_each(|v| objects(v, out)),
            _ => {}
        }
    }

    fn has_key(schema: &Value, key: &str) -> bool {
        match schema {
            Value::Object(map) => map.contains_key(key) || map.values().any(|v| has_key(v, key)),
            Value::Array(list) => list.iter().any(|v| has_key(v, key)),
            _ => false,
        }
    }

    #[test]
    fn every_object_is_closed_and_requires_all_its_properties() {
        let schema = Value::Object(strict_schema::<Query>());
        let mut found = Vec::new();
        objects(&schema, &mut found);
        assert!(found.len() >= 3, "{schema:#}");
        for object in found {
            assert_eq!(object["additionalProperties"], false, "{object:#}");
            let props: Vec<&String> = object["properties"].as_object().map(|p| p.keys().collect()).unwrap_or_default();
            let required: Vec<&str> = object["required"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
            assert_eq!(props, required, "{object:#}");
        }
        assert_eq!(schema["required"], json!(["place", "also", "unit", "days", "verbose", "tags"]));
        for key in ["oneOf", "default", "$schema", "format"] {
            assert!(!has_key(&schema, key), "{key} left in {schema:#}");
        }
        // The documented `place` was a `$ref` with a description: inlined, description kept.
        let place = &schema["properties"]["place"];
        assert_eq!(place["description"], "Where.");
        assert!(place.get("$ref").is_none());
        assert_eq!(place["required"], json!(["city", "country"]));
        assert_eq!(schema["properties"]["days"]["maximum"], 255);
    }

    #[test]
    fn a_recursive_type_keeps_bare_references() {
        let schema = Value::Object(strict_schema::<Tree>());
        assert_eq!(schema["required"], json!(["label", "first", "children"]));
        let text = schema.to_string();
        assert!(text.contains("\"$ref\":\"#\""), "{schema:#}");
        let mut found = Vec::new();
        objects(&schema, &mut found);
        assert!(found.iter().all(|o| o["additionalProperties"] == false));
    }

    #[test]
    fn function_tool_is_strict() {
        let tool = crate::types::Tool::function::<Place>("find", "Finds a place.");
        assert_eq!(
            serde_json::to_value(&tool).unwrap(),
            json!({"type": "function", "name": "find", "description": "Finds a place.",
                   "parameters": {"title": "Place", "type": "object",
                       "properties": {"city": {"type": "string"}, "country": {"type": ["string", "null"]}},
                       "required": ["city", "country"], "additionalProperties": false},
                   "strict": true})
        );
    }
}

#[cfg(all(feature = "schemars", feature = "client"))]
mod parsed {
    use serde_json::json;

    use super::super::parse::parse_output_text;
    use crate::runtime::Error;
    use crate::types::Response;

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Answer {
        value: i64,
    }

    fn response(content: serde_json::Value) -> Response {
        serde_json::from_value(json!({"output": [
            {"type": "reasoning", "id": "rs_1", "summary": []},
            {"type": "message", "role": "assistant", "content": content}
        ]}))
        .unwrap()
    }

    #[test]
    fn output_text_decodes_as_the_type() {
        let text = response(json!([{"type": "output_text", "text": "{\"value\": 42}", "annotations": []}]));
        assert_eq!(parse_output_text::<Answer>(&text).unwrap(), Some(Answer { value: 42 }));
    }

    #[test]
    fn a_refusal_is_none() {
        let refusal = response(json!([{"type": "refusal", "refusal": "I can't."}]));
        assert_eq!(parse_output_text::<Answer>(&refusal).unwrap(), None);
    }

    #[test]
    fn text_that_is_not_the_type_is_an_error_that_keeps_it() {
        let cut = response(json!([{"type": "output_text", "text": "{\"value\": \"forty", "annotations": []}]));
        match parse_output_text::<Answer>(&cut) {
            Err(Error::Decode { body, .. }) => assert_eq!(body, "{\"value\": \"forty"),
            other => panic!("{other:?}"),
        }
        let wrong = response(json!([{"type": "output_text", "text": "{\"value\": \"x\"}", "annotations": []}]));
        match parse_output_text::<Answer>(&wrong) {
            Err(Error::Decode { body, path, .. }) => assert_eq!((body.as_str(), path.as_str()), ("{\"value\": \"x\"}", "value")),
            other => panic!("{other:?}"),
        }
    }
}
