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
mod read;
pub mod style;

pub use encode::*;
pub use field::{Extra, Field, Presence};
pub use read::{read_shaped, FieldValue, Read, Scalar, Shape};

use read::ReadSeed;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use std::fmt;
use std::marker::PhantomData;

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

/// An entry of an object read before its tag was found; the tag itself stays a borrowed key.
pub enum SeenValue<'de> {
    /// The value's JSON text as the input had it (borrowed where the input allows).
    Raw(Key<'de>),
    /// The value, from a deserializer that cannot hand out JSON text.
    Json(serde_json::Value),
    /// A string value (the tag, or a value where the tag was expected).
    Str(Key<'de>),
}

/// The private name through which serde_json hands out a value's JSON text (its `RawValue`
/// protocol). Were it ever to change, values are read as `serde_json::Value` instead: slower, the
/// same result.
const RAW_VALUE: &str = "$serde_json::private::RawValue";

impl<'de> Deserialize<'de> for SeenValue<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct RawVisitor;
        impl<'de> Visitor<'de> for RawVisitor {
            type Value = SeenValue<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<SeenValue<'de>, A::Error> {
                match map.next_key::<Key<'de>>()? {
                    Some(key) if key.as_str() == RAW_VALUE => Ok(SeenValue::Raw(map.next_value()?)),
                    _ => Err(de::Error::custom("expected a raw JSON value")),
                }
            }

            fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<SeenValue<'de>, D::Error> {
                serde_json::Value::deserialize(d).map(SeenValue::Json)
            }
        }
        d.deserialize_newtype_struct(RAW_VALUE, RawVisitor)
    }
}

impl SeenValue<'_> {
    fn into_value(self) -> serde_json::Value {
        match self {
            // serde_json checked the text while reading it.
            SeenValue::Raw(raw) => serde_json::from_str(raw.as_str()).unwrap_or(serde_json::Value::Null),
            SeenValue::Json(v) => v,
            SeenValue::Str(s) => serde_json::Value::String(s.into_owned()),
        }
    }
}

/// Entries of an object read before its tag was found.
pub type Seen<'de> = Vec<(Key<'de>, SeenValue<'de>)>;

/// A generated union. Decoding reads the object's keys until the tag; then, when one struct
/// variant owns the tag, the rest of the object is decoded straight into it (one pass, no
/// buffering). Otherwise (no tag, a shared tag, not an object) the value is buffered once and
/// `from_value` decides.
pub trait Union: Sized {
    /// The wire property that carries the tag, for tagged unions.
    const TAG: Option<&'static str>;

    /// Finishes decoding into the single struct variant that owns `tag`, or hands `seen` back.
    #[allow(clippy::type_complexity)]
    fn fast<'de, A: MapAccess<'de>>(tag: &str, seen: Seen<'de>, map: &mut A) -> Result<Result<Self, Seen<'de>>, A::Error>;

    /// Tags that one struct variant owns, which `fast` decodes.
    const FAST: &'static [&'static str];

    /// Decodes a buffered value; never fails (the catch-all keeps what matches nothing).
    fn from_value(value: serde_json::Value) -> Self;

    /// The value landed in the catch-all arm.
    fn is_catch_all(&self) -> bool;
}

/// Decodes a union through `Union::fast`, falling back to `Union::from_value`.
pub fn deserialize_union<'de, D: Deserializer<'de>, U: Union>(d: D) -> Result<U, D::Error> {
    d.deserialize_any(UnionVisitor::<U>(PhantomData))
}

struct UnionVisitor<U>(PhantomData<U>);

impl<'de, U: Union> Visitor<'de> for UnionVisitor<U> {
    type Value = U;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<U, A::Error> {
        let mut seen: Seen<'de> = Vec::new();
        if let Some(tag_field) = U::TAG {
            while let Some(key) = map.next_key::<Key<'de>>()? {
                if key.as_str() != tag_field {
                    seen.push((key, map.next_value()?));
                    continue;
                }
                match map.next_value::<Text<'de>>()? {
                    Text::Str(tag) => {
                        let tag_copy = match &tag {
                            Key::Borrowed(s) => Key::Borrowed(s),
                            Key::Owned(s) => Key::Owned(s.clone()),
                        };
                        seen.push((key, SeenValue::Str(tag)));
                        match U::fast(tag_copy.as_str(), seen, &mut map)? {
                            Ok(done) => return Ok(done),
                            Err(back) => seen = back,
                        }
                    }
                    Text::Json(value) => seen.push((key, SeenValue::Json(value))),
                }
                break;
            }
        }
        let mut object = serde_json::Map::with_capacity(seen.len());
        for (key, value) in seen {
            object.insert(key.into_owned(), value.into_value());
        }
        while let Some(key) = map.next_key::<Key<'de>>()? {
            let value = map.next_value()?;
            object.insert(key.into_owned(), value);
        }
        Ok(U::from_value(serde_json::Value::Object(object)))
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<U, A::Error> {
        serde_json::Value::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(U::from_value)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<U, E> {
        Ok(U::from_value(v.into()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<U, E> {
        Ok(U::from_value(v.into()))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<U, E> {
        Ok(U::from_value(v.into()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<U, E> {
        Ok(U::from_value(v.into()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<U, E> {
        Ok(U::from_value(v.into()))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<U, E> {
        Ok(U::from_value(v.into()))
    }
    fn visit_unit<E: de::Error>(self) -> Result<U, E> {
        Ok(U::from_value(serde_json::Value::Null))
    }
    fn visit_none<E: de::Error>(self) -> Result<U, E> {
        Ok(U::from_value(serde_json::Value::Null))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<U, D::Error> {
        d.deserialize_any(self)
    }
}

/// Decodes the rest of an object into struct `T`: first the entries read before the tag, then
/// the remaining keys of `map`.
pub fn finish_object<'de, A: MapAccess<'de>, T: Object>(seen: Seen<'de>, map: &mut A) -> Result<T, A::Error> {
    let mut value = begin::<T>();
    let mut before = Vec::new();
    for (key, v) in seen {
        match (T::TAG, &v) {
            // The tag that chose this variant (the common case): nothing to replay.
            (Some((tag, expected)), SeenValue::Str(s)) if key.as_str() == tag && s.as_str() == expected => {
                value.extra_mut().tag_absent = false;
            }
            _ => before.push((key, v)),
        }
    }
    if !before.is_empty() {
        replay(&mut value, &before).map_err(de::Error::custom)?;
    }
    fill(&mut value, map)?;
    Ok(value)
}

/// Reads the remaining keys of `map` into `value`: the one loop every way of decoding a struct
/// goes through (directly, after a union's tag, replaying entries read before the tag).
fn fill<'de, A: MapAccess<'de>, T: Object>(value: &mut T, map: &mut A) -> Result<(), A::Error> {
    while let Some(key) = map.next_key::<Key<'de>>()? {
        value.field(key, map)?;
    }
    Ok(())
}

/// The visitor that fills a struct from an object.
struct Fill<'v, T>(&'v mut T);

impl<'de, T: Object> Visitor<'de> for Fill<'_, T> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an object {}", std::any::type_name::<T>().rsplit("::").next().unwrap_or("value"))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        fill(self.0, &mut map)
    }
}

/// Buffered values are decoded by writing them out and reading them back with the deserializer
/// the client reads bytes with, not through `serde_json::Value`'s own deserializer: each
/// generated type's decoder is then compiled once, not once per kind of input.
fn json_reader(json: &[u8]) -> serde_json::Deserializer<serde_json::de::SliceRead<'_>> {
    serde_json::Deserializer::from_slice(json)
}

/// Writes `s` as a JSON string, copied as it is when nothing in it needs an escape (keys and tags
/// almost never do).
fn write_str(json: &mut Vec<u8>, s: &Key<'_>) -> Result<(), serde_json::Error> {
    let s = s.as_str();
    if s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        json.push(b'"');
        json.extend_from_slice(s.as_bytes());
        json.push(b'"');
        Ok(())
    } else {
        serde_json::to_writer(json, s)
    }
}

/// Decodes entries read before the tag into `value`, as one small object.
fn replay<T: Object>(value: &mut T, entries: &[(Key<'_>, SeenValue<'_>)]) -> Result<(), serde_json::Error> {
    let mut json = vec![b'{'];
    for (i, (key, v)) in entries.iter().enumerate() {
        if i > 0 {
            json.push(b',');
        }
        write_str(&mut json, key)?;
        json.push(b':');
        match v {
            SeenValue::Raw(raw) => json.extend_from_slice(raw.as_str().as_bytes()),
            SeenValue::Json(v) => serde_json::to_writer(&mut json, v)?,
            SeenValue::Str(s) => write_str(&mut json, s)?,
        }
    }
    json.push(b'}');
    json_reader(&json).deserialize_map(Fill(value))
}

/// Decodes a buffered object whose tag one struct variant owns through `Union::fast`, so that
/// `from_value` needs arms only for the other tags; hands the value back otherwise (also when the
/// variant cannot hold it, so the catch-all keeps it whole).
pub fn fast_from_value<U: Union>(value: serde_json::Value) -> Result<U, serde_json::Value> {
    let tag = match (U::TAG, &value) {
        (Some(field), serde_json::Value::Object(map)) => match map.get(field) {
            Some(serde_json::Value::String(tag)) if U::FAST.contains(&tag.as_str()) => tag.clone(),
            _ => return Err(value),
        },
        _ => return Err(value),
    };
    struct Fast<'t, U>(&'t str, PhantomData<U>);
    impl<'de, U: Union> Visitor<'de> for Fast<'_, U> {
        type Value = Option<U>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<U>, A::Error> {
            Ok(U::fast(self.0, Vec::new(), &mut map)?.ok())
        }
    }
    let decoded = serde_json::to_vec(&value).and_then(|json| json_reader(&json).deserialize_map(Fast::<U>(&tag, PhantomData)));
    match decoded {
        Ok(Some(done)) => Ok(done),
        _ => Err(value),
    }
}

/// The string value of property `field` of a buffered object.
pub fn value_tag<'v>(value: &'v serde_json::Value, field: &str) -> Option<&'v str> {
    value.get(field).and_then(serde_json::Value::as_str)
}

/// True unless `value` is an object missing one of `keys`: where several struct variants could
/// match, lenient structs would accept any object, so a candidate needs its required keys.
pub fn has_keys(value: &serde_json::Value, keys: &[&str]) -> bool {
    match value {
        serde_json::Value::Object(map) => keys.iter().all(|k| map.contains_key(*k)),
        _ => true,
    }
}

/// Decodes a buffered value as union `U`, or `None` when only its catch-all arm would take it.
pub fn try_union<U: Union>(value: &serde_json::Value) -> Option<U> {
    Some(U::from_value(value.clone())).filter(|u| !u.is_catch_all())
}

/// Decodes a buffered value as `T`, or `None` when it does not fit.
pub fn try_value<T: de::DeserializeOwned>(value: &serde_json::Value) -> Option<T> {
    let json = serde_json::to_vec(value).ok()?;
    T::deserialize(&mut json_reader(&json)).ok()
}

/// A generated struct (implemented by `object!`): decoded key by key, `field` reading the value
/// of one key into `self`. Keeping the loop here keeps each struct down to its list of keys.
pub trait Object: Default {
    /// The struct's own tag (`"type"`, `"message"`), when it has one.
    const TAG: Option<(&'static str, &'static str)>;

    fn field<'de, A: MapAccess<'de>>(&mut self, key: Key<'de>, map: &mut A) -> Result<(), A::Error>;

    fn extra_mut(&mut self) -> &mut Extra;
}

/// An empty value to decode into: every field absent, and the tag absent until it is read.
fn begin<T: Object>() -> T {
    let mut value = T::default();
    if T::TAG.is_some() {
        value.extra_mut().tag_absent = true;
    }
    value
}

/// Decodes an object into `T` through `Object::field`, starting from every field absent.
pub fn deserialize_object<'de, D: Deserializer<'de>, T: Object>(d: D) -> Result<T, D::Error> {
    let mut value = begin::<T>();
    d.deserialize_map(Fill(&mut value))?;
    Ok(value)
}

/// Reads one field: its value, `null`, or (another JSON type than declared) a raw value kept in
/// `extra` under the key.
pub fn de_field<'de, A: MapAccess<'de>, T: FieldValue + Default>(
    map: &mut A,
    slot: &mut Field<T>,
    key: Key<'de>,
    extra: &mut Extra,
) -> Result<(), A::Error> {
    match map.next_value_seed(ReadSeed::<T>(PhantomData))? {
        Read::Value(v) => slot.set(v),
        Read::Null => slot.set_null(),
        Read::Raw(raw) => {
            extra.insert(key.into_owned(), raw);
        }
    }
    Ok(())
}

/// Reads the struct's own tag: the expected value is known from the type; another value is
/// kept in `extra` (and written back in its place).
pub fn de_tag<'de, A: MapAccess<'de>>(map: &mut A, expected: &str, key: Key<'de>, extra: &mut Extra) -> Result<(), A::Error> {
    extra.tag_absent = false;
    match map.next_value::<Text<'de>>()? {
        Text::Str(s) if s.as_str() == expected => {}
        other => {
            extra.insert(key.into_owned(), other.into_value());
        }
    }
    Ok(())
}

/// A key this version does not know: kept as raw JSON.
pub fn de_extra<'de, A: MapAccess<'de>>(map: &mut A, key: Key<'de>, extra: &mut Extra) -> Result<(), A::Error> {
    let value = map.next_value()?;
    extra.insert(key.into_owned(), value);
    Ok(())
}

/// Writes the struct's tag first, unless it was absent or another value was kept for it.
pub fn ser_tag<M: serde::ser::SerializeMap>(map: &mut M, key: &str, value: &str, extra: &Extra) -> Result<(), M::Error> {
    if extra.tag_absent || extra.contains_key(key) {
        return Ok(());
    }
    map.serialize_entry(key, value)
}

/// Writes a field as it is: left out when absent, `null`, or its value. A raw value kept for
/// the same key (a value the field could not hold) is written by `ser_end` instead, never both;
/// to replace it, remove the key from `extra` and set the field.
pub fn ser_field<M: serde::ser::SerializeMap, T: serde::Serialize>(map: &mut M, key: &str, field: &Field<T>, extra: &Extra) -> Result<(), M::Error> {
    if field.is_absent() || extra.contains_key(key) {
        return Ok(());
    }
    map.serialize_entry(key, field)
}

/// Writes the kept unknown keys and ends the object.
pub fn ser_end<M: serde::ser::SerializeMap>(mut map: M, extra: &Extra) -> Result<M::Ok, M::Error> {
    for (key, value) in extra.iter() {
        map.serialize_entry(key, value)?;
    }
    map.end()
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

/// Implements serde's traits, `Object` and `FieldValue` for a generated struct from the list of
/// its fields and their wire names: `object!(Name, extra, tag "type" = "x", { field = "wire", .. })`.
#[allow(unused_macros)]
macro_rules! object {
    ($ty:ident, $extra:ident, $(tag $tk:literal = $tv:literal,)? { $($field:ident = $wire:literal),* $(,)? }) => {
        impl ::serde::Serialize for $ty {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                #[allow(unused_imports)]
                use ::serde::ser::SerializeMap;
                #[allow(unused_mut)]
                let mut map = serializer.serialize_map(None)?;
                $(crate::wire::ser_tag(&mut map, $tk, $tv, &self.$extra)?;)?
                $(crate::wire::ser_field(&mut map, $wire, &self.$field, &self.$extra)?;)*
                crate::wire::ser_end(map, &self.$extra)
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

            fn extra_mut(&mut self) -> &mut crate::wire::Extra {
                &mut self.$extra
            }
        }

        impl crate::wire::FieldValue for $ty {
            fn read<'de, D: ::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<crate::wire::Read<Self>, D::Error> {
                crate::wire::read_shaped(d, crate::wire::Shape::Object)
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

/// The traits every generated union has besides `Union`: `Default` (`null` in the catch-all,
/// never sent: a field left to its default is absent), `Deserialize` through `Union`, and
/// `FieldValue` (any JSON decodes). `union_traits!(Name, Other)`.
#[allow(unused_macros)]
macro_rules! union_traits {
    ($ty:ident, $other:ident) => {
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
                crate::wire::read_shaped(d, crate::wire::Shape::Any)
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

/// `From<&str>` and `From<String>` for a field of a type that is built from text.
#[allow(unused_macros)]
macro_rules! text {
    ($ty:ident) => {
        impl ::std::convert::From<&str> for crate::wire::Field<$ty> {
            fn from(value: &str) -> Self {
                crate::wire::Field::sent($ty::from(value))
            }
        }

        impl ::std::convert::From<::std::string::String> for crate::wire::Field<$ty> {
            fn from(value: ::std::string::String) -> Self {
                crate::wire::Field::sent($ty::from(value))
            }
        }
    };
}

#[allow(unused_imports)]
pub(crate) use {from_variants, object, open_enum, text, union_traits};
