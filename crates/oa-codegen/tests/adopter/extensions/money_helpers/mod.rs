//! Helpers of the ledger project's own on its generated types.

use crate::types::Entry;

impl Entry {
    /// The amount in cents, when it is set and fits.
    pub fn amount_cents(&self) -> Option<i64> {
        let cents = self.amount.get()? * rust_decimal::Decimal::from(100);
        i64::try_from(cents.trunc()).ok()
    }
}
