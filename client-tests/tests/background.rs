//! Background responses through the generated client against an in-process HTTP/1.1 server on
//! 127.0.0.1: `wait_for` polling, `cancel`, and `input_items_stream` and `input_items_stream_with` pagination.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::StreamExt;
use openai_responses::api::InputItemsParams;
use openai_responses::ext::responses::wait_for;
use openai_responses::types::{ItemResource, ResponseStatus};
use openai_responses::{Client, Error, PollOptions, Sleeper};
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

// ---------------------------------------------------------------------------------------------
// A scripted raw HTTP/1.1 server answering JSON: one reply per connection, in order.

#[derive(Clone, Debug)]
struct Request {
    method: String,
    path: String,
    query: Option<String>,
}

impl Request {
    fn query_value(&self, name: &str) -> Option<String> {
        self.query.as_deref()?.split('&').find_map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (k == name).then(|| v.to_owned())
        })
    }
}

struct Server {
    base_url: String,
    requests: Arc<Mutex<Vec<Request>>>,
}

impl Server {
    async fn start(replies: Vec<Value>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}/v1", listener.local_addr().unwrap());
        let replies = Arc::new(Mutex::new(VecDeque::from(replies)));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let recorded = requests.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let (replies, recorded) = (replies.clone(), recorded.clone());
                tokio::spawn(async move {
                    let mut reader = BufReader::new(socket);
                    let mut line = String::new();
                    reader.read_line(&mut line).await.unwrap();
                    let mut parts = line.split_whitespace();
                    let method = parts.next().unwrap().to_owned();
                    let target = parts.next().unwrap().to_owned();
                    let mut length = 0;
                    loop {
                        line.clear();
                        reader.read_line(&mut line).await.unwrap();
                        let header = line.trim_end().to_ascii_lowercase();
                        if header.is_empty() {
                            break;
                        }
                        if let Some(v) = header.strip_prefix("content-length:") {
                            length = v.trim().parse().unwrap();
                        }
                    }
                    let mut body = vec![0; length];
                    reader.read_exact(&mut body).await.unwrap();
                    let (path, query) = match target.split_once('?') {
                        Some((p, q)) => (p.to_owned(), Some(q.to_owned())),
                        None => (target, None),
                    };
                    recorded.lock().unwrap().push(Request {
                        method,
                        path,
                        query,
                    });
                    let reply = replies
                        .lock()
                        .unwrap()
                        .pop_front()
                        .expect("a scripted reply");
                    let body = reply.to_string();
                    let mut socket = reader.into_inner();
                    let head = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                        body.len()
                    );
                    socket.write_all(head.as_bytes()).await.unwrap();
                    socket.write_all(body.as_bytes()).await.unwrap();
                    let _ = socket.shutdown().await;
                });
            }
        });
        Server { base_url, requests }
    }

    fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }
}

/// Records the requested waits and returns at once.
#[derive(Default)]
struct NoSleep(Mutex<Vec<Duration>>);

impl Sleeper for NoSleep {
    fn sleep(&self, d: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + 'static>> {
        self.0.lock().unwrap().push(d);
        Box::pin(async {})
    }
}

fn client(server: &Server, sleeper: &Arc<NoSleep>) -> Client {
    Client::builder()
        .api_key("sk-test")
        .base_url(&server.base_url)
        .sleeper(sleeper.clone())
        .jitter(Arc::new(|| 0.0))
        .build()
        .unwrap()
}

fn response(status: &str) -> Value {
    let output = if status == "completed" {
        json!([{"type": "message", "id": "msg_1", "role": "assistant", "status": "completed",
                "content": [{"type": "output_text", "text": "Ferns are old.", "annotations": [], "logprobs": []}]}])
    } else {
        json!([])
    };
    json!({
        "id": "resp_bg", "object": "response", "created_at": 1_700_000_000, "status": status,
        "background": true, "model": "gpt-5", "output": output, "tools": [], "tool_choice": "auto",
        "parallel_tool_calls": true, "error": null, "incomplete_details": null,
        "instructions": null, "metadata": {}, "temperature": 1.0, "top_p": 1.0
    })
}

// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn wait_for_polls_until_a_terminal_status() {
    let server = Server::start(vec![
        response("queued"),
        response("in_progress"),
        response("completed"),
    ])
    .await;
    let sleeper = Arc::new(NoSleep::default());
    let client = client(&server, &sleeper);

    let done = wait_for(&client, "resp_bg", &PollOptions::default())
        .await
        .unwrap();
    assert_eq!(done.status.get(), Some(&ResponseStatus::Completed));
    assert_eq!(done.output_text(), "Ferns are old.");

    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    for r in &requests {
        assert_eq!(
            (r.method.as_str(), r.path.as_str(), r.query.as_deref()),
            ("GET", "/v1/responses/resp_bg", None)
        );
    }
    assert_eq!(
        sleeper.0.lock().unwrap().len(),
        2,
        "one injected wait between polls"
    );
}

#[tokio::test]
async fn wait_for_returns_failed_and_cancelled_responses_too() {
    for status in ["failed", "cancelled", "incomplete"] {
        let server = Server::start(vec![response("in_progress"), response(status)]).await;
        let sleeper = Arc::new(NoSleep::default());
        let done = wait_for(
            &client(&server, &sleeper),
            "resp_bg",
            &PollOptions::default(),
        )
        .await
        .unwrap();
        assert_eq!(done.status.get().map(|s| s.as_str()), Some(status));
        assert_eq!(server.requests().len(), 2);
    }
}

#[tokio::test]
async fn wait_for_gives_up_after_max_wait() {
    let server = Server::start(vec![response("in_progress"); 10]).await;
    let sleeper = Arc::new(NoSleep::default());
    let options = PollOptions::default()
        .initial_delay(Duration::from_secs(1))
        .max_delay(Duration::from_secs(1))
        .max_wait(Duration::from_secs(3));
    let err = wait_for(&client(&server, &sleeper), "resp_bg", &options)
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Timeout(Some(d)) if d == Duration::from_secs(3)),
        "{err:?}"
    );
    assert_eq!(server.requests().len(), 4);
}

#[tokio::test]
async fn cancel_posts_to_the_cancel_path() {
    let server = Server::start(vec![response("cancelled")]).await;
    let sleeper = Arc::new(NoSleep::default());
    let cancelled = client(&server, &sleeper)
        .responses()
        .cancel("resp_bg")
        .await
        .unwrap();
    assert_eq!(cancelled.status.get(), Some(&ResponseStatus::Cancelled));
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        (requests[0].method.as_str(), requests[0].path.as_str()),
        ("POST", "/v1/responses/resp_bg/cancel")
    );
}

fn item(id: &str) -> Value {
    json!({"type": "message", "id": id, "role": "user", "status": "completed",
           "content": [{"type": "input_text", "text": format!("text of {id}")}]})
}

fn page(ids: &[&str], has_more: bool) -> Value {
    json!({"object": "list", "data": ids.iter().map(|id| item(id)).collect::<Vec<_>>(),
           "first_id": ids[0], "last_id": ids[ids.len() - 1], "has_more": has_more})
}

#[tokio::test]
async fn input_items_stream_walks_every_page_in_order() {
    let server = Server::start(vec![
        page(&["item_1", "item_2"], true),
        page(&["item_3", "item_4"], true),
        page(&["item_5"], false),
    ])
    .await;
    let sleeper = Arc::new(NoSleep::default());
    let client = client(&server, &sleeper);
    let params = InputItemsParams {
        limit: Some(2),
        ..Default::default()
    };
    let items: Vec<_> = client
        .responses()
        .input_items_stream_with("resp_bg", &params)
        .collect()
        .await;

    let ids: Vec<String> = items
        .into_iter()
        .map(|item| match item.unwrap() {
            ItemResource::InputMessageResource(m) => m.id.to_string(),
            other => panic!("expected an input message, got {other:?}"),
        })
        .collect();
    assert_eq!(ids, ["item_1", "item_2", "item_3", "item_4", "item_5"]);

    let requests = server.requests();
    assert!(requests
        .iter()
        .all(|r| r.method == "GET" && r.path == "/v1/responses/resp_bg/input_items"));
    let after: Vec<Option<String>> = requests.iter().map(|r| r.query_value("after")).collect();
    assert_eq!(after, [None, Some("item_2".into()), Some("item_4".into())]);
    assert!(requests
        .iter()
        .all(|r| r.query_value("limit").as_deref() == Some("2")));
}

#[tokio::test]
async fn input_items_stream_without_params_sends_no_query() {
    let server = Server::start(vec![page(&["item_1"], true), page(&["item_2"], false)]).await;
    let sleeper = Arc::new(NoSleep::default());
    let items: Vec<_> = client(&server, &sleeper)
        .responses()
        .input_items_stream("resp_bg")
        .collect()
        .await;
    assert_eq!(items.len(), 2);
    assert!(items.iter().all(Result::is_ok), "{items:?}");
    let queries: Vec<Option<String>> = server.requests().into_iter().map(|r| r.query).collect();
    assert_eq!(queries, [None, Some("after=item_1".into())]);
}
