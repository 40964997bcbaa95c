//! Render stage: feeds the IR to the minijinja templates in `templates/`. Templates see only
//! the IR; string values reach Rust source only through the `lit` filter, and the output
//! formatter refuses any other interpolated string that is not a plain Rust path or type.

use crate::ir::{Ir, TypeDef};
use minijinja::value::Value as JValue;
use minijinja::{Environment, Error as JError, ErrorKind, UndefinedBehavior};
use serde::Serialize;
use std::collections::BTreeMap;

/// The templates, compiled into the generator so that a release binary is self-contained.
const TEMPLATES: &[(&str, &str)] = &[
    ("Cargo.toml.j2", include_str!("../../../templates/Cargo.toml.j2")),
    ("lib.rs.j2", include_str!("../../../templates/lib.rs.j2")),
    ("types_mod.rs.j2", include_str!("../../../templates/types_mod.rs.j2")),
    ("types_module.rs.j2", include_str!("../../../templates/types_module.rs.j2")),
    ("types.j2", include_str!("../../../templates/types.j2")),
    ("api_mod.rs.j2", include_str!("../../../templates/api_mod.rs.j2")),
    ("api_group.rs.j2", include_str!("../../../templates/api_group.rs.j2")),
    ("schemas.rs.j2", include_str!("../../../templates/schemas.rs.j2")),
    ("ext_mod.rs.j2", include_str!("../../../templates/ext_mod.rs.j2")),
];

/// A rendered file before formatting.
pub struct Rendered {
    pub path: String,
    pub text: String,
    /// Rust source to parse and format, as opposed to TOML or copied text.
    pub rust: bool,
}

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    // Every template is Rust (or TOML) source: "escaping" means quoting through `lit`.
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::Custom("rust"));
    env.add_filter("lit", |s: String| JValue::from_safe_string(format!("{s:?}")));
    env.add_filter("toml", |s: String| serde_json::to_string(&s).unwrap_or_default());
    env.add_filter("bare", |s: String| crate::naming::bare(&s).to_owned());
    // Escape by construction: a string printed without `lit` must look like Rust tokens.
    env.set_formatter(|out, _state, value| {
        if value.is_safe() {
            return out.write_str(&value.to_string()).map_err(JError::from);
        }
        if let Some(s) = value.as_str() {
            let safe = s.starts_with('"')
                || s.chars().all(|c| c.is_alphanumeric() || " _:<>,&#'()=!-".contains(c));
            if !safe {
                return Err(JError::new(ErrorKind::InvalidOperation, format!("unescaped string `{s}` in template; use |lit")));
            }
        }
        out.write_str(&value.to_string()).map_err(JError::from)
    });
    for (name, src) in TEMPLATES {
        env.add_template(name, src).expect("templates are checked by the generator's tests");
    }
    env
}

#[derive(Serialize)]
struct Module<'a> {
    doc: String,
    types: Vec<&'a TypeDef>,
}

/// Renders every file of the crate (Rust files still unformatted).
pub fn render(ir: &Ir) -> Result<Vec<Rendered>, JError> {
    let env = environment();
    let mut out = Vec::new();
    let ctx_ir = JValue::from_serialize(ir);
    let mut render = |tpl: &str, path: String, ctx: JValue, rust: bool| -> Result<(), JError> {
        let text = env.get_template(tpl)?.render(ctx)?;
        out.push(Rendered { path, text, rust });
        Ok(())
    };
    render("Cargo.toml.j2", "Cargo.toml".into(), minijinja::context! { ir => ctx_ir.clone() }, false)?;
    render("lib.rs.j2", "src/lib.rs".into(), minijinja::context! { ir => ctx_ir.clone() }, true)?;

    let mut modules: BTreeMap<&str, Module<'_>> =
        ir.modules.iter().map(|m| (m.name.as_str(), Module { doc: m.doc.clone(), types: Vec::new() })).collect();
    for ty in &ir.types {
        if let Some(m) = modules.get_mut(ty.module.as_str()) {
            m.types.push(ty);
        }
    }
    render("types_mod.rs.j2", "src/types/mod.rs".into(), minijinja::context! { modules => &ir.modules }, true)?;
    for (name, m) in &modules {
        let context = minijinja::context! { module => m, documented => ir.deny_missing_docs };
        render("types_module.rs.j2", format!("src/types/{name}.rs"), context, true)?;
    }
    if !ir.extensions.is_empty() {
        render("ext_mod.rs.j2", "src/ext/mod.rs".into(), minijinja::context! { ir => ctx_ir.clone() }, true)?;
    }
    render("schemas.rs.j2", "src/schemas.rs".into(), minijinja::context! { ir => ctx_ir.clone() }, true)?;
    render("api_mod.rs.j2", "src/api/mod.rs".into(), minijinja::context! { ir => ctx_ir.clone() }, true)?;
    for g in &ir.groups {
        render("api_group.rs.j2", format!("src/api/{}.rs", g.accessor), minijinja::context! { group => g }, true)?;
    }
    Ok(out)
}
