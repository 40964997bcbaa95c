//! Unions: the tag read as a borrowed key and the rest of the object decoded straight into the
//! variant that owns it; entries before the tag kept as their JSON text; anything else buffered
//! once for `Union::from_value`, which never fails (the catch-all keeps what matches nothing).

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use std::fmt;
use std::marker::PhantomData;

use super::structs::json_reader;
use super::{Key, Read, Text};

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
    Ok(match read_union(d)? {
        Read::Value(u) => u,
        Read::Null | Read::Raw(_) => U::from_value(serde_json::Value::Null),
    })
}

/// Reads a field of union type `U`: `null`, or any other JSON as `U`.
pub fn read_union<'de, D: Deserializer<'de>, U: Union>(d: D) -> Result<Read<U>, D::Error> {
    d.deserialize_any(UnionVisitor::<U>(PhantomData))
}

struct UnionVisitor<U>(PhantomData<U>);

impl<'de, U: Union> Visitor<'de> for UnionVisitor<U> {
    type Value = Read<U>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Read<U>, A::Error> {
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
                            Ok(done) => return Ok(Read::Value(done)),
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
        Ok(Read::Value(U::from_value(serde_json::Value::Object(object))))
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Read<U>, A::Error> {
        serde_json::Value::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(|v| Read::Value(U::from_value(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Read<U>, E> {
        Ok(Read::Value(U::from_value(v.into())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Read<U>, E> {
        Ok(Read::Value(U::from_value(v.into())))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Read<U>, E> {
        Ok(Read::Value(U::from_value(v.into())))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Read<U>, E> {
        Ok(Read::Value(U::from_value(v.into())))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Read<U>, E> {
        Ok(Read::Value(U::from_value(v.into())))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Read<U>, E> {
        Ok(Read::Value(U::from_value(v.into())))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Read<U>, E> {
        Ok(Read::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Read<U>, E> {
        Ok(Read::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Read<U>, D::Error> {
        d.deserialize_any(self)
    }
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

