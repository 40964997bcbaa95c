//! spec/'s settings give its client OpenAI's environment variables and headers: `from_env` and
//! `load_env_from` read `OPENAI_API_KEY` (required), `OPENAI_BASE_URL`, `OPENAI_ORG_ID` and
//! `OPENAI_PROJECT_ID`, and the builder never shows the key.

use openai_responses::{Client, Error};

#[test]
fn load_env_reads_the_variables_and_requires_the_key() {
    let missing = Client::builder().load_env_from(|_| None).unwrap_err();
    assert!(matches!(&missing, Error::Config(m) if m.contains("OPENAI_API_KEY")), "{missing}");
    let empty = Client::builder().load_env_from(|_| Some(" ".into())).unwrap_err();
    assert!(matches!(empty, Error::Config(_)));
    let vars = |name: &str| match name {
        "OPENAI_API_KEY" => Some("sk-env-SECRET".to_owned()),
        "OPENAI_BASE_URL" => Some("http://127.0.0.1:9/v2/".to_owned()),
        "OPENAI_PROJECT_ID" => Some("proj_env".to_owned()),
        _ => None,
    };
    let builder = Client::builder().load_env_from(vars).unwrap();
    assert!(!format!("{builder:?}").contains("sk-env-SECRET"));
    assert!(format!("{builder:?}").contains("openai-project"));
    let client = builder.build().unwrap();
    assert_eq!(client.base_url(), "http://127.0.0.1:9/v2");
    assert!(!format!("{client:?}").contains("sk-env-SECRET"));
    // Without a key in the environment the builder still builds: no credential is required.
    assert_eq!(Client::builder().build().unwrap().base_url(), "https://api.openai.com/v1");
}
