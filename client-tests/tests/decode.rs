//! Decoding of the constructs the published document uses, and forward compatibility:
//! wire tags, shared and multi-value tags, untagged mixes, open enums, nullability, `allOf`,
//! recursion, maps, catch-all arms, kept unknown fields and lenient decoding.

use openai_responses::types::*;
use serde_json::{json, Value};

fn decode<T: serde::de::DeserializeOwned>(v: Value) -> T {
    serde_json::from_value(v).expect("decodes")
}

/// Numbers compare by value (`3` and `3.0` are the same JSON number).
fn normalized(v: Value) -> Value {
    match v {
        Value::Number(n) => json!(n.as_f64()),
        Value::Array(a) => Value::Array(a.into_iter().map(normalized).collect()),
        Value::Object(m) => Value::Object(m.into_iter().map(|(k, v)| (k, normalized(v))).collect()),
        other => other,
    }
}

fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(v: Value) -> T {
    let typed: T = decode(v.clone());
    assert_eq!(normalized(serde_json::to_value(&typed).unwrap()), normalized(v), "round trip");
    typed
}

#[test]
fn union_tags_are_wire_tags() {
    let event = round_trip::<ResponseStreamEvent>(json!({
        "type": "response.output_text.delta", "item_id": "msg_1", "output_index": 0,
        "content_index": 0, "delta": "Hel", "sequence_number": 4, "logprobs": []
    }));
    let ResponseStreamEvent::OutputTextDelta(delta) = event.clone() else { panic!("wrong variant: {event:?}") };
    assert_eq!(delta.delta, "Hel");
    assert_eq!(delta.sequence_number, 4);
    assert_eq!(event.event_type(), "response.output_text.delta");
    assert_eq!(event.sequence_number(), Some(4), "an accessor for what every event has");
    let unknown: ResponseStreamEvent = decode(json!({"type": "response.new_thing", "sequence_number": 9}));
    assert_eq!(unknown.sequence_number(), Some(9));
    // A variant struct writes its tag when serialized alone.
    assert_eq!(serde_json::to_value(&delta).unwrap()["type"], "response.output_text.delta");
}

#[test]
fn shared_tags_are_told_apart_by_role() {
    let out: Item = decode(json!({"type": "message", "id": "m", "role": "assistant", "status": "completed", "content": []}));
    assert!(matches!(out, Item::OutputMessage(_)), "{out:?}");
    let input: Item = decode(json!({"type": "message", "role": "user", "content": []}));
    assert!(matches!(input, Item::InputMessage(_)), "{input:?}");
    // An easy message has no `type` at all.
    let easy: InputItem = decode(json!({"role": "user", "content": "hi"}));
    assert!(matches!(easy, InputItem::Message(_)), "{easy:?}");
    // An item reference has no `type` either; lenient structs accept any object, so the
    // candidate must have its required keys (`id`, not `role` and `content`).
    let reference: InputItem = round_trip(json!({"id": "msg_1"}));
    assert!(matches!(reference, InputItem::ItemReferenceParam(_)), "{reference:?}");
    // An output message sent back as input stays an output message.
    let back: InputItem = round_trip(json!({"type": "message", "id": "m", "role": "assistant", "status": "completed",
        "content": [{"type": "output_text", "text": "hi", "annotations": [], "logprobs": []}]}));
    assert!(matches!(&back, InputItem::Item(item) if matches!(**item, Item::OutputMessage(_))), "{back:?}");
}

#[test]
fn multi_tag_variant_keeps_its_tag() {
    let tool = round_trip::<Tool>(json!({"type": "web_search_2025_08_26"}));
    assert!(matches!(tool, Tool::WebSearchTool(_)), "{tool:?}");
    let tool = round_trip::<Tool>(json!({"type": "web_search"}));
    assert!(matches!(tool, Tool::WebSearchTool(_)), "{tool:?}");
}

#[test]
fn untagged_mixes() {
    let auto: ToolChoiceParam = round_trip(json!("auto"));
    assert_eq!(auto, ToolChoiceParam::ToolChoiceOptions(ToolChoiceOptions::Auto));
    let f: ToolChoiceParam = round_trip(json!({"type": "function", "name": "lookup"}));
    assert!(matches!(f, ToolChoiceParam::Function(_)), "{f:?}");
    let text: InputParam = round_trip(json!("hello"));
    assert_eq!(text, InputParam::TextInput("hello".into()));
    let list: InputParam = round_trip(json!([{"role": "user", "content": "hi"}]));
    assert!(matches!(list, InputParam::InputItemList(ref items) if items.len() == 1), "{list:?}");
}

#[test]
fn open_enums_nest_and_keep_unknown_values() {
    assert_eq!(round_trip::<ModelIdsResponses>(json!("o3-pro")), ModelIdsResponses::O3Pro);
    assert_eq!(round_trip::<ModelIdsResponses>(json!("gpt-5")), ModelIdsResponses::Gpt5);
    assert_eq!(round_trip::<ModelIdsShared>(json!("my-fine-tune")), ModelIdsShared::Other("my-fine-tune".into()));
    let role = round_trip::<EasyInputMessageRole>(json!("narrator"));
    assert_eq!(role.as_str(), "narrator");
}

/// A boxed variant is filled in its box, also when the tag comes last (the entries before it
/// are replayed into the box).
#[test]
fn boxed_variants_decode_with_the_tag_anywhere() {
    let response = json!({"id": "resp_1", "object": "response", "created_at": 1, "status": "completed", "output": []});
    for event in [
        json!({"type": "response.completed", "sequence_number": 7, "response": response}),
        json!({"sequence_number": 7, "response": response, "type": "response.completed"}),
    ] {
        match round_trip::<ResponseStreamEvent>(event) {
            ResponseStreamEvent::Completed(done) => {
                assert_eq!(*done.sequence_number, 7);
                assert_eq!(done.response.id, "resp_1");
                assert!(done.extra.is_empty());
            }
            other => panic!("not Completed: {other:?}"),
        }
    }
}

/// `{:?}` of a struct shows what it holds: absent fields are left out, `null` ones show as
/// `Null`, unknown keys under `extra` only when there are any.
#[test]
fn debug_shows_present_fields_only() {
    let delta: ResponseTextDeltaEvent = decode(json!({"type": "response.output_text.delta", "delta": "Hi", "logprobs": null}));
    assert_eq!(format!("{delta:?}"), r#"ResponseTextDeltaEvent { delta: "Hi", logprobs: Null }"#);
    let delta: ResponseTextDeltaEvent = decode(json!({"type": "response.output_text.delta", "delta": "Hi", "shiny": 1}));
    assert_eq!(format!("{delta:?}"), r#"ResponseTextDeltaEvent { delta: "Hi", extra: {"shiny": Number(1)} }"#);
}

/// Open enums compare, hash and order by wire value: a catch-all built by hand with a known
/// value is that value's variant, and sorting follows the strings.
#[test]
fn open_enums_compare_by_wire_value() {
    use std::collections::HashSet;
    let by_hand = EasyInputMessageRole::Other("user".into());
    assert_eq!(by_hand, EasyInputMessageRole::User);
    assert_ne!(EasyInputMessageRole::Other("narrator".into()), EasyInputMessageRole::User);
    let set: HashSet<_> = [by_hand, EasyInputMessageRole::User].into_iter().collect();
    assert_eq!(set.len(), 1);
    let mut roles = [EasyInputMessageRole::User, EasyInputMessageRole::Assistant, EasyInputMessageRole::Other("narrator".into())];
    roles.sort();
    assert_eq!(roles.iter().map(|r| r.as_str()).collect::<Vec<_>>(), ["assistant", "narrator", "user"]);
}

#[test]
fn null_stays_null_and_absent_stays_absent() {
    let r: Response = round_trip(json!({"id": "resp_1", "object": "response", "error": null, "output": []}));
    assert!(r.error.is_null(), "{:?}", r.error);
    assert!(r.error.get().is_none());
    assert!(r.usage.is_absent(), "a key that was not sent is absent, not null");
    let back = serde_json::to_value(&r).unwrap();
    assert_eq!(back["error"], Value::Null);
    assert!(!back.as_object().unwrap().contains_key("usage"), "an absent field is not written: {back}");
    let failed: Response = decode(json!({"id": "r", "error": {"code": "server_error", "message": "boom"}}));
    assert_eq!(failed.error.get().map(|e| e.message.as_str()), Some("boom"));
    assert_eq!(*failed.error.code, ResponseErrorCode::ServerError);
}

#[test]
fn all_of_keeps_the_later_declaration() {
    // ComputerToolCallOutputResource redeclares `status` as required in its second branch.
    let item: ComputerToolCallOutputResource = decode(json!({
        "type": "computer_call_output", "id": "o", "call_id": "c", "status": "completed",
        "output": {"type": "computer_screenshot", "image_url": "data:"}
    }));
    assert_eq!(item.status.as_str(), "completed");
}

#[test]
fn recursion_through_recursive_ref() {
    let filter: CompoundFilter = round_trip(json!({
        "type": "and",
        "filters": [
            {"type": "eq", "key": "a", "value": "x"},
            {"type": "or", "filters": [{"type": "gt", "key": "n", "value": 3}]}
        ]
    }));
    assert!(matches!(filter.filters[1], CompoundFilterFiltersItem::CompoundFilter(_)), "{:?}", filter.filters[1]);
}

#[test]
fn maps_of_unions() {
    let vars: ResponsePromptVariables = round_trip(json!({"name": "Ada", "logo": {"type": "input_text", "text": "t"}}));
    assert!(matches!(vars["name"], ResponsePromptVariablesValue::String(_)));
    assert!(matches!(vars["logo"], ResponsePromptVariablesValue::InputText(_)));
}

#[test]
fn unknown_variants_keep_their_raw_json() {
    let raw = json!({"type": "response.hologram.delta", "sequence_number": 9, "frame": [1, 2]});
    let event = round_trip::<ResponseStreamEvent>(raw.clone());
    assert_eq!(event, ResponseStreamEvent::Other(raw));
    let item = round_trip::<OutputItem>(json!({"type": "teleport_call", "id": "t"}));
    assert!(matches!(item, OutputItem::Other(_)));
}

#[test]
fn unknown_fields_survive_a_round_trip() {
    // An output item fed back as input with store: false keeps a field added after this release.
    let v = json!({"type": "function_call", "call_id": "c", "name": "f", "arguments": "{}", "id": "fc", "status": "completed", "new_field": {"x": 1}});
    let call: FunctionToolCall = round_trip(v);
    assert_eq!(call.extra["new_field"], json!({"x": 1}));
}

#[test]
fn lenient_decoding_of_what_servers_really_send() {
    // output: null, no tools / tool_choice / parallel_tool_calls / error, usage: null,
    // a float timestamp. Before Field<T> a null list read back as [] and was written as [];
    // now it reads as empty and is written back as the null that came.
    let r: Response = round_trip(json!({
        "id": "resp_2", "object": "response", "created_at": 1.7e9, "status": "completed",
        "output": null, "usage": null, "user": null
    }));
    assert!(r.output.is_empty(), "a null list reads as empty");
    assert!(r.output.is_null() && r.usage.is_null() && r.user.is_null());
    assert!(r.tools.is_empty() && r.tools.is_absent());
    assert_eq!(r.created_at, 1_700_000_000);
    // An item without status, a text part without annotations or logprobs. Before, the
    // missing status decoded as the empty catch-all and was written back as `"status": ""`;
    // now it stays absent.
    let r: Response = round_trip(json!({"id": "r", "output": [{
        "type": "message", "id": "m", "role": "assistant",
        "content": [{"type": "output_text", "text": "hi"}]
    }]}));
    let OutputItem::Message(m) = &r.output[0] else { panic!("{:?}", r.output[0]) };
    assert!(m.status.is_absent(), "a missing status stays missing: {:?}", m.status);
    assert_eq!(m.status.as_str(), "", "and reads as the empty catch-all, not a made-up value");
    // A scalar of the wrong type is kept raw instead of failing the decode.
    let e: ResponseQueuedEvent = decode(json!({"type": "response.queued", "sequence_number": "7", "response": {"id": "r"}}));
    assert_eq!(e.extra["sequence_number"], "7");
    assert!(e.sequence_number.is_absent(), "the typed field does not pretend to hold it");
    assert_eq!(serde_json::to_value(&e).unwrap()["sequence_number"], "7", "written back as it came");
    // Written once: the kept raw value, not also the typed field.
    let text = serde_json::to_string(&e).unwrap();
    assert_eq!(text.matches("\"sequence_number\"").count(), 1, "{text}");
}

/// The lenient policy keeps a field of the wrong JSON type raw; a mismatch deeper inside a
/// value the field does know (an element of a list or map of strings) stays an error, and the
/// error names where it is. (Keeping such a field raw would need buffering every list.)
#[test]
fn a_wrong_typed_element_inside_a_known_field_is_an_error_with_its_place() {
    let err = serde_json::from_value::<Response>(json!({"id": "r", "metadata": {"team": 1}})).unwrap_err();
    assert!(err.to_string().contains("invalid type: integer `1`"), "{err}");
    let err = serde_json::from_str::<CreateResponse>(r#"{"model": "gpt-5", "include": ["reasoning.encrypted_content", null]}"#).unwrap_err();
    assert!(err.to_string().contains("line 1"), "the error says where it stopped: {err}");
    // A whole field of the wrong type is kept, as the policy says.
    let kept: Response = serde_json::from_value(json!({"id": "r", "metadata": "not a map"})).unwrap();
    assert!(kept.metadata.is_absent());
    assert_eq!(kept.extra["metadata"], "not a map");
}
