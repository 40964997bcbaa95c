//! A crate generated from another document carries nothing of OpenAI: its runtime, wire and
//! template text name no vendor (the document's own names and descriptions may), it sends no
//! vendor header and reads no vendor variable unless settings ask.

use oa_codegen::settings::Settings;
use oa_load::Document;
use std::path::Path;

#[test]
fn runtime_wire_and_template_text_name_no_vendor() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/operations.yaml");
    let doc = Document::read(&fixture).unwrap();
    let generated = oa_codegen::generate(&doc, &Settings::new("neutral")).unwrap();
    let mut checked = 0;
    for (path, text) in &generated.files {
        // Types and the schema table are the document's own.
        if path.starts_with("src/types/") || path == "src/schemas.rs" {
            continue;
        }
        checked += 1;
        for word in ["openai", "x-oa-", "/responses"] {
            assert!(!text.to_ascii_lowercase().contains(word), "{path} mentions `{word}`");
        }
    }
    assert!(checked >= 10, "{checked} files checked");
    let client = &generated.files["src/client.rs"];
    assert!(client.contains("\"neutral/0.1.0\""), "the user agent is the crate's");
    assert!(!client.contains("fn from_env"), "no environment without settings");
    // No webhook verification unless the settings ask for it (`webhooks.signatures`).
    assert!(!generated.files["src/lib.rs"].contains("Webhooks"));
    assert!(!generated.files["Cargo.toml"].contains("webhooks = ["));
}
