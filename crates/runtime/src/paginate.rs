//! Lazy pagination of list operations: [`PageStream`] walks any style (a cursor from the last
//! item or a page field, a next-cursor field, offset/limit, a `Link: rel="next"` header, a
//! next-page URL in the body), one request per page; [`paginate`] is the older closure-driven
//! walker of `after` cursors.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::Stream;
use reqwest::header::HeaderMap;
use reqwest::Url;
use serde::de::DeserializeOwned;

use super::client::Client;
use super::error::Error;
use super::request::{ApiRequest, IntoRequest};

/// How the page after this one is asked for; generated list methods compute it from each page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NextPage {
    /// The first request again, with the query parameter set to this value (a cursor or offset).
    Query(&'static str, String),
    /// This URL (resolved against the page's), sent as given: the first request's query
    /// parameters are not added again.
    Url(String),
    /// This was the last page.
    End,
}

impl NextPage {
    /// `param` set to `cursor`; the end when there is no cursor or it is empty.
    pub fn cursor(param: &'static str, cursor: Option<&str>) -> Self {
        match cursor {
            Some(c) if !c.is_empty() => NextPage::Query(param, c.to_owned()),
            _ => NextPage::End,
        }
    }

    /// Like [`NextPage::cursor`], and the end unless the page says there are more (`has_more`).
    pub fn cursor_while(more: Option<bool>, param: &'static str, cursor: Option<&str>) -> Self {
        if more == Some(true) {
            Self::cursor(param, cursor)
        } else {
            NextPage::End
        }
    }

    /// The offset after this page's `count` items: from the offset this page was asked with
    /// (else the page's own `start`, else 0). The end after an empty page, when the page says
    /// there are no more, or when the next offset reaches `total`.
    pub fn offset(
        param: &'static str,
        page: &PageInfo,
        start: Option<i64>,
        count: usize,
        more: Option<bool>,
        total: Option<i64>,
    ) -> Self {
        if count == 0 || more == Some(false) {
            return NextPage::End;
        }
        let asked = page.query(param).and_then(|v| v.trim().parse::<i64>().ok());
        let next = asked.or(start).unwrap_or(0).saturating_add(count as i64);
        if total.is_some_and(|total| next >= total) {
            return NextPage::End;
        }
        NextPage::Query(param, next.to_string())
    }

    /// The URL of the next page; the end when there is none or it is empty.
    pub fn url(url: Option<&str>) -> Self {
        match url {
            Some(u) if !u.trim().is_empty() => NextPage::Url(u.to_owned()),
            _ => NextPage::End,
        }
    }

    /// The `Link` header's `rel="next"` target; the end without one.
    pub fn link(page: &PageInfo) -> Self {
        Self::url(page.next_link().as_deref())
    }
}

/// What arrived with a page besides its body: the URL it was fetched from and the headers.
#[derive(Clone, Debug)]
pub struct PageInfo {
    url: Url,
    headers: HeaderMap,
}

impl PageInfo {
    /// Describes a page fetched from `url` whose answer carried `headers`.
    pub fn new(url: Url, headers: HeaderMap) -> Self {
        PageInfo { url, headers }
    }

    /// The URL the page was fetched from, query included.
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The first value of the query parameter `name` in the page's URL.
    pub fn query(&self, name: &str) -> Option<String> {
        self.url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
    }

    /// The target of the `Link` header's `rel="next"` entry (RFC 8288), if any.
    pub fn next_link(&self) -> Option<String> {
        self.headers
            .get_all(reqwest::header::LINK)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(link_next)
    }
}

/// The `rel="next"` target of one `Link` header value.
fn link_next(value: &str) -> Option<String> {
    let mut rest = value;
    while let Some(open) = rest.find('<') {
        let close = open + rest[open..].find('>')?;
        let target = &rest[open + 1..close];
        rest = &rest[close + 1..];
        let params = &rest[..rest.find('<').unwrap_or(rest.len())];
        let next = params.split(';').any(|p| {
            let Some((key, value)) = p.split_once('=') else { return false };
            key.trim().eq_ignore_ascii_case("rel")
                && value
                    .trim_matches(|c: char| c == '"' || c == ',' || c.is_ascii_whitespace())
                    .split_ascii_whitespace()
                    .any(|rel| rel.eq_ignore_ascii_case("next"))
        });
        if next {
            return Some(target.trim().to_owned());
        }
    }
    None
}

type PageFuture<P> = Pin<Box<dyn Future<Output = Result<(P, PageInfo), Error>> + Send>>;

/// Every page of a list operation, fetched lazily: one request per page, none after the last.
///
/// The first request is sent as built (the user's parameters unchanged: no page size is added
/// or raised); `next` reads each page and says how to ask for the following one. The stream
/// yields the error that ends it: an API or decoding error, a cursor or URL that was already
/// used (the server would make it loop), or a next-page URL on another origin (scheme, host or
/// port), which is never requested.
pub struct PageStream<P> {
    client: Client,
    /// The first request, which cursor and offset pages repeat with one parameter changed.
    first: Option<ApiRequest>,
    /// What to do next; `None` once finished.
    next: Option<Result<ApiRequest, Error>>,
    decide: fn(&P, &PageInfo) -> NextPage,
    /// Cursors (`name=value`) and URLs already requested.
    seen: Vec<String>,
    in_flight: Option<PageFuture<P>>,
}

// No `P: Send` bound: proving it for a deeply recursive page type can overflow rustc's
// recursion limit in the generated crate; a `PageStream` is `Send` all the same.
impl<P> PageStream<P>
where
    P: DeserializeOwned + 'static,
{
    /// Walks the pages from `first`, asking for each next one as `next` says.
    pub fn new(client: &Client, first: impl IntoRequest, next: fn(&P, &PageInfo) -> NextPage) -> Self {
        let first = first.into_request();
        PageStream {
            client: client.clone(),
            first: first.as_ref().ok().cloned(),
            next: Some(first),
            decide: next,
            seen: Vec::new(),
            in_flight: None,
        }
    }

    /// Every item of every page: `take` splits a page into its items.
    /// The stream is `Send` when the items are (auto traits pass through `impl Stream`).
    pub fn items<I>(self, take: fn(P) -> Vec<I>) -> impl Stream<Item = Result<I, Error>> {
        use futures_util::StreamExt;
        self.flat_map(move |page| {
            let items: Vec<Result<I, Error>> = match page {
                Ok(page) => take(page).into_iter().map(Ok).collect(),
                Err(error) => vec![Err(error)],
            };
            futures_util::stream::iter(items)
        })
    }

    fn fetch(&self, request: ApiRequest) -> PageFuture<P> {
        let client = self.client.clone();
        Box::pin(async move {
            let url = client.request_url(&request)?;
            let response = client.send_json_with_response::<P>(request).await?;
            Ok((response.data, PageInfo::new(url, response.headers)))
        })
    }

    /// The request for the page after `page`, `None` after the last one.
    fn follow(&mut self, next: NextPage, page: &PageInfo) -> Option<Result<ApiRequest, Error>> {
        let first = self.first.as_ref()?;
        match next {
            NextPage::End => None,
            NextPage::Query(name, value) => {
                let key = format!("{name}={value}");
                if page.query(name).as_deref() == Some(value.as_str()) || self.seen.contains(&key) {
                    return Some(Err(Error::Pagination(format!(
                        "the server repeated the cursor {key}; the list would loop"
                    ))));
                }
                self.seen.push(key);
                Some(Ok(first.clone().set_query(name, value)))
            }
            NextPage::Url(target) => Some(self.follow_url(&target, page)),
        }
    }

    fn follow_url(&mut self, target: &str, page: &PageInfo) -> Result<ApiRequest, Error> {
        let url = page
            .url
            .join(target.trim())
            .map_err(|e| Error::Pagination(format!("invalid next-page URL: {e}")))?;
        if url.origin() != page.url.origin() {
            return Err(Error::Pagination(format!(
                "the next page is on another origin ({}), not followed",
                url.origin().ascii_serialization()
            )));
        }
        if url == page.url || self.seen.iter().any(|s| s == url.as_str()) {
            return Err(Error::Pagination(format!(
                "the server repeated the next-page URL {url}; the list would loop"
            )));
        }
        self.seen.push(url.to_string());
        let mut request = self.first.clone().expect("checked by the caller");
        request.query.clear();
        request.path = url.path().to_owned();
        request.absolute = Some(url);
        Ok(request)
    }
}

impl<P> fmt::Debug for PageStream<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PageStream")
            .field("pages_requested", &(self.seen.len() + usize::from(self.first.is_some())))
            .field("finished", &(self.next.is_none() && self.in_flight.is_none()))
            .finish_non_exhaustive()
    }
}

impl<P> Stream for PageStream<P>
where
    P: DeserializeOwned + 'static,
{
    type Item = Result<P, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if let Some(fut) = this.in_flight.as_mut() {
            let result = match fut.as_mut().poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(r) => r,
            };
            this.in_flight = None;
            return Poll::Ready(Some(match result {
                Ok((page, info)) => {
                    let next = (this.decide)(&page, &info);
                    this.next = this.follow(next, &info);
                    Ok(page)
                }
                Err(e) => {
                    this.next = None;
                    Err(e)
                }
            }));
        }
        match this.next.take() {
            Some(Ok(request)) => {
                this.in_flight = Some(this.fetch(request));
                Pin::new(this).poll_next(cx)
            }
            Some(Err(e)) => Poll::Ready(Some(Err(e))),
            None => Poll::Ready(None),
        }
    }
}

/// A page of a cursor-paginated list in the `after` / `has_more` / `last_id` shape; generated
/// page types of that shape implement it (for [`paginate`]).
pub trait Page {
    /// Whether the server has more items after this page.
    fn has_more(&self) -> bool;
    /// The id to pass as `after` for the next page.
    fn last_id(&self) -> Option<&str>;
}

/// Walks a list endpoint page by page.
///
/// `fetch` receives the `after` cursor (`first_after` for the first page, then
/// each page's `last_id`) and returns the page future. Nothing is fetched until
/// the stream is polled. The stream ends after a page with `has_more() == false`
/// or without a `last_id`, and after yielding an error; a `last_id` that repeats the
/// cursor its page was fetched with is [`Error::Pagination`] (the list would loop).
pub fn paginate<P, F, Fut>(first_after: Option<String>, fetch: F) -> Paginator<F, Fut>
where
    P: Page,
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<P, Error>>,
{
    Paginator {
        fetch,
        next: Some(Ok(first_after)),
        cursor: None,
        in_flight: None,
    }
}

/// The stream returned by [`paginate`]; yields whole pages.
pub struct Paginator<F, Fut> {
    fetch: F,
    /// Cursor of the next page to fetch, or the error to yield; `None` once finished.
    next: Option<Result<Option<String>, Error>>,
    /// Cursor the in-flight page was requested with.
    cursor: Option<String>,
    in_flight: Option<Pin<Box<Fut>>>,
}

// `fetch` is only ever called through `&mut`, never pinned, and the page
// future is boxed, so moving a `Paginator` is always fine.
impl<F, Fut> Unpin for Paginator<F, Fut> {}

impl<F, Fut> fmt::Debug for Paginator<F, Fut> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Paginator")
            .field("cursor", &self.cursor)
            .field(
                "finished",
                &(self.next.is_none() && self.in_flight.is_none()),
            )
            .finish_non_exhaustive()
    }
}

impl<P, F, Fut> Stream for Paginator<F, Fut>
where
    P: Page,
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<P, Error>>,
{
    type Item = Result<P, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(fut) = this.in_flight.as_mut() {
                let result = match fut.as_mut().poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(r) => r,
                };
                this.in_flight = None;
                return Poll::Ready(Some(match result {
                    Ok(page) => {
                        this.next = match page.last_id() {
                            Some(id) if page.has_more() && this.cursor.as_deref() == Some(id) => {
                                Some(Err(Error::Pagination(format!(
                                    "the server repeated the cursor after={id}; the list would loop"
                                ))))
                            }
                            Some(id) if page.has_more() => Some(Ok(Some(id.to_owned()))),
                            _ => None,
                        };
                        Ok(page)
                    }
                    Err(e) => {
                        this.next = None;
                        Err(e)
                    }
                }));
            }
            match this.next.take() {
                Some(Ok(cursor)) => {
                    this.cursor = cursor.clone();
                    this.in_flight = Some(Box::pin((this.fetch)(cursor)));
                }
                Some(Err(e)) => return Poll::Ready(Some(Err(e))),
                None => return Poll::Ready(None),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(url: &str, link: Option<&str>) -> PageInfo {
        let mut headers = HeaderMap::new();
        if let Some(l) = link {
            headers.insert(reqwest::header::LINK, l.parse().unwrap());
        }
        PageInfo::new(Url::parse(url).unwrap(), headers)
    }

    #[test]
    fn link_header_next_is_found_among_other_relations() {
        let page = info(
            "https://h.test/x?page=1",
            Some(r#"<https://h.test/x?page=1&a=b,c>; rel="first", <https://h.test/x?page=2>; rel="next", <https://h.test/x?page=9>; rel=last"#),
        );
        assert_eq!(page.next_link().as_deref(), Some("https://h.test/x?page=2"));
        assert_eq!(NextPage::link(&page), NextPage::Url("https://h.test/x?page=2".into()));
        assert_eq!(link_next(r#"</y>; title="a;b"; rel="prev next""#).as_deref(), Some("/y"));
        assert_eq!(link_next(r#"<https://h.test/x?page=1>; rel="prev""#), None);
        assert_eq!(NextPage::link(&info("https://h.test/x", None)), NextPage::End);
    }

    #[test]
    fn offsets_advance_by_the_items_received_and_stop_at_the_end() {
        let page = info("https://h.test/x?offset=20&limit=10", None);
        assert_eq!(NextPage::offset("offset", &page, None, 10, Some(true), None), NextPage::Query("offset", "30".into()));
        assert_eq!(NextPage::offset("offset", &page, None, 10, Some(false), None), NextPage::End);
        assert_eq!(NextPage::offset("offset", &page, None, 10, None, Some(30)), NextPage::End);
        assert_eq!(NextPage::offset("offset", &page, None, 10, None, Some(31)), NextPage::Query("offset", "30".into()));
        assert_eq!(NextPage::offset("offset", &page, None, 0, Some(true), None), NextPage::End);
        // Without an offset in the request: the page's own start, else 0.
        let first = info("https://h.test/x", None);
        assert_eq!(NextPage::offset("offset", &first, Some(5), 3, Some(true), None), NextPage::Query("offset", "8".into()));
        assert_eq!(NextPage::offset("offset", &first, None, 3, Some(true), None), NextPage::Query("offset", "3".into()));
    }

    #[test]
    fn streams_are_send_without_asking_it_of_the_page_type() {
        fn send<T: Send>(_: &T) {}
        static PROFILE: super::super::ApiProfile = super::super::ApiProfile::new("tests");
        let client = super::super::ClientBuilder::new(&PROFILE).base_url("http://127.0.0.1:9").build().unwrap();
        let pages = PageStream::new(&client, ApiRequest::new(reqwest::Method::GET, "/x"), |_: &Vec<String>, _| NextPage::End);
        send(&pages);
        send(&pages.items(|page| page));
    }

    #[test]
    fn cursors_end_when_absent_empty_or_without_more() {
        assert_eq!(NextPage::cursor("c", Some("x")), NextPage::Query("c", "x".into()));
        assert_eq!(NextPage::cursor("c", Some("")), NextPage::End);
        assert_eq!(NextPage::cursor("c", None), NextPage::End);
        assert_eq!(NextPage::cursor_while(Some(true), "c", Some("x")), NextPage::Query("c", "x".into()));
        assert_eq!(NextPage::cursor_while(None, "c", Some("x")), NextPage::End);
        assert_eq!(NextPage::url(Some(" ")), NextPage::End);
    }

    #[test]
    fn set_query_replaces_the_first_pair_and_drops_the_others() {
        let request = ApiRequest::new(reqwest::Method::GET, "/x")
            .query("a", 1)
            .query("after", "u")
            .query("b", 2)
            .query("after", "v")
            .set_query("after", "w".into());
        let pairs: Vec<(&str, &str)> = request.query.iter().map(|q| (&*q.name, q.value.as_str())).collect();
        assert_eq!(pairs, [("a", "1"), ("after", "w"), ("b", "2")]);
        let request = ApiRequest::new(reqwest::Method::GET, "/x").set_query("after", "w".into());
        assert_eq!(request.query.len(), 1);
    }
}
