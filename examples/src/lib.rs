//! Holds no code: the programs in `examples/` show the generated `openai-responses` client at
//! work, one everyday task each. Each reads `OPENAI_API_KEY` (and `OPENAI_BASE_URL`, which
//! includes `/v1`); run one with `cargo run -p examples --example plain_create`. The tests in
//! `tests/` run every one against a scripted server on 127.0.0.1.
