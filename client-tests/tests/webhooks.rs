//! Webhook signatures against parts no one here wrote: the Standard Webhooks reference library
//! (tools/python/standardwebhooks/sign_cases.py) signs payloads, and on each case our
//! `Webhooks::verify` must give the verdict openai-python's `client.webhooks.verify_signature`
//! gives (tools/python/sdk/verify_webhooks.py), both with the clock at the same instant: valid
//! events, tampered, stale, future, wrongly keyed, unsigned and rotated ones, raw secrets. Where
//! both accept, our `unwrap` reads the type and response id the SDK's `unwrap` reads.
//!
//! Needs `STANDARD_WEBHOOKS_PYTHON` and `OPENAI_SDK_PYTHON` (set by `cargo xtask test`); without
//! them the comparison is skipped, unless `REQUIRE_CORPUS=1` or `CI` is set.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use openai_responses::types::WebhookEvent;
use openai_responses::{Error, WebhookCheck, Webhooks};
use serde_json::Value;

/// The instant both sides take as now.
const NOW: u64 = 1_750_000_000;

fn python(var: &str) -> Option<String> {
    let found = std::env::var(var).ok().filter(|v| !v.is_empty());
    if found.is_none() {
        let required = std::env::var("REQUIRE_CORPUS").is_ok_and(|v| v == "1") || std::env::var_os("CI").is_some_and(|v| !v.is_empty());
        assert!(!required, "{var} is not set (REQUIRE_CORPUS=1 or CI is set); run `cargo xtask test`");
        eprintln!("skipping: {var} is not set; `cargo xtask test` installs it and sets it");
    }
    found
}

fn run(program: &str, script: &str, stdin: &[u8]) -> Value {
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tools/python").join(script);
    let mut child = Command::new(program)
        .arg(&script)
        .arg(NOW.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{program} {}: {e}", script.display()));
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}: {}", script.display(), String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn headers(case: &Value) -> http::HeaderMap {
    let mut map = http::HeaderMap::new();
    for (name, value) in case["headers"].as_object().unwrap() {
        map.insert(http::HeaderName::from_bytes(name.as_bytes()).unwrap(), value.as_str().unwrap().parse().unwrap());
    }
    map
}

fn verifier(secret: &str) -> Webhooks {
    Webhooks::new(secret).clock(|| UNIX_EPOCH + Duration::from_secs(NOW))
}

/// Our verdict in the words both sides share.
fn ours(result: &Result<(), Error>) -> String {
    match result {
        Ok(()) => "ok".into(),
        Err(Error::Webhook(check)) => match check {
            WebhookCheck::MissingHeader { name } => format!("missing {name}"),
            WebhookCheck::TimestampUnparsable { .. } => "timestamp unparsable".into(),
            WebhookCheck::TimestampTooOld { .. } => "too old".into(),
            WebhookCheck::TimestampInFuture { .. } => "too new".into(),
            WebhookCheck::NoMatchingSignature => "no match".into(),
            other => format!("{other:?}"),
        },
        Err(other) => format!("error: {other}"),
    }
}

/// openai-python's verdict (its exception's message) in those words.
fn theirs(verdict: &str) -> String {
    if verdict == "ok" {
        return "ok".into();
    }
    if let Some(header) = verdict.strip_prefix("Could not find ").and_then(|r| r.strip_suffix(" header")) {
        return format!("missing {header}");
    }
    let known = [
        ("Invalid webhook timestamp format", "timestamp unparsable"),
        ("too old", "too old"),
        ("too new", "too new"),
        ("does not match", "no match"),
    ];
    known.iter().find(|(text, _)| verdict.contains(text)).map_or_else(|| format!("unmapped: {verdict}"), |(_, ours)| (*ours).to_owned())
}

/// What each case is built to show, so that a signer or SDK that accepted everything (or nothing)
/// could not pass by agreeing with us.
fn expected(name: &str) -> &'static str {
    match name {
        "tampered body" | "tampered id" | "wrongly keyed" | "rotated, neither secret" | "raw secret, whsec_ on our side" => "no match",
        "stale by 301 s" => "too old",
        "future by 301 s" => "too new",
        "unsigned" => "missing webhook-signature",
        "no webhook-id" => "missing webhook-id",
        "timestamp not a number" => "timestamp unparsable",
        _ => "ok",
    }
}

#[test]
fn verdicts_match_openai_python_on_reference_signed_payloads() {
    let (Some(signer), Some(sdk)) = (python("STANDARD_WEBHOOKS_PYTHON"), python("OPENAI_SDK_PYTHON")) else { return };
    let cases = run(&signer, "standardwebhooks/sign_cases.py", b"");
    let verdicts = run(&sdk, "sdk/verify_webhooks.py", cases.to_string().as_bytes());
    let (cases, verdicts) = (cases.as_array().unwrap(), verdicts.as_array().unwrap());
    assert!(cases.len() >= 20 && cases.len() == verdicts.len());
    let mut disagreements = Vec::new();
    for (case, sdk) in cases.iter().zip(verdicts) {
        let name = case["name"].as_str().unwrap();
        let (body, headers) = (case["body"].as_str().unwrap().as_bytes(), headers(case));
        let hooks = verifier(case["secret"].as_str().unwrap());
        let (mine, python) = (ours(&hooks.verify(body, &headers)), theirs(sdk["verdict"].as_str().unwrap()));
        if mine != python || mine != expected(name) {
            disagreements.push(format!("{name}: ours {mine}, openai-python {python}, expected {}", expected(name)));
            continue;
        }
        if mine != "ok" {
            continue;
        }
        // Both accept: decode as both SDKs do.
        match hooks.unwrap(body, &headers) {
            Ok(event) => {
                let id = match &event {
                    WebhookEvent::ResponseCompleted(e) => e.data.id.to_string(),
                    WebhookEvent::ResponseFailed(e) => e.data.id.to_string(),
                    WebhookEvent::ResponseCancelled(e) => e.data.id.to_string(),
                    WebhookEvent::ResponseIncomplete(e) => e.data.id.to_string(),
                    WebhookEvent::Other(raw) => raw["data"]["id"].as_str().unwrap_or_default().to_owned(),
                };
                if event.event_type() != sdk["type"] || id != sdk["data_id"] {
                    disagreements.push(format!("{name}: ours read {} {id}, openai-python {} {}", event.event_type(), sdk["type"], sdk["data_id"]));
                }
                if event.event_type() == "batch.completed" {
                    assert!(matches!(event, WebhookEvent::Other(_)), "a type this crate does not carry is kept raw");
                }
            }
            Err(Error::Webhook(WebhookCheck::NotJson { .. })) => {
                let python_failed = sdk["type"].as_str().is_some_and(|t| t.starts_with("unwrap failed"));
                assert!(python_failed, "{name}: ours refuses a body that is not JSON, openai-python read {}", sdk["type"]);
            }
            Err(e) => disagreements.push(format!("{name}: our unwrap failed: {e}")),
        }
    }
    assert!(disagreements.is_empty(), "{} disagreements:\n{}", disagreements.len(), disagreements.join("\n"));
}

/// `from_env` reads `OPENAI_WEBHOOK_SECRET`; the refusal names the check in its text.
#[test]
fn from_env_and_messages() {
    std::env::remove_var("OPENAI_WEBHOOK_SECRET");
    assert!(matches!(Webhooks::from_env(), Err(Error::Config(_))));
    std::env::set_var("OPENAI_WEBHOOK_SECRET", "whsec_c2VjcmV0");
    let hooks = Webhooks::from_env().unwrap().clock(|| SystemTime::UNIX_EPOCH + Duration::from_secs(NOW));
    let mut headers = http::HeaderMap::new();
    headers.insert("webhook-signature", "v1,AAAA".parse().unwrap());
    headers.insert("webhook-timestamp", (NOW - 400).to_string().parse().unwrap());
    headers.insert("webhook-id", "msg_1".parse().unwrap());
    let err = hooks.unwrap(b"{}", &headers).unwrap_err();
    assert_eq!(err.to_string(), "webhook refused: the timestamp is 400 s old, beyond the tolerance of 300 s");
    let relaxed = hooks.tolerance(Duration::from_secs(500));
    assert_eq!(relaxed.verify(b"{}", &headers).unwrap_err().to_string(), "webhook refused: no signature matches the body and secret");
}
