//! snake_case and UpperCamelCase exactly as heck 0.5 spells them (its word split and case
//! rules, copied), written straight into a `String`: heck writes every character through
//! `fmt::Formatter` (`write!(f, "{}", c.to_lowercase())`), which made case conversion a fifth
//! of the lowering. The tests compare the two on every name and value of `spec/openapi.yaml`.

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Boundary,
    Lowercase,
    Uppercase,
}

/// heck's `transform`: words are split at non-alphanumerics, at a lower-to-upper step
/// (`camelCase`) and before the last capital of a run followed by a lowercase (`XMLHttp`).
fn transform(s: &str, out: &mut String, with_word: fn(&str, &mut String), boundary: &str) {
    let mut first_word = true;
    for word in s.split(|c: char| !c.is_alphanumeric()) {
        let mut char_indices = word.char_indices().peekable();
        let mut init = 0;
        let mut mode = Mode::Boundary;
        while let Some((i, c)) = char_indices.next() {
            if let Some(&(next_i, next)) = char_indices.peek() {
                let next_mode = if c.is_lowercase() {
                    Mode::Lowercase
                } else if c.is_uppercase() {
                    Mode::Uppercase
                } else {
                    mode
                };
                if next_mode == Mode::Lowercase && next.is_uppercase() {
                    if !first_word {
                        out.push_str(boundary);
                    }
                    with_word(&word[init..next_i], out);
                    first_word = false;
                    init = next_i;
                    mode = Mode::Boundary;
                } else if mode == Mode::Uppercase && c.is_uppercase() && next.is_lowercase() {
                    if !first_word {
                        out.push_str(boundary);
                    } else {
                        first_word = false;
                    }
                    with_word(&word[init..i], out);
                    init = i;
                    mode = Mode::Boundary;
                } else {
                    mode = next_mode;
                }
            } else {
                if !first_word {
                    out.push_str(boundary);
                } else {
                    first_word = false;
                }
                with_word(&word[init..], out);
                break;
            }
        }
    }
}

fn lowercase(s: &str, out: &mut String) {
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == 'Σ' && chars.peek().is_none() {
            out.push('ς');
        } else if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            out.extend(c.to_lowercase());
        }
    }
}

fn capitalize(s: &str, out: &mut String) {
    let mut char_indices = s.char_indices();
    if let Some((_, c)) = char_indices.next() {
        out.extend(c.to_uppercase());
        if let Some((i, _)) = char_indices.next() {
            lowercase(&s[i..], out);
        }
    }
}

/// heck's `to_snake_case`.
pub fn snake(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    transform(s, &mut out, lowercase, "_");
    out
}

/// heck's `to_upper_camel_case`.
pub fn upper_camel(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    transform(s, &mut out, capitalize, "");
    out
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

    /// Every key and string value of the shipped document.
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
        walk(&doc.root, &mut |s| {
            same(s);
            n += 1;
        });
        assert!(n > 10_000, "{n} strings");
    }
}
