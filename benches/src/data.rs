//! Synthetic but realistic payloads built as `serde_json::json!` values that follow the fields
//! of the generated types (generated/src/types/*.rs). `decode` asserts that they decode into
//! the typed variants, not into the catch-all `Other` arms.

use serde_json::{json, Value};

/// Deterministic text of about `len` bytes with the escapes real model output contains.
pub fn text(seed: usize, len: usize) -> String {
    const WORDS: &[&str] = &[
        "the", "response", "streams", "tokens", "model", "über", "naïve", "\"quoted\"", "line\n",
        "tab\t", "path\\to", "résumé", "∑", "🙂", "JSON", "Rust", "client", "decoding", "of", "and",
    ];
    let mut s = String::with_capacity(len + 16);
    let mut i = seed.wrapping_mul(2654435761);
    while s.len() < len {
        i = i.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        s.push_str(WORDS[(i >> 33) % WORDS.len()]);
        s.push(' ');
    }
    s
}

fn annotation(i: usize) -> Value {
    match i % 4 {
        0 => json!({"type": "url_citation", "url": format!("https://example.com/a/{i}"), "start_index": i, "end_index": i + 40, "title": format!("Source {i}")}),
        1 => json!({"type": "file_citation", "file_id": format!("file-{i:08}"), "index": i, "filename": "report.pdf"}),
        2 => json!({"type": "container_file_citation", "container_id": "cntr_1", "file_id": format!("file-{i:08}"), "start_index": 3, "end_index": 90, "filename": "data.csv"}),
        _ => json!({"type": "file_path", "file_id": format!("file-{i:08}"), "index": i}),
    }
}

pub fn output_text(i: usize, len: usize, annotations: usize) -> Value {
    json!({
        "type": "output_text",
        "text": text(i, len),
        "annotations": (0..annotations).map(|k| annotation(i + k)).collect::<Vec<_>>(),
        "logprobs": []
    })
}

pub fn message(i: usize, status: &str, content: Vec<Value>) -> Value {
    json!({"type": "message", "id": format!("msg_{i:016x}"), "role": "assistant", "status": status, "content": content})
}

/// The `i`-th output item of a large response: messages, function calls, reasoning items and
/// web search calls (each action kind).
pub fn output_item(i: usize) -> Value {
    match i % 6 {
        0 | 3 => message(
            i,
            "completed",
            (0..1 + i % 3).map(|k| output_text(i * 7 + k, 600 + (i * 37) % 1400, 1 + (i + k) % 4)).collect(),
        ),
        1 => json!({
            "type": "function_call", "id": format!("fc_{i:016x}"), "call_id": format!("call_{i}"),
            "name": "get_weather", "status": "completed",
            "arguments": json!({"city": text(i, 20), "units": "metric", "days": i % 7}).to_string()
        }),
        2 => json!({
            "type": "reasoning", "id": format!("rs_{i:016x}"), "status": "completed",
            "encrypted_content": "gAAAAB".repeat(40),
            "summary": [{"type": "summary_text", "text": text(i, 300)}, {"type": "summary_text", "text": text(i + 1, 200)}],
            "content": [{"type": "reasoning_text", "text": text(i, 800)}]
        }),
        4 => json!({
            "type": "web_search_call", "id": format!("ws_{i:016x}"), "status": "completed",
            "action": match i % 3 {
                0 => json!({"type": "search", "query": text(i, 30), "queries": [text(i, 20), text(i + 1, 25)],
                             "sources": [{"type": "url", "url": "https://example.com/1"}, {"type": "url", "url": "https://example.com/2"}]}),
                1 => json!({"type": "open_page", "url": format!("https://example.com/p/{i}")}),
                _ => json!({"type": "find_in_page", "url": format!("https://example.com/p/{i}"), "pattern": "latency"}),
            }
        }),
        _ => json!({
            "type": "function_call", "id": format!("fc_{i:016x}"), "call_id": format!("call_{i}"),
            "name": "search_docs", "status": "completed",
            "arguments": json!({"query": text(i, 60), "top_k": 5}).to_string()
        }),
    }
}

/// A `Response` object with the given output items, as the API returns it.
pub fn response(id: &str, status: &str, output: Vec<Value>, error_null: bool) -> Value {
    json!({
        "id": id,
        "object": "response",
        "created_at": 1_756_000_000i64,
        "completed_at": 1_756_000_042i64,
        "status": status,
        "background": false,
        "error": if error_null { Value::Null } else { json!({"code": "server_error", "message": "placeholder: see the notes"}) },
        "incomplete_details": null,
        "instructions": "You are a helpful assistant.",
        "max_output_tokens": null,
        "max_tool_calls": null,
        "model": "gpt-5",
        "output": output,
        "parallel_tool_calls": true,
        "previous_response_id": null,
        "reasoning": {"effort": "medium", "summary": "auto"},
        "service_tier": "default",
        "store": true,
        "temperature": 1.0,
        "text": {"format": {"type": "text"}, "verbosity": "medium"},
        "tool_choice": "auto",
        "tools": [],
        "top_logprobs": 0,
        "top_p": 1.0,
        "truncation": "disabled",
        "usage": {
            "input_tokens": 1200, "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
            "output_tokens": 34000, "output_tokens_details": {"reasoning_tokens": 8000}, "total_tokens": 35200
        },
        "user": null,
        "metadata": {"team": "bench"}
    })
}

/// The same event with its `type` written last, as a server that orders keys otherwise may
/// (only the async-openai peer rows use it).
#[cfg_attr(not(feature = "peer-async-openai"), allow(dead_code))]
pub fn tag_last(payload: &str) -> String {
    let mut event: serde_json::Map<String, Value> = serde_json::from_str(payload).expect("an event is an object");
    let tag = event.shift_remove("type").expect("an event has a type");
    event.insert("type".into(), tag);
    serde_json::to_string(&event).expect("JSON")
}

/// A stream of exactly `n` events: `response.created`, `response.in_progress`, then messages
/// (`output_item.added`, `content_part.added`, text deltas, `content_part.done`,
/// `output_item.done`), then `response.completed` with every message in its output.
/// Returns the SSE bytes and the `data:` payloads.
pub fn sse_stream(n: usize, deltas_per_item: usize, error_null: bool) -> (Vec<u8>, Vec<String>) {
    assert!(n > deltas_per_item + 8);
    let id = "resp_bench_stream";
    let mut events: Vec<(String, Value)> = Vec::with_capacity(n);
    let mut seq = 0i64;
    // `type` first, as the API writes its events (see `tag_last` for the other order).
    let mut push = |events: &mut Vec<(String, Value)>, ty: &str, v: Value| {
        let mut event = serde_json::Map::new();
        event.insert("type".into(), json!(ty));
        event.extend(v.as_object().expect("an event is an object").clone());
        event.insert("sequence_number".into(), json!(seq));
        seq += 1;
        events.push((ty.to_owned(), Value::Object(event)));
    };
    push(&mut events, "response.created", json!({"response": response(id, "in_progress", vec![], error_null)}));
    push(&mut events, "response.in_progress", json!({"response": response(id, "in_progress", vec![], error_null)}));
    let mut done_items = Vec::new();
    let mut item = 0usize;
    // each item takes deltas + 4 events; the last slot is response.completed
    while events.len() + 1 < n {
        let room = n - 1 - events.len();
        let deltas = deltas_per_item.min(room.saturating_sub(4)).max(1);
        if room < 5 {
            // pad with text deltas of the previous item
            for _ in 0..room {
                push(&mut events, "response.output_text.delta", json!({"item_id": format!("msg_{:016x}", item.saturating_sub(1)), "output_index": item.saturating_sub(1), "content_index": 0, "delta": " ok", "logprobs": []}));
            }
            break;
        }
        let item_id = format!("msg_{item:016x}");
        push(&mut events, "response.output_item.added", json!({"output_index": item, "item": message(item, "in_progress", vec![])}));
        push(&mut events, "response.content_part.added", json!({"item_id": item_id, "output_index": item, "content_index": 0, "part": {"type": "output_text", "text": "", "annotations": [], "logprobs": []}}));
        let mut full = String::new();
        for d in 0..deltas {
            let delta = text(item * 1000 + d, 3 + (d * 7) % 12);
            full.push_str(&delta);
            push(&mut events, "response.output_text.delta", json!({"item_id": item_id, "output_index": item, "content_index": 0, "delta": delta, "logprobs": []}));
        }
        let part = json!({"type": "output_text", "text": full, "annotations": [annotation(item)], "logprobs": []});
        push(&mut events, "response.content_part.done", json!({"item_id": item_id, "output_index": item, "content_index": 0, "part": part.clone()}));
        let msg = message(item, "completed", vec![part]);
        push(&mut events, "response.output_item.done", json!({"output_index": item, "item": msg.clone()}));
        done_items.push(msg);
        item += 1;
    }
    push(&mut events, "response.completed", json!({"response": response(id, "completed", done_items, error_null)}));
    assert_eq!(events.len(), n);
    let mut bytes = Vec::new();
    let mut payloads = Vec::with_capacity(n);
    for (ty, v) in events {
        let data = serde_json::to_string(&v).expect("serialize");
        bytes.extend_from_slice(format!("event: {ty}\ndata: {data}\n\n").as_bytes());
        payloads.push(data);
    }
    (bytes, payloads)
}
