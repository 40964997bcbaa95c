//! Reading one field's value leniently: a value of the declared JSON type decodes as that type,
//! `null` is a `null` field, and a value of another JSON type is kept raw (the struct puts it in
//! its `Extra` under the field's key, so it is written back as it came).

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, MapAccess, Visitor};
use std::fmt;
use std::marker::PhantomData;

/// What one field's JSON held.
pub enum Read<T> {
    Value(T),
    Null,
    Raw(serde_json::Value),
}

/// A type a struct field can hold, read leniently (see the module docs).
pub trait FieldValue: Sized {
    fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Read<Self>, D::Error>;
}

/// Reads a container-shaped `T`: decoded when the JSON is an array (`ARRAY`) or an object (not
/// `ARRAY`); `null` is a null field; anything else is kept raw. The shape is a constant so that
/// each instantiation compiles only the branch it takes.
struct ShapeVisitor<T, const ARRAY: bool>(PhantomData<T>);

impl<'de, T: Deserialize<'de>, const ARRAY: bool> Visitor<'de> for ShapeVisitor<T, ARRAY> {
    type Value = Read<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Read<T>, A::Error> {
        let d = de::value::MapAccessDeserializer::new(map);
        if ARRAY {
            serde_json::Value::deserialize(d).map(Read::Raw)
        } else {
            T::deserialize(d).map(Read::Value)
        }
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Read<T>, A::Error> {
        let d = de::value::SeqAccessDeserializer::new(seq);
        if ARRAY {
            T::deserialize(d).map(Read::Value)
        } else {
            serde_json::Value::deserialize(d).map(Read::Raw)
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Read<T>, E> {
        Ok(Read::Raw(v.into()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Read<T>, E> {
        Ok(Read::Raw(v.into()))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Read<T>, E> {
        Ok(Read::Raw(v.into()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Read<T>, E> {
        Ok(Read::Raw(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Read<T>, E> {
        Ok(Read::Raw(v.into()))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Read<T>, E> {
        Ok(Read::Raw(v.into()))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Read<T>, E> {
        Ok(Read::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Read<T>, E> {
        Ok(Read::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Read<T>, D::Error> {
        d.deserialize_any(self)
    }
}

/// Reads `T` through `FieldValue` as the value of a map entry.
pub(crate) struct ReadSeed<T>(pub PhantomData<T>);

impl<'de, T: FieldValue> DeserializeSeed<'de> for ReadSeed<T> {
    type Value = Read<T>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Read<T>, D::Error> {
        T::read(d)
    }
}

impl<T: FieldValue> FieldValue for Box<T> {
    fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Read<Self>, D::Error> {
        Ok(match T::read(d)? {
            Read::Value(v) => Read::Value(Box::new(v)),
            Read::Null => Read::Null,
            Read::Raw(r) => Read::Raw(r),
        })
    }
}

/// A recursive field: boxed, and `None` until a value is read.
impl<T: FieldValue> FieldValue for Option<Box<T>> {
    fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Read<Self>, D::Error> {
        Ok(match T::read(d)? {
            Read::Value(v) => Read::Value(Some(Box::new(v))),
            Read::Null => Read::Null,
            Read::Raw(r) => Read::Raw(r),
        })
    }
}

impl<T: for<'a> Deserialize<'a>> FieldValue for Vec<T> {
    fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Read<Self>, D::Error> {
        d.deserialize_any(ShapeVisitor::<Vec<T>, true>(PhantomData))
    }
}

impl<T: for<'a> Deserialize<'a>> FieldValue for std::collections::BTreeMap<String, T> {
    fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Read<Self>, D::Error> {
        d.deserialize_any(ShapeVisitor::<Self, false>(PhantomData))
    }
}

impl FieldValue for serde_json::Map<String, serde_json::Value> {
    fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Read<Self>, D::Error> {
        d.deserialize_any(ShapeVisitor::<Self, false>(PhantomData))
    }
}

impl FieldValue for serde_json::Value {
    fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Read<Self>, D::Error> {
        Ok(match serde_json::Value::deserialize(d)? {
            serde_json::Value::Null => Read::Null,
            v => Read::Value(v),
        })
    }
}

macro_rules! tuple_field_value {
    ($($t:ident),+) => {
        impl<$($t: for<'a> Deserialize<'a>),+> FieldValue for ($($t,)+) {
            fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Read<Self>, D::Error> {
                d.deserialize_any(ShapeVisitor::<Self, true>(PhantomData))
            }
        }
    };
}
tuple_field_value!(A);
tuple_field_value!(A, B);
tuple_field_value!(A, B, C);
tuple_field_value!(A, B, C, E);
tuple_field_value!(A, B, C, E, F);
tuple_field_value!(A, B, C, E, F, G);

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


struct LenientVisitor<T>(std::marker::PhantomData<T>);

impl<'de, T: Scalar> Visitor<'de> for LenientVisitor<T> {
    type Value = Read<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(T::from_i64(v).map_or_else(|| Read::Raw(v.into()), Read::Value))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(T::from_u64(v).map_or_else(|| Read::Raw(v.into()), Read::Value))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(T::from_f64(v).map_or_else(|| Read::Raw(v.into()), Read::Value))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(T::from_bool(v).map_or_else(|| Read::Raw(v.into()), Read::Value))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(T::from_str(v).map_or_else(|| Read::Raw(v.into()), Read::Value))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(T::from_string(v).map_or_else(|s| Read::Raw(s.into()), Read::Value))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Read::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Read::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        serde_json::Value::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(Read::Raw)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        serde_json::Value::deserialize(de::value::MapAccessDeserializer::new(map)).map(Read::Raw)
    }
}


macro_rules! scalar_field_value {
    ($($t:ty),*) => {$(
        impl FieldValue for $t {
            fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Read<Self>, D::Error> {
                d.deserialize_any(LenientVisitor(PhantomData))
            }
        }
    )*};
}
scalar_field_value!(String, i64, f64, bool);

/// Reads a type of the project's (the `replace` and `formats` settings) leniently: `null` is a
/// null field, and a value the type rejects is kept raw, as a value of another JSON type is. The
/// value is buffered, written out and read back, so the type decodes from the byte
/// deserializer only.
pub fn read_external<'de, T: serde::de::DeserializeOwned, D: Deserializer<'de>>(d: D) -> Result<Read<T>, D::Error> {
    let value = serde_json::Value::deserialize(d)?;
    if value.is_null() {
        return Ok(Read::Null);
    }
    Ok(match serde_json::from_str::<T>(&value.to_string()) {
        Ok(v) => Read::Value(v),
        Err(_) => Read::Raw(value),
    })
}

/// What a type named by the settings must implement to be a field type; `external!` checks it
/// at compile time, where the error shows the setting.
pub fn check_setting_type<T>()
where
    T: serde::Serialize + serde::de::DeserializeOwned + Default + Clone + std::fmt::Debug + PartialEq,
{
}

/// A cursor's text for the next page's request: a string as it is, a number as its digits, any
/// other type (a `uuid::Uuid` a setting maps a string format to) as the string it serializes to.
/// Written to bytes, as every encoder here is, not to a `serde_json::Value`.
pub fn cursor_text<T: serde::Serialize + ?Sized>(value: &T) -> Option<String> {
    let json = serde_json::to_vec(value).ok()?;
    match json.first()? {
        b'"' => serde_json::from_slice::<String>(&json).ok(),
        b'-' | b'0'..=b'9' => String::from_utf8(json).ok(),
        _ => None,
    }
}
