//! JSON pointer tokens (RFC 6901): escaping a key for use in a pointer.

/// Escapes `~` and `/` in a key so it can be one token of a JSON pointer.
pub fn escape_token(token: &str) -> std::borrow::Cow<'_, str> {
    if token.contains(['~', '/']) {
        token.replace('~', "~0").replace('/', "~1").into()
    } else {
        token.into()
    }
}
