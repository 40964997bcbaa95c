//! `StreamEvent`: what an event stream reads from each decoded event (its type, its sequence
//! number, the response it belongs to), so that every event is parsed once, into its type.

use serde::de::DeserializeOwned;
use serde::Serialize;

/// A type the events of a stream decode into. The generated event unions implement it from
/// their typed fields; `serde_json::Value` implements it by looking the fields up.
pub trait StreamEvent: DeserializeOwned + Serialize {
    /// The event's `type` (`response.completed`, `error`, ...); empty when it has none.
    fn event_type(&self) -> &str {
        ""
    }

    /// The event's `sequence_number`, when it was sent.
    fn sequence_number(&self) -> Option<i64> {
        None
    }

    /// The id of the response the event carries (`response.id`), if it carries one.
    fn response_id(&self) -> Option<&str> {
        None
    }
}

impl StreamEvent for serde_json::Value {
    fn event_type(&self) -> &str {
        self.get("type").and_then(serde_json::Value::as_str).unwrap_or_default()
    }

    fn sequence_number(&self) -> Option<i64> {
        self.get("sequence_number").and_then(serde_json::Value::as_i64)
    }

    fn response_id(&self) -> Option<&str> {
        self.get("response")?.get("id")?.as_str()
    }
}
