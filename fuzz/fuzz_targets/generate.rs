//! Arbitrary bytes -> `oa_load::Document::parse` -> (if it parses) `oa_codegen::generate`.
//! Either step may fail with an error; neither may panic or hang.
//!
//! Run with `cargo +nightly fuzz run generate` from `fuzz/`; seed the corpus with small
//! documents, e.g. `cp ../crates/oa-codegen/tests/fixtures/*.yaml corpus/generate/`.

#![no_main]

use libfuzzer_sys::fuzz_target;
use oa_codegen::settings::Settings;
use oa_load::Document;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(doc) = Document::parse("fuzz.yaml", text) else { return };
    // Everything in the document (`/`), so component schemas are lowered without operations.
    let settings = Settings::new("fuzz");
    match oa_codegen::generate(&doc, &settings) {
        Ok(_) => {}
        Err(failure) => {
            assert!(failure.diagnostics.errors().count() > 0, "a failure without errors");
            assert!(failure.diagnostics.items.iter().all(|d| !d.message.trim().is_empty()), "an empty diagnostic");
        }
    }
});
