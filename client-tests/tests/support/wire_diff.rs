//! Call-by-call comparison of two wire recordings (the reference SDK's and ours): method, path,
//! decoded query pairs, JSON body member by member, the headers that matter, retries, and what
//! each client decoded. Differences are matched against a list of known ones; a listed one that
//! no longer occurs is reported as stale.

use std::collections::BTreeMap;

use serde_json::Value;

use super::recorder::Recorded;

/// A difference we know of and accept for now, with why.
pub struct Known {
    /// `method`, `path`, `query`, `body /pointer`, `header NAME`, `attempts`, `retry key`,
    /// `decoded`.
    pub aspect: &'static str,
    /// The calls it shows up in; it must show up in each of them.
    pub calls: &'static [&'static str],
    /// The SDK's side, rendered as in the report.
    pub sdk: &'static str,
    /// Our side, rendered as in the report.
    pub ours: &'static str,
    pub reason: &'static str,
}

/// One observed difference.
#[derive(Clone, Debug, PartialEq)]
pub struct Diff {
    pub call: String,
    /// 0 for the first attempt of the call, 1 for its first retry...
    pub attempt: usize,
    pub aspect: String,
    pub sdk: String,
    pub ours: String,
}

impl Diff {
    fn matches(&self, k: &Known) -> bool {
        k.aspect == self.aspect
            && k.calls.contains(&self.call.as_str())
            && k.sdk == self.sdk
            && k.ours == self.ours
    }
}

pub struct Report {
    pub unexplained: Vec<Diff>,
    pub stale: Vec<String>,
    pub requests: (usize, usize),
    explained: Vec<String>,
}

/// The headers compared, as (aspect, SDK header, our header, how).
const HEADERS: &[(&str, &str, &str, How)] = &[
    ("header authorization", "authorization", "authorization", How::Value),
    ("header content-type", "content-type", "content-type", How::Value),
    ("header content-length", "content-length", "content-length", How::Presence),
    ("header accept", "accept", "accept", How::Value),
    ("header idempotency-key", "idempotency-key", "idempotency-key", How::Presence),
    ("header retry-count", "x-stainless-retry-count", "x-oa-retry-count", How::Value),
    ("header openai-organization", "openai-organization", "openai-organization", How::Value),
    ("header openai-project", "openai-project", "openai-project", How::Value),
];

#[derive(Clone, Copy)]
enum How {
    Value,
    Presence,
}

fn header(r: &Recorded, name: &str, how: How) -> String {
    match (r.header(name), how) {
        (None, _) => "absent".into(),
        (Some(v), How::Value) => v.to_owned(),
        (Some(_), How::Presence) => "present".into(),
    }
}

/// Sorted `name=value` pairs joined with `&` (order of parameters carries no meaning).
pub fn render_query(r: &Recorded) -> String {
    let mut pairs: Vec<String> = r.query.iter().map(|(n, v)| format!("{n}={v}")).collect();
    pairs.sort();
    pairs.join("&")
}

/// Appends one (pointer, sdk, ours) per differing JSON member.
fn json_diffs(pointer: String, a: Option<&Value>, b: Option<&Value>, out: &mut Vec<(String, String, String)>) {
    let render = |v: Option<&Value>| v.map_or("absent".to_string(), |v| v.to_string());
    match (a, b) {
        (Some(Value::Object(x)), Some(Value::Object(y))) => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                json_diffs(format!("{pointer}/{k}"), x.get(k), y.get(k), out);
            }
        }
        (Some(Value::Array(x)), Some(Value::Array(y))) if x.len() == y.len() => {
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                json_diffs(format!("{pointer}/{i}"), Some(p), Some(q), out);
            }
        }
        (a, b) if a == b => {}
        (a, b) => out.push((pointer, render(a), render(b))),
    }
}

fn label(r: &Recorded) -> &str {
    r.header("x-wire-call").unwrap_or("<unlabelled>")
}

fn grouped(requests: &[Recorded]) -> BTreeMap<&str, Vec<&Recorded>> {
    let mut map: BTreeMap<&str, Vec<&Recorded>> = BTreeMap::new();
    for r in requests {
        map.entry(label(r)).or_default().push(r);
    }
    map
}

/// The idempotency key's behaviour over the attempts of one call.
fn retry_key(attempts: &[&Recorded]) -> String {
    let keys: Vec<Option<&str>> = attempts.iter().map(|r| r.header("idempotency-key")).collect();
    if keys.iter().all(Option::is_none) {
        "absent".into()
    } else if keys.iter().all(|k| k.is_some() && *k == keys[0]) {
        "same key on every attempt".into()
    } else {
        "keys differ between attempts".into()
    }
}

/// Whether the waits between attempts followed the server's `retry-after-ms: 10` (a wait of
/// 10 ms up to well below the 0.5 s first backoff step) or not.
pub fn retry_delay(attempts: &[&Recorded]) -> String {
    let waits: Vec<u128> = attempts.windows(2).map(|w| (w[1].at - w[0].at).as_millis()).collect();
    if !waits.is_empty() && waits.iter().all(|&ms| (10..400).contains(&ms)) {
        "follows retry-after-ms".into()
    } else {
        format!("waited {waits:?} ms")
    }
}

fn compare_attempt(call: &str, attempt: usize, s: &Recorded, o: &Recorded, out: &mut Vec<Diff>) {
    let mut push = |aspect: String, sdk: String, ours: String| {
        if sdk != ours {
            out.push(Diff { call: call.into(), attempt, aspect, sdk, ours });
        }
    };
    push("method".into(), s.method.clone(), o.method.clone());
    push("path".into(), s.path.clone(), o.path.clone());
    push("query".into(), render_query(s), render_query(o));
    let mut body = Vec::new();
    json_diffs(String::new(), s.json().as_ref(), o.json().as_ref(), &mut body);
    for (pointer, a, b) in body {
        push(format!("body {}", if pointer.is_empty() { "/" } else { &pointer }), a, b);
    }
    for (aspect, sdk_name, our_name, how) in HEADERS {
        push(aspect.to_string(), header(s, sdk_name, *how), header(o, our_name, *how));
    }
}

pub fn compare(
    names: &[&str],
    sdk: &[Recorded],
    ours: &[Recorded],
    sdk_digests: &BTreeMap<String, Value>,
    our_digests: &BTreeMap<String, Value>,
    known: &[Known],
) -> Report {
    let mut diffs = Vec::new();
    let (gs, go) = (grouped(sdk), grouped(ours));
    for side in [&gs, &go] {
        for extra in side.keys().filter(|k| !names.contains(k)) {
            diffs.push(Diff {
                call: extra.to_string(),
                attempt: 0,
                aspect: "unexpected call".into(),
                sdk: gs.get(extra).map_or(0, Vec::len).to_string(),
                ours: go.get(extra).map_or(0, Vec::len).to_string(),
            });
        }
    }
    let order = |rs: &[Recorded]| {
        let mut v: Vec<&str> = rs.iter().map(label).collect();
        v.dedup();
        v.join(" ")
    };
    if order(sdk) != order(ours) {
        diffs.push(Diff {
            call: "*".into(),
            attempt: 0,
            aspect: "order".into(),
            sdk: order(sdk),
            ours: order(ours),
        });
    }
    for &name in names {
        let empty = Vec::new();
        let s = gs.get(name).unwrap_or(&empty);
        let o = go.get(name).unwrap_or(&empty);
        let mut push = |aspect: &str, a: String, b: String| {
            if a != b {
                diffs.push(Diff { call: name.into(), attempt: 0, aspect: aspect.into(), sdk: a, ours: b });
            }
        };
        push("attempts", s.len().to_string(), o.len().to_string());
        if s.len() > 1 || o.len() > 1 {
            push("retry key", retry_key(s), retry_key(o));
            push("retry delay", retry_delay(s), retry_delay(o));
        }
        // Compared as JSON values: member order carries no meaning.
        let (a, b) = (sdk_digests.get(name), our_digests.get(name));
        if a != b {
            let render = |v: Option<&Value>| v.map_or("absent".into(), |v| v.to_string());
            push("decoded", render(a), render(b));
        }
        for (i, (a, b)) in s.iter().zip(o.iter()).enumerate() {
            compare_attempt(name, i, a, b, &mut diffs);
        }
    }
    let unexplained: Vec<Diff> =
        diffs.iter().filter(|d| !known.iter().any(|k| d.matches(k))).cloned().collect();
    let mut stale = Vec::new();
    let mut explained = Vec::new();
    for k in known {
        for &call in k.calls {
            let hit = diffs.iter().any(|d| d.call == call && d.matches(k));
            if hit {
                explained.push(format!("{call}: {}: SDK {:?}, ours {:?} ({})", k.aspect, k.sdk, k.ours, k.reason));
            } else {
                let now: Vec<String> = diffs
                    .iter()
                    .filter(|d| d.call == call && d.aspect == k.aspect)
                    .map(|d| format!("SDK {:?}, ours {:?}", d.sdk, d.ours))
                    .collect();
                stale.push(format!(
                    "{call}: {}: listed as SDK {:?} vs ours {:?}, but now {}",
                    k.aspect,
                    k.sdk,
                    k.ours,
                    if now.is_empty() { "they agree".to_string() } else { now.join("; ") }
                ));
            }
        }
    }
    Report { unexplained, stale, requests: (sdk.len(), ours.len()), explained }
}

impl Report {
    pub fn is_clean(&self) -> bool {
        self.unexplained.is_empty() && self.stale.is_empty()
    }

    pub fn summary(&self) -> String {
        let mut text = format!(
            "compared {} SDK requests with {} of ours; {} known difference(s):",
            self.requests.0,
            self.requests.1,
            self.explained.len()
        );
        for e in &self.explained {
            text.push_str(&format!("\n  {e}"));
        }
        text
    }

    pub fn failure_text(&self) -> String {
        let mut text = String::new();
        if !self.unexplained.is_empty() {
            text.push_str(&format!("{} difference(s) not in the known list:\n", self.unexplained.len()));
            for d in &self.unexplained {
                text.push_str(&format!(
                    "  {} (attempt {}): {}: SDK {:?}, ours {:?}\n",
                    d.call, d.attempt, d.aspect, d.sdk, d.ours
                ));
            }
        }
        if !self.stale.is_empty() {
            text.push_str("known difference(s) that no longer occur as listed (update the list):\n");
            for s in &self.stale {
                text.push_str(&format!("  {s}\n"));
            }
        }
        text
    }
}
