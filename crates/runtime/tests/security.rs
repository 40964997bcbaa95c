//! Security schemes on the wire, requirements per request, credentials kept at their origin on
//! redirects, and which methods are retried.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use common::{RecordingSleeper, Reply, TestServer};
use oa_runtime::{ApiProfile, ApiRequest, ClientBuilder, Credential, Error, KeyPlace, SchemeKind, SecurityScheme};
use reqwest::Method;
use serde_json::Value;

const SECRET: &str = "s3cret-VALUE";

/// One scheme of every kind the runtime sends.
static SCHEMES: [SecurityScheme; 6] = [
    SecurityScheme::new("Token", SchemeKind::ApiKey { place: KeyPlace::Header, name: "X-Figma-Token" }, None),
    SecurityScheme::new("QueryKey", SchemeKind::ApiKey { place: KeyPlace::Query, name: "api_key" }, None),
    SecurityScheme::new("CookieKey", SchemeKind::ApiKey { place: KeyPlace::Cookie, name: "session" }, None),
    SecurityScheme::new("basicAuth", SchemeKind::Basic, None),
    SecurityScheme::new("bearerAuth", SchemeKind::Bearer, None),
    SecurityScheme::new("oauth", SchemeKind::Bearer, None),
];

static PROFILE: ApiProfile = ApiProfile::with(None, "security-tests/1", &SCHEMES, &["x-request-id"], None, None, None, None);

/// Like [`PROFILE`], with an idempotency header: POST and PATCH become retryable.
static IDEMPOTENT: ApiProfile = ApiProfile::with(None, "security-tests/1", &SCHEMES, &["x-request-id"], None, None, Some("Idempotency-Key"), None);

fn builder(server: &TestServer) -> ClientBuilder {
    ClientBuilder::new(&PROFILE)
        .base_url(&server.base_url)
        .sleeper(RecordingSleeper::new())
        .jitter(Arc::new(|| 0.0))
}

async fn send(client: &oa_runtime::Client, req: ApiRequest) -> Result<Value, Error> {
    client.send_json(req).await
}

#[tokio::test]
async fn each_scheme_kind_sends_its_credential_as_the_document_says() {
    let server = TestServer::start(vec![Reply::json(200, "{}"); 4]).await;
    let client = builder(&server)
        .credential("Token", Credential::Value(SECRET.into()))
        .credential("QueryKey", Credential::Value("q-key".into()))
        .credential("CookieKey", Credential::Value("c-key".into()))
        .credential("basicAuth", Credential::Basic("user".into(), String::new()))
        .credential("bearerAuth", Credential::Value("tok".into()))
        .build()
        .unwrap();
    let get = || ApiRequest::new(Method::GET, "/x");
    send(&client, get().security(&[&["Token"]])).await.unwrap();
    send(&client, get().security(&[&["QueryKey", "CookieKey"]])).await.unwrap();
    send(&client, get().security(&[&["oauth"], &["basicAuth"]])).await.unwrap();
    send(&client, get().security(&[&["bearerAuth"]])).await.unwrap();
    let r = server.requests();
    assert_eq!(r[0].header("x-figma-token"), Some(SECRET));
    assert_eq!(r[0].header("authorization"), None);
    assert_eq!(r[1].decoded_query(), [("api_key".to_owned(), "q-key".to_owned())]);
    assert_eq!(r[1].header("cookie"), Some("session=c-key"));
    assert_eq!(r[1].header("x-figma-token"), None);
    // `oauth` is not configured: the next alternative; an empty password sends `user:`.
    assert_eq!(r[2].header("authorization"), Some("Basic dXNlcjo="));
    assert_eq!(r[3].header("authorization"), Some("Bearer tok"));
}

#[tokio::test]
async fn requirements_pick_none_when_nothing_fits_and_all_without_a_requirement() {
    let server = TestServer::start(vec![Reply::json(200, "{}"); 4]).await;
    let client = builder(&server).credential("Token", Credential::Value(SECRET.into())).build().unwrap();
    let get = || ApiRequest::new(Method::GET, "/x");
    send(&client, get().security(&[])).await.unwrap();
    send(&client, get().security(&[&[], &["Token"]])).await.unwrap();
    send(&client, get().security(&[&["bearerAuth"]])).await.unwrap();
    send(&client, get()).await.unwrap();
    let r = server.requests();
    let sent: Vec<_> = r.iter().map(|r| r.header("x-figma-token").is_some()).collect();
    assert_eq!(sent, [false, false, false, true]);
}

#[tokio::test]
async fn a_token_provider_is_asked_on_every_request() {
    let server = TestServer::start(vec![Reply::json(200, "{}"); 2]).await;
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let provider = move || {
        let n = counter.fetch_add(1, Ordering::SeqCst);
        async move { Ok::<_, Error>(format!("token-{n}")) }
    };
    let client = builder(&server).credential("oauth", Credential::Provider(Arc::new(provider))).build().unwrap();
    for _ in 0..2 {
        send(&client, ApiRequest::new(Method::GET, "/x").security(&[&["oauth"]])).await.unwrap();
    }
    let r = server.requests();
    assert_eq!(r[0].header("authorization"), Some("Bearer token-0"));
    assert_eq!(r[1].header("authorization"), Some("Bearer token-1"));
}

#[tokio::test]
async fn credentials_stay_at_their_origin_across_redirects() {
    let other = TestServer::start(vec![Reply::json(200, "{}"), Reply::json(200, "{}")]).await;
    let elsewhere = format!("{}/landing", other.base_url);
    let server = TestServer::start(vec![
        Reply::json(307, "").header("location", "/v1/moved"),
        Reply::json(200, "{}"),
        Reply::json(307, "").header("location", &elsewhere),
        Reply::json(303, "").header("location", &elsewhere),
    ])
    .await;
    let client = builder(&server)
        .credential("Token", Credential::Value(SECRET.into()))
        .credential("QueryKey", Credential::Value("q-key".into()))
        .credential("bearerAuth", Credential::Value("tok".into()))
        .default_header("X-Figma-Token", SECRET)
        .default_header("x-plain", "kept")
        .build()
        .unwrap();
    let post = || ApiRequest::new(Method::POST, "/x").json(&serde_json::json!({"a": 1})).unwrap();
    send(&client, post()).await.unwrap();
    send(&client, post().security(&[&["Token", "QueryKey", "bearerAuth"]])).await.unwrap();
    send(&client, post()).await.unwrap();
    let here = server.requests();
    assert_eq!(here.len(), 4);
    // Same origin: the 307 keeps method, body and credentials.
    assert_eq!((here[1].method.as_str(), here[1].path.as_str()), ("POST", "/v1/moved"));
    assert_eq!(here[1].body, br#"{"a":1}"#);
    assert_eq!(here[1].header("authorization"), Some("Bearer tok"));
    let there = other.requests();
    assert_eq!(there.len(), 2);
    for r in &there {
        assert_eq!(r.header("x-figma-token"), None, "{r:?}");
        assert_eq!(r.header("authorization"), None, "{r:?}");
        assert!(r.query.is_none(), "{r:?}");
        assert_eq!(r.header("x-plain"), Some("kept"));
    }
    // 307 resends the body elsewhere too; 303 becomes a GET without one.
    assert_eq!((there[0].method.as_str(), there[0].body.as_slice()), ("POST", &br#"{"a":1}"#[..]));
    assert_eq!((there[1].method.as_str(), there[1].body.len()), ("GET", 0));
    assert_eq!(there[1].header("content-type"), None);
}

#[tokio::test]
async fn a_redirect_loop_ends_in_an_error() {
    let server = TestServer::start(vec![Reply::json(302, "").header("location", "/v1/again"); 11]).await;
    let client = builder(&server).max_retries(0).build().unwrap();
    let err = send(&client, ApiRequest::new(Method::GET, "/x")).await.unwrap_err();
    assert!(err.to_string().contains("redirects"), "{err}");
    assert_eq!(server.requests().len(), 11);
}

#[tokio::test]
async fn post_and_patch_are_retried_only_with_an_idempotency_key() {
    let server = TestServer::start(vec![Reply::json(500, "{}"), Reply::json(500, "{}"), Reply::json(200, "{}"), Reply::json(500, "{}"), Reply::json(200, "{}")]).await;
    let client = builder(&server).build().unwrap();
    let err = send(&client, ApiRequest::new(Method::POST, "/x")).await.unwrap_err();
    assert_eq!(err.status(), Some(500));
    // PUT is idempotent.
    send(&client, ApiRequest::new(Method::PUT, "/x")).await.unwrap();
    assert_eq!(server.requests().len(), 3);
    assert!(server.requests().iter().all(|r| r.header("idempotency-key").is_none()));
    let with_header = ClientBuilder::new(&IDEMPOTENT).base_url(&server.base_url).sleeper(RecordingSleeper::new()).build().unwrap();
    send(&with_header, ApiRequest::new(Method::PATCH, "/x")).await.unwrap();
    let r = server.requests();
    let keys: Vec<_> = r[3..].iter().map(|r| r.header("idempotency-key").unwrap().to_owned()).collect();
    assert_eq!(keys[0], keys[1], "one key across the attempts of a call");
}

#[tokio::test]
async fn the_error_message_is_read_where_the_operation_declares_it() {
    let body = r#"{"message":"Not Found","documentation_url":"x"}"#;
    let server = TestServer::start(vec![Reply::json(404, body), Reply::json(404, body)]).await;
    let client = builder(&server).build().unwrap();
    let err = send(&client, ApiRequest::new(Method::GET, "/x").error_message_at("/message")).await.unwrap_err();
    assert_eq!(err.api_error().and_then(|e| e.message.as_deref()), Some("Not Found"));
    assert!(err.to_string().contains("Not Found"), "{err}");
    let err = send(&client, ApiRequest::new(Method::GET, "/x")).await.unwrap_err();
    assert!(err.api_error().is_none());
    assert!(matches!(&err, Error::Api { body: b, .. } if b == body));
}

#[tokio::test]
async fn no_rendering_shows_a_credential_of_any_kind() {
    let server = TestServer::start(vec![Reply::json(401, r#"{"message":"no"}"#)]).await;
    let b = builder(&server)
        .credential("Token", Credential::Value(SECRET.into()))
        .credential("QueryKey", Credential::Value(SECRET.into()))
        .credential("CookieKey", Credential::Value(SECRET.into()))
        .credential("basicAuth", Credential::Basic("user".into(), SECRET.into()))
        .credential("bearerAuth", Credential::Value(SECRET.into()))
        .credential("oauth", Credential::Provider(Arc::new(|| async { Ok::<_, Error>(SECRET.to_owned()) })))
        .default_header("X-Figma-Token", SECRET);
    let client = b.clone().build().unwrap();
    let req = ApiRequest::new(Method::GET, "/x").security(&[&["Token", "QueryKey", "CookieKey", "basicAuth", "oauth"]]);
    let shown_req = format!("{req:?}");
    let err = send(&client, req).await.unwrap_err();
    for shown in [format!("{b:?}"), format!("{client:?}"), shown_req, format!("{err:?}"), err.to_string()] {
        assert!(!shown.contains(SECRET), "{shown}");
    }
    let r = &server.requests()[0];
    assert_eq!(r.header("x-figma-token"), Some(SECRET));
}

#[tokio::test]
async fn a_schemes_header_set_by_hand_stays_at_its_origin_too() {
    // The case reqwest alone gets wrong: a document's own credential header, written as a
    // default header rather than through the scheme's method.
    let other = TestServer::start(vec![Reply::json(200, "{}")]).await;
    let elsewhere = format!("{}/landing", other.base_url);
    let server = TestServer::start(vec![Reply::json(307, "").header("location", &elsewhere)]).await;
    let client = builder(&server).default_header("X-Figma-Token", SECRET).default_header("x-plain", "kept").build().unwrap();
    send(&client, ApiRequest::new(Method::GET, "/x")).await.unwrap();
    assert_eq!(server.requests()[0].header("x-figma-token"), Some(SECRET));
    let there = &other.requests()[0];
    assert_eq!(there.header("x-figma-token"), None);
    assert_eq!(there.header("x-plain"), Some("kept"));
}
