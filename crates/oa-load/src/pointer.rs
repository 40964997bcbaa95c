//! JSON pointers (RFC 6901): building them while walking a value, and escaping tokens.

use std::fmt;

/// An owned JSON pointer such as `/components/schemas/Response`.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pointer(String);

impl Pointer {
    pub fn root() -> Self {
        Pointer(String::new())
    }

    /// Parses a pointer that is already escaped, e.g. the fragment of a `$ref`.
    pub fn from_escaped(s: &str) -> Self {
        Pointer(s.to_owned())
    }

    pub fn push(&self, token: &str) -> Self {
        let mut s = String::with_capacity(self.0.len() + token.len() + 1);
        s.push_str(&self.0);
        s.push('/');
        s.push_str(&escape_token(token));
        Pointer(s)
    }

    pub fn push_index(&self, index: usize) -> Self {
        Pointer(format!("{}/{}", self.0, index))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The unescaped tokens of the pointer.
    pub fn tokens(&self) -> impl Iterator<Item = String> + '_ {
        self.0.split('/').skip(1).map(|t| t.replace("~1", "/").replace("~0", "~"))
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            f.write_str("/")
        } else {
            f.write_str(&self.0)
        }
    }
}

pub fn escape_token(token: &str) -> std::borrow::Cow<'_, str> {
    if token.contains(['~', '/']) {
        token.replace('~', "~0").replace('/', "~1").into()
    } else {
        token.into()
    }
}
