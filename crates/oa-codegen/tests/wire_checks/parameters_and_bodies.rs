//! Built into the crate generated from `fixtures/parameters_and_bodies.yaml` (by
//! `tests/compile.rs`) and run against a loopback recorder: what the client sends is what
//! OpenAPI's style table says, compared as decoded name/value pairs.

use fixture_parameters_and_bodies::api::ListInvoicesParams;
use fixture_parameters_and_bodies::types::{CreateCustomerBody, CreateCustomerBodyAddress, ListInvoicesParamsCreated, ListInvoicesParamsSubscriptionItemsItem, Point};
use fixture_parameters_and_bodies::Client;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;

/// One recorded request.
struct Recorded {
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Recorded {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    fn query(&self) -> Vec<(String, String)> {
        self.target.split_once('?').map(|(_, q)| decode_pairs(q)).unwrap_or_default()
    }
}

fn decode_pairs(q: &str) -> Vec<(String, String)> {
    q.split('&').filter(|p| !p.is_empty()).map(|p| {
        let (k, v) = p.split_once('=').unwrap_or((p, ""));
        (percent_decode(k), percent_decode(v))
    }).collect()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

/// Serves `answers.len()` requests on loopback, answering each with the given status and JSON,
/// and hands back what came.
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
            out.push(Recorded { target, headers, body: body_bytes });
        }
        out
    });
    (url, handle)
}

fn client(url: &str) -> Client {
    Client::builder().base_url(url).max_retries(0).build().unwrap()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

#[tokio::test]
async fn query_and_header_parameters_follow_their_style() {
    let (url, server) = recorder(vec![(200, r#"{"coordinates": [1.5, 2, "x"]}"#)]);
    let params = ListInvoicesParams {
        created: Some(ListInvoicesParamsCreated { gt: 1700000000.into(), lte: 1800000000.into(), ..Default::default() }),
        subscription_items: Some(vec![
            ListInvoicesParamsSubscriptionItemsItem { price: "p_1".into(), quantity: 2.into(), ..Default::default() },
            ListInvoicesParamsSubscriptionItemsItem { price: "p_2".into(), ..Default::default() },
        ]),
        project: Some("my-project".into()),
        emoji: Some("smile".into()),
        tags: Some(vec!["a".into(), "b".into()]),
        ids: Some(vec![1, 2]),
        x_request_tag: Some("t-1".into()),
        x_retry_budget: 3,
    };
    let point: Point = client(&url).list_invoices(&params).await.unwrap();
    assert_eq!(*point.coordinates, (1.5, 2.0, "x".to_owned()));
    let got = server.join().unwrap().remove(0);
    assert!(got.target.starts_with("/invoices?"), "{}", got.target);
    assert_eq!(
        got.query(),
        pairs(&[
            ("created[gt]", "1700000000"),
            ("created[lte]", "1800000000"),
            ("subscription_items[0][price]", "p_1"),
            ("subscription_items[0][quantity]", "2"),
            ("subscription_items[1][price]", "p_2"),
            ("project", "my-project"),
            ("emoji", "smile"),
            ("tags", "a|b"),
            ("ids", "1"),
            ("ids", "2"),
        ])
    );
    assert_eq!(got.header("x-request-tag"), Some("t-1"));
    assert_eq!(got.header("x-retry-budget"), Some("3"));
}

#[tokio::test]
async fn path_parameters_by_style() {
    let (url, server) = recorder(vec![(200, r#"{}"#)]);
    // An operation without a tag is a method of `Client`, with the client's options.
    let options = fixture_parameters_and_bodies::RequestOptions::default().header("x-options", "root");
    client(&url).with_options(options).point_version("a b/c", "2").await.unwrap();
    let got = server.join().unwrap().remove(0);
    // `simple` percent-encodes the whole segment; `matrix` is `;name=value`.
    assert_eq!(got.target, "/points/a%20b%2Fc/versions;version=2");
    assert_eq!(got.header("x-options"), Some("root"));
}

#[tokio::test]
async fn bodies_that_are_not_json() {
    let (url, server) = recorder(vec![(200, r#"{}"#), (204, ""), (204, "")]);
    let c = client(&url);
    c.upload(b"\x00\x01binary").await.unwrap();
    c.add_note("a note").await.unwrap();
    let body = CreateCustomerBody {
        name: "Ada".into(),
        address: CreateCustomerBodyAddress { city: "Paris".into(), line1: "1 rue".into(), ..Default::default() }.into(),
        expand: vec!["a".to_owned(), "b".to_owned()].into(),
        ..Default::default()
    };
    c.create_customer(&body).await.unwrap();
    let got = server.join().unwrap();
    assert_eq!(got[0].header("content-type"), Some("application/octet-stream"));
    assert_eq!(got[0].body, b"\x00\x01binary");
    assert_eq!(got[1].header("content-type"), Some("text/plain"));
    assert_eq!(got[1].body, b"a note");
    assert_eq!(got[2].header("content-type"), Some("application/x-www-form-urlencoded"));
    assert_eq!(
        decode_pairs(std::str::from_utf8(&got[2].body).unwrap()),
        pairs(&[("name", "Ada"), ("address[city]", "Paris"), ("address[line1]", "1 rue"), ("expand[0]", "a"), ("expand[1]", "b")])
    );
}
