//! Presence is visible and kept: a field that was not sent reads as absent (not as a made-up
//! `0` or `""`), a `null` reads as null, and neither is turned into the other, nor into a value,
//! when the value is encoded again, including after folding events with `ResponseAccumulator`.

use client_tests::first_difference;
use openai_responses::ext::responses::ResponseAccumulator;
use openai_responses::types::{Presence, Response, ResponseStreamEvent, ResponseStatus};
use serde_json::{json, Value};

fn decode<T: serde::de::DeserializeOwned>(v: &Value) -> T {
    serde_json::from_value(v.clone()).expect("decodes")
}

/// Encodes `typed` and requires exactly `want` back.
fn assert_encodes_to<T: serde::Serialize>(typed: &T, want: &Value) {
    let got = serde_json::to_value(typed).unwrap();
    if let Some(d) = first_difference(want, &got) {
        panic!("re-encoded value differs {d}\n want: {want}\n  got: {got}");
    }
}

#[test]
fn a_stream_event_without_sequence_number_leaves_it_absent() {
    let raw = json!({"type": "response.output_text.delta", "item_id": "msg_1", "output_index": 0,
        "content_index": 0, "delta": "Hi"});
    let event: ResponseStreamEvent = decode(&raw);
    assert_eq!(event.sequence_number(), None, "not a made-up 0");
    let ResponseStreamEvent::OutputTextDelta(delta) = &event else { panic!("{event:?}") };
    assert!(delta.sequence_number.is_absent());
    assert_eq!(delta.sequence_number.presence(), Presence::Absent);
    assert_encodes_to(&event, &raw);

    // `null` is told apart from absent, and kept.
    let mut with_null = raw.clone();
    with_null["sequence_number"] = Value::Null;
    let event: ResponseStreamEvent = decode(&with_null);
    assert_eq!(event.sequence_number(), None);
    let ResponseStreamEvent::OutputTextDelta(delta) = &event else { panic!("{event:?}") };
    assert!(delta.sequence_number.is_null());
    assert_encodes_to(&event, &with_null);

    // Sent, it is there; `0` is a value like any other.
    let mut with_zero = raw.clone();
    with_zero["sequence_number"] = json!(0);
    let event: ResponseStreamEvent = decode(&with_zero);
    assert_eq!(event.sequence_number(), Some(0));

    // Unknown event types keep the rule.
    let unknown: ResponseStreamEvent = decode(&json!({"type": "response.hologram.delta"}));
    assert_eq!(unknown.sequence_number(), None);
}

#[test]
fn completed_at_null_comes_back_as_null() {
    let raw = json!({"id": "resp_1", "object": "response", "status": "in_progress", "created_at": 1_700_000_000,
        "completed_at": null});
    let response: Response = decode(&raw);
    assert!(response.completed_at.is_null(), "{:?}", response.completed_at);
    assert_eq!(response.completed_at.get(), None);
    assert_eq!(*response.completed_at, 0, "reads as the default, but is not sent as one");
    assert_encodes_to(&response, &raw);

    // Absent stays absent; a value stays that value.
    let mut absent = raw.clone();
    absent.as_object_mut().unwrap().remove("completed_at");
    let response: Response = decode(&absent);
    assert!(response.completed_at.is_absent());
    assert_encodes_to(&response, &absent);
    let mut sent = raw;
    sent["completed_at"] = json!(1_700_000_042);
    let response: Response = decode(&sent);
    assert_eq!(response.completed_at.get(), Some(&1_700_000_042));
    assert_encodes_to(&response, &sent);
}

/// A `response.queued` event as a server sends it before anything is known.
fn queued() -> Value {
    json!({"type": "response.queued", "sequence_number": 0, "response": {
        "id": "resp_1", "object": "response", "created_at": 1_700_000_000, "status": "queued",
        "background": true, "error": null
    }})
}

#[test]
fn a_queued_event_gains_nothing_on_re_encoding() {
    let raw = queued();
    let event: ResponseStreamEvent = decode(&raw);
    let ResponseStreamEvent::Queued(e) = &event else { panic!("{event:?}") };
    assert_eq!(e.response.status.get(), Some(&ResponseStatus::Queued));
    assert!(e.response.model.is_absent() && e.response.tools.is_absent() && e.response.output.is_absent());
    assert!(e.response.error.is_null());
    assert_encodes_to(&event, &raw);
    let back = serde_json::to_value(&event).unwrap();
    for key in ["model", "tools", "output", "tool_choice", "parallel_tool_calls", "usage", "instructions", "metadata", "text"] {
        assert!(back["response"].get(key).is_none(), "`{key}` was added: {back}");
    }

    // Folding the event keeps the snapshot as it came.
    let mut acc = ResponseAccumulator::new();
    acc.push(&event);
    assert_encodes_to(acc.response().expect("a snapshot"), &raw["response"]);
}

#[test]
fn building_a_value_sends_what_was_set_and_nothing_else() {
    // The other direction: a field set through `DerefMut` or `set` is sent, the rest is not.
    let mut response = Response::default();
    response.id.push_str("resp_1");
    response.status.set(ResponseStatus::Completed);
    response.error = openai_responses::Field::null();
    assert_encodes_to(&response, &json!({"id": "resp_1", "status": "completed", "error": null}));
    assert_eq!(response.output.take(), None, "never sent");
    response.output.push(Default::default());
    assert!(response.output.is_sent());
}
