//! `paginate` and `poll_until`, driven by closures, and `PageStream` (pagination also over real HTTP).

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{RecordingSleeper, Reply, TestServer};
use futures_util::{StreamExt, TryStreamExt};
use oa_runtime::{paginate, poll_until, ApiRequest, Error, NextPage, Page, PageInfo, PageStream, PollOptions};
use reqwest::Method;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct List {
    data: Vec<Item>,
    has_more: bool,
    last_id: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Item {
    id: String,
}

impl Page for List {
    fn has_more(&self) -> bool {
        self.has_more
    }
    fn last_id(&self) -> Option<&str> {
        self.last_id.as_deref()
    }
}

#[tokio::test]
async fn paginate_follows_cursors_lazily() {
    let server = TestServer::start(vec![
        Reply::json(
            200,
            r#"{"data":[{"id":"a"},{"id":"b"}],"has_more":true,"last_id":"b"}"#,
        ),
        Reply::json(
            200,
            r#"{"data":[{"id":"c"}],"has_more":false,"last_id":"c"}"#,
        ),
    ])
    .await;
    let sleeper = RecordingSleeper::new();
    let client = server.builder(&sleeper).build().unwrap();
    let pages = paginate(None, |after| {
        let client = client.clone();
        async move {
            let req = ApiRequest::new(Method::GET, "/items")
                .query("limit", 2)
                .query_opt("after", after);
            client.send_json::<List>(req).await
        }
    });
    assert!(
        server.requests().is_empty(),
        "nothing is fetched before polling"
    );
    let pages: Vec<List> = pages.try_collect().await.unwrap();
    let ids: Vec<_> = pages
        .iter()
        .flat_map(|p| p.data.iter().map(|i| i.id.as_str()))
        .collect();
    assert_eq!(ids, ["a", "b", "c"]);
    let reqs = server.requests();
    assert_eq!(reqs[0].query.as_deref(), Some("limit=2"));
    assert_eq!(reqs[1].query.as_deref(), Some("limit=2&after=b"));
}

#[tokio::test]
async fn paginate_stops_on_errors_missing_or_repeated_cursors() {
    let calls = Arc::new(Mutex::new(Vec::new()));
    let c = calls.clone();
    let pages: Vec<_> = paginate(Some("start".into()), move |after| {
        c.lock().unwrap().push(after.clone());
        let page = List {
            data: vec![],
            has_more: true,
            last_id: Some("same".into()),
        };
        async move { Ok::<_, Error>(page) }
    })
    .collect()
    .await;
    // The second page repeats the cursor it was fetched with: an error instead of a loop.
    assert_eq!(pages.len(), 3);
    assert!(matches!(pages[2], Err(Error::Pagination(_))), "{pages:?}");
    assert_eq!(
        *calls.lock().unwrap(),
        vec![Some("start".to_owned()), Some("same".to_owned())]
    );

    let pages: Vec<_> = paginate(None, |_| async {
        Err::<List, _>(Error::Config("x".into()))
    })
    .collect()
    .await;
    assert_eq!(pages.len(), 1);

    let pages: Vec<_> = paginate(None, |_| async {
        Ok::<_, Error>(List {
            data: vec![],
            has_more: true,
            last_id: None,
        })
    })
    .collect()
    .await;
    assert_eq!(pages.len(), 1);
}

fn by_next_url(page: &serde_json::Value, _: &PageInfo) -> NextPage {
    NextPage::url(page["next"].as_str())
}

#[tokio::test]
async fn page_stream_follows_next_urls_on_the_same_origin_only() {
    let server = TestServer::start(vec![
        Reply::json(200, r#"{"next":"/items?page=2&q=1"}"#),
        Reply::json(200, r#"{"next":"http://other.test/items?page=3"}"#),
    ])
    .await;
    let sleeper = RecordingSleeper::new();
    let client = server.builder(&sleeper).default_query("v", "7").build().unwrap();
    let first = ApiRequest::new(Method::GET, "/items").query("q", "1").query("limit", 2);
    let pages: Vec<_> = PageStream::new(&client, first, by_next_url).collect().await;
    assert_eq!(pages.len(), 3, "{pages:?}");
    assert!(matches!(&pages[2], Err(Error::Pagination(m)) if m.contains("another origin")), "{pages:?}");
    let queries: Vec<_> = server.requests().into_iter().map(|r| r.query).collect();
    // The next URL is sent as given; only the default pair it lacks is added.
    assert_eq!(queries, [Some("v=7&q=1&limit=2".to_owned()), Some("page=2&q=1&v=7".to_owned())]);
}

fn by_cursor(page: &serde_json::Value, _: &PageInfo) -> NextPage {
    NextPage::cursor("cursor", page["next_cursor"].as_str())
}

#[tokio::test]
async fn page_stream_ends_with_an_error_on_a_repeated_cursor() {
    let server = TestServer::start(vec![
        Reply::json(200, r#"{"next_cursor":"a"}"#),
        Reply::json(200, r#"{"next_cursor":"b"}"#),
        Reply::json(200, r#"{"next_cursor":"a"}"#),
    ])
    .await;
    let sleeper = RecordingSleeper::new();
    let client = server.builder(&sleeper).build().unwrap();
    let first = ApiRequest::new(Method::GET, "/items").query("limit", 2);
    let pages: Vec<_> = PageStream::new(&client, first, by_cursor).collect().await;
    assert_eq!(pages.len(), 4, "{pages:?}");
    assert!(matches!(&pages[3], Err(Error::Pagination(m)) if m.contains("cursor=a")), "{pages:?}");
    let queries: Vec<_> = server.requests().into_iter().map(|r| r.query).collect();
    assert_eq!(
        queries,
        [Some("limit=2".to_owned()), Some("limit=2&cursor=a".to_owned()), Some("limit=2&cursor=b".to_owned())]
    );
}

#[tokio::test]
async fn poll_until_backs_off_through_the_sleeper() {
    let server = TestServer::start(vec![]).await;
    let sleeper = RecordingSleeper::new();
    let client = server.builder(&sleeper).build().unwrap();
    let n = Arc::new(Mutex::new(0));
    let status = poll_until(
        &client,
        &PollOptions::default(),
        || {
            let n = n.clone();
            async move {
                let mut n = n.lock().unwrap();
                *n += 1;
                Ok::<_, Error>(if *n < 7 { "in_progress" } else { "completed" })
            }
        },
        |s| *s == "completed",
    )
    .await
    .unwrap();
    assert_eq!(status, "completed");
    let secs: Vec<u64> = sleeper.delays().iter().map(Duration::as_secs).collect();
    assert_eq!(secs, [1, 2, 4, 8, 8, 8]);
}

#[tokio::test]
async fn poll_until_gives_up_after_max_wait() {
    let server = TestServer::start(vec![]).await;
    let sleeper = RecordingSleeper::new();
    let client = server.builder(&sleeper).build().unwrap();
    let opts = PollOptions::default().max_wait(Duration::from_secs(5));
    let err = poll_until(&client, &opts, || async { Ok::<_, Error>(0) }, |_| false)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout(Some(d)) if d == Duration::from_secs(5)));
    let secs: Vec<u64> = sleeper.delays().iter().map(Duration::as_secs).collect();
    assert_eq!(secs, [1, 2, 2]);
}
