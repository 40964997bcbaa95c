//! Decoding support for generated types: unions read their tag from the raw JSON and decode
//! only the matching variant; string enums decode without allocating for known values.
//!
//! This file is copied verbatim into every generated crate as `src/wire.rs`, so it depends on
//! serde and serde_json alone and refers to nothing else in the crate.

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
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

/// A scalar field as read: its value, `null`, or (for a value of another JSON type, which the
/// published examples do send) the raw value, which the struct keeps among its unknown fields.
pub enum Lenient<T> {
    Value(T),
    Null,
    Raw(serde_json::Value),
}

/// The scalar types a field can be read leniently as.
pub trait Scalar: Sized {
    fn from_i64(_: i64) -> Option<Self> {
        None
    }
    fn from_u64(_: u64) -> Option<Self> {
        None
    }
    fn from_f64(_: f64) -> Option<Self> {
        None
    }
    fn from_bool(_: bool) -> Option<Self> {
        None
    }
    fn from_str(_: &str) -> Option<Self> {
        None
    }
    fn from_string(s: String) -> Result<Self, String> {
        Self::from_str(&s).ok_or(s)
    }
}

impl Scalar for i64 {
    fn from_i64(v: i64) -> Option<Self> {
        Some(v)
    }
    fn from_u64(v: u64) -> Option<Self> {
        i64::try_from(v).ok()
    }
    /// Integral floats (`1.7e9` for a timestamp) are accepted.
    fn from_f64(v: f64) -> Option<Self> {
        (v.fract() == 0.0 && v.abs() < 9.2e18).then_some(v as i64)
    }
}

impl Scalar for f64 {
    fn from_i64(v: i64) -> Option<Self> {
        Some(v as f64)
    }
    fn from_u64(v: u64) -> Option<Self> {
        Some(v as f64)
    }
    fn from_f64(v: f64) -> Option<Self> {
        Some(v)
    }
}

impl Scalar for bool {
    fn from_bool(v: bool) -> Option<Self> {
        Some(v)
    }
}

impl Scalar for String {
    fn from_str(v: &str) -> Option<Self> {
        Some(v.to_owned())
    }
    fn from_string(s: String) -> Result<Self, String> {
        Ok(s)
    }
}

impl<'de, T: Scalar> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(LenientVisitor(std::marker::PhantomData))
    }
}

struct LenientVisitor<T>(std::marker::PhantomData<T>);

impl<'de, T: Scalar> Visitor<'de> for LenientVisitor<T> {
    type Value = Lenient<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(T::from_i64(v).map_or_else(|| Lenient::Raw(v.into()), Lenient::Value))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(T::from_u64(v).map_or_else(|| Lenient::Raw(v.into()), Lenient::Value))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(T::from_f64(v).map_or_else(|| Lenient::Raw(v.into()), Lenient::Value))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(T::from_bool(v).map_or_else(|| Lenient::Raw(v.into()), Lenient::Value))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(T::from_str(v).map_or_else(|| Lenient::Raw(v.into()), Lenient::Value))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(T::from_string(v).map_or_else(|s| Lenient::Raw(s.into()), Lenient::Value))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Lenient::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Lenient::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        serde_json::Value::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(Lenient::Raw)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        serde_json::Value::deserialize(de::value::MapAccessDeserializer::new(map)).map(Lenient::Raw)
    }
}

/// Entries of an object read before its tag was found.
pub type Seen<'de> = Vec<(Key<'de>, serde_json::Value)>;

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

    /// Decodes a buffered value; never fails (the catch-all keeps what matches nothing).
    fn from_value(value: serde_json::Value) -> Self;

    /// The value landed in the catch-all arm.
    fn is_catch_all(&self) -> bool;
}

/// Decodes a union through `Union::fast`, falling back to `Union::from_value`.
pub fn deserialize_union<'de, D: Deserializer<'de>, U: Union>(d: D) -> Result<U, D::Error> {
    d.deserialize_any(UnionVisitor::<U>(std::marker::PhantomData))
}

struct UnionVisitor<U>(std::marker::PhantomData<U>);

impl<'de, U: Union> Visitor<'de> for UnionVisitor<U> {
    type Value = U;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<U, A::Error> {
        let mut seen: Seen<'de> = Vec::new();
        if let Some(tag_field) = U::TAG {
            while let Some(key) = map.next_key::<Key<'de>>()? {
                let is_tag = key.as_str() == tag_field;
                let value: serde_json::Value = map.next_value()?;
                if is_tag {
                    if let serde_json::Value::String(tag) = &value {
                        let tag = tag.clone();
                        seen.push((key, value));
                        match U::fast(&tag, seen, &mut map)? {
                            Ok(done) => return Ok(done),
                            Err(back) => seen = back,
                        }
                    } else {
                        seen.push((key, value));
                    }
                    break;
                }
                seen.push((key, value));
            }
        }
        let mut object = serde_json::Map::with_capacity(seen.len());
        for (key, value) in seen {
            object.insert(key.into_owned(), value);
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
    let mut value = T::default();
    for (key, v) in seen {
        let mut one = OneValue(Some(v));
        value.field(key, &mut one).map_err(de::Error::custom)?;
    }
    while let Some(key) = map.next_key::<Key<'de>>()? {
        value.field(key, map)?;
    }
    Ok(value)
}

/// A map access that hands out one already-read value (to replay entries seen before a tag).
struct OneValue(Option<serde_json::Value>);

impl<'de> MapAccess<'de> for OneValue {
    type Error = serde_json::Error;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(&mut self, _seed: K) -> Result<Option<K::Value>, Self::Error> {
        Ok(None)
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Self::Error> {
        seed.deserialize(self.0.take().unwrap_or(serde_json::Value::Null))
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
    T::deserialize(value).ok()
}

/// A generated struct, decoded key by key: `field` reads the value of one key into `self`.
/// Keeping the loop here keeps each generated struct down to its `match` of keys.
pub trait Object: Default {
    fn field<'de, A: MapAccess<'de>>(&mut self, key: Key<'de>, map: &mut A) -> Result<(), A::Error>;
}

/// Decodes an object into `T` through `Object::field`; lenient: starts from `T::default()`.
pub fn deserialize_object<'de, D: Deserializer<'de>, T: Object>(d: D) -> Result<T, D::Error> {
    struct ObjectVisitor<T>(std::marker::PhantomData<T>);
    impl<'de, T: Object> Visitor<'de> for ObjectVisitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "an object {}", std::any::type_name::<T>().rsplit("::").next().unwrap_or("value"))
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
            let mut value = T::default();
            while let Some(key) = map.next_key::<Key<'de>>()? {
                value.field(key, &mut map)?;
            }
            Ok(value)
        }
    }
    d.deserialize_map(ObjectVisitor(std::marker::PhantomData))
}

/// A required field: `null` or a missing key leave the default.
pub fn de_required<'de, A: MapAccess<'de>, T: Deserialize<'de>>(map: &mut A, slot: &mut T) -> Result<(), A::Error> {
    if let Some(v) = map.next_value::<Option<T>>()? {
        *slot = v;
    }
    Ok(())
}

/// An optional (or nullable) field: `null` is `None`.
pub fn de_optional<'de, A: MapAccess<'de>, T: Deserialize<'de>>(map: &mut A, slot: &mut Option<T>) -> Result<(), A::Error> {
    *slot = map.next_value()?;
    Ok(())
}

/// A required scalar: a value of another JSON type goes to `extra` under its key.
pub fn de_scalar<'de, A: MapAccess<'de>, T: Scalar>(
    map: &mut A,
    slot: &mut T,
    key: Key<'de>,
    extra: &mut serde_json::Map<String, serde_json::Value>,
) -> Result<(), A::Error> {
    match map.next_value::<Lenient<T>>()? {
        Lenient::Value(v) => *slot = v,
        Lenient::Null => {}
        Lenient::Raw(raw) => {
            extra.insert(key.into_owned(), raw);
        }
    }
    Ok(())
}

/// An optional scalar: as `de_scalar`, with `null` as `None`.
pub fn de_scalar_optional<'de, A: MapAccess<'de>, T: Scalar>(
    map: &mut A,
    slot: &mut Option<T>,
    key: Key<'de>,
    extra: &mut serde_json::Map<String, serde_json::Value>,
) -> Result<(), A::Error> {
    match map.next_value::<Lenient<T>>()? {
        Lenient::Value(v) => *slot = Some(v),
        Lenient::Null => *slot = None,
        Lenient::Raw(raw) => {
            extra.insert(key.into_owned(), raw);
        }
    }
    Ok(())
}

/// The struct's own tag key: already known from the type, so its value is skipped.
pub fn de_skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(|_| ())
}

/// A key this version does not know: kept as raw JSON.
pub fn de_extra<'de, A: MapAccess<'de>>(
    map: &mut A,
    key: Key<'de>,
    extra: &mut serde_json::Map<String, serde_json::Value>,
) -> Result<(), A::Error> {
    let value = map.next_value()?;
    extra.insert(key.into_owned(), value);
    Ok(())
}

/// Writes a field that is always present, unless a raw value of the same key was kept: a value
/// the field could not hold is written back as it came. To replace it, remove the key from
/// `extra` and set the field.
pub fn ser_required<M: serde::ser::SerializeMap, T: serde::Serialize + ?Sized>(
    map: &mut M,
    key: &str,
    value: &T,
    extra: &serde_json::Map<String, serde_json::Value>,
) -> Result<(), M::Error> {
    if extra.is_empty() || !extra.contains_key(key) {
        map.serialize_entry(key, value)?;
    }
    Ok(())
}

/// Writes an optional field when it is set, unless a raw value of the same key was kept (as in
/// `ser_required`: the raw value is written back by `ser_end`, never both).
pub fn ser_optional<M: serde::ser::SerializeMap, T: serde::Serialize>(
    map: &mut M,
    key: &str,
    value: &Option<T>,
    extra: &serde_json::Map<String, serde_json::Value>,
) -> Result<(), M::Error> {
    match value {
        Some(v) if extra.is_empty() || !extra.contains_key(key) => map.serialize_entry(key, v),
        _ => Ok(()),
    }
}

/// Writes the kept unknown keys and ends the object.
pub fn ser_end<M: serde::ser::SerializeMap>(mut map: M, extra: &serde_json::Map<String, serde_json::Value>) -> Result<M::Ok, M::Error> {
    for (key, value) in extra {
        map.serialize_entry(key, value)?;
    }
    map.end()
}

/// A structured query parameter, sent as its JSON text.
pub fn query_json<T: serde::Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// Encodes a body as `multipart/form-data`: file fields (`binary`, held as bytes) become file
/// parts, strings text parts, arrays repeated `name[]` parts, objects their JSON text.
pub fn multipart<T: serde::Serialize + ?Sized>(body: &T, binary: &[&str]) -> Result<(String, Vec<u8>), serde_json::Error> {
    let value = serde_json::to_value(body)?;
    let mut parts: Vec<(String, Option<String>, Vec<u8>)> = Vec::new();
    if let serde_json::Value::Object(map) = value {
        for (key, v) in map {
            let is_file = binary.contains(&key.as_str());
            match v {
                serde_json::Value::Null => {}
                serde_json::Value::Array(items) if !(is_file && items.iter().all(|i| i.is_u64())) => {
                    for item in items {
                        parts.push((format!("{key}[]"), file_name(is_file, &key), part_bytes(item, is_file)));
                    }
                }
                other => parts.push((key.clone(), file_name(is_file, &key), part_bytes(other, is_file))),
            }
        }
    }
    // A boundary that occurs in no part.
    let mut boundary = String::from("oa-multipart-boundary-4f1d9c");
    while parts.iter().any(|p| p.2.windows(boundary.len()).any(|w| w == boundary.as_bytes())) {
        boundary.push('x');
    }
    let mut out = Vec::new();
    for (name, file, bytes) in parts {
        out.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"").as_bytes());
        if let Some(file) = file {
            out.extend_from_slice(format!("; filename=\"{file}\"\r\nContent-Type: application/octet-stream").as_bytes());
        }
        out.extend_from_slice(b"\r\n\r\n");
        out.extend_from_slice(&bytes);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    Ok((format!("multipart/form-data; boundary={boundary}"), out))
}

fn file_name(is_file: bool, key: &str) -> Option<String> {
    is_file.then(|| key.to_owned())
}

fn part_bytes(v: serde_json::Value, is_file: bool) -> Vec<u8> {
    match v {
        serde_json::Value::String(s) => s.into_bytes(),
        serde_json::Value::Array(bytes) if is_file => bytes.iter().filter_map(|b| b.as_u64()).map(|b| b as u8).collect(),
        other => other.to_string().into_bytes(),
    }
}

/// Encodes a body as `application/x-www-form-urlencoded` (arrays as repeated `name[]`).
pub fn form_urlencoded<T: serde::Serialize + ?Sized>(body: &T) -> Result<String, serde_json::Error> {
    let value = serde_json::to_value(body)?;
    let mut pairs: Vec<(String, String)> = Vec::new();
    if let serde_json::Value::Object(map) = value {
        for (key, v) in map {
            match v {
                serde_json::Value::Null => {}
                serde_json::Value::String(s) => pairs.push((key, s)),
                serde_json::Value::Array(items) => {
                    for item in items {
                        let text = item.as_str().map_or_else(|| item.to_string(), str::to_owned);
                        pairs.push((format!("{key}[]"), text));
                    }
                }
                other => pairs.push((key, other.to_string())),
            }
        }
    }
    let encode = |s: &str| {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
                b' ' => "+".to_owned(),
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    Ok(pairs.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect::<Vec<_>>().join("&"))
}

/// Decodes a string and maps it through `f` without an intermediate allocation.
pub fn deserialize_str<'de, D, T>(d: D, f: impl FnOnce(&str) -> T) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    d.deserialize_str(StrMap(f))
}

struct StrMap<F>(F);

impl<'de, T, F: FnOnce(&str) -> T> Visitor<'de> for StrMap<F> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        Ok((self.0)(v))
    }
}

/// A request body with `flag` set to `on`: `true` for the streaming form of an operation,
/// `false` for the plain form (which decodes one JSON answer).
pub struct WithFlag<'a, T: ?Sized> {
    body: &'a T,
    flag: &'static str,
    on: bool,
}

impl<'a, T: serde::Serialize + ?Sized> WithFlag<'a, T> {
    pub fn new(body: &'a T, flag: &'static str, on: bool) -> Self {
        WithFlag { body, flag, on }
    }
}

impl<T: serde::Serialize + ?Sized> serde::Serialize for WithFlag<'_, T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut value = serde_json::to_value(self.body).map_err(serde::ser::Error::custom)?;
        if let serde_json::Value::Object(map) = &mut value {
            map.insert(self.flag.to_owned(), serde_json::Value::Bool(self.on));
        }
        value.serialize(serializer)
    }
}
