//! JSON decoding with a fast path and a slower second pass that reports the failing JSON path.

use serde::de::DeserializeOwned;
use serde_path_to_error::{Path, Segment};

use super::error::Error;

/// Decodes `bytes` as `T`.
///
/// The common case goes straight through `serde_json::from_slice`. Only when that
/// fails is the input parsed again through `serde_path_to_error`, so successful
/// responses never pay for path tracking.
pub(crate) fn decode_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Error> {
    match serde_json::from_slice::<T>(bytes) {
        Ok(v) => Ok(v),
        Err(fast_err) => Err(slow_error::<T>(bytes, fast_err)),
    }
}

fn slow_error<T: DeserializeOwned>(bytes: &[u8], fast_err: serde_json::Error) -> Error {
    let body = String::from_utf8_lossy(bytes).into_owned();
    let mut de = serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Err(e) => {
            let path = known_path(e.path());
            Error::Decode {
                body,
                path,
                source: e.into_inner(),
            }
        }
        // The tracked pass accepted what the fast pass rejected (for example
        // trailing characters, which only `from_slice` checks): report the original.
        Ok(_) => Error::Decode {
            body,
            path: ".".to_owned(),
            source: fast_err,
        },
    }
}

/// The path as `serde_path_to_error` writes it (`data[1].id`, `.` for the
/// root), cut before the first segment it could not name. Such a segment is
/// a map key the input ended or broke inside, shown by the crate as `?`,
/// which says nothing; the line and column of the serde error say where
/// parsing stopped instead.
fn known_path(path: &Path) -> String {
    let mut out = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Unknown => break,
        }
    }
    if out.is_empty() {
        out.push('.');
    }
    out
}
