//! OpenAPI 3.x parameter serialization (`style` and `explode`) over `serde_json::Value`.
//!
//! Generated code turns a parameter into a value with `serde_json::to_value` and hands it to
//! one of these encoders:
//!
//! - [`query_pairs`] for `in: query` and `in: cookie`: decoded name/value pairs, to be
//!   percent-encoded by the caller (for instance with [`urlencode_pairs`]);
//! - [`path_value`] for `in: path`: the text that replaces `{name}`, already percent-encoded;
//! - [`header_value`] for `in: header` (style `simple`), not percent-encoded;
//! - [`form_pairs`] and [`urlencode_pairs`] for `application/x-www-form-urlencoded` bodies.
//!
//! Conventions shared by every encoder:
//!
//! - `null` is undefined (in the RFC 6570 sense) and produces nothing; so do an empty array
//!   and an empty object, at the top level and nested. `null` items of arrays and `null`
//!   properties of objects are skipped as well. The empty string is a value: `name=`.
//! - Scalars print as text: strings as they are (never quoted), booleans as `true`/`false`,
//!   numbers as serde_json prints them (`1`, `1.5`).
//! - Where a style does not say how to write a value nested inside an array or an object (all
//!   styles but `deepObject`), the nested value is written as its compact JSON text.
//! - A combination the specification leaves undefined falls back to the closest defined one;
//!   each function documents its fallbacks.
//!
//! `deepObject` nests with brackets at any depth: objects by key (`a[b][c]=v`) and arrays by
//! index (`a[0]=x`, `a[0][k]=v`), which is what Stripe reads. The specification defines only
//! one level of scalar properties; the rest is this module's choice. Keys are written as they
//! are (a `[` or `]` inside a key is not escaped). A top-level string stays `name=v`, which is
//! how Stripe is told to clear a deepObject field (`metadata=`).
//!
//! This file is copied verbatim into generated crates, so it depends on std, serde and
//! serde_json alone and refers to nothing else in its crate.

use serde_json::{Map, Value};
use std::borrow::Cow;

/// A serialization style of the OpenAPI Parameter and Encoding Objects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Style {
    /// `name=a&name=b` (exploded) or `name=a,b`: the default for query and cookie.
    Form,
    /// `name=a b` (space-separated values).
    SpaceDelimited,
    /// `name=a|b` (pipe-separated values).
    PipeDelimited,
    /// `name[key]=value` for objects.
    DeepObject,
    /// `a,b` (comma-separated): the default for path and header.
    Simple,
    /// `.a.b` (exploded) or `.a,b`: path only.
    Label,
    /// `;name=a;name=b` (exploded) or `;name=a,b`: path only.
    Matrix,
}

impl Style {
    /// Reads a `style` value as the specification spells it (`"deepObject"`, …).
    pub fn parse(s: &str) -> Option<Style> {
        Some(match s {
            "form" => Style::Form,
            "spaceDelimited" => Style::SpaceDelimited,
            "pipeDelimited" => Style::PipeDelimited,
            "deepObject" => Style::DeepObject,
            "simple" => Style::Simple,
            "label" => Style::Label,
            "matrix" => Style::Matrix,
            _ => return None,
        })
    }

    /// The specification's spelling of the style.
    pub fn as_str(self) -> &'static str {
        match self {
            Style::Form => "form",
            Style::SpaceDelimited => "spaceDelimited",
            Style::PipeDelimited => "pipeDelimited",
            Style::DeepObject => "deepObject",
            Style::Simple => "simple",
            Style::Label => "label",
            Style::Matrix => "matrix",
        }
    }

    /// The value `explode` takes when a document leaves it out: `true` for `form` only.
    pub fn default_explode(self) -> bool {
        self == Style::Form
    }
}

/// The text of a scalar; `None` for `null`. Arrays and objects give their compact JSON text.
fn text(value: &Value) -> Option<Cow<'_, str>> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(Cow::Borrowed(s)),
        Value::Bool(true) => Some(Cow::Borrowed("true")),
        Value::Bool(false) => Some(Cow::Borrowed("false")),
        Value::Number(n) => Some(Cow::Owned(n.to_string())),
        other => Some(Cow::Owned(other.to_string())),
    }
}

/// The texts of an array's items, `null` items left out.
fn item_texts(items: &[Value]) -> Vec<Cow<'_, str>> {
    items.iter().filter_map(text).collect()
}

/// The keys and value texts of an object's properties, `null` properties left out.
fn entry_texts(map: &Map<String, Value>) -> Vec<(&str, Cow<'_, str>)> {
    map.iter().filter_map(|(k, v)| text(v).map(|t| (k.as_str(), t))).collect()
}

/// The keys and values of an object flattened into one list: `R,100,G,200`.
fn flatten<'a>(entries: &[(&'a str, Cow<'a, str>)]) -> Vec<Cow<'a, str>> {
    entries.iter().flat_map(|(k, v)| [Cow::Borrowed(*k), v.clone()]).collect()
}

/// Serializes a query (or cookie) parameter into decoded name/value pairs, appended to `out`.
///
/// | value  | `form`, exploded        | `form`            | `spaceDelimited` / `pipeDelimited` | `deepObject`        |
/// |--------|-------------------------|-------------------|------------------------------------|---------------------|
/// | scalar | `name=v`                | `name=v`          | `name=v`                           | `name=v`            |
/// | array  | `name=a`, `name=b`      | `name=a,b`        | `name=a b` / `name=a\|b`           | `name[0]=a`, …      |
/// | object | `R=100`, `G=200`        | `name=R,100,G,200`| `name=R 100 G 200` / `name=R\|100…`| `name[R]=100`, …    |
///
/// Fallbacks for what the specification leaves undefined: a scalar is `name=v` in every style;
/// exploded `spaceDelimited`/`pipeDelimited` behave as exploded `form`; `deepObject` ignores
/// `explode` and nests arrays and objects at any depth (see the module documentation); the
/// path styles (`simple`, `label`, `matrix`) behave as `form`. `null`, `[]` and `{}` produce no
/// pair in any style.
pub fn query_pairs(name: &str, value: &Value, style: Style, explode: bool, out: &mut Vec<(String, String)>) {
    let sep = match style {
        Style::DeepObject => return deep_pairs(name.to_owned(), value, out),
        Style::SpaceDelimited if !explode => " ",
        Style::PipeDelimited if !explode => "|",
        _ if explode => return form_exploded(name, value, out),
        _ => ",",
    };
    let pieces = match value {
        Value::Array(items) => item_texts(items),
        Value::Object(map) => flatten(&entry_texts(map)),
        scalar => text(scalar).into_iter().collect(),
    };
    if !pieces.is_empty() {
        out.push((name.to_owned(), pieces.join(sep)));
    }
}

/// Exploded `form`: one pair per array item under `name`, one pair per object property under
/// the property's own key.
fn form_exploded(name: &str, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Array(items) => {
            for t in item_texts(items) {
                out.push((name.to_owned(), t.into_owned()));
            }
        }
        Value::Object(map) => {
            for (k, t) in entry_texts(map) {
                out.push((k.to_owned(), t.into_owned()));
            }
        }
        scalar => {
            if let Some(t) = text(scalar) {
                out.push((name.to_owned(), t.into_owned()));
            }
        }
    }
}

/// `deepObject`: brackets for every level, keys for objects and indexes for arrays.
fn deep_pairs(prefix: String, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Null => {}
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                deep_pairs(format!("{prefix}[{i}]"), item, out);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                deep_pairs(format!("{prefix}[{k}]"), v, out);
            }
        }
        scalar => {
            if let Some(t) = text(scalar) {
                out.push((prefix, t.into_owned()));
            }
        }
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters (`A-Z a-z 0-9 - . _ ~`).
fn percent(s: &str) -> Cow<'_, str> {
    if s.bytes().all(is_unreserved) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if is_unreserved(b) {
            out.push(b as char);
        } else {
            push_hex(&mut out, b);
        }
    }
    Cow::Owned(out)
}

fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

fn push_hex(out: &mut String, b: u8) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.push('%');
    out.push(HEX[usize::from(b >> 4)] as char);
    out.push(HEX[usize::from(b & 15)] as char);
}

/// Serializes a path parameter into the text that replaces `{name}` in the path template.
///
/// The result is already percent-encoded: every name, key and value is encoded down to RFC
/// 3986's unreserved characters, and only the style's own delimiters (`,` `.` `;` `=`) are
/// written literally; insert it into the path as it is.
///
/// | value  | `simple`           | `label`              | `matrix`                  |
/// |--------|--------------------|----------------------|---------------------------|
/// | scalar | `blue`             | `.blue`              | `;color=blue`             |
/// | array  | `a,b` (both)       | `.a,b` / `.a.b`      | `;color=a,b` / `;color=a;color=b` |
/// | object | `R,100` / `R=100`  | `.R,100` / `.R=100`  | `;color=R,100` / `;R=100` |
///
/// (non-exploded / exploded). `label` without `explode` separates with commas, as RFC 6570 and
/// OpenAPI 3.1.1 do (3.1.0's example table showed dots). The empty string gives the empty
/// string, `.` and `;color`; `null`, `[]` and `{}` give the empty string in every style. The
/// query styles (`form`, …) are not defined for paths and behave as `simple`.
pub fn path_value(name: &str, value: &Value, style: Style, explode: bool) -> String {
    expand(name, value, style, explode, percent)
}

/// Serializes a header parameter (style `simple`): `a,b` for arrays, `R,100,G,200` for objects
/// (`R=100,G=200` exploded), scalars as their text, and the empty string for `null`, `[]` and
/// `{}` (the caller is expected to leave such a header out).
///
/// The text is not percent-encoded; a value with characters a header cannot carry (such as
/// line breaks) is the caller's concern.
pub fn header_value(value: &Value, explode: bool) -> String {
    expand("", value, Style::Simple, explode, verbatim)
}

fn verbatim(s: &str) -> Cow<'_, str> {
    Cow::Borrowed(s)
}

/// The RFC 6570 expansions of `simple`, `label` and `matrix`, with `enc` applied to every name,
/// key and value (never to delimiters).
fn expand(name: &str, value: &Value, style: Style, explode: bool, enc: fn(&str) -> Cow<'_, str>) -> String {
    let name = enc(name);
    let (pieces, sep) = match value {
        Value::Array(items) => {
            let items: Vec<String> = item_texts(items).iter().map(|t| enc(t).into_owned()).collect();
            if style == Style::Matrix && explode {
                return items.iter().map(|v| matrix(&name, v)).collect();
            }
            (items, if style == Style::Label && explode { "." } else { "," })
        }
        Value::Object(map) => {
            let entries = entry_texts(map);
            if !explode {
                (flatten(&entries).iter().map(|t| enc(t).into_owned()).collect(), ",")
            } else if style == Style::Matrix {
                return entries.iter().map(|(k, v)| matrix(&enc(k), &enc(v))).collect();
            } else {
                let pairs = entries.iter().map(|(k, v)| format!("{}={}", enc(k), enc(v))).collect();
                (pairs, if style == Style::Label { "." } else { "," })
            }
        }
        scalar => match text(scalar) {
            Some(t) => (vec![enc(&t).into_owned()], ","),
            None => return String::new(),
        },
    };
    if pieces.is_empty() {
        return String::new();
    }
    let joined = pieces.join(sep);
    match style {
        Style::Label => format!(".{joined}"),
        Style::Matrix => matrix(&name, &joined),
        _ => joined,
    }
}

/// One `matrix` parameter: `;name=value`, or `;name` when the value is empty.
fn matrix(name: &str, value: &str) -> String {
    if value.is_empty() {
        format!(";{name}")
    } else {
        format!(";{name}={value}")
    }
}

/// Serializes an `application/x-www-form-urlencoded` body into decoded pairs, appended to
/// `out`; encode them with [`urlencode_pairs`].
///
/// `value` is the body object; each of its top-level properties is one form field. For a
/// property whose Encoding Object states `style` or `explode`, `encodings` returns the style
/// and the explode flag (filling in a missing one with the defaults: `form`, and
/// [`Style::default_explode`]), and the property is written as [`query_pairs`] writes a query
/// parameter of that name. Stripe, for one, declares `deepObject` with `explode: true` for its
/// object and array properties.
///
/// For a property `encodings` returns `None` for (no Encoding Object, or one without `style`,
/// `explode` and `allowReserved`), OpenAPI 3.1 bases the encoding on the default
/// `contentType`: `text/plain` for scalars, `application/json` for objects, and for arrays that
/// of their items. This function follows it: scalars as their text (`id=42`), objects as their
/// compact JSON text (`address={"city":"X"}`, `{}` included), arrays as one pair per item under
/// the property name (`tag=a&tag=b`, no `[]` suffix) with object items as JSON text. `null`
/// properties and items, and empty arrays, are left out.
///
/// A body that is not an object produces no pairs.
pub fn form_pairs(value: &Value, encodings: &dyn Fn(&str) -> Option<(Style, bool)>, out: &mut Vec<(String, String)>) {
    let Value::Object(map) = value else { return };
    for (key, v) in map {
        match encodings(key) {
            Some((style, explode)) => query_pairs(key, v, style, explode, out),
            None => content_type_pairs(key, v, out),
        }
    }
}

/// A form field without a style: `text/plain` scalars, `application/json` objects, arrays item
/// by item.
fn content_type_pairs(key: &str, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Array(items) => {
            for t in item_texts(items) {
                out.push((key.to_owned(), t.into_owned()));
            }
        }
        other => {
            if let Some(t) = text(other) {
                out.push((key.to_owned(), t.into_owned()));
            }
        }
    }
}

/// Encodes pairs as `application/x-www-form-urlencoded` text: `k=v` joined by `&`, with
/// unreserved characters (`A-Z a-z 0-9 - . _ ~`) kept, space as `+` and every other byte of
/// the UTF-8 text as `%XX`. Usable for a query string as well (without the leading `?`).
pub fn urlencode_pairs(pairs: &[(String, String)]) -> String {
    let mut out = String::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        push_form(&mut out, k);
        out.push('=');
        push_form(&mut out, v);
    }
    out
}

fn push_form(out: &mut String, s: &str) {
    for b in s.bytes() {
        match b {
            b' ' => out.push('+'),
            b if is_unreserved(b) => out.push(b as char),
            b => push_hex(out, b),
        }
    }
}
