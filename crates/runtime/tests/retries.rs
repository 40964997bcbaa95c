//! Retry policy over real HTTP: status codes, server-provided delays, headers sent per attempt.

mod common;

#[allow(unused_imports)]
use common::BearerMethods;

use std::time::{Duration, SystemTime};

use common::{closed_port, RecordingSleeper, Reply, TestServer, KEY};
use oa_runtime::{ApiRequest, Error, RequestOptions};
use reqwest::Method;
use serde_json::{json, Value};

const OK: &str = r#"{"ok":true}"#;

fn get() -> ApiRequest {
    ApiRequest::new(Method::GET, "/models").error_message_at("/error/message")
}

#[tokio::test]
async fn retry_after_seconds_is_honoured() {
    let server = TestServer::start(vec![
        Reply::json(429, "{}").header("retry-after", "2"),
        Reply::json(200, OK),
    ])
    .await;
    let sleeper = RecordingSleeper::new();
    let client = server.builder(&sleeper).build().unwrap();
    let v: Value = client.send_json(get()).await.unwrap();
    assert_eq!(v, json!({"ok": true}));
    assert_eq!(sleeper.delays(), vec![Duration::from_secs(2)]);
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn retry_after_ms_wins_over_retry_after() {
    let server = TestServer::start(vec![
        Reply::json(429, "{}")
            .header("retry-after-ms", "1500")
            .header("retry-after", "9"),
        Reply::json(200, OK),
    ])
    .await;
    let sleeper = RecordingSleeper::new();
    let client = server.builder(&sleeper).build().unwrap();
    let _: Value = client.send_json(get()).await.unwrap();
    assert_eq!(sleeper.delays(), vec![Duration::from_millis(1500)]);
}

#[tokio::test]
async fn retry_after_http_date_uses_the_injected_clock() {
    let now = httpdate::parse_http_date("Wed, 21 Oct 2015 07:28:00 GMT").unwrap();
    let server = TestServer::start(vec![
        Reply::json(429, "{}").header("retry-after", "Wed, 21 Oct 2015 07:28:10 GMT"),
        Reply::json(200, OK),
    ])
    .await;
    let sleeper = RecordingSleeper::at(now);
    let client = server.builder(&sleeper).build().unwrap();
    let _: Value = client.send_json(get()).await.unwrap();
    assert_eq!(sleeper.delays(), vec![Duration::from_secs(10)]);
}

#[tokio::test]
async fn out_of_range_retry_after_falls_back_to_backoff() {
    let past = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
    let server = TestServer::start(vec![
        Reply::json(429, "{}").header("retry-after", "120"),
        Reply::json(503, "{}").header("retry-after", "0"),
        Reply::json(200, OK),
    ])
    .await;
    let sleeper = RecordingSleeper::at(past);
    let client = server.builder(&sleeper).build().unwrap();
    let _: Value = client.send_json(get()).await.unwrap();
    assert_eq!(
        sleeper.delays(),
        vec![Duration::from_millis(500), Duration::from_secs(1)]
    );
}

#[tokio::test]
async fn server_errors_then_success() {
    let server = TestServer::start(vec![
        Reply::json(500, "{}"),
        Reply::json(502, "{}"),
        Reply::json(200, OK),
    ])
    .await;
    let sleeper = RecordingSleeper::new();
    let client = server.builder(&sleeper).build().unwrap();
    let _: Value = client.send_json(get()).await.unwrap();
    assert_eq!(
        sleeper.delays(),
        vec![Duration::from_millis(500), Duration::from_secs(1)]
    );
    let counts: Vec<_> = server
        .requests()
        .iter()
        .map(|r| r.header("x-retry-count").unwrap().to_owned())
        .collect();
    assert_eq!(counts, ["0", "1", "2"]);
}

#[tokio::test]
async fn jitter_shrinks_backoff_and_backoff_is_capped() {
    let mut replies: Vec<_> = (0..6).map(|_| Reply::json(500, "{}")).collect();
    replies.push(Reply::json(200, OK));
    let server = TestServer::start(replies).await;
    let sleeper = RecordingSleeper::new();
    let client = server
        .builder(&sleeper)
        .jitter(std::sync::Arc::new(|| 1.0))
        .max_retries(6)
        .build()
        .unwrap();
    let _: Value = client.send_json(get()).await.unwrap();
    let secs: Vec<f64> = sleeper.delays().iter().map(Duration::as_secs_f64).collect();
    assert_eq!(secs, [0.375, 0.75, 1.5, 3.0, 6.0, 6.0]);
}

#[tokio::test]
async fn retries_run_out() {
    let server = TestServer::start(vec![
        Reply::json(500, "{}"),
        Reply::json(500, "{}"),
        Reply::json(500, r#"{"error":{"message":"boom"}}"#),
    ])
    .await;
    let sleeper = RecordingSleeper::new();
    let client = server.builder(&sleeper).build().unwrap();
    let err = client.send_json::<Value>(get()).await.unwrap_err();
    assert_eq!(err.status(), Some(500));
    assert_eq!(err.api_error().unwrap().message.as_deref(), Some("boom"));
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn should_retry_header_overrides_status() {
    let server = TestServer::start(vec![
        Reply::json(500, "{}").header("x-should-retry", "false"),
        Reply::json(400, "{}").header("x-should-retry", "true"),
        Reply::json(200, OK),
    ])
    .await;
    let sleeper = RecordingSleeper::new();
    let client = server.builder(&sleeper).build().unwrap();
    let err = client.send_json::<Value>(get()).await.unwrap_err();
    assert_eq!(err.status(), Some(500));
    assert_eq!(server.requests().len(), 1);
    // The 400 with x-should-retry: true is retried.
    let _: Value = client.send_json(get()).await.unwrap();
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    let server = TestServer::start(vec![Reply::json(400, "{}"), Reply::json(200, OK)]).await;
    let sleeper = RecordingSleeper::new();
    let client = server.builder(&sleeper).build().unwrap();
    assert!(client.send_json::<Value>(get()).await.is_err());
    assert_eq!(server.requests().len(), 1);
    assert!(sleeper.delays().is_empty());
}

#[tokio::test]
async fn retried_statuses() {
    for status in [408, 409, 429, 500, 503, 504] {
        let server = TestServer::start(vec![Reply::json(status, "{}"), Reply::json(200, OK)]).await;
        let sleeper = RecordingSleeper::new();
        let client = server.builder(&sleeper).build().unwrap();
        let _: Value = client.send_json(get()).await.unwrap();
        assert_eq!(server.requests().len(), 2, "status {status}");
    }
}

#[tokio::test]
async fn post_sends_one_idempotency_key_on_every_attempt() {
    let server = TestServer::start(vec![
        Reply::json(500, "{}"),
        Reply::json(429, "{}"),
        Reply::json(200, OK),
    ])
    .await;
    let sleeper = RecordingSleeper::new();
    let client = server.builder(&sleeper).build().unwrap();
    let req = ApiRequest::new(Method::POST, "/responses")
        .json(&json!({"model": "m"}))
        .unwrap();
    let _: Value = client.send_json(req).await.unwrap();
    let reqs = server.requests();
    assert_eq!(reqs.len(), 3);
    let keys: Vec<_> = reqs
        .iter()
        .map(|r| r.header("idempotency-key").unwrap().to_owned())
        .collect();
    assert!(!keys[0].is_empty());
    assert!(keys.iter().all(|k| k == &keys[0]), "{keys:?}");
    let counts: Vec<_> = reqs
        .iter()
        .map(|r| r.header("x-retry-count").unwrap().to_owned())
        .collect();
    assert_eq!(counts, ["0", "1", "2"]);
    for r in &reqs {
        assert_eq!(r.body, br#"{"model":"m"}"#);
    }
}

#[tokio::test]
async fn idempotency_keys_differ_between_calls_and_can_be_chosen() {
    let server = TestServer::start(vec![
        Reply::json(200, OK),
        Reply::json(200, OK),
        Reply::json(200, OK),
        Reply::json(200, OK),
    ])
    .await;
    let sleeper = RecordingSleeper::new();
    let client = server.builder(&sleeper).build().unwrap();
    for _ in 0..2 {
        let _: Value = client
            .send_json(ApiRequest::new(Method::POST, "/files"))
            .await
            .unwrap();
    }
    let _: Value = client
        .send_json(
            ApiRequest::new(Method::POST, "/files")
                .options(RequestOptions::default().idempotency_key("mine")),
        )
        .await
        .unwrap();
    let _: Value = client.send_json(get()).await.unwrap();
    let reqs = server.requests();
    let k0 = reqs[0].header("idempotency-key").unwrap();
    let k1 = reqs[1].header("idempotency-key").unwrap();
    assert_ne!(k0, k1);
    assert_eq!(reqs[2].header("idempotency-key"), Some("mine"));
    assert_eq!(reqs[3].header("idempotency-key"), None);
}

#[tokio::test]
async fn per_request_max_retries() {
    let server = TestServer::start(vec![Reply::json(500, "{}"), Reply::json(200, OK)]).await;
    let sleeper = RecordingSleeper::new();
    let client = server.builder(&sleeper).build().unwrap();
    let err = client
        .send_json::<Value>(get().options(RequestOptions::default().max_retries(0)))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(500));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn connection_errors_are_retried() {
    let port = closed_port().await;
    let sleeper = RecordingSleeper::new();
    let client = common::builder()
        .api_key(KEY)
        .base_url(format!("http://127.0.0.1:{port}/v1"))
        .sleeper(sleeper.clone())
        .jitter(std::sync::Arc::new(|| 0.0))
        .build()
        .unwrap();
    let err = client.send_json::<Value>(get()).await.unwrap_err();
    assert!(matches!(err, Error::Connection(_)), "{err:?}");
    assert_eq!(sleeper.delays().len(), 2);
    assert!(!err.to_string().contains(KEY));
}

#[tokio::test]
async fn slow_server_times_out_and_is_retried() {
    let slow = Duration::from_secs(30);
    let server = TestServer::start(vec![
        Reply::json(200, OK).delay(slow),
        Reply::json(200, OK).delay(slow),
    ])
    .await;
    let sleeper = RecordingSleeper::new();
    let client = server.builder(&sleeper).build().unwrap();
    let opts = RequestOptions::default()
        .timeout(Duration::from_millis(200))
        .max_retries(1);
    let err = client
        .send_json::<Value>(get().options(opts))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Timeout(Some(d)) if d == Duration::from_millis(200)),
        "{err:?}"
    );
    assert_eq!(server.requests().len(), 2);
    assert_eq!(sleeper.delays().len(), 1);
}

#[tokio::test]
async fn each_attempt_gets_the_whole_per_attempt_timeout() {
    // Two attempts of 1 s each under a 1.5 s limit: they succeed only if the
    // limit restarts with every attempt instead of covering both.
    let pause = Duration::from_secs(1);
    let server = TestServer::start(vec![
        Reply::json(500, "{}").delay(pause),
        Reply::json(200, OK).delay(pause),
    ])
    .await;
    let sleeper = RecordingSleeper::new();
    let client = server
        .builder(&sleeper)
        .timeout(Duration::from_millis(1500))
        .build()
        .unwrap();
    let r = client
        .send_json_with_response::<Value>(get())
        .await
        .unwrap();
    assert_eq!(r.data, json!({"ok": true}));
    assert_eq!(r.attempts(), 2);
}

#[tokio::test]
async fn total_timeout_starts_no_retry_that_would_begin_after_it() {
    let server = TestServer::start(vec![
        Reply::json(500, "{}"),
        Reply::json(500, r#"{"error":{"message":"still down"}}"#),
        Reply::json(200, OK),
    ])
    .await;
    let sleeper = RecordingSleeper::new();
    let client = server
        .builder(&sleeper)
        .total_timeout(Duration::from_secs(1))
        .build()
        .unwrap();
    let err = client.send_json::<Value>(get()).await.unwrap_err();
    // Backoff is 0.5 s, then 1 s: the second wait would end past the 1 s deadline.
    assert_eq!(sleeper.delays(), vec![Duration::from_millis(500)]);
    assert_eq!(server.requests().len(), 2);
    match &err {
        Error::TotalTimeout {
            limit,
            attempts,
            last,
        } => {
            assert_eq!(*limit, Duration::from_secs(1));
            assert_eq!(*attempts, 2);
            assert_eq!(last.status(), Some(500));
            assert_eq!(
                last.api_error().unwrap().message.as_deref(),
                Some("still down")
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(!err.is_transient());
    let shown = err.to_string();
    assert!(shown.contains("total timeout of 1s"), "{shown}");
    assert!(
        shown.contains("2 attempts") && shown.contains("still down"),
        "{shown}"
    );
}

#[tokio::test]
async fn request_total_timeout_overrides_the_client_and_counts_server_delays() {
    let server = TestServer::start(vec![
        Reply::json(429, "{}").header("retry-after", "3"),
        Reply::json(429, "{}").header("retry-after", "3"),
        Reply::json(200, OK),
    ])
    .await;
    let sleeper = RecordingSleeper::new();
    let client = server
        .builder(&sleeper)
        .total_timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    let opts = RequestOptions::default().total_timeout(Duration::from_secs(2));
    let err = client
        .send_json::<Value>(get().options(opts))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::TotalTimeout { attempts: 1, last, .. } if last.status() == Some(429)),
        "{err:?}"
    );
    assert!(sleeper.delays().is_empty());
    assert_eq!(server.requests().len(), 1);
    // Under the client's 60 s the same wait is fine.
    let _: Value = client.send_json(get()).await.unwrap();
    assert_eq!(sleeper.delays(), vec![Duration::from_secs(3)]);
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn total_timeout_cuts_off_the_attempt_in_flight() {
    let slow = Duration::from_secs(30);
    let server = TestServer::start(vec![
        Reply::json(200, OK).delay(slow),
        Reply::json(200, OK).delay(slow),
    ])
    .await;
    let sleeper = RecordingSleeper::new();
    let client = server
        .builder(&sleeper)
        .total_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    for retries in [2, 0] {
        let opts = RequestOptions::default().max_retries(retries);
        let err = client
            .send_json::<Value>(get().options(opts))
            .await
            .unwrap_err();
        match &err {
            Error::TotalTimeout { attempts, last, .. } => {
                assert_eq!(*attempts, 1, "max_retries {retries}");
                assert!(matches!(**last, Error::Timeout(Some(_))), "{last:?}");
            }
            other => panic!("max_retries {retries}: {other:?}"),
        }
    }
    assert_eq!(server.requests().len(), 2);
    assert!(sleeper.delays().is_empty());
}

#[tokio::test]
async fn response_tells_attempts_and_idempotency_key() {
    let server = TestServer::start(vec![
        Reply::json(500, "{}"),
        Reply::json(429, "{}"),
        Reply::json(200, OK),
        Reply::json(200, OK),
        Reply::json(200, OK),
    ])
    .await;
    let sleeper = RecordingSleeper::new();
    let client = server.builder(&sleeper).build().unwrap();
    let post = ApiRequest::new(Method::POST, "/responses")
        .json(&json!({"model": "m"}))
        .unwrap();
    let r = client.send_json_with_response::<Value>(post).await.unwrap();
    assert_eq!(r.attempts(), 3);
    let sent = server.requests()[2]
        .header("idempotency-key")
        .unwrap()
        .to_owned();
    assert_eq!(r.idempotency_key(), Some(sent.as_str()));
    // `map` keeps the call details.
    let r = r.map(|v| v["ok"].clone());
    assert_eq!(
        (r.attempts(), r.idempotency_key()),
        (3, Some(sent.as_str()))
    );

    let r = client
        .send_json_with_response::<Value>(get())
        .await
        .unwrap();
    assert_eq!((r.attempts(), r.idempotency_key()), (1, None));

    let chosen = get().options(RequestOptions::default().idempotency_key("mine"));
    let r = client.send_bytes(chosen).await.unwrap();
    assert_eq!((r.attempts(), r.idempotency_key()), (1, Some("mine")));
}
