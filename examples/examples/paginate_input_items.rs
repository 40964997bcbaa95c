//! Walk the input items of a stored response, page by page or item by item.

use futures_util::StreamExt;
use openai_responses::api::InputItemsQuery;
use openai_responses::types::InputItemsQueryOrder;
use openai_responses::{Client, Error};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let client = Client::from_env()?;
    let id = std::env::args()
        .nth(1)
        .expect("usage: paginate_input_items <response id>");
    let query = InputItemsQuery {
        limit: Some(20),
        order: Some(InputItemsQueryOrder::Asc),
        ..Default::default()
    };

    // Every page, following `last_id` while `has_more` is set.
    let mut pages = std::pin::pin!(client.responses().input_items_pages(&id, &query));
    while let Some(page) = pages.next().await {
        let page = page?;
        println!(
            "page of {} items, {} .. {}",
            page.data.len(),
            page.first_id,
            page.last_id
        );
    }

    // Or every item, fetching pages lazily.
    let items = client.responses().input_items_stream(&id, &query);
    let items: Vec<_> = items.collect().await;
    for item in items {
        println!(
            "{}",
            serde_json::to_string(&item?).expect("items serialize")
        );
    }
    Ok(())
}
