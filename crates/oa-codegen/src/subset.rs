//! Subset: extracts the part of a document that selected operations reach, without prose.
