//! Decoding against a peer crate, built only with `--features peer-async-openai` (so CI never
//! builds it): the same `Response` bytes and the same pre-split SSE payloads decoded into
//! async-openai's Responses types (its `response-types` feature: types only, no HTTP client)
//! and into ours, timed back to back.

use std::time::Duration;

use async_openai::types::responses as peer;
use openai_responses::types;

use crate::{time_pair_median, Opts, Row};

fn mbps(bytes: usize, d: Duration) -> f64 {
    bytes as f64 / 1e6 / d.as_secs_f64()
}

/// Adds the peer rows for one `Response` body and one stream's `data:` payloads.
pub fn run(opts: Opts, body: &[u8], payloads: &[String], rows: &mut Vec<Row>, notes: &mut Vec<String>) {
    let label = format!("Response, {:.2} MB", body.len() as f64 / 1e6);
    match serde_json::from_slice::<peer::Response>(body) {
        Err(e) => notes.push(format!("async-openai 0.43 cannot decode the bench's Response: {e}")),
        Ok(decoded) => {
            assert_eq!(decoded.output.len(), opts.response_items, "async-openai sees every item");
            let (ours, theirs) = time_pair_median(
                opts,
                20,
                Duration::from_secs(4),
                || serde_json::from_slice::<types::Response>(body).unwrap(),
                || serde_json::from_slice::<peer::Response>(body).unwrap(),
            );
            push(rows, label, body.len(), ours, theirs);
        }
    }

    let bytes: usize = payloads.iter().map(String::len).sum();
    let label = format!("{} stream events, {:.2} MB of data: payloads", payloads.len(), bytes as f64 / 1e6);
    if let Some((i, e)) = payloads.iter().enumerate().find_map(|(i, p)| serde_json::from_str::<peer::ResponseStreamEvent>(p).err().map(|e| (i, e))) {
        notes.push(format!("async-openai 0.43 cannot decode stream event {i}: {e}"));
        return;
    }
    events(opts, &label, payloads, rows);
    let reordered: Vec<String> = payloads.iter().map(|p| crate::data::tag_last(p)).collect();
    events(opts, &format!("{label}, `type` last"), &reordered, rows);
    notes.push(
        "peer: async-openai 0.43 (`response-types`, serde derive with `#[serde(tag = \"type\")]` enums and Option \
         fields); both sides decode the same bytes with serde_json, timed in alternation; the floor column is the peer, \
         ratio = ours / peer throughput (above 1 is faster than the peer)"
            .into(),
    );
}

/// Times decoding every payload with both crates.
fn events(opts: Opts, label: &str, payloads: &[String], rows: &mut Vec<Row>) {
    let bytes: usize = payloads.iter().map(String::len).sum();
    let decode_all_ours = || payloads.iter().map(|p| serde_json::from_str::<types::ResponseStreamEvent>(p).unwrap()).count();
    let decode_all_theirs = || payloads.iter().map(|p| serde_json::from_str::<peer::ResponseStreamEvent>(p).unwrap()).count();
    let (ours, theirs) = time_pair_median(opts, 10, Duration::from_secs(4), decode_all_ours, decode_all_theirs);
    push(rows, label.to_owned(), bytes, ours, theirs);
}

fn push(rows: &mut Vec<Row>, label: String, bytes: usize, ours: Duration, theirs: Duration) {
    let (o, t) = (mbps(bytes, ours), mbps(bytes, theirs));
    rows.push(
        Row::new("peer", format!("{label}: ours vs async-openai"))
            .ours(format!("{o:.0} MB/s"))
            .floor(format!("{t:.0} MB/s"))
            .ratio(format!("{:.2}x", o / t)),
    );
}
