//! Decode throughput: a large `types::Response` and a 10,000-event SSE stream, against
//! `serde::de::IgnoredAny` over the same bytes (the cost of just scanning the JSON).

use std::time::Duration;

use openai_responses::types::{
    self, Annotation, OutputContent, OutputItem, OutputMessageContent, ResponseStreamEvent, WebSearchToolCallAction,
};
use serde::de::IgnoredAny;

use crate::data;
use crate::{time_median, Opts, Row};

/// Output items of the large `Response` unless `--response-items` says otherwise.
pub const OUTPUT_ITEMS: usize = 600;
pub const STREAM_EVENTS: usize = 10_000;
pub const DELTAS_PER_ITEM: usize = 60;

fn mbps(bytes: usize, d: Duration) -> f64 {
    bytes as f64 / 1e6 / d.as_secs_f64()
}

/// Whether the API's usual `"error": null` decodes into `types::Response`. When it does not
/// (a generator issue, reported in the notes), the payloads carry an error object instead so
/// that the rest still measures the typed path.
pub fn error_null_decodes() -> bool {
    let v = data::response("resp_probe", "completed", vec![], true);
    serde_json::from_value::<types::Response>(v).is_ok()
}

fn check_item(item: &OutputItem, counts: &mut [usize; 4]) {
    match item {
        OutputItem::Message(m) => {
            counts[0] += 1;
            assert!(m.extra.is_empty(), "unknown message fields: {:?}", m.extra);
            for c in &m.content {
                let OutputMessageContent::OutputText(t) = c else { panic!("content not output_text: {c:?}") };
                assert!(t.extra.is_empty(), "unknown output_text fields: {:?}", t.extra);
                for a in &t.annotations {
                    let extra = match a {
                        Annotation::UrlCitation(a) => &a.extra,
                        Annotation::FileCitation(a) => &a.extra,
                        Annotation::ContainerFileCitation(a) => &a.extra,
                        Annotation::FilePath(a) => &a.extra,
                        Annotation::Other(v) => panic!("annotation fell into Other: {v}"),
                    };
                    assert!(extra.is_empty(), "unknown annotation fields: {extra:?}");
                }
            }
        }
        OutputItem::FunctionCall(f) => {
            counts[1] += 1;
            assert!(f.extra.is_empty(), "unknown function_call fields: {:?}", f.extra);
        }
        OutputItem::Reasoning(r) => {
            counts[2] += 1;
            assert!(r.extra.is_empty(), "unknown reasoning fields: {:?}", r.extra);
            assert!(r.summary.iter().all(|s| s.extra.is_empty()), "unknown summary fields");
            assert!(r.content.iter().all(|s| s.extra.is_empty()), "unknown reasoning_text fields");
        }
        OutputItem::WebSearchCall(w) => {
            counts[3] += 1;
            assert!(w.extra.is_empty(), "unknown web_search_call fields: {:?}", w.extra);
            match &*w.action {
                WebSearchToolCallAction::Search(s) => {
                    assert!(s.extra.is_empty(), "unknown search fields: {:?}", s.extra)
                }
                WebSearchToolCallAction::OpenPage(s) => {
                    assert!(s.extra.is_empty(), "unknown open_page fields: {:?}", s.extra)
                }
                WebSearchToolCallAction::FindInPage(s) => {
                    assert!(s.extra.is_empty(), "unknown find_in_page fields: {:?}", s.extra)
                }
                WebSearchToolCallAction::Other(v) => panic!("web search action fell into Other: {v}"),
            }
        }
        other => panic!("output item decoded into an unexpected variant: {other:?}"),
    }
}

/// Asserts the typed decoding of one stream event; returns its kind for the tally.
pub fn check_event(ev: &ResponseStreamEvent) -> &'static str {
    let mut c = [0; 4];
    match ev {
        ResponseStreamEvent::Created(_) => "created",
        ResponseStreamEvent::InProgress(_) => "in_progress",
        ResponseStreamEvent::OutputItemAdded(e) => {
            check_item(&e.item, &mut c);
            "output_item.added"
        }
        ResponseStreamEvent::OutputItemDone(e) => {
            check_item(&e.item, &mut c);
            "output_item.done"
        }
        ResponseStreamEvent::ContentPartAdded(e) => {
            assert!(matches!(*e.part, OutputContent::OutputText(_)), "part: {:?}", e.part);
            "content_part.added"
        }
        ResponseStreamEvent::ContentPartDone(e) => {
            assert!(matches!(*e.part, OutputContent::OutputText(_)), "part: {:?}", e.part);
            "content_part.done"
        }
        ResponseStreamEvent::OutputTextDelta(e) => {
            assert!(e.extra.is_empty(), "unknown delta fields: {:?}", e.extra);
            "output_text.delta"
        }
        ResponseStreamEvent::Completed(e) => {
            e.response.output.iter().for_each(|i| check_item(i, &mut c));
            "completed"
        }
        other => panic!("stream event decoded into an unexpected variant: {other:?}"),
    }
}

pub fn run(opts: Opts, rows: &mut Vec<Row>, notes: &mut Vec<String>) {
    let error_null = error_null_decodes();
    if !error_null {
        notes.push(
            "`\"error\": null` (what the API sends on success) does NOT decode into types::Response: the field \
             `error` is generated as required `ResponseError` although the schema is `anyOf [object, null]`; \
             the decode payloads carry an error object instead"
                .into(),
        );
    }

    // (a) one large Response
    let items: Vec<_> = (0..opts.response_items).map(data::output_item).collect();
    let body = serde_json::to_vec(&data::response("resp_bench", "completed", items, error_null)).expect("serialize");
    let decoded: types::Response = serde_json::from_slice(&body).expect("the large Response decodes");
    let mut counts = [0usize; 4];
    decoded.output.iter().for_each(|i| check_item(i, &mut counts));
    assert_eq!(decoded.output.len(), opts.response_items);
    let sent: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
    assert!(serde_json::to_value(&decoded).expect("encodes") == sent, "the large Response encodes back to what came");
    notes.push(format!(
        "Response mix: {} messages (1-3 output_text parts, 1-4 annotations of all four kinds), {} function calls, \
         {} reasoning items, {} web search calls (search/open_page/find_in_page); all decode into typed variants \
         with empty `extra` maps and encode back to the same JSON (asserted)",
        counts[0], counts[1], counts[2], counts[3]
    ));
    let typed = time_median(opts, 20, Duration::from_secs(2), || serde_json::from_slice::<types::Response>(&body).unwrap());
    let floor = time_median(opts, 20, Duration::from_secs(1), || serde_json::from_slice::<IgnoredAny>(&body).unwrap());
    let value = time_median(opts, 20, Duration::from_secs(1), || serde_json::from_slice::<serde_json::Value>(&body).unwrap());
    let (t, f) = (mbps(body.len(), typed), mbps(body.len(), floor));
    rows.push(
        Row::new(
            "decode",
            format!("Response, {} output items, {:.2} MB", opts.response_items, body.len() as f64 / 1e6),
        )
        .ours(format!("{t:.0} MB/s"))
        .floor(format!("{f:.0} MB/s"))
        .ratio(format!("{:.2}x", t / f))
        .target(">= 0.5x"),
    );
    rows.push(
        Row::new("decode", "  reference: same bytes into serde_json::Value")
            .ours(format!("{:.0} MB/s", mbps(body.len(), value)))
            .floor(format!("{f:.0} MB/s"))
            .ratio(format!("{:.2}x", mbps(body.len(), value) / f)),
    );

    // (b) SSE: framing + typed decoding of each data payload
    let (sse, payloads) = data::sse_stream(STREAM_EVENTS, DELTAS_PER_ITEM, error_null);
    let mut tally = std::collections::BTreeMap::<&str, usize>::new();
    for p in &payloads {
        let ev: ResponseStreamEvent = serde_json::from_str(p).expect("event decodes");
        *tally.entry(check_event(&ev)).or_default() += 1;
    }
    assert_eq!(split_and_decode(&sse), STREAM_EVENTS);
    let manual = time_median(opts, 10, Duration::from_secs(2), || split_and_decode(&sse));
    let sse_floor = time_median(opts, 10, Duration::from_secs(1), || {
        for p in &payloads {
            serde_json::from_str::<IgnoredAny>(p).unwrap();
        }
    });
    let runtime = crate::http::sse_through_runtime(opts, &sse);
    let n = sse.len();
    let f = mbps(n, sse_floor);
    let label = format!("SSE {STREAM_EVENTS} events, {:.2} MB", n as f64 / 1e6);
    notes.push(format!(
        "SSE stream mix: {}",
        tally.iter().map(|(k, v)| format!("{v} {k}")).collect::<Vec<_>>().join(", ")
    ));
    rows.push(
        Row::new("decode", format!("{label}: runtime EventStream (loopback HTTP)"))
            .ours(format!("{:.0} MB/s", mbps(n, runtime)))
            .floor(format!("{f:.0} MB/s"))
            .ratio(format!("{:.2}x", mbps(n, runtime) / f))
            .target(">= 0.5x"),
    );
    rows.push(
        Row::new("decode", "  same stream, split by hand + serde_json (no HTTP)")
            .ours(format!("{:.0} MB/s", mbps(n, manual)))
            .floor(format!("{f:.0} MB/s"))
            .ratio(format!("{:.2}x", mbps(n, manual) / f))
            .target(">= 0.5x"),
    );
    notes.push(format!(
        "SSE: the runtime's SseDecoder is crate-private (no bytes-only entry point), so the runtime row serves the \
         {:.2} MB stream from the in-process hyper server and reads it with `responses().retrieve_stream` \
         (one request, so HTTP costs little); the second row splits `data:` lines by hand. Floor: IgnoredAny over the \
         pre-split payloads; MB/s counts the whole SSE byte stream in every row",
        n as f64 / 1e6
    ));
    #[cfg(feature = "peer-async-openai")]
    crate::peer::run(opts, &body, &payloads, rows, notes);
}

/// Splits an SSE byte stream into `data:` payloads by hand and decodes each.
fn split_and_decode(sse: &[u8]) -> usize {
    let text = std::str::from_utf8(sse).expect("utf-8");
    let mut n = 0;
    for block in text.split("\n\n") {
        for line in block.lines() {
            if let Some(data) = line.strip_prefix("data: ") {
                let ev: ResponseStreamEvent = serde_json::from_str(data).expect("event decodes");
                std::hint::black_box(&ev);
                n += 1;
            }
        }
    }
    n
}
