//! The small string work of bundling: splitting a `$ref` into file and fragment, joining paths
//! without touching the file system, and naming copied parts (`pet.yaml` -> `Pet`).

use std::path::{Component, Path, PathBuf};

/// A `$ref` taken apart.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Target<'a> {
    /// `#/…`: a pointer into the referring file itself (already percent-decoded).
    Local(String),
    /// `other.yaml#/…` or `other.yaml`: a file relative to the referring one.
    File(&'a str, String),
    /// `https://…`, `//host/…` or any other scheme.
    Remote,
    /// A fragment that is not a JSON pointer (`#Pet`, an `$anchor`).
    BadFragment,
}

pub(crate) fn parse_ref(r: &str) -> Target<'_> {
    let (file, fragment) = match r.split_once('#') {
        Some((file, fragment)) => (file, fragment),
        None => (r, ""),
    };
    let fragment = percent_decode(fragment);
    if !fragment.is_empty() && !fragment.starts_with('/') {
        return Target::BadFragment;
    }
    if file.is_empty() {
        return Target::Local(fragment);
    }
    if file.starts_with("//") || has_scheme(file) {
        return Target::Remote;
    }
    Target::File(file, fragment)
}

/// `scheme:` as URIs start (RFC 3986 §3.1); a Windows drive letter (`C:`) is one letter.
fn has_scheme(s: &str) -> bool {
    let Some((scheme, _)) = s.split_once(':') else { return false };
    scheme.len() > 1
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// Decodes `%XX` escapes (a fragment or path of a URI reference); malformed ones stay as written.
pub(crate) fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_owned();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_owned())
}

/// `base`'s directory joined with `relative`, with `.` and `name/..` removed, so that file
/// names in messages read as the user wrote them (`spec/schemas/pet.yaml`).
pub(crate) fn join(base: &Path, relative: &str) -> PathBuf {
    let dir = base.parent().unwrap_or(Path::new(""));
    let mut out = PathBuf::new();
    for c in dir.join(percent_decode(relative)).components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if matches!(out.components().next_back(), Some(Component::Normal(_))) {
                    out.pop();
                } else if !matches!(out.components().next_back(), Some(Component::RootDir | Component::Prefix(_))) {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// `pet-store` -> `PetStore`: the stem of a file as a component name.
pub(crate) fn pascal(stem: &str) -> String {
    let mut out = String::new();
    for part in stem.split(|c: char| !c.is_ascii_alphanumeric()).filter(|p| !p.is_empty()) {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    if out.is_empty() {
        out.push_str("Part");
    }
    out
}

pub(crate) fn stem(path: &Path) -> String {
    pascal(&path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default())
}

/// The name a part is copied under: the last token of its fragment when that is a usable
/// component name, else the file's stem (with the token when it is an index: `Pets0`).
pub(crate) fn part_name(stem: &str, fragment: &str) -> String {
    let Some(last) = fragment.rsplit('/').next().filter(|_| !fragment.is_empty()) else {
        return stem.to_owned();
    };
    let last = last.replace("~1", "/").replace("~0", "~");
    if last.is_empty() || last.bytes().all(|b| b.is_ascii_digit()) {
        return format!("{stem}{last}");
    }
    // Component names are `^[a-zA-Z0-9.\-_]+$`.
    last.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' }).collect()
}

/// Candidates for a part's name, the first free one wins: the name, then the name prefixed
/// with the file's stem, then that numbered.
pub(crate) fn candidates<'a>(name: &'a str, stem: &'a str) -> impl Iterator<Item = String> + 'a {
    let prefixed = if name.starts_with(stem) { name.to_owned() } else { format!("{stem}{name}") };
    std::iter::once(name.to_owned()).chain(std::iter::once(prefixed.clone())).chain((2..).map(move |n| format!("{prefixed}{n}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refs() {
        assert_eq!(parse_ref("#/a/b%20c"), Target::Local("/a/b c".into()));
        assert_eq!(parse_ref("pet.yaml"), Target::File("pet.yaml", String::new()));
        assert_eq!(parse_ref("../c.json#/x"), Target::File("../c.json", "/x".into()));
        assert_eq!(parse_ref("https://h/p.yaml#/x"), Target::Remote);
        assert_eq!(parse_ref("//h/p.yaml"), Target::Remote);
        assert_eq!(parse_ref("urn:x:y"), Target::Remote);
        assert_eq!(parse_ref("c.yaml#Pet"), Target::BadFragment);
        assert_eq!(percent_decode("a%2"), "a%2");
        assert_eq!(percent_decode("%7e%41"), "~A");
    }

    #[test]
    fn paths_and_names() {
        assert_eq!(join(Path::new("spec/openapi.yaml"), "./schemas/../common/pet.yaml"), Path::new("spec/common/pet.yaml"));
        assert_eq!(join(Path::new("openapi.yaml"), "../x.yaml"), Path::new("../x.yaml"));
        assert_eq!(join(Path::new("/a/openapi.yaml"), "../../x.yaml"), Path::new("/x.yaml"));
        assert_eq!(pascal("pet-store_v2"), "PetStoreV2");
        assert_eq!(part_name("Common", "/Error"), "Error");
        assert_eq!(part_name("Pet", ""), "Pet");
        assert_eq!(part_name("Pets", "/allOf/0"), "Pets0");
        assert_eq!(part_name("Pets", "/paths/~1pets"), "_pets");
        let c: Vec<_> = candidates("Error", "Common").take(3).collect();
        assert_eq!(c, ["Error", "CommonError", "CommonError2"]);
        let c: Vec<_> = candidates("Pet", "Pet").take(3).collect();
        assert_eq!(c, ["Pet", "Pet", "Pet2"]);
    }
}
