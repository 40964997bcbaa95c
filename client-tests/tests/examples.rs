//! Lossless by construction, checked on real data: every documented example of the schemas in
//! our spec, and every documented answer of the Responses operations, in the 2026-08-21
//! document decodes into its generated type and encodes back to exactly the same JSON (absent
//! stays absent, `null` stays `null`, unknown keys are kept; numbers compare by value, key order
//! aside). An example of a member of a union is also decoded through each union that holds it
//! (an example of `ResponseTextDeltaEvent` as a `ResponseStreamEvent`), and there it must reach
//! its own variant, not the catch-all. The examples are read from `../shared/upstream/` at run
//! time, never copied into the repo.

use client_tests::{first_difference, our_spec, upstream};
use openai_responses::{schemas, types};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Documented examples as (schema, example) pairs, plus the schemas whose example text is not JSON.
struct Examples {
    pairs: Vec<(String, Value)>,
    not_json: Vec<String>,
}

/// `example` and each of `examples` are values: a string is the example itself, unless it holds
/// a JSON object or array (as some do). `x-oaiMeta.example` is a text: JSON, or prose (skipped).
fn schema_examples(doc: &Value) -> Examples {
    let mut out = Examples { pairs: Vec::new(), not_json: Vec::new() };
    let schemas = doc.pointer("/components/schemas").and_then(Value::as_object).expect("components/schemas");
    for (name, schema) in schemas {
        let mut values: Vec<Value> = schema.get("example").into_iter().cloned().collect();
        if let Some(Value::Array(list)) = schema.get("examples") {
            values.extend(list.iter().cloned());
        }
        for value in values {
            let value = match value {
                Value::String(s) => parse_structured(&s).unwrap_or(Value::String(s)),
                other => other,
            };
            out.pairs.push((name.clone(), value));
        }
        match schema.pointer("/x-oaiMeta/example") {
            Some(Value::String(text)) => match parse_structured(text) {
                Some(value) => out.pairs.push((name.clone(), value)),
                None => out.not_json.push(name.clone()),
            },
            Some(other) => out.pairs.push((name.clone(), other.clone())),
            None => {}
        }
    }
    out
}

/// A JSON object or array held in a string.
fn parse_structured(text: &str) -> Option<Value> {
    serde_json::from_str::<Value>(text).ok().filter(|v| v.is_object() || v.is_array())
}

/// The documented answers of the Responses operations (`x-oaiMeta.examples[].response`), each
/// paired with the component our spec answers with: JSON answers whole, event streams by their
/// `data:` lines.
fn operation_examples(doc: &Value, ours: &Value) -> Vec<(String, Value)> {
    let schema_name = |path: &str, method: &str, media: &str| -> Option<String> {
        let op = ours.get("paths")?.get(path)?.get(method)?;
        let r = op.pointer(&format!("/responses/200/content/{}/schema/$ref", media.replace('/', "~1")))?.as_str()?;
        Some(r.rsplit('/').next()?.to_owned())
    };
    let mut out = Vec::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else { return out };
    for (path, item) in paths {
        if !path.starts_with("/responses") || path.contains('?') {
            continue;
        }
        for (method, op) in item.as_object().into_iter().flatten() {
            let examples = match op.pointer("/x-oaiMeta/examples") {
                Some(Value::Array(list)) => list.clone(),
                Some(one @ Value::Object(_)) => vec![one.clone()],
                _ => continue,
            };
            for e in examples {
                let Some(text) = e.get("response").and_then(Value::as_str) else { continue };
                if let Ok(v) = serde_json::from_str::<Value>(text) {
                    if let Some(name) = schema_name(path, method, "application/json") {
                        out.push((name, v));
                    }
                } else if let Some(name) = schema_name(path, method, "text/event-stream") {
                    for line in text.lines().filter_map(|l| l.strip_prefix("data:")) {
                        if let Ok(v) = serde_json::from_str::<Value>(line.trim()) {
                            out.push((name.clone(), v));
                        }
                    }
                }
            }
        }
    }
    out
}

/// The unions of our spec (schemas with `oneOf`/`anyOf` members by `$ref`), each with its
/// members and the property that carries its tag (`discriminator.propertyName`, else `type`).
struct Unions {
    members: BTreeMap<String, Vec<String>>,
    tag: BTreeMap<String, String>,
}

impl Unions {
    fn of(ours: &Value) -> Unions {
        let mut unions = Unions { members: BTreeMap::new(), tag: BTreeMap::new() };
        let schemas = ours.pointer("/components/schemas").and_then(Value::as_object).expect("components/schemas");
        for (name, schema) in schemas {
            let refs: Vec<String> = ["oneOf", "anyOf"]
                .iter()
                .filter_map(|k| schema.get(*k).and_then(Value::as_array))
                .flatten()
                .filter_map(|m| m.get("$ref").and_then(Value::as_str))
                .filter_map(|r| r.rsplit('/').next().map(str::to_owned))
                .collect();
            if !refs.is_empty() {
                let tag = schema.pointer("/discriminator/propertyName").and_then(Value::as_str).unwrap_or("type");
                unions.tag.insert(name.clone(), tag.to_owned());
                unions.members.insert(name.clone(), refs);
            }
        }
        unions
    }

    /// Every union that holds `schema`, directly or through another union.
    fn holding(&self, schema: &str) -> BTreeSet<String> {
        let mut found = BTreeSet::new();
        let mut todo = vec![schema.to_owned()];
        while let Some(s) = todo.pop() {
            for (union, members) in &self.members {
                if members.contains(&s) && found.insert(union.clone()) {
                    todo.push(union.clone());
                }
            }
        }
        found
    }
}

/// What decoding through a union gave: the encoded value, whether it landed in the catch-all,
/// and the wire tag of the variant it reached.
struct ThroughUnion {
    encoded: Value,
    caught: bool,
    tag: Option<String>,
}

/// Decodes `value` through union `union` and encodes it again; `None` for a union not listed.
fn through_union(union: &str, value: &Value) -> Option<Result<ThroughUnion, String>> {
    if union == "ResponsesClientEvent" {
        // One member: the generator emits the member itself (an alias), which has no catch-all.
        let tag = |_: &types::ResponsesClientEvent| Some("response.create".to_owned());
        return Some(decode_union::<types::ResponsesClientEvent>(value, |_| false, tag));
    }
    macro_rules! unions {
        ($($name:literal => $ty:ident $(. $tag:ident)?),* $(,)?) => {
            match union {
                $($name => Some(decode_union::<types::$ty>(value, |u| matches!(u, types::$ty::Other(_)), |_u| {
                    #[allow(unused_mut, unused_assignments)]
                    let mut tag: Option<String> = None;
                    $(tag = Some(_u.$tag().to_owned());)?
                    tag
                })),)*
                _ => None,
            }
        };
    }
    unions! {
        "Annotation" => Annotation.annotation_type,
        "ApplyPatchOperationParam" => ApplyPatchOperationParam.param_type,
        "ComputerAction" => ComputerAction.action_type,
        "ConversationParam" => ConversationParam,
        "Filters" => Filters.filters_type,
        "FunctionAndCustomToolCallOutput" => FunctionAndCustomToolCallOutput.output_type,
        "FunctionShellCallOutputOutcomeParam" => FunctionShellCallOutputOutcomeParam.param_type,
        "InputContent" => InputContent.content_type,
        "InputItem" => InputItem.item_type,
        "Item" => Item.item_type,
        "ItemField" => ItemField.field_type,
        "ItemResource" => ItemResource.resource_type,
        "MCPToolCallError" => McpToolCallError.error_type,
        "ModelIdsCompaction" => ModelIdsCompaction,
        "ModelIdsResponses" => ModelIdsResponses,
        "OutputContent" => OutputContent.content_type,
        "OutputItem" => OutputItem.item_type,
        "OutputMessageContent" => OutputMessageContent.content_type,
        "ResponseStreamEvent" => ResponseStreamEvent.event_type,
        "ResponsesServerEvent" => ResponsesServerEvent.event_type,
        "TextResponseFormatConfiguration" => TextResponseFormatConfiguration.configuration_type,
        "Tool" => Tool.tool_type,
        "ToolCallCaller" => ToolCallCaller.caller_type,
        "ToolCallCallerParam" => ToolCallCallerParam.param_type,
        "ToolChoiceParam" => ToolChoiceParam.param_type,
    }
}

fn decode_union<U: serde::de::DeserializeOwned + serde::Serialize>(
    value: &Value,
    caught: impl Fn(&U) -> bool,
    tag: impl Fn(&U) -> Option<String>,
) -> Result<ThroughUnion, String> {
    let typed: U = serde_json::from_value(value.clone()).map_err(|e| e.to_string())?;
    let encoded = serde_json::to_value(&typed).map_err(|e| e.to_string())?;
    Ok(ThroughUnion { encoded, caught: caught(&typed), tag: tag(&typed) })
}

/// One failed check: the schema (or union) it was decoded as, and why.
struct Mismatch {
    example: String,
    decoded_as: String,
    why: String,
}

/// The results over one document.
#[derive(Default)]
struct Outcome {
    examples: usize,
    not_ours: usize,
    checks: usize,
    exact: usize,
    mismatches: Vec<Mismatch>,
}

impl Outcome {
    fn record(&mut self, example: &str, decoded_as: &str, result: Result<(), String>) {
        self.checks += 1;
        match result {
            Ok(()) => self.exact += 1,
            Err(why) => self.mismatches.push(Mismatch { example: example.to_owned(), decoded_as: decoded_as.to_owned(), why }),
        }
    }
}

/// Checks one example: decoded as its own schema, and through every union that holds it.
fn check(outcome: &mut Outcome, unions: &Unions, schema: &str, value: &Value) {
    let direct = if unions.members.contains_key(schema) {
        through_union(schema, value).map(|r| r.and_then(|t| union_verdict(unions, schema, value, t)))
    } else {
        schemas::round_trip(schema, value).map(|r| r.and_then(|out| exact(value, &out)))
    };
    let Some(direct) = direct else {
        outcome.not_ours += 1;
        return;
    };
    outcome.examples += 1;
    outcome.record(schema, schema, direct);
    for union in unions.holding(schema) {
        let result = match through_union(&union, value) {
            Some(r) => r.and_then(|t| union_verdict(unions, &union, value, t)),
            None => Err(format!("union {union} is missing from through_union's list")),
        };
        outcome.record(schema, &union, result);
    }
}

/// The encoded value is the example, and the union reached a variant whose tag is the example's.
fn union_verdict(unions: &Unions, union: &str, value: &Value, t: ThroughUnion) -> Result<(), String> {
    if t.caught {
        return Err("landed in the catch-all arm `Other`".into());
    }
    let key = unions.tag.get(union).map(String::as_str).unwrap_or("type");
    if let (Some(want), Some(got)) = (value.get(key).and_then(Value::as_str), t.tag.as_deref()) {
        if want != got {
            return Err(format!("reached the variant tagged {got:?}, not {want:?}"));
        }
    }
    exact(value, &t.encoded)
}

fn exact(want: &Value, got: &Value) -> Result<(), String> {
    match first_difference(want, got) {
        None => Ok(()),
        Some(d) => Err(format!("round trip differs {d}")),
    }
}

fn run(doc_name: &str) -> Option<Outcome> {
    let doc = upstream(doc_name)?;
    let ours = our_spec();
    let unions = Unions::of(&ours);
    let found = schema_examples(&doc);
    let operation = operation_examples(&doc, &ours);
    println!("{doc_name}: {} schema examples, {} operation answers, {} example texts not JSON (skipped)", found.pairs.len(), operation.len(), found.not_json.len());
    for name in found.not_json.iter().filter(|n| schemas::SCHEMAS.iter().any(|(s, _)| s == n)) {
        println!("  the example of {name}, one of our schemas, is not JSON and was skipped");
    }
    let mut outcome = Outcome::default();
    for (schema, value) in found.pairs.iter().chain(&operation) {
        check(&mut outcome, &unions, schema, value);
    }
    println!(
        "{doc_name}: {} examples of our schemas ({} of other schemas skipped); {} of {} decodings round-trip exactly",
        outcome.examples, outcome.not_ours, outcome.exact, outcome.checks
    );
    for m in &outcome.mismatches {
        println!("  example of {} decoded as {}: {}", m.example, m.decoded_as, m.why);
    }
    Some(outcome)
}

#[test]
fn newest_document_examples_round_trip_exactly() {
    let Some(outcome) = run("openai-openapi-2026-08-21.yaml") else { return };
    assert!(outcome.examples > 50, "only {} examples found", outcome.examples);
    assert!(outcome.checks > outcome.examples, "no example was decoded through a union");
    let report: Vec<String> = outcome.mismatches.iter().map(|m| format!("{} as {}: {}", m.example, m.decoded_as, m.why)).collect();
    assert!(report.is_empty(), "{} of {} decodings differ:\n{}", report.len(), outcome.checks, report.join("\n"));
}

#[test]
fn oldest_document_examples_still_decode() {
    // Shapes renamed or removed since 2025-04-29 are not in our spec and are skipped; those that
    // are must still decode (an exact round trip of the older documents is checked by
    // crates/oa-codegen's tests).
    let Some(doc) = upstream("openai-openapi-2025-04-29.yaml") else { return };
    let ours = our_spec();
    let mut pairs = schema_examples(&doc).pairs;
    pairs.extend(operation_examples(&doc, &ours));
    let results: Vec<(String, Result<Value, String>)> =
        pairs.iter().filter_map(|(schema, value)| Some((schema.clone(), schemas::round_trip(schema, value)?))).collect();
    let failures: Vec<String> = results.iter().filter_map(|(s, r)| r.as_ref().err().map(|e| format!("{s}: {e}"))).collect();
    println!("2025-04-29 with the 2026-08-21 client: {} of {} examples decode", results.len() - failures.len(), results.len());
    assert!(results.len() > 10, "only {} examples found", results.len());
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn the_checks_catch_what_they_are_for() {
    // Needs no corpus: made-up values that each check must reject (or accept).
    let unions = Unions::of(&our_spec());
    assert!(unions.holding("ResponseTextDeltaEvent").contains("ResponseStreamEvent"));
    assert!(unions.holding("ModelIdsShared").contains("ModelIdsCompaction"), "through ModelIdsResponses");
    let verdict = |union: &str, value: Value| {
        let t = through_union(union, &value).expect("listed").expect("decodes");
        union_verdict(&unions, union, &value, t)
    };
    let delta = serde_json::json!({"type": "response.output_text.delta", "item_id": "m", "output_index": 0,
        "content_index": 0, "delta": "x", "sequence_number": 1, "logprobs": null, "later": {"a": [1.0]}});
    assert_eq!(verdict("ResponseStreamEvent", delta), Ok(()));
    let unknown = serde_json::json!({"type": "response.teleported", "sequence_number": 1});
    assert!(verdict("ResponseStreamEvent", unknown).unwrap_err().contains("catch-all"));
    assert!(verdict("ModelIdsResponses", "no-such-model".into()).unwrap_err().contains("catch-all"));
    assert_eq!(verdict("ModelIdsCompaction", "gpt-5".into()), Ok(()));
    let no_null = exact(&serde_json::json!({"a": null}), &serde_json::json!({})).unwrap_err();
    assert!(no_null.contains("/a"), "{no_null}");
}
