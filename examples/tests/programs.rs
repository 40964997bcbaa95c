//! Every example program, run against a scripted server on 127.0.0.1: what it sent and what it
//! printed.

mod support;

use serde_json::{json, Value};
use support::{run, text_events, text_response, Reply, Server};

/// The JSON bodies the server received, in order. (Non-streaming calls send `"stream": false`:
/// the client always says which answer it reads.)
fn bodies(server: &Server) -> Vec<Value> {
    server.received().into_iter().map(|r| r.body).collect()
}

/// The `METHOD /path?query` lines the server received, in order.
fn lines(server: &Server) -> Vec<String> {
    server.received().iter().map(|r| r.line()).collect()
}

#[test]
fn quickstart_asks_once_then_streams() {
    let server = Server::start(vec![
        Reply::json(text_response("resp_1", "Bonjour !")),
        Reply::events(&text_events("resp_2", &["Bon", "jour !"])),
    ]);
    let printed = run("quickstart", &server, &[]);
    assert_eq!(printed, "Bonjour !\nBonjour !\n");
    let input = json!([
        {"role": "developer", "content": "Answer in French."},
        {"role": "user", "content": "Say hello."}
    ]);
    assert_eq!(bodies(&server), [json!({"model": "gpt-5", "input": input, "stream": false}), json!({"model": "gpt-5", "input": input, "stream": true})]);
    let first = &server.received()[0];
    assert_eq!(first.header("authorization"), Some("Bearer sk-test"));
}

#[test]
fn plain_create_sends_model_and_input_only() {
    let server = Server::start(vec![Reply::json(text_response("resp_1", "Bonjour !"))]);
    let printed = run("plain_create", &server, &[]);
    assert_eq!(printed, "resp_1 (completed)\nBonjour !\n");
    assert_eq!(lines(&server), ["POST /v1/responses"]);
    assert_eq!(bodies(&server), [json!({"model": "gpt-5", "input": "Say hello in French.", "stream": false})]);
}

#[test]
fn multi_turn_chains_on_the_previous_response() {
    let server = Server::start(vec![
        Reply::json(text_response("resp_1", "Mango")),
        Reply::json(text_response("resp_2", "Orange-yellow.")),
    ]);
    let printed = run("multi_turn", &server, &[]);
    assert_eq!(
        printed,
        "> Pick a random fruit and tell me only its name.\nMango\n> What colour is it?\nOrange-yellow.\n"
    );
    assert_eq!(
        bodies(&server),
        [
            json!({"model": "gpt-5", "input": "Pick a random fruit and tell me only its name.", "stream": false}),
            json!({"model": "gpt-5", "input": "What colour is it?", "previous_response_id": "resp_1", "stream": false}),
        ]
    );
}

#[test]
fn stateless_round_trip_sends_output_items_back_unchanged() {
    let reasoning = json!({"id": "rs_1", "type": "reasoning", "encrypted_content": "gAAAA-opaque", "summary": []});
    let mut first = text_response("resp_1", "Mango");
    first["output"].as_array_mut().unwrap().insert(0, reasoning.clone());
    let message = first["output"][1].clone();
    let server = Server::start(vec![Reply::json(first), Reply::json(text_response("resp_2", "Orange."))]);
    let printed = run("stateless_round_trip", &server, &[]);
    assert!(printed.ends_with("Orange.\nhistory: 6 items\n"), "{printed}");
    let sent = bodies(&server);
    let developer = json!({"role": "developer", "content": "Answer in one short sentence."});
    let q1 = json!({"role": "user", "content": "Pick a random fruit and tell me only its name."});
    let q2 = json!({"role": "user", "content": "What colour is it?"});
    for body in &sent {
        assert_eq!(body["store"], false);
        assert_eq!(body["include"], json!(["reasoning.encrypted_content"]));
    }
    assert_eq!(sent[0]["input"], json!([developer, q1]));
    assert_eq!(sent[1]["input"], json!([developer, q1, reasoning, message, q2]));
}

#[test]
fn image_input_sends_a_text_part_and_an_image_part() {
    let server = Server::start(vec![Reply::json(text_response("resp_1", "A fern."))]);
    let printed = run("image_input", &server, &["https://example.com/fern.png"]);
    assert_eq!(printed, "A fern.\n");
    assert_eq!(
        bodies(&server)[0]["input"],
        json!([{"role": "user", "content": [
            {"type": "input_text", "text": "What is in this image? One sentence."},
            {"type": "input_image", "image_url": "https://example.com/fern.png"}
        ]}])
    );
}

#[test]
fn function_tool_answers_the_call_it_was_asked() {
    let mut first = text_response("resp_1", "");
    first["output"] = json!([
        {"id": "rs_1", "type": "reasoning", "summary": []},
        {"id": "fc_1", "type": "function_call", "status": "completed", "call_id": "call_1",
         "name": "get_weather", "arguments": "{\"city\":\"Lyon\"}"}
    ]);
    let server = Server::start(vec![Reply::json(first), Reply::json(text_response("resp_2", "Sunny, 21 °C."))]);
    let printed = run("function_tool", &server, &[]);
    assert_eq!(printed, "model called get_weather({\"city\":\"Lyon\"})\nSunny, 21 °C.\n");
    let sent = bodies(&server);
    let tool = json!({
        "type": "function", "name": "get_weather", "description": "Current weather for a city.",
        "parameters": {
            "description": "The arguments of `get_weather`; its JSON Schema (strict) is what the model sees.",
            "type": "object",
            "properties": {"city": {"description": "City name, such as \"Lyon\".", "type": "string"}},
            "required": ["city"], "title": "GetWeather", "additionalProperties": false
        },
        "strict": true
    });
    assert_eq!(sent[0], json!({"model": "gpt-5", "input": "What's the weather in Lyon?", "tools": [tool], "stream": false}));
    assert_eq!(sent[1]["previous_response_id"], "resp_1");
    assert_eq!(
        sent[1]["input"],
        json!([{"type": "function_call_output", "call_id": "call_1",
                "output": "{\"city\":\"Lyon\",\"forecast\":\"sunny\",\"celsius\":21}"}])
    );
    assert_eq!(sent[1]["tools"], json!([tool]));
}

#[test]
fn structured_output_sends_the_schema_and_decodes_the_answer() {
    let answer = json!({"name": "Science fair", "date": "Friday", "participants": ["Alice", "Bob"]});
    let server = Server::start(vec![Reply::json(text_response("resp_1", &answer.to_string()))]);
    let printed = run("structured_output", &server, &[]);
    assert_eq!(printed, "Science fair on Friday with Alice and Bob\n");
    let format = &bodies(&server)[0]["text"]["format"];
    assert_eq!(format["type"], "json_schema");
    assert_eq!(format["name"], "CalendarEvent");
    assert_eq!(format["strict"], true);
    assert_eq!(format["schema"]["required"], json!(["name", "date", "participants"]));
    assert_eq!(format["schema"]["additionalProperties"], false);
}

#[test]
fn structured_output_reports_a_refusal() {
    let mut refused = text_response("resp_1", "");
    refused["output"][0]["content"] = json!([{"type": "refusal", "refusal": "I can't help with that."}]);
    let server = Server::start(vec![Reply::json(refused)]);
    let printed = run("structured_output", &server, &[]);
    assert_eq!(printed, "refused: I can't help with that.\n");
}

#[test]
fn streaming_prints_deltas_then_the_folded_response() {
    let server = Server::start(vec![Reply::events(&text_events("resp_1", &["Rust ", "is ", "safe."]))]);
    let printed = run("streaming", &server, &[]);
    assert_eq!(printed, "Rust is safe.\nresp_1 completed: 5 output tokens\n");
    assert_eq!(bodies(&server), [json!({"model": "gpt-5", "input": "Write a haiku about Rust.", "stream": true})]);
}

#[test]
fn background_starts_looks_and_cancels() {
    let state = |status: &str| json!({"id": "resp_bg", "object": "response", "status": status, "background": true, "output": []});
    let server = Server::start(vec![
        Reply::json(state("queued")),
        Reply::json(state("in_progress")),
        Reply::json(state("cancelled")),
    ]);
    let printed = run("background", &server, &[]);
    assert_eq!(printed, "started resp_bg (queued)\nnow in_progress\ncancelled resp_bg (cancelled)\n");
    assert_eq!(
        lines(&server),
        ["POST /v1/responses", "GET /v1/responses/resp_bg", "POST /v1/responses/resp_bg/cancel"]
    );
    assert_eq!(bodies(&server)[0]["background"], true);
}

#[test]
fn background_resume_continues_after_the_last_event_seen() {
    let events = text_events("resp_bg", &["Ferns ", "are ", "old."]);
    // The first stream breaks off after its first delta (number 3); the rest is replayed.
    let first = Reply::events(&events[..5]);
    let rest = Reply::events(&events[4..]);
    let server = Server::start(vec![first, rest, Reply::json(text_response("resp_bg", "Ferns are old."))]);
    let printed = run("background_resume", &server, &[]);
    assert_eq!(
        printed,
        "read resp_bg up to event 3\nstreamed: Ferns are old.\npolled: Ferns are old. (completed)\n"
    );
    assert_eq!(
        lines(&server),
        [
            "POST /v1/responses",
            "GET /v1/responses/resp_bg?stream=true&starting_after=3",
            "GET /v1/responses/resp_bg",
        ]
    );
    assert_eq!(bodies(&server)[0]["background"], true);
    assert_eq!(bodies(&server)[0]["stream"], true);
}

#[test]
fn list_input_items_follows_every_page() {
    let message = |id: &str, text: &str| {
        json!({"id": id, "type": "message", "role": "user", "status": "completed",
               "content": [{"type": "input_text", "text": text}]})
    };
    let page = |data: Vec<Value>, has_more: bool| {
        let (first, last) = (data[0]["id"].clone(), data[data.len() - 1]["id"].clone());
        json!({"object": "list", "data": data, "has_more": has_more, "first_id": first, "last_id": last})
    };
    let server = Server::start(vec![
        Reply::json(page(vec![message("msg_1", "a"), message("msg_2", "b")], true)),
        Reply::json(page(vec![message("msg_3", "c")], false)),
    ]);
    let printed = run("list_input_items", &server, &["resp_1"]);
    assert_eq!(printed, "msg_1 message\nmsg_2 message\nmsg_3 message\n3 items\n");
    assert_eq!(
        lines(&server),
        ["GET /v1/responses/resp_1/input_items", "GET /v1/responses/resp_1/input_items?after=msg_2"]
    );
}

#[test]
fn errors_tells_a_rate_limit_from_a_missing_response() {
    let server = Server::start(vec![
        Reply::error(429, "rate_limit_exceeded", "Rate limit reached.").header("x-request-id", "req_429"),
        Reply::error(404, "not_found", "No response found.").header("x-request-id", "req_404"),
    ]);
    let printed = run("errors", &server, &[]);
    assert!(printed.starts_with("rate limited (request id req_429): API error (HTTP 429)"), "{printed}");
    assert!(printed.ends_with("not found (request id req_404): No response found.\n"), "{printed}");
    assert_eq!(lines(&server), ["POST /v1/responses", "GET /v1/responses/resp_does_not_exist"]);
}

#[test]
fn azure_sends_the_key_as_api_key() {
    let server = Server::start(vec![Reply::json(text_response("resp_1", "Bonjour !"))]);
    let base = server.base_url.replace("/v1", "/openai/v1");
    let output = std::process::Command::new(support::example_path("azure"))
        .env("AZURE_OPENAI_ENDPOINT", &base)
        .env("AZURE_OPENAI_API_KEY", "azure-key")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(String::from_utf8(output.stdout).unwrap(), "Bonjour !\n");
    let request = &server.received()[0];
    assert_eq!(request.line(), "POST /openai/v1/responses");
    assert_eq!(request.header("api-key"), Some("azure-key"));
    assert_eq!(request.header("authorization"), None);
    assert_eq!(request.body["model"], "my-gpt-5-deployment");
}

/// Posts `body` to `addr`, signed now as `signed` (the body itself, unless it was tampered
/// with), and returns the status code of the answer.
fn deliver(addr: &str, id: &str, body: &str, signed: Option<&str>) -> u16 {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    let timestamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let signature = sign(id, timestamp, signed.unwrap_or(body));
    write!(
        stream,
        "POST /webhooks HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\nwebhook-id: {id}\r\nwebhook-timestamp: {timestamp}\r\nwebhook-signature: {signature}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0)
}

const WEBHOOK_KEY: &[u8] = b"receiver-test-key";

/// `v1,<base64 HMAC-SHA256 of id.timestamp.body>`, as the Standard Webhooks sender signs.
fn sign(id: &str, timestamp: u64, body: &str) -> String {
    use base64::Engine;
    use hmac::Mac;
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(WEBHOOK_KEY).unwrap();
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    format!("v1,{}", base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes()))
}

#[test]
fn webhook_receiver_verifies_deduplicates_then_retrieves() {
    use base64::Engine;
    use std::io::BufRead;
    let server = Server::start(vec![Reply::json(text_response("resp_1", "Done: ferns."))]);
    let secret = format!("whsec_{}", base64::engine::general_purpose::STANDARD.encode(WEBHOOK_KEY));
    let mut child = std::process::Command::new(support::example_path("webhook_receiver"))
        .env("OPENAI_BASE_URL", &server.base_url)
        .env("OPENAI_API_KEY", "sk-test")
        .env("OPENAI_WEBHOOK_SECRET", secret)
        .env("WEBHOOK_ADDR", "127.0.0.1:0")
        .env("WEBHOOK_MAX_DELIVERIES", "5")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    let addr = first.trim().strip_prefix("listening on ").unwrap().to_owned();
    let event = |kind: &str, id: &str| json!({"id": "evt_1", "object": "event", "created_at": 1, "type": kind, "data": {"id": id}}).to_string();
    let completed = event("response.completed", "resp_1");
    assert_eq!(deliver(&addr, "msg_1", &completed, None), 200);
    assert_eq!(deliver(&addr, "msg_1", &completed, None), 200, "a repeat is acknowledged");
    assert_eq!(deliver(&addr, "msg_2", &completed.replace("resp_1", "resp_2"), Some(&completed)), 400, "tampered");
    assert_eq!(deliver(&addr, "msg_3", &event("response.failed", "resp_3"), None), 200);
    assert_eq!(deliver(&addr, "msg_4", &event("batch.completed", "batch_1"), None), 200);
    assert!(child.wait().unwrap().success());
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stdout, &mut rest).unwrap();
    let printed: Vec<&str> = rest.lines().collect();
    assert_eq!(
        printed,
        [
            "completed resp_1: Done: ferns.",
            "duplicate msg_1: already handled",
            "refused: webhook refused: no signature matches the body and secret",
            "failed resp_3",
            "ignored batch.completed",
        ]
    );
    // Only the completed response was fetched, once.
    assert_eq!(lines(&server), ["GET /v1/responses/resp_1"]);
}
