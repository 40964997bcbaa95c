//! Detection of list operations and of how their pages follow one another (ARCHITECTURE.md,
//! "Pagination"): the list is the answer when it is an array, else the page's only array of
//! objects; the style is read from the query parameters, the page's fields and the declared
//! `Link` header, in this order: next-page URL, next-cursor field, cursor of the last item,
//! offset, page numbers with `Link`. A per-operation setting names what detection cannot see.

use super::operation::{deref_component, Selected};
use super::{DraftField, DraftKind, Lowerer};
use crate::ir::{PageStyle, Pagination, ParamEncoding, ParamPlace, QueryStruct, Ty};
use crate::settings::{PageStyleSetting, PaginationSettings};
use serde_json::Value;

/// Fields of a page holding the URL of the next page.
const NEXT_URLS: &[&str] = &["next_page_uri", "next_page_url", "next_url", "next_link", "nextlink", "next_uri"];
/// Query parameters taking the cursor of the last item, and the page fields holding it.
const AFTER_PARAMS: &[&str] = &["after", "starting_after", "after_id"];
const LAST_ID_FIELDS: &[&str] = &["last_id"];
const HAS_MORE: &[&str] = &["has_more", "more", "hasmore"];
const TOTALS: &[&str] = &["total_count", "total", "totalcount"];

/// What detection looks at.
struct Seen<'a> {
    lw: &'a Lowerer<'a>,
    sel: &'a Selected<'a>,
    query: Option<&'a QueryStruct>,
    /// The page's fields; empty when the answer is the list itself.
    fields: &'a [DraftField],
    setting: PaginationSettings,
}

/// The operation's pagination, if it lists pages in a style we walk. A setting that cannot be
/// applied is a located warning.
pub(crate) fn detect(lw: &mut Lowerer<'_>, sel: &Selected<'_>, response: Option<&Ty>, query: Option<&QueryStruct>, setting: Option<&PaginationSettings>) -> Option<Pagination> {
    let setting = setting.cloned().unwrap_or_default();
    if setting.style == Some(PageStyleSetting::None) || (setting.style.is_none() && sel.method != "get") {
        return None;
    }
    let found = detect_with(lw, sel, response, query, &setting);
    if found.is_none() && setting.style.is_some() {
        lw.diags.warning(&sel.pointer, "the `pagination` setting does not fit this operation (its style needs a list answer and the parameters and fields it names): no `_pages` and `_stream` methods");
    }
    found
}

fn detect_with(lw: &Lowerer<'_>, sel: &Selected<'_>, response: Option<&Ty>, query: Option<&QueryStruct>, setting: &PaginationSettings) -> Option<Pagination> {
    let page = response?.clone();
    let (fields, list): (&[DraftField], Option<Ty>) = match resolve(lw, &page) {
        Ty::List(item) => (&[], Some(*item)),
        Ty::Named(name) => match &lw.drafts.get(&name)?.kind {
            DraftKind::Struct { fields, .. } => (fields.as_slice(), None),
            _ => return None,
        },
        _ => return None,
    };
    let seen = Seen { lw, sel, query, fields, setting: setting.clone() };
    let (items, item) = match list {
        Some(item) => (None, item),
        None => {
            let field = seen.items_field()?;
            let Ty::List(item) = resolve(lw, &field.ty) else { return None };
            (Some(field.name.clone()), *item)
        }
    };
    let style = match setting.style {
        None => seen
            .next_url()
            .or_else(|| seen.cursor())
            .or_else(|| seen.last_item(&item))
            .or_else(|| seen.offset())
            .or_else(|| seen.link()),
        Some(PageStyleSetting::NextUrl) => seen.next_url(),
        Some(PageStyleSetting::Cursor) => seen.cursor(),
        Some(PageStyleSetting::LastItem) => seen.last_item(&item),
        Some(PageStyleSetting::Offset) => seen.offset(),
        Some(PageStyleSetting::Link) => seen.link(),
        Some(PageStyleSetting::None) => None,
    }?;
    let how = seen.describe(&style, &item);
    Some(Pagination { page, item, items, style, how })
}

/// `ty` through aliases and boxes.
fn resolve(lw: &Lowerer<'_>, ty: &Ty) -> Ty {
    let mut ty = ty.clone();
    for _ in 0..16 {
        ty = match ty {
            Ty::Boxed(t) | Ty::OptionBox(t) => *t,
            Ty::Named(ref n) => match lw.drafts.get(n).map(|d| &d.kind) {
                Some(DraftKind::Alias(t)) => t.clone(),
                _ => return ty,
            },
            other => return other,
        };
    }
    ty
}

/// Lower case without `_`, `-` and `.`: `nextPageToken` and `next_page_token` meet.
/// A cursor or link value: a string, or a type the settings map a string format to (`uuid`),
/// written back as the text it serializes to.
fn is_text(t: &Ty) -> bool {
    matches!(t, Ty::String | Ty::External(_))
}

/// A query parameter a cursor can go in: written as its text (a scalar, or a type of the
/// project's that a string format maps to, written through its `Serialize`).
fn cursor_param(q: &crate::ir::QueryParam) -> bool {
    match &q.encoding {
        ParamEncoding::Scalar { .. } => true,
        ParamEncoding::Styled { style, .. } => style == "form" && matches!(q.ty, Ty::External(_)),
        ParamEncoding::Array { .. } => false,
    }
}

fn norm(name: &str) -> String {
    name.chars().filter(|c| !matches!(c, '_' | '-' | '.' | '@')).flat_map(char::to_lowercase).collect()
}

impl Seen<'_> {
    fn fields_of(&self, ty: &Ty) -> &[DraftField] {
        match resolve(self.lw, ty) {
            Ty::Named(n) => match self.lw.drafts.get(&n).map(|d| &d.kind) {
                Some(DraftKind::Struct { fields, .. }) => fields,
                _ => &[],
            },
            _ => &[],
        }
    }

    /// A field of the page by wire name (as given, else normalized) with a type that fits.
    fn field(&self, names: &[&str], fits: impl Fn(&Ty) -> bool) -> Option<&DraftField> {
        let fits = |f: &&DraftField| fits(&resolve(self.lw, &f.ty));
        self.fields.iter().filter(fits).find(|f| names.iter().any(|n| norm(n) == norm(&f.wire)))
    }

    /// The Rust field names along a dotted wire path, ending at a string.
    fn path(&self, dotted: &str) -> Option<Vec<String>> {
        let mut fields = self.fields;
        let mut out = Vec::new();
        let parts: Vec<&str> = dotted.split('.').collect();
        for (i, part) in parts.iter().enumerate() {
            let f = fields.iter().find(|f| f.wire == *part)?;
            out.push(f.name.clone());
            if i + 1 == parts.len() {
                return is_text(&resolve(self.lw, &f.ty)).then_some(out);
            }
            fields = self.fields_of(&f.ty);
        }
        None
    }

    /// An optional scalar query parameter by wire name.
    fn param(&self, names: &[&str]) -> Option<String> {
        self.query?
            .params
            .iter()
            .filter(|q| !q.required && q.place == ParamPlace::Query && cursor_param(q))
            .find(|q| names.iter().any(|n| *n == q.wire))
            .map(|q| q.wire.clone())
    }

    fn params(&self) -> Vec<String> {
        let Some(q) = self.query else { return Vec::new() };
        q.params.iter().filter(|q| !q.required && q.place == ParamPlace::Query && cursor_param(q)).map(|q| q.wire.clone()).collect()
    }

    /// The page's array holding the items: the one the setting names, else its only array of objects.
    fn items_field(&self) -> Option<&DraftField> {
        if let Some(name) = &self.setting.items {
            return self.fields.iter().find(|f| &f.wire == name && matches!(resolve(self.lw, &f.ty), Ty::List(_)));
        }
        let mut arrays = self.fields.iter().filter(|f| match resolve(self.lw, &f.ty) {
            Ty::List(item) => match resolve(self.lw, &item) {
                Ty::Named(n) => matches!(self.lw.drafts.get(&n).map(|d| &d.kind), Some(DraftKind::Struct { .. } | DraftKind::Union { .. })),
                _ => false,
            },
            _ => false,
        });
        let first = arrays.next()?;
        arrays.next().is_none().then_some(first)
    }

    fn bool_field(&self, given: &Option<String>, names: &[&str]) -> Option<String> {
        match given {
            Some(g) => self.fields.iter().find(|f| &f.wire == g && resolve(self.lw, &f.ty) == Ty::Bool).map(|f| f.name.clone()),
            None => self.field(names, |t| *t == Ty::Bool).map(|f| f.name.clone()),
        }
    }

    /// Twilio's `next_page_uri`: a URL in the page.
    fn next_url(&self) -> Option<PageStyle> {
        let next = match &self.setting.next {
            Some(dotted) => self.path(dotted)?,
            None => vec![self.field(NEXT_URLS, is_text)?.name.clone()],
        };
        Some(PageStyle::NextUrl { next })
    }

    /// A next-cursor field: `next_marker` for `marker`, `nextPageToken` (or dropshot's
    /// `next_page`) for `page_token`, `continue` inside `metadata` for `continue`.
    fn cursor(&self) -> Option<PageStyle> {
        if let (Some(param), Some(dotted)) = (&self.setting.param, &self.setting.next) {
            let param = self.param(&[param.as_str()])?;
            return Some(PageStyle::Cursor { param, next: self.path(dotted)? });
        }
        let dropshot = self.sel.node.get("x-dropshot-pagination").is_some();
        for param in self.params() {
            if self.setting.param.as_ref().is_some_and(|p| *p != param) {
                continue;
            }
            let p = norm(&param);
            let mut wanted = vec![format!("next{p}")];
            if let Some(stem) = p.strip_suffix("token") {
                wanted.push(format!("next{stem}"));
            }
            if dropshot && p == "pagetoken" {
                wanted.push("nextpage".into());
            }
            let string = |f: &&DraftField| is_text(&resolve(self.lw, &f.ty));
            if let Some(f) = self.fields.iter().filter(string).find(|f| wanted.contains(&norm(&f.wire))) {
                return Some(PageStyle::Cursor { param, next: vec![f.name.clone()] });
            }
            // One level down, the parameter's own name too (Kubernetes' `metadata.continue`).
            wanted.push(p.clone());
            for outer in self.fields {
                if let Some(f) = self.fields_of(&outer.ty).iter().filter(string).find(|f| wanted.contains(&norm(&f.wire))) {
                    return Some(PageStyle::Cursor { param, next: vec![outer.name.clone(), f.name.clone()] });
                }
            }
        }
        None
    }

    /// OpenAI's `after` <- `last_id`, Stripe's `starting_after` <- the last item's `id`; with `has_more`.
    fn last_item(&self, item: &Ty) -> Option<PageStyle> {
        let param = match &self.setting.param {
            Some(p) => self.param(&[p.as_str()])?,
            None => self.param(AFTER_PARAMS)?,
        };
        let has_more = self.bool_field(&self.setting.has_more, HAS_MORE)?;
        let string = |f: &&DraftField| is_text(&resolve(self.lw, &f.ty));
        let page_field = match &self.setting.next {
            Some(wire) => Some(self.fields.iter().filter(string).find(|f| &f.wire == wire)?.name.clone()),
            None => self.field(LAST_ID_FIELDS, is_text).map(|f| f.name.clone()),
        };
        let item_field = match page_field {
            Some(_) => None,
            None => Some(self.fields_of(item).iter().filter(string).find(|f| f.wire == "id")?.name.clone()),
        };
        Some(PageStyle::LastItem { param, page_field, item_field, has_more })
    }

    /// `offset`, until `more` is false or `total_count` is reached.
    fn offset(&self) -> Option<PageStyle> {
        let param = self.param(&[self.setting.param.as_deref().unwrap_or("offset")])?;
        let int = |t: &Ty| *t == Ty::I64;
        let more = self.bool_field(&self.setting.has_more, HAS_MORE);
        let total = match &self.setting.total {
            Some(t) => Some(self.fields.iter().find(|f| &f.wire == t && resolve(self.lw, &f.ty) == Ty::I64)?.name.clone()),
            None => self.field(TOTALS, int).map(|f| f.name.clone()),
        };
        if more.is_none() && total.is_none() && self.setting.style.is_none() {
            return None;
        }
        let start = self.field(&[param.as_str()], int).map(|f| f.name.clone());
        Some(PageStyle::Offset { param, start, more, total })
    }

    /// GitHub's `page` numbers, followed through the `Link: rel="next"` header (declared, or
    /// the `page` + `per_page` pair).
    fn link(&self) -> Option<PageStyle> {
        self.param(&["page"])?;
        let declared = self.setting.style.is_some() || self.param(&["per_page"]).is_some() || self.declares_link();
        declared.then_some(PageStyle::Link)
    }

    /// How each page leads to the next, in words with wire names, for the methods' docs.
    fn describe(&self, style: &PageStyle, item: &Ty) -> String {
        let wire = |fields: &[DraftField], name: &str| fields.iter().find(|f| f.name == name).map_or_else(|| name.to_owned(), |f| f.wire.clone());
        let path = |path: &[String]| {
            let mut fields = self.fields;
            let mut out = Vec::new();
            for name in path {
                out.push(wire(fields, name));
                fields = fields.iter().find(|f| &f.name == name).map_or(&[], |f| self.fields_of(&f.ty));
            }
            out.join(".")
        };
        match style {
            PageStyle::LastItem { param, page_field: Some(f), has_more, .. } => {
                format!("passing the page's `{}` as `{param}` while `{}` is set", wire(self.fields, f), wire(self.fields, has_more))
            }
            PageStyle::LastItem { param, item_field, has_more, .. } => format!(
                "passing the last item's `{}` as `{param}` while `{}` is set",
                wire(self.fields_of(item), item_field.as_deref().unwrap_or_default()),
                wire(self.fields, has_more)
            ),
            PageStyle::Cursor { param, next } => format!("passing the page's `{}` as `{param}` until there is none", path(next)),
            PageStyle::Offset { param, more, total, .. } => {
                let mut s = format!("advancing `{param}` by the items received");
                if let Some(m) = more {
                    s += &format!(" while `{}` is set", wire(self.fields, m));
                }
                if let Some(t) = total {
                    s += &format!(" up to `{}`", wire(self.fields, t));
                }
                s
            }
            PageStyle::Link => "following the `Link` header's `rel=\"next\"` URL".to_owned(),
            PageStyle::NextUrl { next } => format!("following the URL in the page's `{}`", path(next)),
        }
    }

    fn declares_link(&self) -> bool {
        let root = self.lw.root;
        let Some(responses) = self.sel.node.get("responses").and_then(Value::as_object) else { return false };
        responses.iter().filter(|(k, _)| k.starts_with('2')).any(|(_, r)| {
            deref_component(root, r).get("headers").and_then(Value::as_object).is_some_and(|h| h.keys().any(|k| k.eq_ignore_ascii_case("link")))
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::ir::PageStyle;
    use crate::settings::Settings;
    use serde_json::json;

    /// A page with two arrays of objects and a cursor under names detection does not know.
    fn document() -> serde_json::Value {
        let thing = json!({"type": "object", "properties": {"id": {"type": "string"}}});
        json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "servers": [{"url": "https://widgets.test"}], "paths": {"/widgets": {"get": {
            "operationId": "listWidgets", "tags": ["widgets"],
            "parameters": [{"name": "token", "in": "query", "schema": {"type": "string"}}],
            "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {
                "type": "object", "properties": {
                    "widgets": {"type": "array", "items": thing.clone()},
                    "gadgets": {"type": "array", "items": thing},
                    "meta": {"type": "object", "properties": {"following": {"type": "string"}}}
                }
            }}}}}
        }}}})
    }

    fn style(settings: &Settings) -> (Option<PageStyle>, Option<String>, usize) {
        let (ir, diags) = crate::lower::lower(&document(), settings);
        let op = ir.unwrap().groups.remove(0).operations.remove(0);
        let warnings = diags.items.len();
        let p = op.pagination;
        (p.as_ref().map(|p| p.style.clone()), p.and_then(|p| p.items), warnings)
    }

    #[test]
    fn the_setting_names_what_detection_cannot_see() {
        let mut settings = Settings::new("x");
        assert_eq!(style(&settings), (None, None, 0));
        let read = |v| serde_json::from_value(v).unwrap();
        settings.operations.insert("listWidgets".into(), read(json!({"pagination": {"style": "cursor", "param": "token", "next": "meta.following", "items": "widgets"}})));
        let (style_, items, warnings) = style(&settings);
        assert_eq!(style_, Some(PageStyle::Cursor { param: "token".into(), next: vec!["meta".into(), "following".into()] }));
        assert_eq!((items.as_deref(), warnings), (Some("widgets"), 0));
        // A setting that does not fit is a warning, and no page methods.
        settings.operations.insert("listWidgets".into(), read(json!({"pagination": {"style": "offset", "items": "widgets"}})));
        assert_eq!(style(&settings), (None, None, 1));
    }
}
