//! Every input item of a stored response: `input_items_stream` follows the pages
//! (`after=<last_id>` while `has_more`) and yields one item at a time.

use futures_util::StreamExt;
use openai_responses::{Client, Error};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let client = Client::from_env()?;
    let id = std::env::args().nth(1).expect("usage: list_input_items <response id>");
    let mut items = std::pin::pin!(client.responses().input_items_stream(&id));
    let mut count = 0;
    while let Some(item) = items.next().await {
        let item = item?;
        println!("{} {}", item.id().unwrap_or("-"), item.resource_type());
        count += 1;
    }
    println!("{count} items");
    Ok(())
}
