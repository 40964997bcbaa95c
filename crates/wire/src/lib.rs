//! Decoding and encoding support for generated types, so that each generated struct declares
//! its fields and nothing else: `object!` implements the (lenient, lossless) serde traits of a
//! struct, `open_enum!` those of a string enum; unions read their tag as a borrowed key and
//! decode only the matching variant, in one pass.
//!
//! These files are copied verbatim into every generated crate as `src/wire/`, so they depend on
//! serde and serde_json alone, and the macros name their helpers by the path they have there
//! (`crate::wire::…`).

mod encode;
mod field;
mod structs;
mod read;
pub mod style;
mod union;

pub use encode::*;
pub use field::{debug_object, hash_json, Extra, Field, FromText, Presence};
pub use structs::*;
pub use read::{check_setting_type, cursor_text, read_external, FieldValue, Read, Scalar};
pub use union::*;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use std::fmt;

/// An object key, borrowed from the input when it has no escapes.
pub enum Key<'a> {
    Borrowed(&'a str),
    Owned(String),
}

impl Key<'_> {
    pub fn as_str(&self) -> &str {
        match self {
            Key::Borrowed(s) => s,
            Key::Owned(s) => s,
        }
    }

    pub fn into_owned(self) -> String {
        match self {
            Key::Borrowed(s) => s.to_owned(),
            Key::Owned(s) => s,
        }
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object key")
            }

            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key::Borrowed(v))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key::Owned(v.to_owned()))
            }

            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key::Owned(v))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

/// A string value read without copying when it has no escapes, or any other JSON value.
enum Text<'de> {
    Str(Key<'de>),
    Json(serde_json::Value),
}

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = Text<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }

            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Text<'de>, E> {
                Ok(Text::Str(Key::Borrowed(v)))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text<'de>, E> {
                Ok(Text::Str(Key::Owned(v.to_owned())))
            }

            fn visit_string<E: de::Error>(self, v: String) -> Result<Text<'de>, E> {
                Ok(Text::Str(Key::Owned(v)))
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Text<'de>, E> {
                Ok(Text::Json(v.into()))
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Text<'de>, E> {
                Ok(Text::Json(v.into()))
            }

            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Text<'de>, E> {
                Ok(Text::Json(v.into()))
            }

            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Text<'de>, E> {
                Ok(Text::Json(v.into()))
            }

            fn visit_unit<E: de::Error>(self) -> Result<Text<'de>, E> {
                Ok(Text::Json(serde_json::Value::Null))
            }

            fn visit_none<E: de::Error>(self) -> Result<Text<'de>, E> {
                Ok(Text::Json(serde_json::Value::Null))
            }

            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Text<'de>, D::Error> {
                d.deserialize_any(self)
            }

            fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Text<'de>, A::Error> {
                serde_json::Value::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(Text::Json)
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Text<'de>, A::Error> {
                serde_json::Value::deserialize(de::value::MapAccessDeserializer::new(map)).map(Text::Json)
            }
        }
        d.deserialize_any(TextVisitor)
    }
}

impl Text<'_> {
    fn into_value(self) -> serde_json::Value {
        match self {
            Text::Str(k) => serde_json::Value::String(k.into_owned()),
            Text::Json(v) => v,
        }
    }
}

/// Decodes a string as text type `T` (an open enum), borrowing it from the input when it has no
/// escapes. The visitor is `Key`'s, shared by every enum, so an enum adds no decoder of its own.
pub fn deserialize_text<'de, D: Deserializer<'de>, T: From<&'de str> + From<String>>(d: D) -> Result<T, D::Error> {
    Ok(match Key::deserialize(d)? {
        Key::Borrowed(s) => T::from(s),
        Key::Owned(s) => T::from(s),
    })
}

/// Reads a field of text type `T`: a string, `null`, or any other JSON kept raw. Through `Text`'s
/// visitor, shared by every enum.
pub fn read_text<'de, D: Deserializer<'de>, T: From<&'de str> + From<String>>(d: D) -> Result<Read<T>, D::Error> {
    Ok(match Text::deserialize(d)? {
        Text::Str(Key::Borrowed(s)) => Read::Value(T::from(s)),
        Text::Str(Key::Owned(s)) => Read::Value(T::from(s)),
        Text::Json(serde_json::Value::Null) => Read::Null,
        Text::Json(raw) => Read::Raw(raw),
    })
}

/// `value` as a `serde_json::Value`, written out and read back rather than through
/// `serde_json::to_value`, whose serializer would compile a second encoder for every type.
pub fn json_value<T: serde::Serialize + ?Sized>(value: &T) -> Result<serde_json::Value, serde_json::Error> {
    serde_json::from_slice(&serde_json::to_vec(value)?)
}

/// Implements `Debug`, serde's traits, `Object` and `FieldValue` for a generated struct from the
/// list of its fields and their wire names: `object!(Name, extra, tag "type" = "x", { field = "wire", .. })`.
#[allow(unused_macros)]
macro_rules! object {
    ($ty:ident, $extra:ident, $(tag $tk:literal = $tv:literal,)? { $($field:ident = $wire:literal),* $(,)? }) => {
        impl ::serde::Serialize for $ty {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                crate::wire::serialize_object(self, serializer)
            }
        }

        impl ::std::fmt::Debug for $ty {
            // Inline, as a derive's would be treated: compiled only where a program formats one.
            #[inline]
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                crate::wire::debug_object(self, f, stringify!($ty), stringify!($extra))
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                crate::wire::deserialize_object(deserializer)
            }
        }

        impl crate::wire::Object for $ty {
            const TAG: ::std::option::Option<(&'static str, &'static str)> = crate::wire::object!(@tag $($tk, $tv)?);

            fn field<'de, A: ::serde::de::MapAccess<'de>>(&mut self, key: crate::wire::Key<'de>, map: &mut A) -> ::std::result::Result<(), A::Error> {
                match key.as_str() {
                    $($wire => crate::wire::de_field(map, &mut self.$field, key, &mut self.$extra),)*
                    $($tk => crate::wire::de_tag(map, $tv, key, &mut self.$extra),)?
                    _ => crate::wire::de_extra(map, key, &mut self.$extra),
                }
            }

            #[allow(unused_variables)]
            fn visit<V: crate::wire::Visit>(&self, v: &mut V) {
                $(v.field(stringify!($field), $wire, &self.$field);)*
            }

            fn extra(&self) -> &crate::wire::Extra {
                &self.$extra
            }

            fn extra_mut(&mut self) -> &mut crate::wire::Extra {
                &mut self.$extra
            }
        }

        impl crate::wire::FieldValue for $ty {
            fn read<'de, D: ::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<crate::wire::Read<Self>, D::Error> {
                crate::wire::read_object(d)
            }
        }
    };
    (@tag $tk:literal, $tv:literal) => { ::std::option::Option::Some(($tk, $tv)) };
    (@tag) => { ::std::option::Option::None };
}

/// Implements the traits of a generated open string enum (declared with a catch-all arm
/// `Other(String)`): `open_enum!(Name, Other, { Variant = "wire", .. })`. Unknown values decode
/// into the catch-all and encode back unchanged; the first value is the `Default` of a one-value
/// enum, the empty catch-all that of others (never sent: a field left to `Default` is absent).
#[allow(unused_macros)]
macro_rules! open_enum {
    ($ty:ident, $other:ident, { $($variant:ident = $wire:literal),* $(,)? }) => {
        impl $ty {
            /// The wire value.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)*
                    Self::$other(value) => value,
                }
            }
        }

        impl ::std::convert::From<&str> for $ty {
            fn from(value: &str) -> Self {
                match value {
                    $($wire => Self::$variant,)*
                    other => Self::$other(other.to_owned()),
                }
            }
        }

        impl ::std::convert::From<::std::string::String> for $ty {
            fn from(value: ::std::string::String) -> Self {
                match value.as_str() {
                    $($wire => Self::$variant,)*
                    _ => Self::$other(value),
                }
            }
        }

        impl ::std::default::Default for $ty {
            fn default() -> Self {
                crate::wire::open_enum!(@default $other $($variant)*)
            }
        }

        // Compared, hashed and ordered by wire value, so a catch-all holding a known value equals
        // that value's variant (and the impls stay one line each).
        impl ::std::cmp::PartialEq for $ty {
            fn eq(&self, other: &Self) -> bool {
                self.as_str() == other.as_str()
            }
        }

        impl ::std::cmp::Eq for $ty {}

        impl ::std::hash::Hash for $ty {
            fn hash<H: ::std::hash::Hasher>(&self, state: &mut H) {
                ::std::hash::Hash::hash(self.as_str(), state)
            }
        }

        impl ::std::cmp::PartialOrd for $ty {
            fn partial_cmp(&self, other: &Self) -> ::std::option::Option<::std::cmp::Ordering> {
                ::std::option::Option::Some(self.cmp(other))
            }
        }

        impl ::std::cmp::Ord for $ty {
            fn cmp(&self, other: &Self) -> ::std::cmp::Ordering {
                self.as_str().cmp(other.as_str())
            }
        }

        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $ty {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                crate::wire::deserialize_text(deserializer)
            }
        }

        impl crate::wire::FieldValue for $ty {
            fn read<'de, D: ::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<crate::wire::Read<Self>, D::Error> {
                crate::wire::read_text(d)
            }
        }

        crate::wire::text!($ty);
    };
    (@default $other:ident $one:ident) => { Self::$one };
    (@default $other:ident $($many:ident)*) => { Self::$other(::std::string::String::new()) };
}

/// The traits every generated union has besides `Union`: `Serialize` (the payload as it is),
/// `Default` (`null` in the catch-all, never sent: a field left to its default is absent),
/// `Deserialize` through `Union`, and `FieldValue` (any JSON decodes).
/// `union_traits!(Name, Other, { Variant, .. })`.
#[allow(unused_macros)]
macro_rules! union_traits {
    ($ty:ident, $other:ident, { $($variant:ident),* $(,)? }) => {
        // Each variant writes its payload as it is (untagged), the catch-all its raw JSON.
        impl ::serde::Serialize for $ty {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                match self {
                    $(Self::$variant(value) => ::serde::Serialize::serialize(value, serializer),)*
                    Self::$other(raw) => ::serde::Serialize::serialize(raw, serializer),
                }
            }
        }

        impl ::std::default::Default for $ty {
            fn default() -> Self {
                Self::$other(::serde_json::Value::Null)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                crate::wire::deserialize_union(deserializer)
            }
        }

        impl crate::wire::FieldValue for $ty {
            fn read<'de, D: ::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<crate::wire::Read<Self>, D::Error> {
                crate::wire::read_union(d)
            }
        }
    };
}

/// `From<Payload>` for the variants of a union that are the only ones holding their type, as
/// they are declared: `from_variants!(Name, { Variant(Payload), Large(Box<Payload>), .. })`.
#[allow(unused_macros)]
macro_rules! from_variants {
    ($ty:ident, { $($variant:ident $payload:tt),* $(,)? }) => {
        $(crate::wire::from_variants!(@one $ty, $variant $payload);)*
    };
    (@one $ty:ident, $variant:ident (Box<$payload:ty>)) => {
        impl ::std::convert::From<$payload> for $ty {
            fn from(value: $payload) -> Self {
                Self::$variant(::std::boxed::Box::new(value))
            }
        }
    };
    (@one $ty:ident, $variant:ident ($payload:ty)) => {
        impl ::std::convert::From<$payload> for $ty {
            fn from(value: $payload) -> Self {
                Self::$variant(value)
            }
        }
    };
}

/// `From<Payload> for Field<Union>` for the struct payloads of a union, so that a field typed by
/// the union takes a variant's payload with `.into()` (`format: JsonSchemaFormat { .. }.into()`).
#[allow(unused_macros)]
macro_rules! field_from_payloads {
    ($ty:ident, { $($payload:ty),* $(,)? }) => {
        $(impl ::std::convert::From<$payload> for crate::wire::Field<$ty> {
            fn from(value: $payload) -> Self {
                crate::wire::Field::from(<$ty>::from(value))
            }
        })*
    };
}

/// A type of the project's that a setting names (`external!(chrono::DateTime<chrono::Utc>,
/// "formats: date-time")`) as a field type: read leniently, and checked at compile time for
/// Serialize, DeserializeOwned, Default, Clone, Debug and PartialEq; a type lacking one fails
/// here, with the setting in the invocation the error points at.
#[allow(unused_macros)]
macro_rules! external {
    ($ty:ty, $setting:literal) => {
        impl crate::wire::FieldValue for $ty {
            fn read<'de, D: ::serde::Deserializer<'de>>(d: D) -> Result<crate::wire::Read<Self>, D::Error> {
                crate::wire::read_external(d)
            }
        }
        const _: () = {
            let _setting: &str = $setting;
            let _ = crate::wire::check_setting_type::<$ty>;
        };
    };
}

/// Marks a type built from text, so that a field of it converts from `&str` and `String`
/// through the one blanket impl beside `Field` (one impl per type would make coherence compare
/// every pair of them).
#[allow(unused_macros)]
macro_rules! text {
    ($ty:ident) => {
        impl crate::wire::FromText for $ty {}
    };
}

#[allow(unused_imports)]
pub(crate) use {external, field_from_payloads, from_variants, object, open_enum, text, union_traits};
