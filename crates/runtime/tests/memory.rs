//! Streams ~1 GB of SSE through `EventStream` and checks peak memory stays small.
//! Ignored by default (slow in debug); run with
//! `cargo test -p oa-runtime --release --test memory -- --ignored`.

mod common;

use common::{RecordingSleeper, Reply, TestServer};
use futures_util::StreamExt;
use oa_runtime::ApiRequest;
use reqwest::Method;
use serde::Deserialize;

const TOTAL: u64 = 1 << 30;

fn event(i: u64) -> String {
    let pad = "x".repeat(32 * 1024);
    format!("data: {{\"type\":\"response.output_text.delta\",\"sequence_number\":{i},\"delta\":\"{pad}\"}}\n\n")
}

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[derive(Deserialize, serde::Serialize)]
struct Delta {
    sequence_number: u64,
}

impl oa_runtime::StreamEvent for Delta {
    fn sequence_number(&self) -> Option<i64> {
        i64::try_from(self.sequence_number).ok()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "streams 1 GB; run explicitly"]
async fn one_gigabyte_stream_uses_bounded_memory() {
    let server = TestServer::start(vec![Reply::endless(event, TOTAL)]).await;
    let sleeper = RecordingSleeper::new();
    let client = server.builder(&sleeper).build().unwrap();
    let mut s = client
        .send_stream::<Delta>(ApiRequest::new(Method::POST, "/responses"))
        .await
        .unwrap();
    let mut n = 0u64;
    while let Some(item) = s.next().await {
        assert_eq!(item.unwrap().sequence_number, n);
        n += 1;
    }
    let (mut expected, mut bytes) = (0u64, 0u64);
    while bytes < TOTAL {
        bytes += event(expected).len() as u64;
        expected += 1;
    }
    assert_eq!(n, expected);
    if let Some(kib) = peak_rss_kib() {
        eprintln!("peak RSS {kib} KiB over {n} events");
        assert!(kib < 200 * 1024, "peak RSS {kib} KiB");
    }
}
