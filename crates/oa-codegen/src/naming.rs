//! Naming: every Rust identifier the generator emits is decided here (case conversion,
//! keyword escaping, digit prefixes, context names for inline types, collision resolution).

use crate::case;
use std::collections::BTreeSet;

/// Words that cannot be plain identifiers; `r#` fixes most, but not these.
const RAW_FORBIDDEN: &[&str] = &["self", "Self", "super", "crate", "extern", "_"];

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern", "false",
    "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where", "while",
    "abstract", "become", "box", "do", "final", "macro", "override", "priv", "try", "typeof", "unsized",
    "virtual", "yield",
];

/// Type names the generated modules use themselves and a schema must not shadow.
const RESERVED_TYPES: &[&str] = &[
    "Option", "Result", "Vec", "String", "Box", "Value", "Map", "BTreeMap", "Default", "From", "Some", "None",
    "Ok", "Err",
    "Serialize", "Deserialize", "Self",
];

/// UpperCamelCase, words split at anything that is not alphanumeric (and at case changes).
fn camel(raw: &str) -> String {
    case::upper_camel(raw)
}

/// UpperCamelCase type name for a component or context path: `MCPToolCall` -> `McpToolCall`.
pub fn type_name(raw: &str) -> String {
    let mut name = camel(raw);
    if name.is_empty() {
        name.push_str("Unnamed");
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'T');
    }
    if RESERVED_TYPES.contains(&name.as_str()) {
        name.push_str("Type");
    }
    name
}

/// Joins a parent type name and a context word: (`Response`, `text`) -> `ResponseText`.
pub fn nested_type_name(parent: &str, context: &str) -> String {
    format!("{parent}{}", camel(context))
}

/// UpperCamelCase variant name; values starting with a digit get a letter prefix (`1024x1024` -> `V1024x1024`).
pub fn variant_name(raw: &str) -> String {
    let mut name = camel(raw);
    if name.is_empty() {
        // Values made only of punctuation still need a stable, readable name.
        name = raw.chars().map(|c| format!("U{:X}", c as u32)).collect::<String>();
        if name.is_empty() {
            name.push_str("Empty");
        }
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'V');
    }
    if name == "Self" {
        name.push('_');
    }
    name
}

/// The builder method of a security scheme: its key in snake_case, an acronym kept whole
/// (`OAuth2` -> `oauth2`, not `o_auth2`: a one-letter word joins the word after it).
pub fn credential_method_name(key: &str) -> String {
    let snake = field_name(key);
    let words: Vec<&str> = snake.split('_').collect();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < words.len() {
        if words[i].len() == 1 && i + 1 < words.len() && !words[i + 1].is_empty() {
            out.push(format!("{}{}", words[i], words[i + 1]));
            i += 2;
        } else {
            out.push(words[i].to_owned());
            i += 1;
        }
    }
    out.join("_")
}

/// snake_case field or method identifier, keyword-escaped: `type` -> `r#type`, `self` -> `self_`.
pub fn field_name(raw: &str) -> String {
    let mut name = case::snake(raw);
    name.retain(|c| c.is_alphanumeric() || c == '_');
    if name.is_empty() {
        name = raw.chars().map(|c| format!("u{:x}", c as u32)).collect::<Vec<_>>().join("_");
        if name.is_empty() {
            name.push_str("empty");
        }
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    escape_keyword(name)
}

pub fn escape_keyword(name: String) -> String {
    if RAW_FORBIDDEN.contains(&name.as_str()) {
        format!("{name}_")
    } else if KEYWORDS.contains(&name.as_str()) {
        format!("r#{name}")
    } else {
        name
    }
}

/// The identifier without a raw prefix, for composing other names or comparing.
pub fn bare(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

/// snake_case module (file) name for a type.
pub fn module_name(type_name: &str) -> String {
    escape_module(case::snake(type_name))
}

/// Crate names generated code uses in paths: a module of the same name would shadow them.
const RESERVED_MODULES: &[&str] = &["std", "core", "alloc", "serde", "serde_json", "mod"];

fn escape_module(name: String) -> String {
    if KEYWORDS.contains(&name.as_str()) || RAW_FORBIDDEN.contains(&name.as_str()) || RESERVED_MODULES.contains(&name.as_str()) {
        format!("{name}_")
    } else {
        name
    }
}

/// Hands out names unique within one scope, resolving collisions deterministically by
/// appending a distinguishing suffix chosen by the caller, then a number as a last resort.
#[derive(Debug, Default)]
pub struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with_reserved<'a>(names: impl IntoIterator<Item = &'a str>) -> Self {
        Scope { taken: names.into_iter().map(|s| s.to_ascii_lowercase()).collect() }
    }

    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains(&bare(name).to_ascii_lowercase())
    }

    /// Claims `name`, or `name + suffix`, or `name + suffix + n`. Comparison ignores case
    /// because file names derived from type names must not collide on case-insensitive disks.
    pub fn claim(&mut self, name: &str, suffix: &str) -> String {
        if self.try_claim(name) {
            return name.to_owned();
        }
        let with_suffix = format!("{name}{suffix}");
        if !suffix.is_empty() && self.try_claim(&with_suffix) {
            return with_suffix;
        }
        (2..).map(|n| format!("{with_suffix}{n}")).find(|c| self.try_claim(c)).expect("unbounded")
    }

    fn try_claim(&mut self, name: &str) -> bool {
        self.taken.insert(bare(name).to_ascii_lowercase())
    }
}

/// The method name without its group's name, where `method` spells the group as the same
/// sequence of whole words (the words `case` splits at), compared case-insensitively, with no
/// singular/plural or partial matching: (`issues/list-for-repo`, `issues`) -> `list_for_repo`,
/// (`listCoreV1NamespacedPod`, `core_v1`) -> `list_namespaced_pod`, (`listIncidents`,
/// `incidents`) -> `list`; (`project_list`, `projects`) -> `None`. `None` too when nothing, a
/// keyword or a digit would be left. Whether the rest is free in the group is the caller's
/// (its `Scope`'s) question.
pub fn without_group(method: &str, group: &str) -> Option<String> {
    let snake_method = case::snake(method);
    let snake_group = case::snake(group);
    let words: Vec<&str> = snake_method.split('_').filter(|w| !w.is_empty()).collect();
    let group_words: Vec<&str> = snake_group.split('_').filter(|w| !w.is_empty()).collect();
    if group_words.is_empty() || group_words.len() >= words.len() {
        return None;
    }
    let at = words.windows(group_words.len()).position(|w| w == group_words.as_slice())?;
    let rest = [&words[..at], &words[at + group_words.len()..]].concat().join("_");
    let plain = rest.chars().all(|c| c.is_alphanumeric() || c == '_') && !rest.starts_with(|c: char| c.is_ascii_digit());
    (plain && !KEYWORDS.contains(&rest.as_str()) && !RAW_FORBIDDEN.contains(&rest.as_str())).then_some(rest)
}

/// Variant names read from the wire tags of a union's variants (one slice of tags per variant):
/// the longest prefix of whole `.`-separated segments shared by every multi-segment tag is
/// dropped (`response.output_text.delta` -> `OutputTextDelta`; a one-segment `error` stays
/// `Error`), then the rest is UpperCamelCased. `None` for a variant with no tag or several
/// tags, an empty result, or a name two variants would share: those keep their type's name.
pub fn variant_names_from_tags(tags: &[&[String]]) -> Vec<Option<String>> {
    let multi: Vec<Vec<&str>> = tags.iter().flat_map(|t| t.iter()).filter(|t| t.contains('.')).map(|t| t.split('.').collect()).collect();
    let mut prefix = 0;
    if multi.len() > 1 {
        // Never the whole of a tag: at least its last segment stays.
        let shortest = multi.iter().map(|t| t.len() - 1).min().unwrap_or(0);
        while prefix < shortest && multi.iter().all(|t| t[prefix] == multi[0][prefix]) {
            prefix += 1;
        }
    }
    let names: Vec<Option<String>> = tags
        .iter()
        .map(|t| match t {
            [one] => {
                let segments: Vec<&str> = one.split('.').collect();
                let rest = if segments.len() > prefix { segments[prefix..].join(".") } else { one.clone() };
                Some(camel(&rest)).filter(|n| !n.is_empty() && !n.starts_with(|c: char| c.is_ascii_digit()) && n != "Self")
            }
            _ => None,
        })
        .collect();
    names
        .iter()
        .map(|n| n.clone().filter(|n| names.iter().filter(|m| m.as_deref().is_some_and(|m| m.eq_ignore_ascii_case(n))).count() == 1))
        .collect()
}

/// The method reading a tagged union's wire tag: the union's last word and the tag property
/// (`ResponseStreamEvent` + `type` -> `event_type`, `OutputItem` -> `item_type`).
pub fn tag_method_name(union: &str, tag_prop: &str) -> String {
    let snake = case::snake(union);
    let last = snake.rsplit('_').next().unwrap_or("value");
    field_name(&format!("{last}_{tag_prop}"))
}

/// The catch-all arm of an open enum or union: `Other`, unless a real value already has that name.
pub fn catch_all_name(variants: &[String]) -> String {
    ["Other", "Unknown", "OtherValue", "UnknownValue"]
        .into_iter()
        .find(|c| !variants.iter().any(|v| v == c))
        .unwrap_or("CatchAll")
        .to_owned()
}

/// Names the crate root exports besides the API handles: the runtime's, the field wrapper's,
/// and the modules. A schema or tag must not take them, so that `use crate_name::*` and
/// `use crate_name::types::*` together stay unambiguous.
pub fn root_exports() -> impl Iterator<Item = &'static str> {
    crate::runtime_files::RUNTIME_EXPORTS.iter().copied().chain(["Field", "Extra", "Presence", "types", "api", "ext", "wire", "runtime", "schemas"])
}

/// Type names schemas may not take: names generated code refers to unqualified, and the
/// crate root's exports.
pub fn reserved_type_names() -> impl Iterator<Item = &'static str> {
    RESERVED_TYPES.iter().copied().chain(root_exports())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_methods_keep_acronyms_whole() {
        assert_eq!(credential_method_name("OAuth2"), "oauth2");
        assert_eq!(credential_method_name("PersonalAccessToken"), "personal_access_token");
        assert_eq!(credential_method_name("accountSid_authToken"), "account_sid_auth_token");
        assert_eq!(credential_method_name("bearerAuth"), "bearer_auth");
        assert_eq!(credential_method_name("api_key"), "api_key");
    }

    #[test]
    fn type_names_follow_api_guidelines() {
        assert_eq!(type_name("MCPToolCall"), "McpToolCall");
        assert_eq!(type_name("ConversationParam-2"), "ConversationParam2");
        assert_eq!(type_name("Beta_AgentTagParam"), "BetaAgentTagParam");
        assert_eq!(type_name("Option"), "OptionType");
        assert_eq!(type_name("From"), "FromType");
        assert_eq!(module_name("Serde"), "serde_");
        assert_eq!(nested_type_name("Response", "text"), "ResponseText");
    }

    #[test]
    fn fields_and_variants() {
        assert_eq!(field_name("type"), "r#type");
        assert_eq!(field_name("self"), "self_");
        assert_eq!(field_name("sequenceNumber"), "sequence_number");
        assert_eq!(field_name("1st"), "_1st");
        assert_eq!(variant_name("1024x1024"), "V1024x1024");
        assert_eq!(variant_name("response.output_text.delta"), "ResponseOutputTextDelta");
        assert_eq!(variant_name("gpt-4.1-mini"), "Gpt41Mini");
        assert_eq!(variant_name("+"), "U2B");
    }

    #[test]
    fn variants_named_from_wire_tags() {
        let t = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let events = [t(&["response.output_text.delta"]), t(&["response.completed"]), t(&["error"]), t(&[])];
        let refs: Vec<&[String]> = events.iter().map(Vec::as_slice).collect();
        assert_eq!(
            variant_names_from_tags(&refs),
            [Some("OutputTextDelta".into()), Some("Completed".into()), Some("Error".into()), None]
        );
        // Two variants sharing a tag, or one with several tags, keep their type's name.
        let items = [t(&["message"]), t(&["message"]), t(&["function_call"]), t(&["a", "b"])];
        let refs: Vec<&[String]> = items.iter().map(Vec::as_slice).collect();
        assert_eq!(variant_names_from_tags(&refs), [None, None, Some("FunctionCall".into()), None]);
    }

    #[test]
    fn a_method_drops_its_group_spelled_as_whole_words() {
        assert_eq!(without_group("issues/list-for-repo", "issues").as_deref(), Some("list_for_repo"));
        assert_eq!(without_group("listCoreV1NamespacedPod", "core_v1").as_deref(), Some("list_namespaced_pod"));
        assert_eq!(without_group("listIncidents", "incidents").as_deref(), Some("list"));
        assert_eq!(without_group("ListIncidents", "Incidents").as_deref(), Some("list"));
        // No singular/plural or partial matching.
        assert_eq!(without_group("project_list", "projects"), None);
        assert_eq!(without_group("listIncidentsV2", "incident"), None);
        assert_eq!(without_group("listCoreV1Pod", "core"), Some("list_v1_pod".into()));
        assert_eq!(without_group("listCoreV1Pod", "core_v2"), None);
        // Nothing, a keyword or a digit left: the name stays.
        assert_eq!(without_group("incidents", "incidents"), None);
        assert_eq!(without_group("incidents_type", "incidents"), None);
        assert_eq!(without_group("incidents_self", "incidents"), None);
        assert_eq!(without_group("incidents_2fa", "incidents"), None);
    }

    #[test]
    fn collisions_are_deterministic() {
        let mut scope = Scope::new();
        assert_eq!(scope.claim("Gpt41", "Alt"), "Gpt41");
        assert_eq!(scope.claim("Gpt41", "Alt"), "Gpt41Alt");
        assert_eq!(scope.claim("gpt41", "Alt"), "gpt41Alt2");
        assert_eq!(catch_all_name(&["Unknown".into(), "Other".into()]), "OtherValue");
    }
}
