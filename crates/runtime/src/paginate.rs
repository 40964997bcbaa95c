//! Lazy pagination over cursor-based list endpoints (`after` / `has_more` / `last_id`).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::Stream;

use super::error::Error;

/// A page of a cursor-paginated list. Generated list types implement it.
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
/// the stream is polled. The stream ends after a page with `has_more() == false`,
/// without a `last_id`, or whose `last_id` repeats the cursor it was fetched
/// with; it also ends after yielding an error.
pub fn paginate<P, F, Fut>(first_after: Option<String>, fetch: F) -> Paginator<F, Fut>
where
    P: Page,
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<P, Error>>,
{
    Paginator {
        fetch,
        next: Some(first_after),
        cursor: None,
        in_flight: None,
    }
}

/// The stream returned by [`paginate`]; yields whole pages.
pub struct Paginator<F, Fut> {
    fetch: F,
    /// Cursor of the next page to fetch; `None` once finished.
    next: Option<Option<String>>,
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
                            Some(id) if page.has_more() && this.cursor.as_deref() != Some(id) => {
                                Some(Some(id.to_owned()))
                            }
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
                Some(cursor) => {
                    this.cursor = cursor.clone();
                    this.in_flight = Some(Box::pin((this.fetch)(cursor)));
                }
                None => return Poll::Ready(None),
            }
        }
    }
}
