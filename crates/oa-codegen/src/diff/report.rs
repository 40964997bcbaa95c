//! Renders a list of API changes: markdown (breaking first, grouped by section), JSON, and a
//! CHANGELOG entry for the generated crate with the suggested semver bump.
//!
//! Bump rules: no change or only non-additive non-breaking changes -> patch; additions ->
//! minor; breaking -> major. Before 1.0 everything moves one place right, as Cargo reads
//! `0.x` versions: breaking -> minor, additions -> patch (and `0.0.x` always bumps patch).

use super::{Category, Change, ChangeKind as K};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Bump {
    Major,
    Minor,
    Patch,
}

/// Counts and the suggested next version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub breaking: usize,
    pub non_breaking: usize,
    pub additions: usize,
    /// The bump the changes call for, before the pre-1.0 shift.
    pub semver: Bump,
    /// The component actually bumped for `version`.
    pub bump: Bump,
    pub version: String,
    pub next_version: String,
}

pub fn summarize(changes: &[Change], version: &str) -> Summary {
    let breaking = changes.iter().filter(|c| c.breaking).count();
    let additions = changes.iter().filter(|c| !c.breaking && c.kind.is_addition()).count();
    let semver = if breaking > 0 {
        Bump::Major
    } else if additions > 0 {
        Bump::Minor
    } else {
        Bump::Patch
    };
    let (bump, next_version) = next_version(version, semver);
    Summary {
        breaking,
        non_breaking: changes.len() - breaking,
        additions,
        semver,
        bump,
        version: version.to_owned(),
        next_version,
    }
}

/// Applies `semver` to `version` (`MAJOR.MINOR.PATCH`, anything after `-`/`+` dropped).
pub fn next_version(version: &str, semver: Bump) -> (Bump, String) {
    let core = version.split(['-', '+']).next().unwrap_or(version);
    let mut parts = core.split('.').map(|p| p.parse::<u64>().unwrap_or(0));
    let (major, minor, patch) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    let bump = match (major, minor, semver) {
        (0, 0, _) => Bump::Patch,
        (0, _, Bump::Major) => Bump::Minor,
        (0, _, _) => Bump::Patch,
        (_, _, b) => b,
    };
    let next = match bump {
        Bump::Major => format!("{}.0.0", major + 1),
        Bump::Minor => format!("{major}.{}.0", minor + 1),
        Bump::Patch => format!("{major}.{minor}.{}", patch + 1),
    };
    (bump, next)
}

fn code(s: &str) -> String {
    if s.contains('`') {
        format!("`` {s} ``")
    } else {
        format!("`{s}`")
    }
}

fn opt(s: &Option<String>) -> String {
    code(s.as_deref().unwrap_or(""))
}

/// The wire name; a long tag list of a union variant is cut to its first three tags.
fn wire(c: &Change) -> String {
    let tags: Vec<&str> = c.wire.split(", ").collect();
    if c.kind.category() == super::Category::UnionVariants && tags.len() > 3 {
        let shown: Vec<String> = tags[..3].iter().map(|t| code(t)).collect();
        format!("{} and {} more", shown.join(", "), tags.len() - 3)
    } else {
        code(&c.wire)
    }
}

/// One line describing a change, naming it by Rust path and wire name.
pub fn describe(c: &Change) -> String {
    let (r, w) = (code(&c.rust), wire(c));
    let (b, a) = (opt(&c.before), opt(&c.after));
    match c.kind {
        K::OperationAdded => format!("operation {w} added: {r}"),
        K::OperationRemoved => format!("operation {w} removed: {r}"),
        K::MethodRenamed => format!("method of {w} renamed: {b} -> {a}"),
        K::PathParamsChanged => format!("path parameters of {w} ({r}) changed: ({b}) -> ({a})"),
        K::QueryStructAdded => format!("{w} now takes query parameters {r}: {a}"),
        K::QueryStructRemoved => format!("{w} ({r}) no longer takes query parameters {b}"),
        K::QueryStructRenamed => format!("query struct of {w} renamed: {b} -> {a}"),
        K::QueryParamAdded => format!("query parameter {w} added to {r}: {a}"),
        K::QueryParamRemoved => format!("query parameter {w} removed: {r} ({b})"),
        K::QueryParamChanged => format!("query parameter {w} ({r}) changed: {b} -> {a}"),
        K::BodyAdded => format!("{w} ({r}) now takes a body {a}"),
        K::BodyRemoved => format!("{w} ({r}) no longer takes a body ({b})"),
        K::BodyChanged => format!("body of {w} ({r}) changed: {b} -> {a}"),
        K::BodyRequiredChanged => format!("body of {w} ({r}): {b} -> {a}"),
        K::ResponseChanged => format!("answer of {w} ({r}) changed: {b} -> {a}"),
        K::EventTypeAdded => format!("{w} ({r}) can now stream events {a}"),
        K::EventTypeRemoved => format!("{w} ({r}) no longer streams events ({b})"),
        K::EventTypeChanged => format!("stream event type of {w} ({r}) changed: {b} -> {a}"),
        K::TypeAdded => format!("type {r} added ({a}, schema {w})"),
        K::TypeRemoved => format!("type {r} removed ({b}, schema {w})"),
        K::TypeRenamed => format!("type renamed: {b} -> {a} (schema {w}, same structure)"),
        K::TypeKindChanged => format!("type {r} changed kind: {b} -> {a}"),
        K::AliasTargetChanged => format!("alias {r} changed: {b} -> {a}"),
        K::DerivesChanged => format!("derives of {r} changed: {b} -> {a}"),
        K::StructTagChanged => format!("serde tag of {r} changed: {b} -> {a}"),
        K::FieldAdded => format!("field {w} added: {r}: {}", code(c.after.as_deref().unwrap_or(""))),
        K::FieldRemoved => format!("field {w} removed: {r} ({b})"),
        K::FieldRenamed => format!("field {w} renamed: {b} -> {a} ({r})"),
        K::FieldTypeChanged => format!("field {w} ({r}) changed type: {b} -> {a}"),
        K::FieldRequiredChanged => format!("field {w} ({r}): {b} -> {a}"),
        K::FieldNullableChanged => format!("field {w} ({r}) nullability: {b} -> {a}"),
        K::EnumValueAdded => format!("enum value {w} added: {r}"),
        K::EnumValueRemoved => format!("enum value {w} removed: {r}"),
        K::EnumVariantRenamed => format!("enum value {w} renamed in Rust: {b} -> {a}"),
        K::UnionVariantAdded => format!("union variant {r} added (tag {w}, {a})"),
        K::UnionVariantRemoved => format!("union variant {r} removed (tag {w}, {b})"),
        K::UnionVariantRenamed => format!("union variant (tag {w}) renamed: {b} -> {a}"),
        K::UnionVariantTypeChanged => format!("union variant {r} (tag {w}) changed payload: {b} -> {a}"),
        K::UnionTagAdded => format!("tag {w} now decodes into {r}"),
        K::UnionTagRemoved => format!("tag {w} no longer decodes into {r}"),
        K::UnionTagPropertyChanged => format!("tag property of union {r} changed: {b} -> {a}"),
        K::CatchAllRenamed => format!("catch-all arm renamed: {b} -> {a} ({r})"),
    }
}

fn sections<'a>(out: &mut String, level: &str, changes: impl Iterator<Item = &'a Change>) {
    let mut by_cat: BTreeMap<Category, Vec<&Change>> = BTreeMap::new();
    for c in changes {
        by_cat.entry(c.kind.category()).or_default().push(c);
    }
    for (cat, list) in by_cat {
        let _ = writeln!(out, "\n{level} {} ({})\n", cat.title(), list.len());
        for c in list {
            let _ = writeln!(out, "- {}", describe(c));
        }
    }
}

/// The markdown report: title, counts and bump, then breaking changes, then the rest.
pub fn markdown(title: &str, crate_name: &str, changes: &[Change], summary: &Summary) -> String {
    let mut out = format!("# {title}\n\n");
    let _ = writeln!(
        out,
        "{} breaking, {} non-breaking change(s). Suggested bump for `{crate_name}`: {} -> {} ({}).",
        summary.breaking,
        summary.non_breaking,
        summary.version,
        summary.next_version,
        bump_reason(summary)
    );
    if summary.breaking > 0 {
        let _ = writeln!(out, "\n## Breaking changes ({})", summary.breaking);
        sections(&mut out, "###", changes.iter().filter(|c| c.breaking));
    }
    if summary.non_breaking > 0 {
        let _ = writeln!(out, "\n## Non-breaking changes ({})", summary.non_breaking);
        sections(&mut out, "###", changes.iter().filter(|c| !c.breaking));
    }
    out
}

fn bump_reason(s: &Summary) -> String {
    let why = match s.semver {
        Bump::Major => "breaking changes",
        Bump::Minor => "additions only",
        Bump::Patch => "no additions or breaking changes",
    };
    if s.bump == s.semver {
        format!("{:?} bump: {why}", s.bump).to_lowercase()
    } else {
        format!("{:?} bump: {why}, pre-1.0", s.bump).to_lowercase()
    }
}

/// The JSON document printed by `--format json`.
#[derive(Debug, Serialize)]
pub struct JsonReport<'a> {
    pub old: &'a str,
    pub new: &'a str,
    pub summary: &'a Summary,
    pub changes: &'a [Change],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changelog: Option<String>,
}

/// A CHANGELOG entry (Keep a Changelog headings) for the generated crate.
pub fn changelog(crate_name: &str, source: &str, changes: &[Change], summary: &Summary) -> String {
    let mut out = format!("## {crate_name} {}\n\n", summary.next_version);
    let _ = writeln!(out, "Regenerated from {source}; {} (was {}).", bump_reason(summary), summary.version);
    type Pick = fn(&Change) -> bool;
    let groups: [(&str, Pick); 3] = [
        ("Breaking", |c| c.breaking),
        ("Added", |c| !c.breaking && c.kind.is_addition()),
        ("Changed", |c| !c.breaking && !c.kind.is_addition()),
    ];
    for (heading, pick) in groups.iter() {
        let list: Vec<&Change> = changes.iter().filter(|c| pick(c)).collect();
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n### {heading}\n");
        for c in list {
            let _ = writeln!(out, "- {}", describe(c));
        }
    }
    if changes.is_empty() {
        let _ = writeln!(out, "\nNo changes to the public API.");
    }
    out
}
