//! Parameter serialization by `style`/`explode`: the OpenAPI 3.1 style examples, deepObject as
//! Stripe reads it, path percent-encoding and form bodies.

use oa_wire::style::{form_pairs, header_value, path_value, query_pairs, urlencode_pairs, Style};
use serde_json::{json, Value};

fn string() -> Value {
    json!("blue")
}

fn array() -> Value {
    json!(["blue", "black", "brown"])
}

fn object() -> Value {
    json!({"R": 100, "G": 200, "B": 150})
}

/// Without serde_json's `preserve_order` (this crate alone does not enable it) objects iterate
/// by sorted key, so `{"R","G","B"}` comes out as B, G, R. Object rows carry both expectations.
fn in_order<'a>(spec: &'a str, sorted: &'a str) -> &'a str {
    let first = object().as_object().and_then(|m| m.keys().next().cloned());
    if first.as_deref() == Some("R") {
        spec
    } else {
        sorted
    }
}

/// The pairs as `k=v&k=v`, not percent-encoded (the table's rows, decoded).
fn query(value: &Value, style: Style, explode: bool) -> String {
    let mut pairs = Vec::new();
    query_pairs("color", value, style, explode, &mut pairs);
    pairs.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&")
}

#[test]
fn style_names_round_trip() {
    use Style::*;
    for style in [Form, SpaceDelimited, PipeDelimited, DeepObject, Simple, Label, Matrix] {
        assert_eq!(Style::parse(style.as_str()), Some(style));
    }
    assert_eq!(Style::parse("deepObject"), Some(DeepObject));
    assert_eq!(Style::parse("deepobject"), None);
    assert!(Form.default_explode());
    assert!(!DeepObject.default_explode() && !Simple.default_explode());
}

/// The path rows of the specification's style examples (3.1.1, which writes non-exploded
/// `label` with commas, as RFC 6570 does): style, explode, empty string, string, array, object
/// (in the specification's key order, then in sorted key order).
#[test]
fn path_styles_match_the_specification_table() {
    use Style::*;
    #[rustfmt::skip]
    let rows: &[(Style, bool, &str, &str, &str, &str, &str)] = &[
        (Matrix, false, ";color", ";color=blue", ";color=blue,black,brown",
            ";color=R,100,G,200,B,150", ";color=B,150,G,200,R,100"),
        (Matrix, true, ";color", ";color=blue", ";color=blue;color=black;color=brown",
            ";R=100;G=200;B=150", ";B=150;G=200;R=100"),
        (Label, false, ".", ".blue", ".blue,black,brown",
            ".R,100,G,200,B,150", ".B,150,G,200,R,100"),
        (Label, true, ".", ".blue", ".blue.black.brown",
            ".R=100.G=200.B=150", ".B=150.G=200.R=100"),
        (Simple, false, "", "blue", "blue,black,brown",
            "R,100,G,200,B,150", "B,150,G,200,R,100"),
        (Simple, true, "", "blue", "blue,black,brown",
            "R=100,G=200,B=150", "B=150,G=200,R=100"),
    ];
    for &(style, explode, empty, string_, array_, spec, sorted) in rows {
        let case = format!("{style:?} explode={explode}");
        assert_eq!(path_value("color", &json!(""), style, explode), empty, "{case} empty");
        assert_eq!(path_value("color", &string(), style, explode), string_, "{case} string");
        assert_eq!(path_value("color", &array(), style, explode), array_, "{case} array");
        assert_eq!(path_value("color", &object(), style, explode), in_order(spec, sorted), "{case} object");
    }
}

/// The query rows of the table, decoded (`%20` as a space, `%7C` as `|`, `%5B` `%5D` as
/// brackets) and without the leading `?`. Cells the specification marks n/a use this crate's
/// fallbacks (documented on `query_pairs`).
#[test]
fn query_styles_match_the_specification_table() {
    use Style::*;
    #[rustfmt::skip]
    let rows: &[(Style, bool, &str, &str, &str, &str, &str)] = &[
        (Form, false, "color=", "color=blue", "color=blue,black,brown",
            "color=R,100,G,200,B,150", "color=B,150,G,200,R,100"),
        (Form, true, "color=", "color=blue", "color=blue&color=black&color=brown",
            "R=100&G=200&B=150", "B=150&G=200&R=100"),
        (SpaceDelimited, false, "color=", "color=blue", "color=blue black brown",
            "color=R 100 G 200 B 150", "color=B 150 G 200 R 100"),
        (PipeDelimited, false, "color=", "color=blue", "color=blue|black|brown",
            "color=R|100|G|200|B|150", "color=B|150|G|200|R|100"),
        // n/a in the specification: exploded delimited styles fall back to exploded form.
        (SpaceDelimited, true, "color=", "color=blue", "color=blue&color=black&color=brown",
            "R=100&G=200&B=150", "B=150&G=200&R=100"),
        (PipeDelimited, true, "color=", "color=blue", "color=blue&color=black&color=brown",
            "R=100&G=200&B=150", "B=150&G=200&R=100"),
        // Only the object cell is defined; arrays are indexed, explode is ignored.
        (DeepObject, true, "color=", "color=blue", "color[0]=blue&color[1]=black&color[2]=brown",
            "color[R]=100&color[G]=200&color[B]=150", "color[B]=150&color[G]=200&color[R]=100"),
        (DeepObject, false, "color=", "color=blue", "color[0]=blue&color[1]=black&color[2]=brown",
            "color[R]=100&color[G]=200&color[B]=150", "color[B]=150&color[G]=200&color[R]=100"),
    ];
    for &(style, explode, empty, string_, array_, spec, sorted) in rows {
        let case = format!("{style:?} explode={explode}");
        assert_eq!(query(&json!(""), style, explode), empty, "{case} empty");
        assert_eq!(query(&string(), style, explode), string_, "{case} string");
        assert_eq!(query(&array(), style, explode), array_, "{case} array");
        assert_eq!(query(&object(), style, explode), in_order(spec, sorted), "{case} object");
    }
}

#[test]
fn query_pairs_percent_encode_as_the_specification_shows() {
    let mut pairs = Vec::new();
    query_pairs("color", &json!({"R": 100}), Style::DeepObject, true, &mut pairs);
    query_pairs("color", &array(), Style::PipeDelimited, false, &mut pairs);
    assert_eq!(urlencode_pairs(&pairs), "color%5BR%5D=100&color=blue%7Cblack%7Cbrown");
    // Form encoding writes a space as `+` where the table (RFC 3986) shows `%20`.
    pairs.clear();
    query_pairs("color", &array(), Style::SpaceDelimited, false, &mut pairs);
    assert_eq!(urlencode_pairs(&pairs), "color=blue+black+brown");
}

/// A parameter name, its value and the pairs expected.
type Case = (&'static str, Value, &'static [(&'static str, &'static str)]);

/// deepObject as Stripe's API reads it: ranges, lists of objects, nested metadata, `expand`.
#[test]
fn deep_object_nests_like_stripe() {
    let cases: &[Case] = &[
        ("created", json!({"gt": 1700000000, "lte": 1800000000}), &[("created[gt]", "1700000000"), ("created[lte]", "1800000000")]),
        (
            "subscription_items",
            json!([{"price": "p_1", "quantity": 2}, {"price": "p_2"}]),
            &[("subscription_items[0][price]", "p_1"), ("subscription_items[0][quantity]", "2"), ("subscription_items[1][price]", "p_2")],
        ),
        ("metadata", json!({"a": {"b": "c"}}), &[("metadata[a][b]", "c")]),
        ("expand", json!(["data.customer", "data.invoice"]), &[("expand[0]", "data.customer"), ("expand[1]", "data.invoice")]),
        ("filter", json!({"ids": ["x", "y"]}), &[("filter[ids][0]", "x"), ("filter[ids][1]", "y")]),
        // null members are left out; the indexes of the others keep their positions.
        ("list", json!(["a", null, "c"]), &[("list[0]", "a"), ("list[2]", "c")]),
        ("obj", json!({"a": null, "b": [], "c": {}, "d": ""}), &[("obj[d]", "")]),
    ];
    for (name, value, expected) in cases {
        let mut pairs = Vec::new();
        query_pairs(name, value, Style::DeepObject, true, &mut pairs);
        let expected: Vec<(String, String)> = expected.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        assert_eq!(pairs, expected, "{name}");
    }
}

#[test]
fn scalars_print_as_text() {
    let cases = [
        (json!(1), "1"),
        (json!(1.5), "1.5"),
        (json!(-3), "-3"),
        (json!(true), "true"),
        (json!(false), "false"),
        (json!("a \"b\""), "a \"b\""),
    ];
    for (value, expected) in cases {
        for style in [Style::Form, Style::SpaceDelimited, Style::PipeDelimited, Style::DeepObject] {
            for explode in [false, true] {
                assert_eq!(query(&value, style, explode), format!("color={expected}"), "{style:?} {explode} {value}");
            }
        }
    }
    assert_eq!(query(&json!([1, 2.5, true]), Style::Form, false), "color=1,2.5,true");
    assert_eq!(path_value("id", &json!(42), Style::Simple, false), "42");
    assert_eq!(header_value(&json!(1.5), false), "1.5");
}

/// `null`, `[]` and `{}` are undefined: no pair in any style, the empty string in paths.
#[test]
fn undefined_values_produce_nothing() {
    use Style::*;
    for value in [Value::Null, json!([]), json!({}), json!([null]), json!({"a": null})] {
        for style in [Form, SpaceDelimited, PipeDelimited, DeepObject, Simple, Label, Matrix] {
            for explode in [false, true] {
                assert_eq!(query(&value, style, explode), "", "{style:?} {explode} {value}");
                assert_eq!(path_value("color", &value, style, explode), "", "{style:?} {explode} {value}");
            }
        }
        assert_eq!(header_value(&value, false), "");
    }
    // null items are skipped inside arrays and objects.
    assert_eq!(query(&json!(["a", null, "b"]), Form, false), "color=a,b");
    assert_eq!(query(&json!(["a", null, "b"]), Form, true), "color=a&color=b");
    assert_eq!(path_value("c", &json!({"a": null, "b": 1}), Matrix, true), ";b=1");
}

/// Values nested deeper than a style describes are written as compact JSON.
#[test]
fn nested_values_outside_deep_object_are_json() {
    assert_eq!(query(&json!([{"a": 1}, [2]]), Style::Form, true), r#"color={"a":1}&color=[2]"#);
    assert_eq!(query(&json!({"a": {"b": 1}}), Style::Form, true), r#"a={"b":1}"#);
    assert_eq!(path_value("c", &json!([[1]]), Style::Simple, false), "%5B1%5D");
}

#[test]
fn path_values_are_percent_encoded_except_delimiters() {
    use Style::*;
    assert_eq!(path_value("p", &json!("a/b c?#%"), Simple, false), "a%2Fb%20c%3F%23%25");
    assert_eq!(path_value("p", &json!("é~-._"), Simple, false), "%C3%A9~-._");
    // Commas, dots, semicolons and equals signs inside values are encoded; the style's own stay.
    assert_eq!(path_value("p", &json!(["a,b", "c.d"]), Simple, false), "a%2Cb,c.d");
    assert_eq!(path_value("p", &json!(["a;b", "c=d"]), Matrix, true), ";p=a%3Bb;p=c%3Dd");
    assert_eq!(path_value("p", &json!({"k=": "v;"}), Label, true), ".k%3D=v%3B");
    // The name is encoded too.
    assert_eq!(path_value("a b", &json!("x"), Matrix, false), ";a%20b=x");
    // Query styles have no meaning in a path: they behave as simple.
    assert_eq!(path_value("p", &array(), Form, true), "blue,black,brown");
    // Empty strings inside matrix lists are named without `=`, as RFC 6570 does.
    assert_eq!(path_value("p", &json!(["", "a"]), Matrix, true), ";p;p=a");
}

#[test]
fn header_values_are_simple_and_not_encoded() {
    assert_eq!(header_value(&json!("a b/c"), false), "a b/c");
    assert_eq!(header_value(&array(), false), "blue,black,brown");
    assert_eq!(header_value(&array(), true), "blue,black,brown");
    assert_eq!(header_value(&json!({"R": 100}), false), "R,100");
    assert_eq!(header_value(&json!({"R": 100}), true), "R=100");
    assert_eq!(header_value(&json!(""), false), "");
}

#[test]
fn form_bodies_follow_encodings_then_content_type_defaults() {
    let body = json!({
        "customer": "cus_1",
        "amount": 1000,
        "capture": false,
        "metadata": {"order": "6735", "note": null},
        "expand": ["customer"],
        "items": [{"price": "p_1", "quantity": 2}],
        "tags": ["a", "b"],
        "address": {"city": "Somewhere", "zip": "99999+1234"},
        "ids": ["x", "y"],
        "empty_list": [],
        "gone": null,
    });
    let encodings = |key: &str| match key {
        "metadata" | "expand" | "items" => Some((Style::DeepObject, true)),
        "ids" => Some((Style::Form, false)),
        _ => None,
    };
    let mut pairs = Vec::new();
    form_pairs(&body, &encodings, &mut pairs);
    let mut got: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
    got.sort();
    let mut expected = vec![
        "customer=cus_1",
        "amount=1000",
        "capture=false",
        "metadata[order]=6735",
        "expand[0]=customer",
        "items[0][price]=p_1",
        "items[0][quantity]=2",
        "tags=a",
        "tags=b",
        r#"address={"city":"Somewhere","zip":"99999+1234"}"#,
        "ids=x,y",
    ];
    expected.sort();
    assert_eq!(got, expected);
    // Properties keep the body's order.
    let keys: Vec<&str> = pairs.iter().map(|(k, _)| k.as_str()).collect();
    let tags = keys.iter().position(|k| *k == "tags").unwrap();
    assert_eq!(keys[tags + 1], "tags");

    assert!({
        let mut none = Vec::new();
        form_pairs(&json!(["not", "an", "object"]), &encodings, &mut none);
        none.is_empty()
    });
}

/// The specification's form-body example (an `id` as text, an `address` object as JSON), with
/// its address keys sorted so the output does not depend on map order.
#[test]
fn form_body_matches_the_specification_example() {
    let body = json!({"id": "f81d4fae-7dec-11d0-a765-00a0c91e6bf6", "address": {"city": "Somewhere", "zip": "99999+1234"}});
    let mut pairs = Vec::new();
    form_pairs(&body, &|_| None, &mut pairs);
    pairs.sort();
    assert_eq!(
        urlencode_pairs(&pairs),
        "address=%7B%22city%22%3A%22Somewhere%22%2C%22zip%22%3A%2299999%2B1234%22%7D&id=f81d4fae-7dec-11d0-a765-00a0c91e6bf6"
    );
}

#[test]
fn urlencode_pairs_encodes_form_style() {
    let pairs = vec![
        ("a b".to_owned(), "c d+e".to_owned()),
        ("k[0]".to_owned(), "x&y=z".to_owned()),
        ("u".to_owned(), "é~-._*".to_owned()),
        ("empty".to_owned(), String::new()),
    ];
    assert_eq!(urlencode_pairs(&pairs), "a+b=c+d%2Be&k%5B0%5D=x%26y%3Dz&u=%C3%A9~-._%2A&empty=");
    assert_eq!(urlencode_pairs(&[]), "");
}
