//! `Field<T>`: one struct field with its presence on the wire (absent, `null`, or sent), and
//! `Extra`: the keys of an object this version of the crate does not know.
//!
//! Every field of a generated struct is a `Field`, so decoding a value and encoding it again
//! gives back what came (a left-out field stays out, `null` stays `null`), and a request built
//! with `..Default::default()` sends only what the user set.

use std::fmt;
use std::ops::{Deref, DerefMut};

/// Whether a field was on the wire, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Presence {
    /// Not in the JSON object (the key was missing, or the field was never set).
    #[default]
    Absent,
    /// The key was there with `null`.
    Null,
    /// The key was there with a value.
    Sent,
}

/// A field of a generated struct: a value plus whether it is sent.
///
/// It reads like the value itself (`Deref` to `T`; absent and `null` read as `T::default()`),
/// is set with `.into()` from a `T` (or from `&str` for text), and tells the three states
/// apart: [`get`](Self::get) is `Some` only for a value that was sent, [`is_null`](Self::is_null)
/// and [`is_absent`](Self::is_absent) tell the others. Changing the value through `DerefMut`
/// (`field.push(..)`) marks it sent.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Field<T> {
    value: T,
    presence: Presence,
}

impl<T> Field<T> {
    /// A field that is sent with `value`.
    pub fn sent(value: T) -> Self {
        Field { value, presence: Presence::Sent }
    }

    /// How the field is (or was) on the wire.
    pub fn presence(&self) -> Presence {
        self.presence
    }

    /// The value, when it was sent (not absent, not `null`).
    pub fn get(&self) -> Option<&T> {
        (self.presence == Presence::Sent).then_some(&self.value)
    }

    /// The value, mutably, when it was sent.
    pub fn get_mut(&mut self) -> Option<&mut T> {
        (self.presence == Presence::Sent).then_some(&mut self.value)
    }

    /// The key was missing (or the field was never set).
    pub fn is_absent(&self) -> bool {
        self.presence == Presence::Absent
    }

    /// The key was there with `null`.
    pub fn is_null(&self) -> bool {
        self.presence == Presence::Null
    }

    /// The key was there with a value.
    pub fn is_sent(&self) -> bool {
        self.presence == Presence::Sent
    }

    /// Sets the value and marks it sent.
    pub fn set(&mut self, value: T) {
        self.value = value;
        self.presence = Presence::Sent;
    }

    /// The value when it was sent.
    pub fn into_option(self) -> Option<T> {
        (self.presence == Presence::Sent).then_some(self.value)
    }

    /// The value as stored (`T::default()` for absent and `null` fields).
    pub fn into_inner(self) -> T {
        self.value
    }
}

impl<T: Default> Field<T> {
    /// A field sent as `null`.
    pub fn null() -> Self {
        Field { value: T::default(), presence: Presence::Null }
    }

    /// A field that is not sent.
    pub fn absent() -> Self {
        Field { value: T::default(), presence: Presence::Absent }
    }

    /// Makes the field absent again and returns the value it had, if it was sent.
    pub fn take(&mut self) -> Option<T> {
        let was_sent = self.presence == Presence::Sent;
        self.presence = Presence::Absent;
        let value = std::mem::take(&mut self.value);
        was_sent.then_some(value)
    }

    /// Marks the field `null` (decoding does this for a `null` on the wire).
    pub fn set_null(&mut self) {
        self.value = T::default();
        self.presence = Presence::Null;
    }
}

impl<T> Deref for Field<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T> DerefMut for Field<T> {
    /// Mutable access means the value is meant to be sent.
    fn deref_mut(&mut self) -> &mut T {
        self.presence = Presence::Sent;
        &mut self.value
    }
}

impl<T> From<T> for Field<T> {
    fn from(value: T) -> Self {
        Field::sent(value)
    }
}

impl<T: Default> From<Option<T>> for Field<T> {
    /// `None` is absent (not sent), `Some` is sent.
    fn from(value: Option<T>) -> Self {
        match value {
            Some(v) => Field::sent(v),
            None => Field::absent(),
        }
    }
}

impl From<&str> for Field<String> {
    fn from(value: &str) -> Self {
        Field::sent(value.to_owned())
    }
}

/// A type built from text (an open enum, a union with a string arm): a `Field` of it converts
/// from `&str` and `String`, as `Field<String>` does.
pub trait FromText: for<'a> From<&'a str> + From<String> {}

impl<T: FromText> From<&str> for Field<T> {
    fn from(value: &str) -> Self {
        Field::sent(T::from(value))
    }
}

impl<T: FromText> From<String> for Field<T> {
    fn from(value: String) -> Self {
        Field::sent(T::from(value))
    }
}

impl<T: fmt::Debug> fmt::Debug for Field<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.presence {
            Presence::Absent => f.write_str("Absent"),
            Presence::Null => f.write_str("Null"),
            Presence::Sent => self.value.fmt(f),
        }
    }
}

impl<T: fmt::Display> fmt::Display for Field<T> {
    /// The value as it reads (absent and `null` fields print `T::default()`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.value.fmt(f)
    }
}

impl PartialEq<str> for Field<String> {
    fn eq(&self, other: &str) -> bool {
        self.value == other
    }
}

impl PartialEq<&str> for Field<String> {
    fn eq(&self, other: &&str) -> bool {
        self.value == *other
    }
}

macro_rules! eq_scalar {
    ($($t:ty),*) => {$(
        impl PartialEq<$t> for Field<$t> {
            fn eq(&self, other: &$t) -> bool {
                self.value == *other
            }
        }
    )*};
}
eq_scalar!(i64, f64, bool, String);

impl<'a, T> IntoIterator for &'a Field<Vec<T>> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.value.iter()
    }
}

impl<T: serde::Serialize> serde::Serialize for Field<T> {
    /// The value, or `null`; an absent field is left out by the struct that holds it.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.presence {
            Presence::Sent => self.value.serialize(serializer),
            Presence::Absent | Presence::Null => serializer.serialize_none(),
        }
    }
}

impl<'de, T: serde::Deserialize<'de> + Default> serde::Deserialize<'de> for Field<T> {
    /// `null` is a `null` field, anything else a sent value.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Option::<T>::deserialize(deserializer)? {
            Some(v) => Field::sent(v),
            None => Field::null(),
        })
    }
}

/// The keys of an object this version of the crate does not know (or could not read as their
/// declared type), kept in order so that they are sent back unchanged. Reads and writes as the
/// map it holds; it is allocated only when there is something to keep, so it costs a struct
/// two words.
#[derive(Clone, PartialEq, Default)]
pub struct Extra {
    map: Option<Box<serde_json::Map<String, serde_json::Value>>>,
    /// A tagged struct decoded from an object without its tag: do not add the tag on the way back.
    pub(crate) tag_absent: bool,
}

/// `Eq` holds: `serde_json::Value` is `Eq` (its numbers are never NaN).
impl Eq for Extra {}

/// Hashed by its JSON, consistently with `PartialEq`: the kept entries with their keys in sorted
/// order (equal maps may keep different orders), see [`hash_json`]. `serde_json::Value` has no
/// `Hash` in every version the crate accepts, hence by hand.
impl std::hash::Hash for Extra {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        let mut entries: Vec<_> = self.iter().collect();
        entries.sort_by(|a, b| a.0.cmp(b.0));
        state.write_usize(entries.len());
        for (key, value) in entries {
            key.hash(state);
            hash_json(value, state);
        }
        self.tag_absent.hash(state);
    }
}

/// Hashes a JSON value by its JSON: numbers by their text, objects with their keys sorted, so
/// that values `==` compares equal hash equal. Used by `Extra` and by the `Hash` of unions whose
/// catch-all arm holds raw JSON.
pub fn hash_json<H: std::hash::Hasher>(value: &serde_json::Value, state: &mut H) {
    use serde_json::Value;
    use std::hash::Hash;
    match value {
        Value::Null => state.write_u8(0),
        Value::Bool(b) => (1u8, b).hash(state),
        Value::Number(n) => (2u8, n.to_string()).hash(state),
        Value::String(s) => (3u8, s).hash(state),
        Value::Array(items) => {
            (4u8, items.len()).hash(state);
            items.iter().for_each(|v| hash_json(v, state));
        }
        Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            (5u8, entries.len()).hash(state);
            for (key, value) in entries {
                key.hash(state);
                hash_json(value, state);
            }
        }
    }
}

impl Extra {
    /// The kept keys and values.
    pub fn into_map(self) -> serde_json::Map<String, serde_json::Value> {
        self.map.map(|m| *m).unwrap_or_default()
    }
}

/// The kept entries as a map (`{}` when there are none).
impl fmt::Debug for Extra {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// Writes a generated struct for `{:?}`: the fields it holds, leaving out absent ones as the
/// wire does (`null` ones show as `Null`), then the unknown keys it kept, if any.
pub fn debug_object<T: super::Object>(value: &T, f: &mut fmt::Formatter<'_>, name: &str, extra_name: &str) -> fmt::Result {
    struct Shown<'a, 'b>(fmt::DebugStruct<'a, 'b>);
    impl super::Visit for Shown<'_, '_> {
        fn field<V: serde::Serialize + fmt::Debug>(&mut self, name: &'static str, _wire: &'static str, field: &Field<V>) {
            if field.presence != Presence::Absent {
                self.0.field(name.trim_start_matches("r#"), field);
            }
        }
    }
    let mut shown = Shown(f.debug_struct(name));
    value.visit(&mut shown);
    if !value.extra().is_empty() {
        shown.0.field(extra_name, value.extra());
    }
    shown.0.finish()
}

static EMPTY: std::sync::OnceLock<serde_json::Map<String, serde_json::Value>> = std::sync::OnceLock::new();

impl Deref for Extra {
    type Target = serde_json::Map<String, serde_json::Value>;

    fn deref(&self) -> &Self::Target {
        match &self.map {
            Some(map) => map,
            None => EMPTY.get_or_init(serde_json::Map::new),
        }
    }
}

impl DerefMut for Extra {
    fn deref_mut(&mut self) -> &mut Self::Target {
        self.map.get_or_insert_with(Default::default)
    }
}

impl From<serde_json::Map<String, serde_json::Value>> for Extra {
    fn from(map: serde_json::Map<String, serde_json::Value>) -> Self {
        Extra { map: Some(Box::new(map)), tag_absent: false }
    }
}
