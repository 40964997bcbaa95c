//! Verification of Standard Webhooks signatures (`webhook-id`, `webhook-timestamp`,
//! `webhook-signature`: HMAC-SHA256 over `id.timestamp.body`), then decoding of the payload.
//!
//! Generic over the event type: a generated crate binds its own webhook union
//! (`pub type Webhooks = runtime::Webhooks<types::WebhookEvent>`). The cryptography is the
//! RustCrypto `hmac` and `sha2` crates (the MAC check is their constant-time `verify_slice`);
//! nothing here computes a digest or compares secrets by hand.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use hmac::{Hmac, Mac};
use http::HeaderMap;
use serde::de::DeserializeOwned;
use sha2::Sha256;

use super::error::{Error, WebhookCheck};

type HmacSha256 = Hmac<Sha256>;

/// The tolerance of the Standard Webhooks specification and of the official SDKs: five minutes.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// Verifies that a webhook was signed with the endpoint's secret and decodes its payload into
/// `E` (the crate's webhook event union, or `serde_json::Value`).
///
/// A secret starting with `whsec_` is the base64 of the key, as the dashboards show it; any
/// other secret is taken as the key's raw bytes. Several signatures in `webhook-signature`
/// (`v1,<a> v1,<b>`, sent while a secret is being rotated) are each tried.
pub struct Webhooks<E = serde_json::Value> {
    /// The HMAC key, or why the secret could not be read (reported by every `verify`).
    key: Result<Vec<u8>, String>,
    tolerance: Duration,
    clock: Arc<dyn Fn() -> SystemTime + Send + Sync>,
    event: PhantomData<fn() -> E>,
}

impl<E> Clone for Webhooks<E> {
    fn clone(&self) -> Self {
        Webhooks { key: self.key.clone(), tolerance: self.tolerance, clock: self.clock.clone(), event: PhantomData }
    }
}

impl<E> fmt::Debug for Webhooks<E> {
    // Never the secret.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Webhooks").field("tolerance", &self.tolerance).finish_non_exhaustive()
    }
}

impl<E> Webhooks<E> {
    /// A verifier for the endpoint's signing secret (`whsec_...`, or raw key text).
    pub fn new(secret: impl Into<String>) -> Self {
        let secret: String = secret.into();
        let key = match secret.strip_prefix("whsec_") {
            Some(encoded) => base64::engine::general_purpose::STANDARD
                .decode(encoded)
                .map_err(|e| format!("the webhook secret after `whsec_` is not base64: {e}")),
            None => Ok(secret.into_bytes()),
        };
        Webhooks { key, tolerance: DEFAULT_TOLERANCE, clock: Arc::new(SystemTime::now), event: PhantomData }
    }

    /// How far `webhook-timestamp` may be from now, either way (default 300 seconds).
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// The clock the timestamp is compared with (default `SystemTime::now`), for tests and
    /// replays.
    pub fn clock(mut self, now: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.clock = Arc::new(now);
        self
    }

    /// Checks the three headers and the signature of `body`, the request body exactly as
    /// received. Each refusal is [`Error::Webhook`] naming the check that failed.
    pub fn verify(&self, body: &[u8], headers: &HeaderMap) -> Result<(), Error> {
        let key = self.key.as_ref().map_err(|e| Error::Config(e.clone()))?;
        // In the order the official Python SDK checks them, so that both name the same header first.
        let signatures = header(headers, "webhook-signature")?;
        let timestamp = header(headers, "webhook-timestamp")?;
        let id = header(headers, "webhook-id")?;
        let sent: i64 = timestamp
            .trim()
            .parse()
            .map_err(|_| refuse(WebhookCheck::TimestampUnparsable { value: timestamp.to_owned() }))?;
        let now = match (self.clock)().duration_since(UNIX_EPOCH) {
            Ok(d) => d.as_secs() as i64,
            Err(e) => -(e.duration().as_secs() as i64),
        };
        let tolerance = self.tolerance.as_secs() as i64;
        if now.saturating_sub(sent) > tolerance {
            return Err(refuse(WebhookCheck::TimestampTooOld { age: (now - sent) as u64, tolerance: self.tolerance }));
        }
        if sent.saturating_sub(now) > tolerance {
            return Err(refuse(WebhookCheck::TimestampInFuture { ahead: (sent - now) as u64, tolerance: self.tolerance }));
        }
        let mut mac = HmacSha256::new_from_slice(key).map_err(|e| Error::Config(format!("webhook secret: {e}")))?;
        mac.update(id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.as_bytes());
        mac.update(b".");
        mac.update(body);
        // As the official Python SDK: each space-separated entry, its `v1,` dropped; an entry that is not
        // base64 matches nothing.
        let matched = signatures.split_whitespace().any(|entry| {
            let encoded = entry.strip_prefix("v1,").unwrap_or(entry);
            base64::engine::general_purpose::STANDARD
                .decode(encoded)
                .is_ok_and(|sig| mac.clone().verify_slice(&sig).is_ok())
        });
        if matched {
            Ok(())
        } else {
            Err(refuse(WebhookCheck::NoMatchingSignature))
        }
    }

    /// [`verify`](Self::verify), then decodes the body as an event. A body that is not JSON is
    /// [`Error::Webhook`] with [`WebhookCheck::NotJson`]; JSON of another shape is [`Error::Decode`].
    #[inline]
    pub fn unwrap(&self, body: &[u8], headers: &HeaderMap) -> Result<E, Error>
    where
        E: DeserializeOwned,
    {
        self.verify(body, headers)?;
        if let Err(e) = serde_json::from_slice::<serde::de::IgnoredAny>(body) {
            return Err(refuse(WebhookCheck::NotJson { reason: e.to_string() }));
        }
        super::decode::decode_json(body)
    }
}

fn refuse(check: WebhookCheck) -> Error {
    Error::Webhook(check)
}

/// A required header as text; absent, empty or not text is [`WebhookCheck::MissingHeader`].
fn header<'a>(headers: &'a HeaderMap, name: &'static str) -> Result<&'a str, Error> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty())
        .ok_or(refuse(WebhookCheck::MissingHeader { name }))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_c2VjcmV0LWtleS1mb3ItdGVzdHM="; // "secret-key-for-tests"

    fn at(secs: u64) -> impl Fn() -> SystemTime + Send + Sync + 'static {
        move || UNIX_EPOCH + Duration::from_secs(secs)
    }

    fn sign(key: &[u8], id: &str, ts: &str, body: &[u8]) -> String {
        let mut mac = HmacSha256::new_from_slice(key).unwrap();
        mac.update(format!("{id}.{ts}.").as_bytes());
        mac.update(body);
        format!("v1,{}", base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes()))
    }

    fn headers(id: &str, ts: &str, sig: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("webhook-id", id.parse().unwrap());
        h.insert("webhook-timestamp", ts.parse().unwrap());
        h.insert("webhook-signature", sig.parse().unwrap());
        h
    }

    fn check(r: Result<(), Error>) -> WebhookCheck {
        match r {
            Err(Error::Webhook(c)) => c,
            other => panic!("expected a webhook refusal, got {other:?}"),
        }
    }

    #[test]
    fn every_check_says_what_failed() {
        let hooks = Webhooks::<serde_json::Value>::new(SECRET).clock(at(1_000_000));
        let body = br#"{"type":"x"}"#;
        let sig = sign(b"secret-key-for-tests", "msg_1", "1000000", body);
        hooks.verify(body, &headers("msg_1", "1000000", &sig)).unwrap();
        // Rotation: one of several entries matches.
        hooks.verify(body, &headers("msg_1", "1000000", &format!("v1,AAAA {sig}"))).unwrap();
        assert!(matches!(check(hooks.verify(b"{}", &headers("msg_1", "1000000", &sig))), WebhookCheck::NoMatchingSignature));
        assert!(matches!(check(hooks.verify(body, &HeaderMap::new())), WebhookCheck::MissingHeader { name: "webhook-signature" }));
        assert!(matches!(check(hooks.verify(body, &headers("msg_1", "soon", &sig))), WebhookCheck::TimestampUnparsable { .. }));
        let late = hooks.clone().clock(at(1_000_301));
        assert!(matches!(check(late.verify(body, &headers("msg_1", "1000000", &sig))), WebhookCheck::TimestampTooOld { age: 301, .. }));
        late.tolerance(Duration::from_secs(400)).verify(body, &headers("msg_1", "1000000", &sig)).unwrap();
        let early = hooks.clone().clock(at(999_699));
        assert!(matches!(check(early.verify(body, &headers("msg_1", "1000000", &sig))), WebhookCheck::TimestampInFuture { ahead: 301, .. }));
        let e = Webhooks::<serde_json::Value>::new(SECRET).clock(at(1_000_000)).unwrap(b"not json", &headers("msg_1", "1000000", &sign(b"secret-key-for-tests", "msg_1", "1000000", b"not json")));
        assert!(matches!(e, Err(Error::Webhook(WebhookCheck::NotJson { .. }))), "{e:?}");
    }

    #[test]
    fn a_secret_without_prefix_is_raw_bytes() {
        let hooks = Webhooks::<serde_json::Value>::new("plain-secret").clock(at(10));
        let sig = sign(b"plain-secret", "m", "10", b"{}");
        assert_eq!(hooks.unwrap(b"{}", &headers("m", "10", &sig)).unwrap(), serde_json::json!({}));
        let bad = Webhooks::<serde_json::Value>::new("whsec_!!").verify(b"{}", &headers("m", "10", &sig));
        assert!(matches!(bad, Err(Error::Config(_))));
    }
}
