//! Holds no code: the programs in `examples/` show the generated `openai-responses` client at
//! work. Each reads `OPENAI_API_KEY` (and optionally `OPENAI_BASE_URL`); run one with
//! `cargo run -p examples --example plain_create`.
