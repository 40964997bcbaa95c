//! The request span carries method, path, attempt, status and request id, and never the key or a body.

mod common;

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use common::{RecordingSleeper, Reply, TestServer, KEY};
use oa_runtime::ApiRequest;
use reqwest::Method;
use serde_json::{json, Value};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// A minimal subscriber that writes every span field and event field to one log.
#[derive(Clone, Default)]
struct Capture {
    log: Arc<Mutex<String>>,
    next: Arc<AtomicU64>,
}

struct Writer<'a>(&'a mut String);

impl Visit for Writer<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, "{}={:?} ", field.name(), value);
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, attrs: &Attributes<'_>) -> Id {
        let mut log = self.log.lock().unwrap();
        let _ = write!(log, "\nspan {} ", attrs.metadata().name());
        attrs.record(&mut Writer(&mut log));
        Id::from_u64(self.next.fetch_add(1, Ordering::SeqCst) + 1)
    }
    fn record(&self, _: &Id, values: &Record<'_>) {
        values.record(&mut Writer(&mut self.log.lock().unwrap()));
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut log = self.log.lock().unwrap();
        log.push_str("\nevent ");
        event.record(&mut Writer(&mut log));
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

#[test]
fn request_span_fields_and_no_secrets() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let server = TestServer::start(vec![
            Reply::json(500, r#"{"error":{"message":"SECRET-BODY-1"}}"#),
            Reply::json(200, r#"{"v":"SECRET-BODY-2"}"#).header("x-request-id", "req_trace"),
        ])
        .await;
        let sleeper = RecordingSleeper::new();
        let client = server.builder(&sleeper).build().unwrap();
        let req = ApiRequest::new(Method::POST, "/responses")
            .json(&json!({"input": "SECRET-BODY-3"}))
            .unwrap();
        let _: Value = client.send_json(req).await.unwrap();
    });
    let log = capture.log.lock().unwrap().clone();
    assert!(
        log.contains("span oa_request method=POST path=/responses"),
        "{log}"
    );
    assert!(log.contains("attempt=1"), "{log}");
    assert!(log.contains("status=200"), "{log}");
    assert!(log.contains("request_id=\"req_trace\""), "{log}");
    assert!(!log.contains(KEY), "{log}");
    assert!(!log.contains("SECRET-BODY"), "{log}");
}
