//! Structs: the `Object` trait `object!` implements, the one loop that fills a struct from an
//! object's keys, each field read leniently, and writing a struct back.

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use std::fmt;
use std::marker::PhantomData;

use super::read::ReadSeed;
use super::{Extra, Field, FieldValue, Key, Read, Seen, SeenValue, Text};

/// Decodes the rest of an object into struct `T`: first the entries read before the tag, then
/// the remaining keys of `map`.
pub fn finish_object<'de, A: MapAccess<'de>, T: Object>(seen: Seen<'de>, map: &mut A) -> Result<T, A::Error> {
    let mut value = begin::<T>();
    finish_into(seen, map, &mut value)?;
    Ok(value)
}

/// `finish_object` into a box allocated first, so a large payload is filled where it stays
/// instead of being built on the stack and moved.
pub fn finish_boxed<'de, A: MapAccess<'de>, T: Object>(seen: Seen<'de>, map: &mut A) -> Result<Box<T>, A::Error> {
    let mut value = Box::new(begin::<T>());
    finish_into(seen, map, &mut *value)?;
    Ok(value)
}

/// Fills `value`: the entries read before the tag, then the rest of `map`.
fn finish_into<'de, A: MapAccess<'de>, T: Object>(seen: Seen<'de>, map: &mut A, value: &mut T) -> Result<(), A::Error> {
    let (tag_seen, before) = without_tag(seen, T::TAG);
    if tag_seen {
        value.extra_mut().tag_absent = false;
    }
    if let Some(json) = before {
        json_reader(&json).deserialize_map(Fill(value)).map_err(de::Error::custom)?;
    }
    fill(value, map)
}

/// Fills a struct from the entries replayed before its tag (the smallest visitor that can).
struct Fill<'v, T>(&'v mut T);

impl<'de, T: Object> Visitor<'de> for Fill<'_, T> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        fill(self.0, &mut map)
    }
}

/// Splits off the entry of the tag that chose the struct (the common case, nothing to replay);
/// the other entries read before it come back as one JSON object. Not generic, so it is compiled
/// once for all structs.
fn without_tag(seen: Seen<'_>, tag: Option<(&str, &str)>) -> (bool, Option<Vec<u8>>) {
    let mut tag_seen = false;
    // Allocated only for an entry to replay: the common case (the tag came first) needs none.
    let mut json: Option<Vec<u8>> = None;
    for (key, v) in &seen {
        match (tag, v) {
            (Some((tag, expected)), SeenValue::Str(s)) if !tag_seen && key.as_str() == tag && s.as_str() == expected => {
                tag_seen = true;
                continue;
            }
            _ => {}
        }
        let json = match &mut json {
            Some(json) => {
                json.push(b',');
                json
            }
            None => json.insert(vec![b'{']),
        };
        write_str(json, key);
        json.push(b':');
        match v {
            SeenValue::Raw(raw) => json.extend_from_slice(raw.as_str().as_bytes()),
            SeenValue::Json(v) => write_json(json, v),
            SeenValue::Str(s) => write_str(json, s),
        }
    }
    if let Some(json) = &mut json {
        json.push(b'}');
    }
    (tag_seen, json)
}

/// Reads the remaining keys of `map` into `value`: the one loop every way of decoding a struct
/// goes through (directly, after a union's tag, replaying entries read before the tag).
fn fill<'de, A: MapAccess<'de>, T: Object>(value: &mut T, map: &mut A) -> Result<(), A::Error> {
    while let Some(key) = map.next_key::<Key<'de>>()? {
        value.field(key, map)?;
    }
    Ok(())
}

/// Buffered values are decoded by writing them out and reading them back with the deserializer
/// the client reads bytes with, not through `serde_json::Value`'s own deserializer: each
/// generated type's decoder is then compiled once, not once per kind of input.
pub(crate) fn json_reader(json: &[u8]) -> serde_json::Deserializer<serde_json::de::SliceRead<'_>> {
    serde_json::Deserializer::from_slice(json)
}

/// Writes `s` as a JSON string, copied as it is when nothing in it needs an escape (keys and tags
/// almost never do).
fn write_str(json: &mut Vec<u8>, s: &Key<'_>) {
    let s = s.as_str();
    if s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        json.push(b'"');
        json.extend_from_slice(s.as_bytes());
        json.push(b'"');
    } else {
        write_json(json, s);
    }
}

/// Writes `value` as JSON text (into a `Vec`, which cannot fail).
fn write_json<T: serde::Serialize + ?Sized>(json: &mut Vec<u8>, value: &T) {
    let _ = serde_json::to_writer(json, value);
}

/// A generated struct (implemented by `object!`): decoded key by key, `field` reading the value
/// of one key into `self`. Keeping the loop here keeps each struct down to its list of keys.
pub trait Object: Default {
    /// The struct's own tag (`"type"`, `"message"`), when it has one.
    const TAG: Option<(&'static str, &'static str)>;

    fn field<'de, A: MapAccess<'de>>(&mut self, key: Key<'de>, map: &mut A) -> Result<(), A::Error>;

    /// Shows every field to `v`, in declaration order: encoding and `Debug` both walk this one
    /// list, so a struct has one body for both.
    fn visit<V: Visit>(&self, v: &mut V);

    fn extra(&self) -> &Extra;

    fn extra_mut(&mut self) -> &mut Extra;
}

/// What walks a struct's fields (`Object::visit`): its Rust name, wire name and value.
pub trait Visit {
    fn field<T: serde::Serialize + std::fmt::Debug>(&mut self, name: &'static str, wire: &'static str, field: &Field<T>);
}

/// A generated struct's `Serialize`: its tag, the fields it holds, then the kept unknown keys.
pub fn serialize_object<T: Object, S: serde::Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
    let mut writer = ObjectWriter::new(serializer, value.extra())?;
    if let Some((key, tag)) = T::TAG {
        writer.tag(key, tag);
    }
    value.visit(&mut writer);
    writer.end()
}

/// An empty value to decode into: every field absent, and the tag absent until it is read.
fn begin<T: Object>() -> T {
    let mut value = T::default();
    if T::TAG.is_some() {
        value.extra_mut().tag_absent = true;
    }
    value
}

/// Decodes an object into `T` through `Object::field`, starting from every field absent; any
/// other JSON is an error.
pub fn deserialize_object<'de, D: Deserializer<'de>, T: Object>(d: D) -> Result<T, D::Error> {
    match d.deserialize_any(ObjectRead::<T>(true, PhantomData))? {
        Read::Value(value) => Ok(value),
        // A strict read returns only values.
        Read::Null | Read::Raw(_) => Err(de::Error::custom("expected an object")),
    }
}

/// Reads a field of struct type `T`: an object, `null`, or any other JSON kept raw.
pub fn read_object<'de, D: Deserializer<'de>, T: Object>(d: D) -> Result<Read<T>, D::Error> {
    d.deserialize_any(ObjectRead::<T>(false, PhantomData))
}

/// The one visitor of a struct, strict (`true`: only an object) or lenient (a field's value).
struct ObjectRead<T>(bool, PhantomData<T>);

impl<T> ObjectRead<T> {
    fn other<E: de::Error>(&self, raw: serde_json::Value, unexpected: de::Unexpected<'_>) -> Result<Read<T>, E>
    where
        T: Object,
    {
        if self.0 {
            return Err(de::Error::invalid_type(unexpected, self));
        }
        Ok(if raw.is_null() { Read::Null } else { Read::Raw(raw) })
    }
}

impl<'de, T: Object> Visitor<'de> for ObjectRead<T> {
    type Value = Read<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an object {}", std::any::type_name::<T>().rsplit("::").next().unwrap_or("value"))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Read<T>, A::Error> {
        let mut value = begin::<T>();
        fill(&mut value, &mut map)?;
        Ok(Read::Value(value))
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Read<T>, A::Error> {
        let raw = serde_json::Value::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
        self.other(raw, de::Unexpected::Seq)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Read<T>, E> {
        self.other(v.into(), de::Unexpected::Str(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Read<T>, E> {
        self.other(v.into(), de::Unexpected::Signed(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Read<T>, E> {
        self.other(v.into(), de::Unexpected::Unsigned(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Read<T>, E> {
        self.other(v.into(), de::Unexpected::Float(v))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Read<T>, E> {
        self.other(v.into(), de::Unexpected::Bool(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Read<T>, E> {
        self.other(serde_json::Value::Null, de::Unexpected::Unit)
    }

    fn visit_none<E: de::Error>(self) -> Result<Read<T>, E> {
        self.other(serde_json::Value::Null, de::Unexpected::Unit)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Read<T>, D::Error> {
        d.deserialize_any(self)
    }
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

/// Writes a struct as a JSON object: its tag, the fields it holds, then the unknown keys it
/// kept. A write error is kept and returned by `end`, so a generated `serialize` is one plain
/// call per field (no `?` per field to type-check and compile).
struct ObjectWriter<'a, M: serde::ser::SerializeMap> {
    map: M,
    extra: &'a Extra,
    error: Option<M::Error>,
}

impl<'a, M: serde::ser::SerializeMap> ObjectWriter<'a, M> {
    fn new<S>(serializer: S, extra: &'a Extra) -> Result<Self, M::Error>
    where
        S: serde::Serializer<SerializeMap = M, Error = M::Error>,
    {
        Ok(ObjectWriter { map: serializer.serialize_map(None)?, extra, error: None })
    }

    /// The tag, unless it was absent when decoded or an unknown key of that name is kept.
    fn tag(&mut self, key: &str, value: &str) {
        if self.error.is_none() && !self.extra.tag_absent && !self.extra.contains_key(key) {
            self.entry(key, value);
        }
    }

    /// A field, unless it is absent or a value of another JSON type is kept under its key.
    fn field<T: serde::Serialize>(&mut self, key: &str, field: &Field<T>) {
        if self.error.is_none() && !field.is_absent() && !self.extra.contains_key(key) {
            self.entry(key, field);
        }
    }

    fn entry<V: serde::Serialize + ?Sized>(&mut self, key: &str, value: &V) {
        if let Err(e) = self.map.serialize_entry(key, value) {
            self.error = Some(e);
        }
    }

    /// The kept unknown keys, then the end of the object; or the first error.
    fn end(mut self) -> Result<M::Ok, M::Error> {
        if let Some(e) = self.error {
            return Err(e);
        }
        for (key, value) in self.extra.iter() {
            self.map.serialize_entry(key, value)?;
        }
        self.map.end()
    }
}

impl<M: serde::ser::SerializeMap> Visit for ObjectWriter<'_, M> {
    fn field<T: serde::Serialize + std::fmt::Debug>(&mut self, _name: &'static str, wire: &'static str, field: &Field<T>) {
        ObjectWriter::field(self, wire, field);
    }
}
