//! snake_case and UpperCamelCase by heck, memoized per identifier: a document repeats its
//! names (the whole OpenAI document asks for some 250k conversions of 30k distinct strings), and
//! heck writes every character through `fmt::Formatter`, so a cache makes the conversions cheap
//! without a copy of heck's rules (BENCHMARKS.md has the generation time with and without it).

use heck::{ToSnakeCase, ToUpperCamelCase};
use std::cell::RefCell;
use std::collections::HashMap;

thread_local! {
    /// (snake_case, UpperCamelCase) per input, per thread; lowering runs on one thread.
    static MEMO: RefCell<(HashMap<String, String>, HashMap<String, String>)> = RefCell::default();
}

/// heck's `to_snake_case`.
pub fn snake(s: &str) -> String {
    MEMO.with(|m| {
        let cache = &mut m.borrow_mut().0;
        if let Some(hit) = cache.get(s) {
            return hit.clone();
        }
        let out = s.to_snake_case();
        cache.insert(s.to_owned(), out.clone());
        out
    })
}

/// heck's `to_upper_camel_case`.
pub fn upper_camel(s: &str) -> String {
    MEMO.with(|m| {
        let cache = &mut m.borrow_mut().1;
        if let Some(hit) = cache.get(s) {
            return hit.clone();
        }
        let out = s.to_upper_camel_case();
        cache.insert(s.to_owned(), out.clone());
        out
    })
}

#[cfg(test)]
mod tests {
    use heck::{ToSnakeCase, ToUpperCamelCase};

    fn same(s: &str) {
        assert_eq!(super::snake(s), s.to_snake_case(), "snake of {s:?}");
        assert_eq!(super::upper_camel(s), s.to_upper_camel_case(), "camel of {s:?}");
    }

    #[test]
    fn as_heck_spells_them() {
        for s in [
            "", "_", "a", "A", "CamelCase", "This is Human case.", "MixedUP CamelCase, with some Spaces",
            "mixed_up_ snake_case with some _spaces", "kebab-case", "SHOUTY_SNAKE_CASE", "XΣXΣ baﬄe", "ΣΣ Σ",
            "XMLHttpRequest", "FIELD_NAME11", "99BOTTLES", "abc123def456", "ABC123Def", "gpt-4.1-mini",
            "response.output_text.delta", "1024x1024", "İstanbul", "ǅemal", "ß", "ﬀ", "ŉ", "x-oaiMeta",
            "$ref", "a__b", "__a__", "aB", "Ab", "AB", "ABc", "aBC", "a1B", "A1b", "日本語", "émigré", "Ωmega",
        ] {
            same(s);
        }
    }

    /// Every key and string value of the shipped document, asked twice (cache misses, then hits).
    #[test]
    fn as_heck_spells_the_spec() {
        fn walk(v: &serde_json::Value, f: &mut dyn FnMut(&str)) {
            match v {
                serde_json::Value::String(s) => f(s),
                serde_json::Value::Array(a) => a.iter().for_each(|v| walk(v, f)),
                serde_json::Value::Object(m) => m.iter().for_each(|(k, v)| {
                    f(k);
                    walk(v, f)
                }),
                _ => {}
            }
        }
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../spec/openapi.yaml");
        let doc = oa_load::Document::read(&path).expect("spec/openapi.yaml loads");
        let mut n = 0;
        for _ in 0..2 {
            walk(&doc.root, &mut |s| {
                same(s);
                n += 1;
            });
        }
        assert!(n > 10_000, "{n} strings");
    }
}
