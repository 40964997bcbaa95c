//! The websocket_agent example against a loopback WebSocket server: a function call on the first
//! turn, a text answer on the second, both on one connection.

#[allow(dead_code)]
mod support;

use std::sync::{Arc, Mutex};

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

fn completed(n: usize, output: Value) -> Value {
    json!({"type": "response.completed", "sequence_number": 1, "response": {
        "id": format!("resp_{n}"), "object": "response", "created_at": 1_760_000_000, "status": "completed",
        "model": "gpt-5", "output": output}})
}

#[test]
fn websocket_agent_loops_over_tool_calls_on_one_connection() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let base_url = format!("http://{}/v1", listener.local_addr().unwrap());
    let frames: Arc<Mutex<Vec<Value>>> = Arc::default();
    let connections = Arc::new(Mutex::new(0));
    let (seen, count) = (Arc::clone(&frames), Arc::clone(&connections));
    runtime.spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            *count.lock().unwrap() += 1;
            let mut ws = tokio_tungstenite::accept_async(tcp).await.unwrap();
            let mut n = 0;
            while let Some(Ok(Message::Text(text))) = ws.next().await {
                seen.lock().unwrap().push(serde_json::from_str(&text).unwrap());
                n += 1;
                let output = if n == 1 {
                    json!([{"type": "function_call", "id": "fc_1", "call_id": "call_1", "name": "get_weather",
                            "arguments": "{\"city\":\"Lyon\"}", "status": "completed"}])
                } else {
                    json!([{"type": "message", "id": "msg_2", "role": "assistant", "status": "completed",
                            "content": [{"type": "output_text", "text": "Sunny in Lyon, 21 °C.", "annotations": []}]}])
                };
                ws.send(Message::text(json!({"type": "response.created", "sequence_number": 0}).to_string())).await.unwrap();
                ws.send(Message::text(completed(n, output).to_string())).await.unwrap();
            }
        }
    });
    let server = support::Server::at(&base_url);
    let printed = support::run("websocket_agent", &server, &[]);
    assert_eq!(printed, "model called get_weather({\"city\":\"Lyon\"})\nSunny in Lyon, 21 °C.\n");
    assert_eq!(*connections.lock().unwrap(), 1, "every turn on one connection");
    let frames = frames.lock().unwrap().clone();
    assert_eq!(frames.len(), 2);
    assert_eq!(frames[0]["type"], "response.create");
    assert_eq!(frames[0]["input"], "What's the weather in Lyon and in Oslo?");
    assert_eq!(frames[0]["store"], false);
    assert!(frames[0].get("stream").is_none(), "stream is never sent over the socket");
    assert_eq!(frames[1]["previous_response_id"], "resp_1");
    assert_eq!(frames[1]["input"], json!([{"type": "function_call_output", "call_id": "call_1", "output": "{\"city\":\"Lyon\",\"forecast\":\"sunny\",\"celsius\":21}"}]));
}
