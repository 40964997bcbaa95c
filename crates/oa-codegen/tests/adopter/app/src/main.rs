//! A program of the ledger project: builds an entry with its own types, sends it as JSON and
//! reads it back.

use ledger_client::types::{Entry, Tag};

fn main() {
    let entry = sample();
    println!("{}", serde_json::to_string(&entry).unwrap());
}

/// Every entry, page after page: the cursor is a `uuid::Uuid` (the `uuid` format is mapped), and
/// the list is still walked by its `next_cursor`.
pub fn every_entry(client: &ledger_client::Client) -> impl futures_util::Stream<Item = Result<Entry, ledger_client::Error>> + '_ {
    client.entries().list_stream()
}

/// An entry made of the project's types: a `Decimal` amount, a `Uuid` id, a `DateTime` booking.
pub fn sample() -> Entry {
    Entry {
        id: uuid::Uuid::from_u128(0x1234).into(),
        amount: rust_decimal::Decimal::new(1250, 2).into(),
        booked_at: chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap().into(),
        memo: "lunch".into(),
        tags: vec![Tag { name: "food".into(), ..Default::default() }].into(),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_projects_types_travel_as_the_document_says() {
        let sent = serde_json::to_value(sample()).unwrap();
        assert_eq!(
            sent,
            json!({"id": "00000000-0000-0000-0000-000000001234", "amount": "12.50", "booked_at": "2023-11-14T22:13:20Z", "memo": "lunch", "tags": [{"name": "food"}]})
        );
        let back: Entry = serde_json::from_value(sent.clone()).unwrap();
        assert_eq!(back.amount_cents(), Some(1250));
        assert_eq!(serde_json::to_value(&back).unwrap(), sent);
    }

    /// `derives` gives tags `Eq` and `Hash`: a set of them keeps one of each.
    #[test]
    fn tags_go_in_a_set() {
        let tag = |name: &str| Tag { name: name.into(), ..Default::default() };
        let tags: std::collections::HashSet<Tag> = [tag("food"), tag("travel"), tag("food")].into_iter().collect();
        assert_eq!(tags.len(), 2);
        assert!(tags.contains(&tag("travel")));
        // `"*": [Eq]` reaches every type that can have it, entries with the project's types too.
        fn is_eq<T: Eq>() {}
        is_eq::<Entry>();
    }

    #[test]
    fn a_value_the_type_rejects_is_kept_raw() {
        let odd = json!({"id": "not-a-uuid", "amount": "12.50"});
        let entry: Entry = serde_json::from_value(odd.clone()).unwrap();
        assert!(entry.id.get().is_none());
        assert_eq!(serde_json::to_value(&entry).unwrap(), odd);
    }
}
