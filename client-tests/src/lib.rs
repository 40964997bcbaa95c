//! Holds no code: the tests in `tests/` drive the generated `openai-responses` client against Prism.
