//! Built into the crate generated from `fixtures/pagination_styles.yaml` (by `tests/compile.rs`)
//! and run against a loopback server: each pagination style walks its list to the end with
//! exactly one request per page, sends the user's parameters unchanged, and ends with
//! `Error::Pagination` on a repeated cursor or a next link to another origin.

use fixture_pagination_styles::api::{
    ListByContinueParams, ListByLastIdParams, ListByLastItemParams, ListByMarkerParams, ListByNextUriParams, ListByOffsetMoreParams,
    ListByOffsetTotalParams, ListByPageNumberParams, ListDropshotParams, ListMembersParams,
};
use fixture_pagination_styles::types::Thing;
use fixture_pagination_styles::{Client, Error};
use futures_util::StreamExt;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;

/// One answer: extra header lines (`Link: ...`) and the JSON body; `{base}` in either becomes
/// the server's own URL.
type Answer = (&'static str, &'static str);

/// Serves `answers.len()` requests on loopback and hands back the request targets, in order.
fn server(answers: Vec<Answer>) -> (String, std::thread::JoinHandle<Vec<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let url = base.clone();
    let handle = std::thread::spawn(move || {
        let mut targets = Vec::new();
        for (headers, body) in answers {
            let (stream, _) = listener.accept().unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            targets.push(line.split_whitespace().nth(1).unwrap_or_default().to_owned());
            loop {
                let mut h = String::new();
                reader.read_line(&mut h).unwrap();
                if h.trim_end().is_empty() {
                    break;
                }
            }
            let body = body.replace("{base}", &base);
            let headers = headers.replace("{base}", &base);
            let reply = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n{headers}content-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let mut stream = stream;
            stream.write_all(reply.as_bytes()).unwrap();
        }
        targets
    });
    (url, handle)
}

fn client(url: &str) -> Client {
    Client::builder().base_url(url).max_retries(0).build().unwrap()
}

/// What a stream of items yielded: ids, or `pagination` for `Error::Pagination`.
async fn ids(stream: impl futures_util::Stream<Item = Result<Thing, Error>>) -> Vec<Result<String, String>> {
    stream
        .map(|item| {
            item.map(|t| t.id.to_string()).map_err(|e| match e {
                Error::Pagination(_) => "pagination".to_owned(),
                other => other.to_string(),
            })
        })
        .collect()
        .await
}

fn ok(ids: &[&str]) -> Vec<Result<String, String>> {
    ids.iter().map(|id| Ok(id.to_string())).collect()
}

fn start(answers: Vec<Answer>) -> (Client, std::thread::JoinHandle<Vec<String>>) {
    let (url, server) = server(answers);
    (client(&url), server)
}

#[tokio::test]
async fn cursor_of_the_last_item_from_a_page_field() {
    let (c, server) = start(vec![
        ("", r#"{"data":[{"id":"a"},{"id":"b"}],"last_id":"b","has_more":true}"#),
        ("", r#"{"data":[{"id":"c"}],"last_id":"c","has_more":false}"#),
    ]);
    let params = ListByLastIdParams { limit: Some(2), ..Default::default() };
    assert_eq!(ids(c.lists().list_by_last_id_stream_with(&params)).await, ok(&["a", "b", "c"]));
    assert_eq!(server.join().unwrap(), ["/last-id?limit=2", "/last-id?limit=2&after=b"]);
}

#[tokio::test]
async fn cursor_of_the_last_item_from_its_id() {
    let (c, server) = start(vec![
        ("", r#"{"object":"list","data":[{"id":"a"},{"id":"b"}],"has_more":true}"#),
        ("", r#"{"object":"list","data":[{"id":"c"}],"has_more":true}"#),
        ("", r#"{"object":"list","data":[],"has_more":false}"#),
    ]);
    let params = ListByLastItemParams { starting_after: Some("z".into()), limit: Some(2) };
    assert_eq!(ids(c.lists().list_by_last_item_stream_with(&params)).await, ok(&["a", "b", "c"]));
    // The user's own cursor starts the walk; it is replaced in place, never repeated.
    assert_eq!(
        server.join().unwrap(),
        ["/last-item?starting_after=z&limit=2", "/last-item?starting_after=b&limit=2", "/last-item?starting_after=c&limit=2"]
    );
}

#[tokio::test]
async fn next_cursor_fields() {
    let (c, server) = start(vec![
        ("", r#"{"metadata":{"continue":"k1"},"items":[{"id":"a"}]}"#),
        ("", r#"{"metadata":{"continue":""},"items":[{"id":"b"}]}"#),
        ("", r#"{"things":[{"id":"c"}],"nextPageToken":"t1"}"#),
        ("", r#"{"things":[{"id":"d"}]}"#),
        ("", r#"{"items":[{"id":"e"}],"next_page":"p1"}"#),
        ("", r#"{"items":[{"id":"f"}],"next_page":null}"#),
        ("", r#"{"entries":[{"id":"g"}],"next_marker":"m1"}"#),
        ("", r#"{"entries":[],"next_marker":null}"#),
    ]);
    let l = c.lists();
    assert_eq!(ids(l.list_by_continue_stream_with(&ListByContinueParams { limit: Some(1), ..Default::default() })).await, ok(&["a", "b"]));
    assert_eq!(ids(l.list_by_token_stream()).await, ok(&["c", "d"]));
    assert_eq!(ids(l.list_dropshot_stream_with(&ListDropshotParams { limit: Some(1), ..Default::default() })).await, ok(&["e", "f"]));
    assert_eq!(ids(l.list_by_marker_stream_with(&ListByMarkerParams { limit: Some(1), ..Default::default() })).await, ok(&["g"]));
    assert_eq!(
        server.join().unwrap(),
        [
            "/continue?limit=1",
            "/continue?limit=1&continue=k1",
            "/token",
            "/token?pageToken=t1",
            "/dropshot?limit=1",
            "/dropshot?limit=1&page_token=p1",
            "/marker?limit=1",
            "/marker?limit=1&marker=m1",
        ]
    );
}

#[tokio::test]
async fn offsets_with_more_or_a_total() {
    let (c, server) = start(vec![
        ("", r#"{"things":[{"id":"a"},{"id":"b"}],"offset":0,"limit":2,"more":true}"#),
        ("", r#"{"things":[{"id":"c"}],"offset":2,"limit":2,"more":false}"#),
        ("", r#"{"entries":[{"id":"d"},{"id":"e"}],"offset":10,"total_count":13}"#),
        ("", r#"{"entries":[{"id":"f"}],"offset":12,"total_count":13}"#),
    ]);
    let l = c.lists();
    let more = ListByOffsetMoreParams { limit: Some(2), ..Default::default() };
    assert_eq!(ids(l.list_by_offset_more_stream_with(&more)).await, ok(&["a", "b", "c"]));
    // The server gives fewer than asked: the next offset counts what arrived, not the limit.
    let total = ListByOffsetTotalParams { offset: Some(10), limit: Some(5) };
    assert_eq!(ids(l.list_by_offset_total_stream_with(&total)).await, ok(&["d", "e", "f"]));
    assert_eq!(
        server.join().unwrap(),
        ["/offset-more?limit=2", "/offset-more?limit=2&offset=2", "/offset-total?offset=10&limit=5", "/offset-total?offset=12&limit=5"]
    );
}

#[tokio::test]
async fn page_numbers_follow_the_link_header() {
    let (c, server) = start(vec![
        ("Link: <{base}/numbered?per_page=2&page=2>; rel=\"next\", <{base}/numbered?per_page=2&page=3>; rel=\"last\"\r\n", r#"[{"id":"a"},{"id":"b"}]"#),
        ("Link: <{base}/numbered?per_page=2&page=3>; rel=\"next\"\r\n", r#"[{"id":"c"},{"id":"d"}]"#),
        ("Link: <{base}/numbered?per_page=2&page=1>; rel=\"first\"\r\n", r#"[{"id":"e"}]"#),
    ]);
    let params = ListByPageNumberParams { per_page: Some(2), ..Default::default() };
    assert_eq!(ids(c.lists().list_by_page_number_stream_with(&params)).await, ok(&["a", "b", "c", "d", "e"]));
    assert_eq!(server.join().unwrap(), ["/numbered?per_page=2", "/numbered?per_page=2&page=2", "/numbered?per_page=2&page=3"]);
}

#[tokio::test]
async fn next_page_url_in_the_body_is_sent_as_given() {
    let (c, server) = start(vec![
        ("", r#"{"things":[{"id":"a"}],"next_page_uri":"/next-uri?PageSize=1&Page=1&PageToken=x1"}"#),
        ("", r#"{"things":[{"id":"b"}],"next_page_uri":"{base}/next-uri?PageSize=1&Page=2&PageToken=x2"}"#),
        ("", r#"{"things":[{"id":"c"}],"next_page_uri":null}"#),
    ]);
    let params = ListByNextUriParams { page_size: Some(1), status: Some("sent".into()) };
    assert_eq!(ids(c.lists().list_by_next_uri_stream_with(&params)).await, ok(&["a", "b", "c"]));
    // `Status` is not added again: the server's URL is the whole next request.
    assert_eq!(
        server.join().unwrap(),
        ["/next-uri?PageSize=1&Status=sent", "/next-uri?PageSize=1&Page=1&PageToken=x1", "/next-uri?PageSize=1&Page=2&PageToken=x2"]
    );
}

#[tokio::test]
async fn a_next_link_to_another_origin_is_refused() {
    let (c, server) = start(vec![("", r#"{"things":[{"id":"a"}],"next_page_uri":"http://127.0.0.2:9/next-uri?Page=1"}"#)]);
    let items = ids(c.lists().list_by_next_uri_stream()).await;
    assert_eq!(items, [Ok("a".to_owned()), Err("pagination".to_owned())]);
    assert_eq!(server.join().unwrap(), ["/next-uri"]);
}

#[tokio::test]
async fn a_repeated_cursor_ends_with_an_error() {
    let (c, server) = start(vec![
        ("", r#"{"members":[{"id":"a"}],"next_cursor":"c1"}"#),
        ("", r#"{"members":[{"id":"b"}],"next_cursor":"c2"}"#),
        ("", r#"{"members":[{"id":"c"}],"next_cursor":"c1"}"#),
    ]);
    // Required parameters: `_pages` and `_stream` take the struct, as `list_members` does.
    let params = ListMembersParams { role: "admin".into(), cursor: None };
    let items = ids(c.lists().list_members_stream("g 1", &params)).await;
    assert_eq!(items, [Ok("a".to_owned()), Ok("b".to_owned()), Ok("c".to_owned()), Err("pagination".to_owned())]);
    assert_eq!(
        server.join().unwrap(),
        ["/groups/g%201/members?role=admin", "/groups/g%201/members?role=admin&cursor=c1", "/groups/g%201/members?role=admin&cursor=c2"]
    );
}

#[tokio::test]
async fn pages_are_whole_answers_and_nothing_is_sent_before_polling() {
    let (c, server) = start(vec![
        ("", r#"{"data":[{"id":"a"}],"last_id":"a","has_more":true}"#),
        ("", r#"{"data":[{"id":"b"}],"last_id":"b"}"#),
    ]);
    let pages = c.lists().list_by_last_id_pages();
    let pages: Vec<_> = pages.collect().await;
    let last: Vec<String> = pages.into_iter().map(|p| p.unwrap().last_id.to_string()).collect();
    assert_eq!(last, ["a", "b"]);
    // No `has_more` on the second page: it is the last.
    assert_eq!(server.join().unwrap(), ["/last-id", "/last-id?after=a"]);
}
