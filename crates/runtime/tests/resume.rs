//! Auto-resume of dropped `/responses` streams: reconnect URL, de-duplication, give-up rules.

mod common;

use common::{RecordingSleeper, Reply, TestServer};
use futures_util::StreamExt;
use oa_runtime::{ApiRequest, Error};
use reqwest::Method;
use serde_json::{json, Value};

fn ev(seq: u64) -> String {
    let body = match seq {
        0 => {
            json!({"type":"response.created","sequence_number":0,"response":{"id":"resp_1","status":"in_progress","output":[]}})
        }
        8 => {
            json!({"type":"response.completed","sequence_number":8,"response":{"id":"resp_1","status":"completed"}})
        }
        n => {
            json!({"type":"response.output_text.delta","sequence_number":n,"delta":format!("d{n}")})
        }
    };
    format!(
        "event: {}\ndata: {}\n\n",
        body["type"].as_str().unwrap(),
        body
    )
}

fn events(range: std::ops::RangeInclusive<u64>) -> Vec<String> {
    range.map(ev).collect()
}

fn post() -> ApiRequest {
    ApiRequest::new(Method::POST, "/responses")
        .json(&json!({"stream": true}))
        .unwrap()
}

async fn run(
    replies: Vec<Reply>,
    auto_resume: bool,
) -> (
    TestServer,
    std::sync::Arc<RecordingSleeper>,
    Vec<Result<Value, Error>>,
) {
    let server = TestServer::start(replies).await;
    let sleeper = RecordingSleeper::new();
    let client = server
        .builder(&sleeper)
        .auto_resume(auto_resume)
        .build()
        .unwrap();
    let mut s = client.send_stream::<Value>(post()).await.unwrap();
    let mut items = Vec::new();
    while let Some(i) = s.next().await {
        items.push(i);
    }
    (server, sleeper, items)
}

fn seqs(items: &[Result<Value, Error>]) -> Vec<u64> {
    items
        .iter()
        .map(|i| i.as_ref().unwrap()["sequence_number"].as_u64().unwrap())
        .collect()
}

#[tokio::test]
async fn reset_mid_stream_resumes_after_last_sequence_number() {
    let mut second = events(4..=8);
    second.insert(0, ": resumed\n\n".into());
    let (server, sleeper, items) = run(
        vec![Reply::sse(&events(0..=5)).abort(), Reply::sse(&second)],
        true,
    )
    .await;
    assert_eq!(seqs(&items), (0..=8).collect::<Vec<_>>());
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    let resume = &reqs[1];
    assert_eq!(resume.method, "GET");
    assert_eq!(resume.path, "/v1/responses/resp_1");
    let q = resume.query_pairs();
    assert!(q.contains(&("stream".into(), "true".into())), "{q:?}");
    assert!(q.contains(&("starting_after".into(), "5".into())), "{q:?}");
    assert_eq!(resume.header("accept"), Some("text/event-stream"));
    assert_eq!(resume.header("idempotency-key"), None);
    assert_eq!(
        resume.header("authorization"),
        Some(format!("Bearer {}", common::KEY).as_str())
    );
    assert_eq!(sleeper.delays().len(), 1);
}

#[tokio::test]
async fn clean_eof_before_terminal_event_also_resumes() {
    let (server, _sleeper, items) = run(
        vec![Reply::sse(&events(0..=3)), Reply::sse(&events(4..=8))],
        true,
    )
    .await;
    assert_eq!(seqs(&items), (0..=8).collect::<Vec<_>>());
    assert!(server.requests()[1]
        .query_pairs()
        .contains(&("starting_after".into(), "3".into())));
}

#[tokio::test]
async fn several_drops_in_a_row_with_progress() {
    let (server, _sleeper, items) = run(
        vec![
            Reply::sse(&events(0..=2)).abort(),
            Reply::sse(&events(3..=4)).abort(),
            Reply::sse(&events(3..=6)).abort(),
            Reply::sse(&events(7..=8)),
        ],
        true,
    )
    .await;
    assert_eq!(seqs(&items), (0..=8).collect::<Vec<_>>());
    let after: Vec<String> = server.requests()[1..]
        .iter()
        .map(|r| {
            r.query_pairs()
                .into_iter()
                .find(|(k, _)| k == "starting_after")
                .unwrap()
                .1
        })
        .collect();
    assert_eq!(after, ["2", "4", "6"]);
}

#[tokio::test]
async fn resume_retries_failed_reconnects() {
    let (server, _sleeper, items) = run(
        vec![
            Reply::sse(&events(0..=5)).abort(),
            Reply::json(503, "{}"),
            Reply::sse(&events(6..=8)),
        ],
        true,
    )
    .await;
    assert_eq!(seqs(&items), (0..=8).collect::<Vec<_>>());
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn resume_gives_up_after_repeated_drops_without_progress() {
    let (server, _sleeper, items) = run(
        vec![
            Reply::sse(&events(0..=5)).abort(),
            Reply::sse(&events(4..=5)).abort(),
            Reply::sse(&events(5..=5)).abort(),
            Reply::sse(&events(6..=8)),
        ],
        true,
    )
    .await;
    // max_retries is 2: two reconnections without a new event, then the error surfaces.
    let (ok, err): (Vec<_>, Vec<_>) = items.into_iter().partition(Result::is_ok);
    assert_eq!(seqs(&ok), (0..=5).collect::<Vec<_>>());
    assert_eq!(err.len(), 1);
    assert!(matches!(err[0], Err(Error::Connection(_))), "{:?}", err[0]);
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn failed_reconnect_surfaces_the_api_error() {
    let (_server, _sleeper, items) = run(
        vec![
            Reply::sse(&events(0..=5)).abort(),
            Reply::json(404, r#"{"error":{"message":"gone"}}"#),
        ],
        true,
    )
    .await;
    assert_eq!(items.len(), 7);
    assert_eq!(items[6].as_ref().unwrap_err().status(), Some(404));
}

#[tokio::test]
async fn no_resume_after_terminal_event_or_when_disabled() {
    let (server, _s, items) = run(vec![Reply::sse(&events(0..=8)).abort()], true).await;
    assert_eq!(seqs(&items), (0..=8).collect::<Vec<_>>());
    assert_eq!(server.requests().len(), 1);

    let (server, _s, items) = run(vec![Reply::sse(&events(0..=5)).abort()], false).await;
    assert_eq!(items.len(), 7);
    assert!(matches!(items[6], Err(Error::Connection(_))));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn no_resume_without_a_response_id() {
    let plain: Vec<String> = (0..3)
        .map(|n| format!("data: {}\n\n", json!({"type":"x","sequence_number":n})))
        .collect();
    let (server, _s, items) = run(vec![Reply::sse(&plain).abort()], true).await;
    assert_eq!(items.len(), 4);
    assert!(items[3].is_err());
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn resume_answered_with_json_surfaces_the_content_type() {
    let (server, _sleeper, items) = run(
        vec![
            Reply::sse(&events(0..=5)).abort(),
            Reply::json(200, r#"{"id":"resp_1","status":"in_progress"}"#),
        ],
        true,
    )
    .await;
    assert_eq!(items.len(), 7);
    match &items[6] {
        Err(Error::UnexpectedContentType {
            status,
            content_type,
            body,
            ..
        }) => {
            assert_eq!(*status, 200);
            assert_eq!(content_type.as_deref(), Some("application/json"));
            assert!(body.contains("in_progress"), "{body}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(server.requests().len(), 2);
}
