//! The request span carries method, path, attempt, status and request id, and never the key or a body;
//! every retry is an event with its reason and delay.

mod common;

#[allow(unused_imports)]
use common::BearerMethods;

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{closed_port, RecordingSleeper, Reply, TestServer, KEY};
use oa_runtime::{ApiRequest, RequestOptions};
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
        // A line of its own, so that span fields never read as an event's.
        let mut log = self.log.lock().unwrap();
        log.push_str("\nrecord ");
        values.record(&mut Writer(&mut log));
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

/// Runs `body` on a fresh runtime with `capture` as the subscriber; returns the log.
fn captured<F: std::future::Future<Output = ()>>(body: impl FnOnce() -> F) -> String {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(body());
    let log = capture.log.lock().unwrap().clone();
    log
}

fn retry_events(log: &str) -> Vec<&str> {
    log.lines()
        .filter(|l| l.starts_with("event ") && l.contains("retrying request"))
        .collect()
}

#[test]
fn each_retry_is_an_event_with_its_status_and_delay() {
    let log = captured(|| async {
        let server = TestServer::start(vec![
            Reply::json(500, "{}"),
            Reply::json(429, "{}").header("retry-after", "2"),
            Reply::json(200, "{}"),
        ])
        .await;
        let sleeper = RecordingSleeper::new();
        let client = server.builder(&sleeper).build().unwrap();
        let _: Value = client
            .send_json(ApiRequest::new(Method::GET, "/models"))
            .await
            .unwrap();
    });
    let events = retry_events(&log);
    assert_eq!(events.len(), 2, "{log}");
    for (event, status, delay) in [(events[0], 500, 500), (events[1], 429, 2000)] {
        assert!(event.contains("reason=\"status\""), "{event}");
        assert!(event.contains(&format!("status={status} ")), "{event}");
        assert!(event.contains(&format!("delay_ms={delay} ")), "{event}");
    }
    assert!(events[1].contains("attempt=1 "), "{}", events[1]);
}

#[test]
fn transport_failures_are_retry_events_with_their_error() {
    let log = captured(|| async {
        let port = closed_port().await;
        let sleeper = RecordingSleeper::new();
        let client = common::builder()
            .api_key(KEY)
            .base_url(format!("http://127.0.0.1:{port}/v1"))
            .sleeper(sleeper.clone())
            .jitter(Arc::new(|| 0.0))
            .max_retries(1)
            .build()
            .unwrap();
        let _ = client
            .send_json::<Value>(ApiRequest::new(Method::GET, "/models"))
            .await
            .unwrap_err();

        let server = TestServer::start(vec![
            Reply::json(200, "{}").delay(Duration::from_secs(30)),
            Reply::json(200, "{}"),
        ])
        .await;
        let client = server.builder(&sleeper).build().unwrap();
        let opts = RequestOptions::default().timeout(Duration::from_millis(200));
        let _: Value = client
            .send_json(ApiRequest::new(Method::GET, "/models").options(opts))
            .await
            .unwrap();
    });
    let events = retry_events(&log);
    assert_eq!(events.len(), 2, "{log}");
    assert!(events[0].contains("reason=\"connection\""), "{}", events[0]);
    assert!(
        events[0].contains("error=connection error"),
        "{}",
        events[0]
    );
    assert!(events[0].contains("delay_ms=500 "), "{}", events[0]);
    assert!(!events[0].contains("status="), "{}", events[0]);
    assert!(events[1].contains("reason=\"timeout\""), "{}", events[1]);
    assert!(
        events[1].contains("error=request timed out after 200ms"),
        "{}",
        events[1]
    );
    assert!(!log.contains(KEY), "{log}");
}
