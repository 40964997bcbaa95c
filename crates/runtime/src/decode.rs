//! JSON decoding, and the JSON path of the value where decoding failed.
//!
//! The path comes from scanning the input up to the position serde_json reports, not from a
//! second, tracked decoding pass: such a pass (`serde_path_to_error`) instantiates every type's
//! decoder a second time, which roughly doubled the compiled size of the generated crate.

use serde::de::DeserializeOwned;

use super::error::Error;

/// Decodes `bytes` as `T`; on failure the error carries the body and the path of the value
/// being read when decoding stopped.
pub(crate) fn decode_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Error> {
    serde_json::from_slice::<T>(bytes).map_err(|source| decode_error(bytes, source))
}

/// [`Error::Decode`] for `bytes`, which failed to decode with `source`.
pub(crate) fn decode_error(bytes: &[u8], source: serde_json::Error) -> Error {
    Error::Decode {
        body: String::from_utf8_lossy(bytes).into_owned(),
        path: path_at(bytes, source.line(), source.column()),
        source,
    }
}

/// A container open at the scanned position.
enum Frame {
    /// An object, with the key whose value is being read (known once its `:` is seen).
    Object { key: Option<String>, pending: Option<String> },
    /// An array, with the index of the element being read.
    Array { index: usize },
}

/// The path (`data[1].id`, `.` for the root) of the value being read at 1-based `line` and
/// `column`, which serde_json gives as the last byte it consumed. Keys the input ended or broke inside are left
/// out, so the path names only what the input did say.
pub(crate) fn path_at(bytes: &[u8], line: usize, column: usize) -> String {
    let end = offset_of(bytes, line, column);
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < end {
        match bytes[i] {
            b'{' => stack.push(Frame::Object { key: None, pending: None }),
            b'[' => stack.push(Frame::Array { index: 0 }),
            // A closer that does not match is where the input broke: the open container stays.
            b'}' if matches!(stack.last(), Some(Frame::Object { .. })) => {
                stack.pop();
            }
            b']' if matches!(stack.last(), Some(Frame::Array { .. })) => {
                stack.pop();
            }
            b'}' | b']' => break,
            b',' => match stack.last_mut() {
                Some(Frame::Array { index }) => *index += 1,
                Some(Frame::Object { key, pending }) => (*key, *pending) = (None, None),
                None => {}
            },
            b':' => {
                if let Some(Frame::Object { key, pending }) = stack.last_mut() {
                    *key = pending.take();
                }
            }
            b'"' => {
                let Some(close) = string_end(bytes, i, end) else { break };
                if let Some(Frame::Object { key: None, pending }) = stack.last_mut() {
                    let text = &bytes[i..=close];
                    *pending = Some(serde_json::from_slice(text).unwrap_or_else(|_| String::from_utf8_lossy(&text[1..text.len() - 1]).into_owned()));
                }
                i = close;
            }
            _ => {}
        }
        i += 1;
    }
    // The last byte read opened a container: the error is about that value as a whole.
    if end > 0 && matches!(bytes[end - 1], b'{' | b'[') && i >= end {
        stack.pop();
    }
    let mut path = String::new();
    for frame in &stack {
        match frame {
            Frame::Object { key: Some(key), .. } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Frame::Object { key: None, .. } => break,
            Frame::Array { index } => path.push_str(&format!("[{index}]")),
        }
    }
    if path.is_empty() {
        path.push('.');
    }
    path
}

/// The index of the closing quote of the string opening at `start`, if it closes before `end`.
fn string_end(bytes: &[u8], start: usize, end: usize) -> Option<usize> {
    let mut i = start + 1;
    while i < end {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// The offset just past the byte at 1-based `line` and `column`; the end of the input past it (or
/// for line 0, which serde_json reports for errors without a position).
fn offset_of(bytes: &[u8], line: usize, column: usize) -> usize {
    if line == 0 {
        return bytes.len();
    }
    let mut start = 0;
    for _ in 1..line {
        match bytes[start..].iter().position(|&b| b == b'\n') {
            Some(newline) => start += newline + 1,
            None => return bytes.len(),
        }
    }
    (start + column).min(bytes.len())
}

#[cfg(test)]
mod tests {
    use super::path_at;

    /// The path at the position serde_json reports for `json` decoded as `T`.
    fn path_of<T: serde::de::DeserializeOwned>(json: &str) -> String {
        let err = serde_json::from_str::<T>(json).err().expect("decoding fails");
        path_at(json.as_bytes(), err.line(), err.column())
    }

    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct List {
        data: Vec<Item>,
        next: Option<String>,
    }

    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct Item {
        id: String,
        tags: Vec<u32>,
    }

    #[test]
    fn names_the_value_being_read() {
        assert_eq!(path_of::<List>(r#"{"data":[{"id":"a","tags":[]},{"id":7}]}"#), "data[1].id");
        assert_eq!(path_of::<List>(r#"{"data":[{"id":"a","tags":[1,2,"x"]}]}"#), "data[0].tags[2]");
        assert_eq!(path_of::<List>(r#"{"data":[], "next": 5}"#), "next");
        assert_eq!(path_of::<List>(r#"{"data":[{"id":"a\"}{,","tags":[1,"x"]}]}"#), "data[0].tags[1]");
        assert_eq!(path_of::<List>(r#"{"d\u0061ta":[{"id":"a","tags":[true]}]}"#), "data[0].tags[0]");
    }

    #[test]
    fn a_missing_field_names_its_object() {
        assert_eq!(path_of::<List>(r#"{"data":[{"id":"a"}]}"#), "data[0]");
        assert_eq!(path_of::<List>(r#"{}"#), ".");
    }

    #[test]
    fn a_key_the_input_breaks_inside_is_left_out() {
        assert_eq!(path_of::<List>("{\"data\":[{\"i"), "data[0]");
        assert_eq!(path_of::<List>("{\"da"), ".");
        assert_eq!(path_of::<List>("{\n \"data\": [\n  {\"id\": \"a\", \"tags\": []},\n  {\"id\""), "data[1]");
        assert_eq!(path_of::<List>("[1]"), "[0]");
        assert_eq!(path_of::<List>("[]"), ".");
        assert_eq!(path_of::<List>("5"), ".");
    }
}
