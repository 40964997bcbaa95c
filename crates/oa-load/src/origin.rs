//! Provenance of a bundled document: the file, and the pointer in it, that each node was
//! written at, so that diagnostics name the file the user has to edit.

use std::borrow::Cow;
use std::collections::HashMap;

/// Where a node of a document was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin<'a> {
    /// The display name of the file (for a single-file document, always `Document::name`).
    pub file: &'a str,
    /// The node's pointer in that file: the pointer asked about, unless bundling copied the node
    /// from another file (`/components/schemas/Pet/type` may be `/type` in `pet.yaml`).
    pub pointer: String,
    /// 1-based line and column, where the source tells.
    pub position: Option<(usize, usize)>,
}

/// A file other than the root that went into a bundled document.
#[derive(Debug)]
pub(crate) struct SourceFile {
    pub name: String,
    pub source: String,
}

/// What a bundled document keeps besides its root file.
#[derive(Debug, Default)]
pub(crate) struct Parts {
    /// Files 1, 2, …: file 0 is the root document itself.
    pub files: Vec<SourceFile>,
    /// Pointer in the bundled document of each copied part -> (file, pointer in that file).
    /// A node belongs to the longest entry that is a prefix of its pointer, or to the root file.
    pub copied: HashMap<String, (usize, String)>,
}

impl Parts {
    /// The file and pointer `pointer` was written at.
    pub fn trace<'p>(&self, pointer: &'p str) -> (usize, Cow<'p, str>) {
        let mut prefix = pointer;
        loop {
            if let Some((file, at)) = self.copied.get(prefix) {
                return (*file, Cow::Owned(format!("{at}{}", &pointer[prefix.len()..])));
            }
            match prefix.rfind('/') {
                Some(i) => prefix = &prefix[..i],
                None => return (0, Cow::Borrowed(pointer)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longest_prefix_wins_at_token_boundaries() {
        let mut parts = Parts::default();
        parts.copied.insert("/components/schemas/Pet".into(), (1, String::new()));
        parts.copied.insert("/paths/~1a".into(), (2, "/x".into()));
        parts.copied.insert("/paths/~1a/summary".into(), (0, "/paths/~1a/summary".into()));
        assert_eq!(parts.trace("/components/schemas/Pet/type"), (1, "/type".into()));
        assert_eq!(parts.trace("/components/schemas/Pet"), (1, "".into()));
        assert_eq!(parts.trace("/components/schemas/Pets"), (0, "/components/schemas/Pets".into()));
        assert_eq!(parts.trace("/paths/~1a/get"), (2, "/x/get".into()));
        assert_eq!(parts.trace("/paths/~1a/summary"), (0, "/paths/~1a/summary".into()));
        assert_eq!(parts.trace(""), (0, "".into()));
    }
}
