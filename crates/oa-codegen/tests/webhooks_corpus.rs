//! The webhooks of the published documents: each OpenAI document in `../shared/upstream/` that
//! has webhooks (three of the four: 2025-04-29 has none) lowers every webhook, tagged, into one
//! `WebhookEvent` with one variant per key; GitHub's 3.0 document (`../shared/openapi-corpus/github.json`, webhooks under
//! `x-webhooks`) gets its payload types and a warning, no union. Read at run time: skipped when
//! absent, a failure under `REQUIRE_CORPUS=1`.

use oa_codegen::ir::{Kind, TypeDef};
use oa_codegen::settings::Settings;
use oa_load::Document;
use std::path::{Path, PathBuf};

fn shared(rel: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../..").join("shared").join(rel);
    if path.exists() {
        return Some(path);
    }
    assert!(std::env::var("REQUIRE_CORPUS").as_deref() != Ok("1"), "REQUIRE_CORPUS=1 but {} is absent", path.display());
    eprintln!("skipped: {} is absent", path.display());
    None
}

fn keys(doc: &Document, under: &str) -> Vec<String> {
    doc.root.get(under).and_then(|w| w.as_object()).map(|w| w.keys().cloned().collect()).unwrap_or_default()
}

fn union<'a>(types: &'a [TypeDef], name: &str) -> Option<&'a TypeDef> {
    types.iter().find(|t| t.name == name && matches!(t.kind, Kind::Union(_)))
}

#[test]
fn openai_documents_get_one_webhook_union() {
    let Some(dir) = shared("upstream") else { return };
    let mut documents: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|x| x == "yaml")).collect();
    documents.sort();
    assert_eq!(documents.len(), 4, "{}", dir.display());
    let mut with_webhooks = 0;
    for path in documents {
        let doc = Document::read(&path).unwrap();
        let keys = keys(&doc, "webhooks");
        if keys.is_empty() {
            let (ir, _) = oa_codegen::lower(&doc, &Settings::new("whole")).unwrap();
            assert!(ir.webhooks.hooks.is_empty() && ir.webhooks.event.is_none());
            continue;
        }
        with_webhooks += 1;
        assert!(keys.iter().any(|k| k == "response_completed"), "{}", path.display());
        let (ir, diags) = oa_codegen::lower(&doc, &Settings::new("whole")).unwrap();
        assert!(!diags.items.iter().any(|d| d.message.contains("webhook")), "{}: {:?}", path.display(), diags.items);
        assert_eq!(ir.webhooks.hooks.iter().map(|h| &h.key).collect::<Vec<_>>(), keys.iter().collect::<Vec<_>>());
        assert_eq!(ir.webhooks.event.as_deref(), Some("WebhookEvent"));
        let Kind::Union(u) = &union(&ir.types, "WebhookEvent").expect("the union").kind else { unreachable!() };
        let expected: Vec<String> = keys.iter().map(|k| oa_codegen::naming::variant_name(k)).collect();
        assert_eq!(u.variants.iter().map(|v| v.name.clone()).collect::<Vec<_>>(), expected, "{}", path.display());
        assert_eq!(u.other, "Other");
        // spec/'s selection: the four response webhooks only.
        let mut settings = Settings::new("responses");
        settings.include = vec!["/responses".into()];
        settings.webhooks.select = ["response_completed", "response_failed", "response_cancelled", "response_incomplete"].map(String::from).to_vec();
        let (ir, _) = oa_codegen::lower(&doc, &settings).unwrap();
        let Kind::Union(u) = &union(&ir.types, "WebhookEvent").unwrap().kind else { unreachable!() };
        let mut names: Vec<&str> = u.variants.iter().map(|v| v.name.as_str()).collect();
        names.sort();
        assert_eq!(names, ["ResponseCancelled", "ResponseCompleted", "ResponseFailed", "ResponseIncomplete"]);
    }
    assert!(with_webhooks >= 3);
}

#[test]
fn github_webhooks_have_types_and_a_warning() {
    let Some(path) = shared("openapi-corpus/github.json") else { return };
    let doc = Document::read(&path).unwrap();
    let keys = keys(&doc, "x-webhooks");
    assert!(keys.len() > 100, "GitHub's document keeps its webhooks under x-webhooks");
    let mut settings = Settings::new("github");
    settings.include = vec!["/nothing".into()];
    settings.webhooks.select = keys.clone();
    let (ir, diags) = oa_codegen::lower(&doc, &settings).unwrap();
    assert_eq!(ir.webhooks.hooks.len(), keys.len());
    assert!(ir.webhooks.event.is_none() && union(&ir.types, "WebhookEvent").is_none());
    let warned: Vec<_> = diags.items.iter().filter(|d| d.message.contains("no `WebhookEvent` union")).collect();
    assert_eq!(warned.len(), 1, "{:?}", diags.items);
    // All but one (whose payload happens to have a one-value `type`) carry no tag.
    assert!(warned[0].message.contains(&format!(" of {} webhook payloads", keys.len())), "{}", warned[0].message);
    let untagged: usize = warned[0].message.split(' ').next().unwrap().parse().unwrap();
    assert!(untagged + 5 > keys.len(), "{}", warned[0].message);
}
