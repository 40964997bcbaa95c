//! Built into the crate generated from `fixtures/security_schemes.yaml` (by `tests/compile.rs`)
//! and run against a loopback recorder: each operation sends what its security requirement asks
//! for, with the builder methods named after the document's schemes.

use fixture_security_schemes::{Client, Error, SERVERS};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;

struct Recorded {
    target: String,
    headers: Vec<(String, String)>,
}

impl Recorded {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// Serves `answers.len()` requests on loopback and hands back what came.
fn recorder(answers: Vec<(u16, &'static str)>) -> (String, std::thread::JoinHandle<Vec<Recorded>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        let mut out = Vec::new();
        for (status, body) in answers {
            let (stream, _) = listener.accept().unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            let target = line.split_whitespace().nth(1).unwrap_or_default().to_owned();
            let mut headers = Vec::new();
            loop {
                let mut h = String::new();
                reader.read_line(&mut h).unwrap();
                let h = h.trim_end();
                if h.is_empty() {
                    break;
                }
                let (k, v) = h.split_once(':').unwrap();
                headers.push((k.trim().to_owned(), v.trim().to_owned()));
            }
            let len = headers.iter().find(|(k, _)| k.eq_ignore_ascii_case("content-length")).map_or(0, |(_, v)| v.parse().unwrap());
            let mut body_bytes = vec![0; len];
            reader.read_exact(&mut body_bytes).unwrap();
            let mut stream = stream;
            let reply = format!("HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}", body.len());
            stream.write_all(reply.as_bytes()).unwrap();
            out.push(Recorded { target, headers });
        }
        out
    });
    (url, handle)
}

#[test]
fn the_first_server_is_the_default_with_its_variables() {
    assert_eq!(SERVERS, ["https://eu.api.example.test/v2"]);
    let client = Client::builder().build().unwrap();
    assert_eq!(client.base_url(), "https://eu.api.example.test/v2");
}

#[tokio::test]
async fn each_operation_sends_what_its_requirement_asks_for() {
    let (url, server) = recorder(vec![(200, "{}"), (200, "{}"), (200, "{}"), (200, "{}"), (404, r#"{"message":"no such file"}"#)]);
    let client = Client::builder()
        .base_url(&url)
        .max_retries(0)
        .personal_access_token("figd_secret")
        .oauth2("oauth-token")
        .account_sid_auth_token("AC123", "")
        .api_key("q-key")
        .session("c-key")
        .timeout_credential("unused")
        .build()
        .unwrap();
    // The global requirement: the first alternative configured.
    client.files().list_with(&fixture_security_schemes::api::ListFilesParams { accept: Some("application/vnd.test+json".into()) }).await.unwrap();
    // `security: []`: nothing.
    client.files().get_public().await.unwrap();
    // Basic first; a client without it sends the query key and the cookie together.
    client.accounts().create_account().await.unwrap();
    let no_basic = Client::builder().base_url(&url).api_key("q-key").session("c-key").build().unwrap();
    no_basic.accounts().create_account().await.unwrap();
    // The declared error body's message.
    let err = client.files().list().await.unwrap_err();
    assert!(matches!(&err, Error::Api { status: 404, .. }));
    assert_eq!(err.api_error().and_then(|e| e.message.as_deref()), Some("no such file"));
    let got = server.join().unwrap();
    assert_eq!(got[0].header("x-figma-token"), Some("figd_secret"));
    assert_eq!(got[0].header("authorization"), None);
    assert_eq!(got[0].header("accept"), Some("application/vnd.test+json"));
    assert_eq!(got[1].header("x-figma-token"), None);
    assert_eq!(got[1].header("authorization"), None);
    assert_eq!(got[2].header("authorization"), Some("Basic QUMxMjM6"));
    assert_eq!(got[2].target, "/accounts");
    assert_eq!(got[3].target, "/accounts?api_key=q-key");
    assert_eq!(got[3].header("cookie"), Some("session=c-key"));
    assert!(got.iter().all(|r| r.header("user-agent") == Some("fixture-security-schemes/0.1.0")));
}

#[tokio::test]
async fn a_token_provider_stands_in_for_a_token() {
    let (url, server) = recorder(vec![(200, "{}")]);
    let client = Client::builder().base_url(&url).oauth2_provider(|| async { Ok::<_, Error>("fresh".to_owned()) }).build().unwrap();
    client.files().list().await.unwrap();
    assert_eq!(server.join().unwrap()[0].header("authorization"), Some("Bearer fresh"));
}
