//! `Client::from_env` against the real process environment (a separate binary: it mutates env vars).

use oa_runtime::{Client, Error};

#[test]
fn from_env_reads_variables_and_reports_a_missing_key() {
    std::env::remove_var("OPENAI_API_KEY");
    let err = Client::from_env().unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    assert!(err.to_string().contains("OPENAI_API_KEY"));

    std::env::set_var("OPENAI_API_KEY", "sk-env-SECRET");
    std::env::set_var("OPENAI_BASE_URL", "http://127.0.0.1:1/custom/");
    std::env::set_var("OPENAI_PROJECT_ID", "proj_env");
    let client = Client::from_env().unwrap();
    assert_eq!(client.base_url(), "http://127.0.0.1:1/custom");
    assert!(!format!("{client:?}").contains("sk-env-SECRET"));
    assert!(format!("{client:?}").contains("proj_env"));
}
