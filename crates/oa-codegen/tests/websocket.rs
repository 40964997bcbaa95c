//! The `websocket` settings key: the schemas it names are kept by the subset and lowered although
//! no path reaches them, spec/'s group gets `connect()` and its socket type, and a binding that
//! does not fit the document is a located error rather than broken code.

use oa_codegen::settings::Settings;
use oa_load::Document;
use serde_json::json;
use std::path::{Path, PathBuf};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).ancestors().nth(2).unwrap().to_path_buf()
}

fn spec() -> (Document, Settings) {
    let root = repo_root();
    let settings = Settings::read(&root.join("spec/settings.yaml")).unwrap();
    (Document::read(&root.join("spec/openapi.yaml")).unwrap(), settings)
}

#[test]
fn the_subset_keeps_named_schemas_no_path_reaches() {
    let doc = json!({
        "openapi": "3.1.0", "info": {"title": "t", "version": "1"},
        "paths": {"/things": {"post": {"operationId": "make", "responses": {"200": {"description": "ok"}}}}},
        "components": {"schemas": {
            "Unused": {"type": "string"},
            "ClientEvent": {"type": "object", "properties": {"inner": {"$ref": "#/components/schemas/Inner"}}},
            "ServerEvent": {"type": "object"},
            "Inner": {"type": "integer"}
        }}
    });
    let mut settings = Settings::new("t");
    settings.websocket = Some(serde_json::from_value(json!({
        "group": "things", "path": "/things", "client_event": "ClientEvent", "server_event": "ServerEvent",
        "create": {"operation": "make", "event": "make", "ends": ["done"], "result": "thing"}
    })).unwrap());
    let subset = oa_codegen::subset::extract(&doc, &settings);
    let kept: Vec<&String> = subset["components"]["schemas"].as_object().unwrap().keys().collect();
    assert_eq!(kept, ["ClientEvent", "Inner", "ServerEvent"]);
}

#[test]
fn spec_gets_connect_and_its_socket() {
    let (doc, settings) = spec();
    let generated = oa_codegen::generate(&doc, &settings).unwrap();
    let group = &generated.files["src/api/responses.rs"];
    for needle in [
        "pub async fn connect(&self) -> Result<ResponsesSocket, Error>",
        "pub async fn connect_with(",
        "pub struct ResponsesSocket",
        "pub async fn send_on(",
        "pub async fn create_on(",
        "impl crate::runtime::SocketEvent for crate::types::ResponsesServerEvent",
        "\"/responses\"",
    ] {
        assert!(group.contains(needle), "missing {needle:?}");
    }
    let types: String = generated.files.iter().filter(|(p, _)| p.starts_with("src/types/")).map(|(_, t)| t.as_str()).collect();
    assert!(types.contains("pub enum ResponsesServerEvent"));
    assert!(types.contains("OutputTextDelta(Box<ResponsesServerEventResponseTextWsDelta>)"));
    assert!(types.contains("pub fn stream_id(&self) -> Option<&str>"));
}

#[test]
fn a_binding_that_does_not_fit_is_a_located_error() {
    let (doc, mut settings) = spec();
    settings.websocket.as_mut().unwrap().group = "nope".into();
    let Err(failure) = oa_codegen::generate(&doc, &settings) else { panic!("a group that does not exist generates") };
    let text = format!("{failure:?}");
    assert!(text.contains("no group `nope`") && text.contains("/websocket"), "{text}");
}
