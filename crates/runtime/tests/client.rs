//! Request assembly, configuration, error bodies and decoding over real HTTP.

mod common;

#[allow(unused_imports)]
use common::BearerMethods;

use common::{RecordingSleeper, Reply, TestServer, KEY};
use oa_runtime::{encode_path_segment, ApiRequest, Client, Error, RequestOptions};
use reqwest::Method;
use serde::Deserialize;
use serde_json::{json, Value};

#[tokio::test]
async fn default_headers_are_sent() {
    let server = TestServer::start(vec![Reply::json(200, "{}")]).await;
    let sleeper = RecordingSleeper::new();
    let client = server
        .builder(&sleeper)
        .default_header("x-team", "team-1")
        .default_header("x-extra", "yes")
        .build()
        .unwrap();
    let req = ApiRequest::new(Method::POST, "/responses")
        .json(&json!({"a": 1}))
        .unwrap()
        .header("x-endpoint", "e")
        .options(RequestOptions::default().header("x-extra", "overridden"));
    let _: Value = client.send_json(req).await.unwrap();
    let r = &server.requests()[0];
    assert_eq!(r.method, "POST");
    assert_eq!(r.path, "/v1/responses");
    assert_eq!(
        r.header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_eq!(r.header("x-team"), Some("team-1"));
    assert_eq!(r.header("user-agent"), Some("runtime-tests/0.1"));
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.header("accept"), Some("application/json"));
    assert_eq!(r.header("x-endpoint"), Some("e"));
    assert_eq!(r.header("x-extra"), Some("overridden"));
    assert_eq!(r.header("x-retry-count"), Some("0"));
    assert_eq!(r.header("api-key"), None);
}

#[tokio::test]
async fn azure_style_api_key_header_and_api_version() {
    let server = TestServer::start(vec![Reply::json(200, "{}")]).await;
    let client = common::builder()
        .api_key(KEY)
        .base_url(format!("{}/openai/", server.base_url))
        .api_key_header(true)
        .default_query("api-version", "2024-10-21")
        .build()
        .unwrap();
    let _: Value = client
        .send_json(ApiRequest::new(Method::GET, "/responses/r1").query("include", "x"))
        .await
        .unwrap();
    let r = &server.requests()[0];
    assert_eq!(r.path, "/v1/openai/responses/r1");
    assert_eq!(r.header("api-key"), Some(KEY));
    assert_eq!(r.header("authorization"), None);
    assert_eq!(r.query.as_deref(), Some("api-version=2024-10-21&include=x"));
}

#[tokio::test]
async fn query_encoding() {
    let server = TestServer::start(vec![Reply::json(200, "{}"), Reply::json(200, "{}")]).await;
    let sleeper = RecordingSleeper::new();
    let client = server.builder(&sleeper).build().unwrap();
    for brackets in [false, true] {
        let req = ApiRequest::new(
            Method::GET,
            format!("/files/{}", encode_path_segment("a b/c")),
        )
        .query("limit", 10)
        .query_opt("after", None::<&str>)
        .query_opt("order", Some("asc"));
        let req = if brackets {
            req.query_array_brackets("include", ["x&y", "z"])
        } else {
            req.query_array("include", ["x&y", "z"])
        };
        let req = req.options(RequestOptions::default().query("extra", "1"));
        let _: Value = client.send_json(req).await.unwrap();
    }
    let reqs = server.requests();
    assert_eq!(reqs[0].path, "/v1/files/a%20b%2Fc");
    assert_eq!(
        reqs[0].query.as_deref(),
        Some("limit=10&order=asc&include=x%26y&include=z&extra=1")
    );
    assert_eq!(
        reqs[1].query.as_deref(),
        Some("limit=10&order=asc&include%5B%5D=x%26y&include%5B%5D=z&extra=1")
    );
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[tokio::test]
async fn array_query_forms_and_computed_names() {
    let server = TestServer::start((0..3).map(|_| Reply::json(200, "{}")).collect()).await;
    let sleeper = RecordingSleeper::new();
    let request = || {
        let op = "gt";
        ApiRequest::new(Method::GET, "/items")
            .query_array("plain", ["a", "b c"])
            .query_array_brackets("include", ["x&y", "z"])
            .query_pair(format!("created[{op}]"), "1")
            .query_pair("after", String::from("cur"))
            .query_array("none", Vec::<String>::new())
    };
    let default = server.builder(&sleeper).build().unwrap();
    let _: Value = default.send_json(request()).await.unwrap();
    let plain = server
        .builder(&sleeper)
        .plain_array_query(true)
        .build()
        .unwrap();
    let _: Value = plain.send_json(request()).await.unwrap();
    // Turning the option off again is the default form.
    let off = server
        .builder(&sleeper)
        .plain_array_query(false)
        .build()
        .unwrap();
    let _: Value = off.send_json(request()).await.unwrap();

    let reqs = server.requests();
    let bracketed = pairs(&[
        ("plain", "a"),
        ("plain", "b c"),
        ("include[]", "x&y"),
        ("include[]", "z"),
        ("created[gt]", "1"),
        ("after", "cur"),
    ]);
    assert_eq!(reqs[0].decoded_query(), bracketed);
    assert_eq!(
        reqs[1].decoded_query(),
        pairs(&[
            ("plain", "a"),
            ("plain", "b c"),
            ("include", "x&y"),
            ("include", "z"),
            // A computed name is not an array parameter: left as it is.
            ("created[gt]", "1"),
            ("after", "cur"),
        ])
    );
    assert_eq!(reqs[2].decoded_query(), bracketed);
}

#[tokio::test]
async fn computed_header_names() {
    let server = TestServer::start(vec![Reply::json(200, "{}")]).await;
    let sleeper = RecordingSleeper::new();
    let client = server.builder(&sleeper).build().unwrap();
    let name = format!("x-{}-id", "trace");
    let req = ApiRequest::new(Method::GET, "/x")
        .header_pair(name, "t-1")
        .header_pair("x-static", String::from("s"));
    let _: Value = client.send_json(req).await.unwrap();
    let r = &server.requests()[0];
    assert_eq!(r.header("x-trace-id"), Some("t-1"));
    assert_eq!(r.header("x-static"), Some("s"));

    let bad = ApiRequest::new(Method::GET, "/x").header_pair(String::from("bad name"), "v");
    let err = client.send_json::<Value>(bad).await.unwrap_err();
    assert!(
        matches!(&err, Error::Config(m) if m.contains("bad name")),
        "{err:?}"
    );
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn path_segments_are_encoded() {
    assert_eq!(encode_path_segment("resp_123-abc.~"), "resp_123-abc.~");
    assert_eq!(encode_path_segment("a/b?c#d%e f"), "a%2Fb%3Fc%23d%25e%20f");
    assert_eq!(encode_path_segment("é"), "%C3%A9");
}

#[tokio::test]
async fn dot_and_empty_segments_are_rejected() {
    let sleeper = RecordingSleeper::new();
    let server = TestServer::start(vec![]).await;
    let client = server.builder(&sleeper).build().unwrap();
    for path in [
        "/files/..",
        "/files/%2E%2e",
        "/files/",
        "/files//content",
        "files",
    ] {
        let err = client
            .send_json::<Value>(ApiRequest::new(Method::GET, path))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{path}: {err:?}");
    }
    assert!(server.requests().is_empty());
}

/// A request whose building failed (what a generated method hands over as a `Result`) ends the
/// call with that error, and nothing is sent.
#[tokio::test]
async fn a_failed_build_is_the_call_error() {
    let sleeper = RecordingSleeper::new();
    let server = TestServer::start(vec![]).await;
    let client = server.builder(&sleeper).build().unwrap();
    let failed = || -> Result<ApiRequest, Error> { Err(Error::Config("could not serialize the request body".into())) };
    let json = client.send_json::<Value>(failed()).await.unwrap_err();
    assert!(matches!(&json, Error::Config(m) if m.contains("serialize")), "{json:?}");
    let bytes = client.send_bytes(failed()).await.unwrap_err();
    assert!(matches!(bytes, Error::Config(_)), "{bytes:?}");
    let Err(stream) = client.send_stream::<Value>(failed()).await else { panic!("a stream from a failed build") };
    assert!(matches!(stream, Error::Config(_)), "{stream:?}");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn api_error_body_is_parsed() {
    let body = r#"{"error":{"message":"No such model","type":"invalid_request_error","param":"model","code":"model_not_found"}}"#;
    let server = TestServer::start(vec![
        Reply::json(404, body).header("x-request-id", "req_abc")
    ])
    .await;
    let sleeper = RecordingSleeper::new();
    let client = server.builder(&sleeper).build().unwrap();
    let err = client
        .send_json::<Value>(ApiRequest::new(Method::GET, "/models/x").error_message_at("/error/message"))
        .await
        .unwrap_err();
    match &err {
        Error::Api {
            status,
            error,
            request_id,
            body: raw,
            headers,
        } => {
            assert_eq!(*status, 404);
            let e = error.as_deref().unwrap();
            assert_eq!(e.message.as_deref(), Some("No such model"));
            assert_eq!(e.r#type.as_deref(), Some("invalid_request_error"));
            assert_eq!(e.param.as_deref(), Some("model"));
            assert_eq!(e.code.as_deref(), Some("model_not_found"));
            assert_eq!(request_id.as_deref(), Some("req_abc"));
            assert_eq!(raw, body);
            assert_eq!(headers.get("x-request-id").unwrap(), "req_abc");
        }
        other => panic!("{other:?}"),
    }
    let shown = err.to_string();
    assert!(
        shown.contains("404") && shown.contains("No such model") && shown.contains("req_abc"),
        "{shown}"
    );
    assert!(!shown.contains(KEY));
}

#[tokio::test]
async fn non_json_error_body_is_kept_raw() {
    let server = TestServer::start(vec![
        Reply::json(403, "<html>denied</html>"),
        Reply::json(400, r#"{"error":{"code":42}}"#),
    ])
    .await;
    let sleeper = RecordingSleeper::new();
    let client = server.builder(&sleeper).build().unwrap();
    let err = client
        .send_json::<Value>(ApiRequest::new(Method::GET, "/x").error_message_at("/error/message"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Api { error: None, body, .. } if body == "<html>denied</html>"),
        "{err:?}"
    );
    let err = client
        .send_json::<Value>(ApiRequest::new(Method::GET, "/x").error_message_at("/error/message"))
        .await
        .unwrap_err();
    assert_eq!(err.api_error().unwrap().code.as_deref(), Some("42"));
}

/// `ApiErrorBody` decodes by hand (the crate has no serde_derive): absent and `null` fields are
/// `None`, a numeric code becomes its text, and a field of another type or a non-object fails.
#[test]
fn api_error_body_shapes() {
    use oa_runtime::ApiErrorBody;
    let e: ApiErrorBody = serde_json::from_str(r#"{"message":"m","type":null,"code":7,"extra":[1]}"#).unwrap();
    assert_eq!((e.message.as_deref(), e.r#type.as_deref(), e.param.as_deref(), e.code.as_deref()), (Some("m"), None, None, Some("7")));
    let e: ApiErrorBody = serde_json::from_str("{}").unwrap();
    assert_eq!(e, ApiErrorBody::default());
    assert!(serde_json::from_str::<ApiErrorBody>(r#"{"message":5}"#).is_err());
    assert!(serde_json::from_str::<ApiErrorBody>(r#""text""#).is_err());
}

#[tokio::test]
async fn malformed_success_body_is_a_decode_error_with_path() {
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct List {
        data: Vec<Item>,
    }
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Item {
        id: String,
    }
    let bad_type = r#"{"data":[{"id":"a"},{"id":7}]}"#;
    let server = TestServer::start(vec![
        Reply::json(200, bad_type),
        Reply::json(200, "{\"data\": ["),
    ])
    .await;
    let sleeper = RecordingSleeper::new();
    let client = server.builder(&sleeper).build().unwrap();
    match client
        .send_json::<List>(ApiRequest::new(Method::GET, "/x"))
        .await
        .unwrap_err()
    {
        Error::Decode { body, path, .. } => {
            assert_eq!(body, bad_type);
            assert_eq!(path, "data[1].id");
        }
        other => panic!("{other:?}"),
    }
    match client
        .send_json::<List>(ApiRequest::new(Method::GET, "/x"))
        .await
        .unwrap_err()
    {
        Error::Decode { body, .. } => assert_eq!(body, "{\"data\": ["),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn truncated_or_malformed_body_says_where_parsing_stopped() {
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct List {
        data: Vec<Item>,
    }
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Item {
        id: String,
    }
    let cut_in_list = "{\n  \"data\": [\n    {\"id\": \"a\"},\n    {\"id\"";
    let cases = [
        // (body, expected path, kind, position)
        (cut_in_list, "data[1]", "ends early", "line 4 column 9"),
        ("{\"da", ".", "ends early", "line 1 column 4"),
        ("{\"data\": [}", "data[0]", "malformed", "line 1 column 11"),
    ];
    let server = TestServer::start(
        cases
            .iter()
            .map(|(body, ..)| Reply::json(200, body))
            .collect(),
    )
    .await;
    let sleeper = RecordingSleeper::new();
    let client = server.builder(&sleeper).build().unwrap();
    for (body, want_path, kind, position) in cases {
        let err = client
            .send_json::<List>(ApiRequest::new(Method::GET, "/x"))
            .await
            .unwrap_err();
        let shown = err.to_string();
        match &err {
            Error::Decode { path, source, .. } => {
                assert_eq!(path, want_path, "{body:?}");
                assert!(!path.contains('?'), "{path}");
                assert!(source.line() > 0, "{source:?}");
            }
            other => panic!("{other:?}"),
        }
        assert!(shown.contains(kind), "{body:?}: {shown}");
        assert!(shown.contains(position), "{body:?}: {shown}");
        assert!(!shown.contains('?'), "{shown}");
    }
}

#[tokio::test]
async fn response_metadata_and_empty_bodies() {
    let server = TestServer::start(vec![
        Reply::json(200, r#"{"id":"x"}"#)
            .header("x-request-id", "req_1")
            .header("x-ratelimit-remaining-requests", "99"),
        Reply::json(204, ""),
    ])
    .await;
    let sleeper = RecordingSleeper::new();
    let client = server.builder(&sleeper).build().unwrap();
    let r = client
        .send_json_with_response::<Value>(ApiRequest::new(Method::GET, "/x"))
        .await
        .unwrap();
    assert_eq!(r.data, json!({"id":"x"}));
    assert_eq!(r.status, 200);
    assert_eq!(r.request_id(), Some("req_1"));
    assert_eq!(r.header("x-ratelimit-remaining-requests"), Some("99"));
    let () = client
        .send_json(ApiRequest::new(Method::DELETE, "/x"))
        .await
        .unwrap();
}

#[test]
fn debug_output_never_shows_the_key() {
    let builder = common::builder()
        .base_url("http://127.0.0.1:9")
        .api_key(KEY)
        .default_header("x-team", "team-1");
    let shown = format!("{builder:?}");
    assert!(!shown.contains(KEY), "{shown}");
    assert!(shown.contains("Bearer") && shown.contains("x-team"), "{shown}");
    let client = builder.build().unwrap();
    let shown = format!("{client:?}");
    assert!(!shown.contains(KEY), "{shown}");
    assert!(shown.contains("Bearer"), "{shown}");
    let azure = common::builder()
        .base_url("http://127.0.0.1:9")
        .api_key(KEY)
        .api_key_header(true)
        .build()
        .unwrap();
    assert!(!format!("{azure:?}").contains(KEY));
}

#[test]
fn configuration_errors() {
    // No base URL: the profile names no server and none was given.
    let none = common::builder().build().unwrap_err();
    assert!(matches!(&none, Error::Config(m) if m.contains("base_url")), "{none}");
    let base = || common::builder().base_url("http://127.0.0.1:9/v2/");
    // No credential is required.
    assert_eq!(base().build().unwrap().base_url(), "http://127.0.0.1:9/v2");
    assert!(matches!(
        common::builder().api_key(KEY).base_url("not a url").build(),
        Err(Error::Config(_))
    ));
    // A bad key fails at the first request, where the header is made; never shown.
    assert!(matches!(base().credential("Nope", oa_runtime::Credential::Value(KEY.into())).build(), Err(Error::Config(e)) if e.contains("Nope")));
    assert!(matches!(base().alternative_header("Nope", true).build(), Err(Error::Config(_))));
}

#[test]
fn error_stays_small() {
    // Results carrying `Error` are returned everywhere; keep it pointer-sized-ish.
    assert!(
        std::mem::size_of::<Error>() <= 128,
        "{}",
        std::mem::size_of::<Error>()
    );
}

#[test]
fn client_is_send_sync_clone_and_streams_are_send_unpin() {
    fn send_sync<T: Send + Sync + Clone>() {}
    fn send_unpin<T: Send + Unpin>() {}
    send_sync::<Client>();
    send_unpin::<oa_runtime::EventStream<Value>>();
}

#[tokio::test]
async fn bodyless_requests_say_content_length_zero() {
    let methods = [
        Method::POST,
        Method::PUT,
        Method::PATCH,
        Method::GET,
        Method::DELETE,
    ];
    let server = TestServer::start(methods.iter().map(|_| Reply::json(200, "{}")).collect()).await;
    let sleeper = RecordingSleeper::new();
    let client = server.builder(&sleeper).build().unwrap();
    for m in &methods {
        let req = ApiRequest::new(m.clone(), "/responses/resp_1/cancel");
        let _: Value = client.send_json(req).await.unwrap();
    }
    let reqs = server.requests();
    assert_eq!(reqs.len(), methods.len());
    for r in &reqs[..3] {
        let lengths: Vec<_> = r
            .headers
            .iter()
            .filter(|(k, _)| k == "content-length")
            .collect();
        assert_eq!(lengths.len(), 1, "{} {:?}", r.method, r.headers);
        assert_eq!(lengths[0].1, "0", "{}", r.method);
        assert!(r.body.is_empty());
        assert_eq!(r.header("content-type"), None, "{}", r.method);
    }
    // Methods without body semantics are left as they were: no length at all.
    for r in &reqs[3..] {
        assert_eq!(
            r.header("content-length"),
            None,
            "{} {:?}",
            r.method,
            r.headers
        );
    }
    // A POST with a body still sends the body's own length.
    let server = TestServer::start(vec![Reply::json(200, "{}")]).await;
    let client = server.builder(&sleeper).build().unwrap();
    let req = ApiRequest::new(Method::POST, "/responses")
        .json(&json!({"a": 1}))
        .unwrap();
    let _: Value = client.send_json(req).await.unwrap();
    assert_eq!(server.requests()[0].header("content-length"), Some("7"));
}
