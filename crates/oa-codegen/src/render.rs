//! Render stage: feeds the IR to the minijinja templates in `templates/`. Templates see only
//! the IR; string values reach Rust source only through the `lit` filter, and the output
//! formatter refuses any other interpolated string that is not a plain Rust path or type.

use crate::ir::{Ir, Kind, TypeDef};
use minijinja::value::Value as JValue;
use minijinja::{Environment, Error as JError, ErrorKind, UndefinedBehavior};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// The templates, compiled into the generator so that a release binary is self-contained.
pub(crate) const TEMPLATES: &[(&str, &str)] = &[
    ("Cargo.toml.j2", include_str!("../embed/templates/Cargo.toml.j2")),
    ("lib.rs.j2", include_str!("../embed/templates/lib.rs.j2")),
    ("types_mod.rs.j2", include_str!("../embed/templates/types_mod.rs.j2")),
    ("types_module.rs.j2", include_str!("../embed/templates/types_module.rs.j2")),
    ("types.j2", include_str!("../embed/templates/types.j2")),
    ("api_mod.rs.j2", include_str!("../embed/templates/api_mod.rs.j2")),
    ("api_group.rs.j2", include_str!("../embed/templates/api_group.rs.j2")),
    ("api_socket.rs.j2", include_str!("../embed/templates/api_socket.rs.j2")),
    ("schemas.rs.j2", include_str!("../embed/templates/schemas.rs.j2")),
    ("ext_mod.rs.j2", include_str!("../embed/templates/ext_mod.rs.j2")),
    ("client.rs.j2", include_str!("../embed/templates/client.rs.j2")),
];

/// A rendered file before formatting.
pub struct Rendered {
    pub path: String,
    pub text: String,
    /// Rust source to parse and format, as opposed to TOML or copied text.
    pub rust: bool,
}

fn environment(overrides: &BTreeMap<String, String>) -> Result<Environment<'_>, JError> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    // Every template is Rust (or TOML) source: "escaping" means quoting through `lit`.
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::Custom("rust"));
    // `Cow`: any value as text, as `String` would take it, without copying a string.
    env.add_filter("lit", |s: Cow<'_, str>| JValue::from_safe_string(literal(&s)));
    env.add_filter("toml", |s: Cow<'_, str>| serde_json::to_string(&s).unwrap_or_default());
    env.add_filter("bare", |s: Cow<'_, str>| crate::naming::bare(&s).to_owned());
    // Escape by construction: a string printed without `lit` must look like Rust tokens.
    env.set_formatter(|out, _state, value| {
        if let Some(s) = value.as_str() {
            let safe = value.is_safe()
                || s.starts_with('"')
                || s.chars().all(|c| c.is_alphanumeric() || " _:<>,&#'()=!-".contains(c));
            if !safe {
                return Err(JError::new(ErrorKind::InvalidOperation, format!("unescaped string `{s}` in template; use |lit")));
            }
            // A string is printed as it is: no temporary copy of it.
            return out.write_str(s).map_err(JError::from);
        }
        write!(out, "{value}").map_err(JError::from)
    });
    for (name, src) in TEMPLATES {
        match overrides.get(*name) {
            // A project's template: its syntax errors are its own, reported with its name.
            Some(own) => env.add_template(name, own)?,
            None => env.add_template(name, src).expect("templates are checked by the generator's tests"),
        }
    }
    env.add_filter("toml_inline", |v: JValue| JValue::from_safe_string(toml_inline(&serde_json::to_value(&v).unwrap_or_default())));
    Ok(env)
}

/// A dependency's specification as Cargo writes it inline: `"1"` or `{ version = "1", ... }`.
fn toml_inline(v: &serde_json::Value) -> String {
    use serde_json::Value;
    match v {
        Value::String(s) => serde_json::to_string(s).unwrap_or_default(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Array(items) => format!("[{}]", items.iter().map(toml_inline).collect::<Vec<_>>().join(", ")),
        Value::Object(m) => {
            let fields: Vec<String> = m.iter().map(|(k, v)| format!("{} = {}", serde_json::to_string(k).unwrap_or_default(), toml_inline(v))).collect();
            format!("{{ {} }}", fields.join(", "))
        }
        Value::Null => "\"*\"".to_owned(),
    }
}

/// `s` as a Rust string literal: its `Debug` form, which for printable ASCII without `"` or
/// `\` (most names and wire values) is `s` between quotes, written without the formatter.
fn literal(s: &str) -> String {
    if s.bytes().all(|b| (b' '..=b'~').contains(&b) && b != b'"' && b != b'\\') {
        let mut out = String::with_capacity(s.len() + 2);
        out.push('"');
        out.push_str(s);
        out.push('"');
        out
    } else {
        format!("{s:?}")
    }
}

/// One file to render: its template and context, and a rough cost to schedule it by.
struct Job {
    template: &'static str,
    path: String,
    context: JValue,
    rust: bool,
    weight: usize,
}

/// Renders every file of the crate (Rust files still unformatted), the files in parallel
/// (see `par`).
pub fn render(ir: &Ir, overrides: &BTreeMap<String, String>) -> Result<Vec<Rendered>, JError> {
    let env = environment(overrides)?;
    // The IR is serialized into template values once: the modules and groups below are the
    // same values, taken out of it (a value is a shared handle, not a copy).
    let ctx_ir = JValue::from_serialize(ir);
    let types = ctx_ir.get_attr("types")?;
    let groups = ctx_ir.get_attr("groups")?;
    let mut jobs = Vec::new();
    let mut job = |template: &'static str, path: String, context: JValue, rust: bool, weight: usize| {
        jobs.push(Job { template, path, context, rust, weight });
    };
    let whole = || minijinja::context! { ir => ctx_ir.clone() };
    job("Cargo.toml.j2", "Cargo.toml".into(), whole(), false, 1);
    job("lib.rs.j2", "src/lib.rs".into(), whole(), true, 1);

    let mut modules: BTreeMap<&str, (&str, Vec<JValue>, usize)> =
        ir.modules.iter().map(|m| (m.name.as_str(), (m.doc.as_str(), Vec::new(), 0))).collect();
    for (i, ty) in ir.types.iter().enumerate() {
        if let Some((_, values, weight)) = modules.get_mut(ty.module.as_str()) {
            values.push(types.get_item_by_index(i)?);
            *weight += type_weight(ty);
        }
    }
    job("types_mod.rs.j2", "src/types/mod.rs".into(), minijinja::context! { modules => &ir.modules, externals => &ir.externals }, true, ir.modules.len());
    for (name, (doc, values, weight)) in modules {
        let module = minijinja::context! { doc => doc, types => JValue::from(values) };
        let context = minijinja::context! { module => module, documented => ir.deny_missing_docs };
        job("types_module.rs.j2", format!("src/types/{name}.rs"), context, true, weight);
    }
    if !ir.extensions.is_empty() {
        job("ext_mod.rs.j2", "src/ext/mod.rs".into(), whole(), true, 1);
    }
    job("schemas.rs.j2", "src/schemas.rs".into(), whole(), true, ir.components.len());
    job("client.rs.j2", "src/client.rs".into(), whole(), true, 1 + ir.client.schemes.len());
    job("api_mod.rs.j2", "src/api/mod.rs".into(), whole(), true, ir.groups.len() + ir.pages.len() + ir.stream_events.len());
    for (i, g) in ir.groups.iter().enumerate() {
        let weight = g.operations.iter().map(|op| 10 + op.query.as_ref().map_or(0, |q| q.params.len())).sum();
        job("api_group.rs.j2", format!("src/api/{}.rs", g.module), minijinja::context! { group => groups.get_item_by_index(i)? }, true, weight);
    }

    let rendered = crate::par::map(&jobs, |j| j.weight, |j| env.get_template(j.template)?.render(&j.context));
    let mut out = Vec::with_capacity(jobs.len());
    for (j, text) in jobs.into_iter().zip(rendered) {
        let text = text.map_err(|_| JError::new(ErrorKind::InvalidOperation, format!("rendering {} panicked", j.path)))??;
        out.push(Rendered { path: j.path, text, rust: j.rust });
    }
    Ok(out)
}

/// A rough cost of rendering a type, in the units of `render`'s other weights.
fn type_weight(ty: &TypeDef) -> usize {
    2 + match &ty.kind {
        Kind::Struct(s) => s.fields.len(),
        Kind::Enum(e) => e.variants.len() / 2,
        Kind::Union(u) => 2 * u.variants.len() + u.dispatch.len() + u.accessors.len(),
        Kind::Alias { .. } => 0,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn literal_is_the_debug_form() {
        for s in ["", "plain", "it's", "a \"quote\"", "back\\slash", "tab\there", "line\nbreak", "é", "\u{7f}", "~ ok !", "\u{200b}"] {
            assert_eq!(super::literal(s), format!("{s:?}"));
        }
    }
}
