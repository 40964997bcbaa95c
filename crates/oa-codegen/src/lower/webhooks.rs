//! Lowering of the document's webhooks (OpenAPI 3.1 `webhooks`, or `x-webhooks` as GitHub's
//! 3.0 document spells it): each selected webhook's payload type, and, when every payload
//! carries a `type` tag, one open union `WebhookEvent` whose variants are named after the
//! webhook keys (`response_completed` -> `ResponseCompleted`), not after the tags as other
//! unions are: the keys are the names the document gives these events.

use super::{DraftKind, Lowerer, NameHint, Ty};
use crate::diag::Diagnostics;
use crate::ir::TagArm;
use crate::naming::{self, Scope};
use crate::settings::Settings;
use crate::view;
use serde_json::Value;

/// The property a payload's tag is read from.
const TAG: &str = "type";

/// One selected webhook and its JSON payload schema.
pub(crate) struct SelectedHook<'a> {
    pub key: String,
    /// Pointer of the webhook's path item (without `#`).
    pub item: String,
    /// Pointer of the payload schema (without `#`).
    pub pointer: String,
    pub schema: &'a Value,
}

/// The key under which the document keeps its webhooks: `webhooks` (3.1), else `x-webhooks`.
pub fn webhooks_key(root: &Value) -> Option<&'static str> {
    ["webhooks", "x-webhooks"].into_iter().find(|k| root.get(*k).is_some_and(Value::is_object))
}

/// The webhooks the settings select, in document order, with their payload schemas; a
/// selected key the document lacks, or a webhook without a JSON body, is a warning.
pub(crate) fn select<'a>(root: &'a Value, settings: &Settings, diags: &mut Diagnostics) -> Vec<SelectedHook<'a>> {
    let key = webhooks_key(root);
    let all = key.and_then(|k| root.get(k)).and_then(Value::as_object);
    for wanted in &settings.webhooks.select {
        if !all.is_some_and(|m| m.contains_key(wanted)) {
            diags.warning(format!("/{}", key.unwrap_or("webhooks")), format!("the settings select the webhook `{wanted}`, which the document does not have"));
        }
    }
    let (Some(key), Some(all)) = (key, all) else { return Vec::new() };
    let mut out = Vec::new();
    for (name, item) in all {
        if !settings.selects_webhook(name) {
            continue;
        }
        let item_ptr = format!("/{key}/{}", oa_load::escape_token(name));
        let item = match item.get("$ref").and_then(Value::as_str) {
            Some(r) => super::schema::resolve_ptr(root, r).unwrap_or(item),
            None => item,
        };
        let found = item.as_object().and_then(|ops| {
            ops.iter().find_map(|(method, op)| {
                let content = op.get("requestBody")?.get("content")?.as_object()?;
                let (media, body) = content.iter().find(|(media, _)| is_json(media))?;
                let schema = body.get("schema")?;
                let pointer = format!("{item_ptr}/{method}/requestBody/content/{}/schema", oa_load::escape_token(media));
                Some((pointer, schema))
            })
        });
        match found {
            Some((pointer, schema)) => out.push(SelectedHook { key: name.clone(), item: item_ptr, pointer, schema }),
            None => diags.warning(&item_ptr, format!("the webhook `{name}` has no JSON request body: left out")),
        }
    }
    out
}

fn is_json(media: &str) -> bool {
    let media = media.split(';').next().unwrap_or_default().trim();
    media == "application/json" || media.ends_with("+json")
}

impl Lowerer<'_> {
    /// Lowers the payloads, then the `WebhookEvent` union where every payload has a tag.
    /// Returns each webhook's key and payload type, and the union's name.
    pub(crate) fn lower_webhooks(&mut self, hooks: &[SelectedHook<'_>]) -> (Vec<(String, Ty)>, Option<String>) {
        let mut payloads = Vec::new();
        let mut tagged = Vec::new();
        for hook in hooks {
            // A referenced payload keeps its component's name; an inline one is named after the
            // webhook (`ResponseCompletedWebhook`).
            let context = format!("{}Webhook", naming::type_name(&hook.key));
            self.current = super::Current { name: context.clone(), owner: context.clone(), pointer: format!("#{}", hook.pointer) };
            let ty = self.lower(hook.schema, &hook.pointer, NameHint::Context(context)).ty;
            let tags = view::tag_values(self.root, hook.schema, TAG, 0).unwrap_or_default();
            if !tags.is_empty() && view::is_required(self.root, hook.schema, TAG) {
                tagged.push((hook.key.clone(), ty.clone(), tags));
            }
            payloads.push((hook.key.clone(), ty));
        }
        if payloads.is_empty() {
            return (payloads, None);
        }
        if tagged.len() < payloads.len() {
            let untagged: Vec<&str> =
                payloads.iter().filter(|(k, _)| !tagged.iter().any(|(t, _, _)| t == k)).map(|(k, _)| k.as_str()).collect();
            let at = hooks.iter().find(|h| h.key == untagged[0]).map_or("", |h| h.pointer.as_str()).to_owned();
            self.diags.warning(
                at,
                format!(
                    "{} of {} webhook payloads carry no required `{TAG}` tag ({}): the payload types are generated, but no `WebhookEvent` union",
                    untagged.len(),
                    payloads.len(),
                    untagged.iter().take(3).copied().collect::<Vec<_>>().join(", ") + if untagged.len() > 3 { ", ..." } else { "" }
                ),
            );
            return (payloads, None);
        }
        let union = self.names.claim("WebhookEvent", "Union");
        let mut scope = Scope::new();
        let mut variants = Vec::new();
        let mut dispatch: Vec<TagArm> = Vec::new();
        for (key, ty, tags) in tagged {
            let variant = scope.claim(&naming::variant_name(&key), "Event");
            for tag in &tags {
                match dispatch.iter_mut().find(|a| &a.tag == tag) {
                    Some(arm) => arm.candidates.push(variant.clone()),
                    None => dispatch.push(TagArm { tag: tag.clone(), candidates: vec![variant.clone()], by: None }),
                }
            }
            variants.push((variant, ty, tags));
        }
        let names: Vec<String> = variants.iter().map(|v| v.0.clone()).collect();
        let other = naming::catch_all_name(&names);
        let doc = vec![
            format!("A webhook event, told apart by its `{TAG}`; an event type this version does not know is kept whole in `{other}`."),
        ];
        self.current = super::Current { name: union.clone(), owner: union.clone(), pointer: String::new() };
        let kind = DraftKind::Union { tag: Some(TAG.to_owned()), variants, dispatch, untagged: Vec::new(), other };
        self.add_draft(union.clone(), &hooks[0].item, doc, kind);
        (payloads, Some(union))
    }
}
