//! Hostile input: alias bombs and deep nesting fail fast with a located error instead of
//! exhausting memory or the stack. The inputs are generated here.

use oa_load::{Document, ALIAS_BUDGET_FLOOR, MAX_DEPTH};
use std::time::Instant;

/// The "billion laughs" pattern: each level aliases the previous one ten times, so nine
/// levels of ~60 bytes each would expand to 10^9 nodes.
fn alias_bomb(levels: usize) -> String {
    let mut s = String::from("l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..levels {
        let p = i - 1;
        s.push_str(&format!("l{i}: &l{i} [*l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}]\n"));
    }
    s
}

#[test]
fn alias_bomb_fails_at_the_alias_over_budget() {
    let src = alias_bomb(9);
    assert!(src.len() < 1024, "the bomb is small: {} bytes", src.len());
    let started = Instant::now();
    let err = Document::parse("bomb.yaml", src.as_str()).unwrap_err();
    assert!(started.elapsed().as_secs() < 20, "stopped early: {:?}", started.elapsed());
    assert!(err.message.contains("aliases expand to more than"), "{err}");
    assert!(err.message.contains(&ALIAS_BUDGET_FLOOR.to_string()), "{err}");
    // l1..l4 add 123_440 nodes; each alias of l4 (111_111 nodes) on line 6 adds more, and the
    // eighth is the first that does not fit in 10^6: it is refused before it is copied.
    assert_eq!(err.name, "bomb.yaml");
    assert_eq!(err.line, 6, "{err}");
    let line = src.lines().nth(5).unwrap();
    let eighth = line.match_indices("*l4").nth(7).unwrap().0;
    assert_eq!(err.column, eighth + 1, "{err}: {line}");
}

#[test]
fn modest_alias_use_still_loads() {
    // A few levels of expansion stay under the floor and must load as before.
    let doc = Document::parse("ok.yaml", alias_bomb(4).as_str()).unwrap();
    let l3 = doc.root["l3"].as_array().unwrap();
    assert_eq!(l3.len(), 10);
    assert_eq!(l3[9][9][9][9], "lol");
}

#[test]
fn budget_grows_with_the_document() {
    // 2 million aliases of a scalar: more than the floor, but only 1x the nodes read.
    let mut src = String::from("a: &a x\nb: [");
    for _ in 0..2_000_000 {
        src.push_str("*a,");
    }
    src.push_str("]\n");
    let doc = Document::parse("wide.yaml", src).unwrap();
    assert_eq!(doc.root["b"].as_array().unwrap().len(), 2_000_000);
}

fn assert_too_deep(name: &str, src: &str, line: usize) {
    let err = Document::parse(name, src).unwrap_err();
    assert_eq!(err.name, name);
    assert_eq!(err.line, line, "{err}");
    assert!(err.message.contains("nest deeper") || err.message.contains("recursion limit"), "{err}");
}

#[test]
fn deep_flow_sequences_fail_located() {
    let src = format!("a: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    // The scanner looks ahead through flow collections (any of them might be a key) and
    // stops by itself at 256 levels, before our bound is reached: located at the `[` where it
    // gave up.
    assert_too_deep("flow.yaml", &src, 1);
    let err = Document::parse("flow.yaml", src.as_str()).unwrap_err();
    assert!(err.column <= 4 + 256, "{err}");
    // Below the scanner's bound ours applies: the 128th collection (the mapping is the first).
    let src = format!("a: {}{}\n", "[".repeat(200), "]".repeat(200));
    let err = Document::parse("flow.yaml", src.as_str()).unwrap_err();
    assert_eq!((err.line, err.column), (1, 3 + MAX_DEPTH), "{err}");
}

#[test]
fn deep_block_sequences_fail_located() {
    // Block nesting is not bounded by the scanner's flow level: `- - - … x`.
    let src = format!("{}x\n", "- ".repeat(100_000));
    assert_too_deep("block.yaml", &src, 1);
    let err = Document::parse("block.yaml", src.as_str()).unwrap_err();
    assert_eq!(err.column, 2 * MAX_DEPTH + 1, "{err}");
}

#[test]
fn deep_block_mappings_fail_located() {
    let mut src = String::new();
    for i in 0..200 {
        src.push_str(&" ".repeat(i));
        src.push_str("k:\n");
    }
    // The value of line n's key is the mapping of depth n + 1, starting on line n + 1.
    assert_too_deep("maps.yaml", &src, MAX_DEPTH + 1);
}

#[test]
fn aliases_cannot_nest_past_the_limit() {
    // Each anchor is 100 deep; putting one inside another would be 200.
    let deep = format!("{}1{}", "[".repeat(100), "]".repeat(100));
    let src = format!("a: &a {deep}\nb: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[*a]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n");
    let err = Document::parse("nest.yaml", src).unwrap_err();
    assert_eq!((err.line, err.column), (2, 44), "{err}");
    assert!(err.message.contains("alias"), "{err}");
}

#[test]
fn depth_limit_is_exact() {
    // MAX_DEPTH collections load, one more does not; the same for JSON, bounded by serde_json.
    let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
    Document::parse("ok.yaml", ok.as_str()).unwrap();
    Document::parse("over.yaml", format!("- {ok}").as_str()).unwrap_err();
    Document::parse("over.yaml", format!("[{ok}]").as_str()).unwrap_err();
    Document::parse("ok.json", format!("{{\"a\": {}{}}}", "[".repeat(MAX_DEPTH - 1), "]".repeat(MAX_DEPTH - 1))).unwrap();
    Document::parse("over.json", format!("{{\"a\": {ok}}}")).unwrap_err();
    let json_deep = format!("{{\"a\": {}{}}}", "[".repeat(100_000), "]".repeat(100_000));
    let err = Document::parse("deep.json", json_deep).unwrap_err();
    assert_eq!(err.line, 1, "{err}");
    assert!(err.message.contains("recursion limit"), "{err}");
}
