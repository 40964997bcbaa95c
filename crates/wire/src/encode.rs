//! Request encodings the generated operations call: form and multipart bodies, the stream flag.

use super::style::{self, Style};

/// The query pairs of a structured parameter, written by its OpenAPI `style` (`deepObject`:
/// `created[gt]=1`); names and values are not yet percent-encoded.
pub fn styled_query<T: serde::Serialize + ?Sized>(name: &str, value: &T, style: &str, explode: bool) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    if let Ok(value) = super::json_value(value) {
        style::query_pairs(name, &value, Style::parse(style).unwrap_or(Style::Form), explode, &mut pairs);
    }
    pairs
}

/// The value of a structured header parameter (style `simple`).
pub fn styled_header<T: serde::Serialize + ?Sized>(value: &T, explode: bool) -> String {
    super::json_value(value).map(|v| style::header_value(&v, explode)).unwrap_or_default()
}

/// Encodes a body as `application/x-www-form-urlencoded`, each property by its declared
/// encoding (`styles`: wire name, style, explode), the others as OpenAPI's defaults say.
pub fn form_body<T: serde::Serialize + ?Sized>(body: &T, styles: &[(&str, &str, bool)]) -> Result<String, serde_json::Error> {
    let value = super::json_value(body)?;
    let lookup = |name: &str| {
        styles.iter().find(|s| s.0 == name).map(|s| (Style::parse(s.1).unwrap_or(Style::Form), s.2))
    };
    let mut pairs = Vec::new();
    style::form_pairs(&value, &lookup, &mut pairs);
    Ok(style::urlencode_pairs(&pairs))
}

/// Encodes a body as `multipart/form-data`: file fields (`binary`, held as bytes) become file
/// parts, strings text parts, arrays repeated `name[]` parts, objects their JSON text.
pub fn multipart<T: serde::Serialize + ?Sized>(body: &T, binary: &[&str]) -> Result<(String, Vec<u8>), serde_json::Error> {
    let value = super::json_value(body)?;
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
        let mut value = super::json_value(self.body).map_err(serde::ser::Error::custom)?;
        if let serde_json::Value::Object(map) = &mut value {
            map.insert(self.flag.to_owned(), serde_json::Value::Bool(self.on));
        }
        value.serialize(serializer)
    }
}
