//! API diff between two lowered documents: compares two `ir::Ir` values (not their text) and
//! lists every change a user of the generated crate can see, each classed breaking or not.
//!
//! Both documents are lowered with `merge_same_shapes` off (as `cargo xtask diff` does), one
//! type per schema: whether a type shares its shape with another is an emission detail.
//!
//! `diff(&old, &new)` is pure and deterministic; `report` renders the list as markdown, JSON
//! or a CHANGELOG entry with a suggested semver bump. `cargo xtask diff` is the shell over it.
//!
//! # What is compared
//!
//! - **Operations**, keyed by HTTP method and path (`POST /responses`): added, removed, Rust
//!   method renamed or moved to another group, path parameters, the query struct and its
//!   parameters (by wire name), the JSON body, the JSON answer, the raw-answer flag, and the
//!   stream event type.
//! - **Types**, keyed by Rust name: added, removed, renamed, kind changed (struct / enum /
//!   union / alias), alias target changed.
//!   A *rename* is a removed and an added type whose structure is identical once the names are
//!   set aside (own name, and the names of other renamed types inside type expressions); it is
//!   found bottom-up, so an inline type renamed with its parent is matched too. When several
//!   removed and added types share a structure, only mutual unique best matches by shared
//!   name prefix and suffix are paired; what stays ambiguous is a removal plus an addition.
//! - **Struct fields**, keyed by wire name: added, removed, Rust name changed, type changed
//!   (the type without its `Option`), required flips, nullable flips; the serde tag of a struct.
//! - **Enum values**, keyed by wire value: added, removed, Rust variant renamed.
//! - **Union variants**, matched by Rust name, else by identical wire tags: added, removed,
//!   renamed, payload type changed, wire tags added to or removed from a variant, the tag
//!   property changed. The catch-all arm of enums and unions renamed.
//!
//! Type expressions are compared after mapping old names through the detected renames, so a
//! rename is reported once (as the rename) and not again at every field that uses the type.
//!
//! # Rules: what is breaking
//!
//! Breaking means code that compiled against the old crate may stop compiling, or a value that
//! used to decode into a named arm now lands somewhere else.
//!
//! - Anything removed or renamed is breaking (operation, method, type, field, enum value,
//!   union variant, union tag, query parameter, catch-all arm).
//! - A changed type (field, alias target, union payload, query parameter, body, answer, stream
//!   event type, kind of a type, struct tag, path parameters) is breaking.
//! - Added operation, type, enum value, union variant, union tag, stream event type: **not**
//!   breaking. Every generated enum and union has a catch-all arm, so exhaustive `match`es
//!   already have an arm for values they do not know (a value that used to land in the
//!   catch-all now lands in its new arm: we accept that, as every open-enum client does).
//! - Added **optional** field or query parameter: **not** breaking. Every generated struct and
//!   query struct derives `Default`, and the supported way to build one is
//!   `Foo { a, ..Default::default() }`. (Strictly, an exhaustive struct literal or pattern
//!   without `..` stops compiling; we deliberately do not count that.)
//! - Added **required** field or query parameter: breaking (callers must now supply it).
//! - Giving an operation its first query parameter or a body: breaking (the method gains an
//!   argument).
//! - Required or nullable flips: breaking exactly when the Rust type gains or loses its
//!   `Option` (`T` <-> `Option<T>`); optional -> required-nullable keeps `Option<T>` and only
//!   changes whether `null` is written, so it is not breaking. When both flags flip at once,
//!   the breakage is counted on the required flip only. When the type itself changes, only
//!   the type change is reported (its before/after show the presence of each side).
//! - A body that becomes optional or required (same type): not breaking.
//!
//! Not compared: docs, modules, schema pointers, `Default` derivation (every struct has it).

mod ops;
pub mod report;
mod types;

use crate::ir::Ir;
use serde::Serialize;

/// One difference between two IRs.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Change {
    pub kind: ChangeKind,
    pub breaking: bool,
    /// Rust path of the thing in the new crate (the old one for removals): `Response`,
    /// `Response::status`, `ResponseStatus::InProgress`, `Responses::create`.
    pub rust: String,
    /// Wire name: field name, enum value, union tags, `POST /responses`, or for a type the
    /// schema it came from (`Response`, `#/paths/..`).
    pub wire: String,
    /// Old value (type expression, name, flag) where the change has one.
    pub before: Option<String>,
    /// New value where the change has one.
    pub after: Option<String>,
}

/// Every kind of change, in report order within a class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    OperationAdded,
    OperationRemoved,
    MethodRenamed,
    PathParamsChanged,
    QueryStructAdded,
    QueryStructRemoved,
    QueryStructRenamed,
    QueryParamAdded,
    QueryParamRemoved,
    QueryParamChanged,
    BodyAdded,
    BodyRemoved,
    BodyChanged,
    BodyRequiredChanged,
    ResponseChanged,
    EventTypeAdded,
    EventTypeRemoved,
    EventTypeChanged,
    TypeAdded,
    TypeRemoved,
    TypeRenamed,
    TypeKindChanged,
    AliasTargetChanged,
    /// The derives the settings add (`derives`) changed: breaking when one is lost (a type that
    /// now holds an `f64` loses `Eq` under `"*"`).
    DerivesChanged,
    StructTagChanged,
    FieldAdded,
    FieldRemoved,
    FieldRenamed,
    FieldTypeChanged,
    FieldRequiredChanged,
    FieldNullableChanged,
    EnumValueAdded,
    EnumValueRemoved,
    EnumVariantRenamed,
    UnionVariantAdded,
    UnionVariantRemoved,
    UnionVariantRenamed,
    UnionVariantTypeChanged,
    UnionTagAdded,
    UnionTagRemoved,
    UnionTagPropertyChanged,
    CatchAllRenamed,
}

/// Report sections: what a change is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Operations,
    Types,
    Fields,
    EnumValues,
    UnionVariants,
}

impl Category {
    pub fn title(self) -> &'static str {
        match self {
            Category::Operations => "Operations",
            Category::Types => "Types",
            Category::Fields => "Fields",
            Category::EnumValues => "Enum values",
            Category::UnionVariants => "Union variants (stream events and other tagged unions)",
        }
    }
}

impl ChangeKind {
    pub fn category(self) -> Category {
        use ChangeKind::*;
        match self {
            OperationAdded | OperationRemoved | MethodRenamed | PathParamsChanged | QueryStructAdded
            | QueryStructRemoved | QueryStructRenamed | QueryParamAdded | QueryParamRemoved | QueryParamChanged
            | BodyAdded | BodyRemoved | BodyChanged | BodyRequiredChanged | ResponseChanged | EventTypeAdded
            | EventTypeRemoved | EventTypeChanged => Category::Operations,
            TypeAdded | TypeRemoved | TypeRenamed | TypeKindChanged | AliasTargetChanged | DerivesChanged
            | CatchAllRenamed => {
                Category::Types
            }
            StructTagChanged | FieldAdded | FieldRemoved | FieldRenamed | FieldTypeChanged | FieldRequiredChanged
            | FieldNullableChanged => Category::Fields,
            EnumValueAdded | EnumValueRemoved | EnumVariantRenamed => Category::EnumValues,
            UnionVariantAdded
            | UnionVariantRemoved
            | UnionVariantRenamed
            | UnionVariantTypeChanged
            | UnionTagAdded
            | UnionTagRemoved
            | UnionTagPropertyChanged => Category::UnionVariants,
        }
    }

    /// Adds something to the API surface (drives the minor bump).
    pub fn is_addition(self) -> bool {
        use ChangeKind::*;
        matches!(
            self,
            OperationAdded
                | QueryStructAdded
                | QueryParamAdded
                | BodyAdded
                | EventTypeAdded
                | TypeAdded
                | FieldAdded
                | EnumValueAdded
                | UnionVariantAdded
                | UnionTagAdded
        )
    }
}

impl Change {
    pub(crate) fn new(kind: ChangeKind, breaking: bool, rust: impl Into<String>, wire: impl Into<String>) -> Self {
        Change { kind, breaking, rust: rust.into(), wire: wire.into(), before: None, after: None }
    }

    pub(crate) fn between(mut self, before: impl Into<String>, after: impl Into<String>) -> Self {
        self.before = Some(before.into());
        self.after = Some(after.into());
        self
    }

    pub(crate) fn after(mut self, after: impl Into<String>) -> Self {
        self.after = Some(after.into());
        self
    }

    pub(crate) fn before(mut self, before: impl Into<String>) -> Self {
        self.before = Some(before.into());
        self
    }
}

/// All changes from `old` to `new`: breaking first, then by section, Rust path and kind.
pub fn diff(old: &Ir, new: &Ir) -> Vec<Change> {
    let renames = types::detect_renames(old, new);
    let mut out = types::diff_types(old, new, &renames);
    out.extend(ops::diff_operations(old, new, &renames));
    out.sort_by(|a, b| {
        (!a.breaking, a.kind.category(), &a.rust, a.kind, &a.wire, &a.before, &a.after).cmp(&(
            !b.breaking,
            b.kind.category(),
            &b.rust,
            b.kind,
            &b.wire,
            &b.before,
            &b.after,
        ))
    });
    out.dedup();
    out
}

/// Old type name -> new type name, for types found renamed.
pub(crate) type Renames = std::collections::BTreeMap<String, String>;

/// Rewrites the identifiers of a Rust type expression through `map`. Path segments after
/// `::` are left alone (`serde_json::Value` is never one of ours) unless the path is
/// `types::X`, as query parameter types are written.
pub(crate) fn map_idents(ty: &str, map: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(ty.len());
    let mut ident = String::new();
    let mut prev = String::new();
    let mut after_colons = false;
    let mut flush = |ident: &mut String, out: &mut String, after_colons: bool| {
        if !ident.is_empty() {
            match (after_colons && prev != "types", map(ident)) {
                (false, Some(m)) => out.push_str(&m),
                _ => out.push_str(ident),
            }
            prev = std::mem::take(ident);
        }
    };
    for c in ty.chars() {
        if c.is_alphanumeric() || c == '_' {
            ident.push(c);
        } else {
            flush(&mut ident, &mut out, after_colons);
            after_colons = c == ':';
            out.push(c);
        }
    }
    flush(&mut ident, &mut out, after_colons);
    out
}

/// An old type expression in new names.
pub(crate) fn renamed(ty: &str, renames: &Renames) -> String {
    if renames.is_empty() {
        return ty.to_owned();
    }
    map_idents(ty, &|id| renames.get(id).cloned())
}
