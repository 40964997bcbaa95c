//! The generated client's files that carry the settings, pinned by insta snapshots.

use std::path::Path;

#[test]
fn generated_files_that_the_settings_shape() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let settings = oa_codegen::settings::Settings::read(&root.join("api/settings.yaml")).unwrap();
    let doc = oa_load::Document::read(&root.join("api/openapi.yaml")).unwrap();
    let generated = oa_codegen::generate(&doc, &settings).unwrap();
    for file in ["Cargo.toml", "src/types/mod.rs", "src/types/common.rs", "src/client.rs"] {
        let name = file.replace('/', "__");
        insta::assert_snapshot!(name, generated.files[file]);
    }
}
