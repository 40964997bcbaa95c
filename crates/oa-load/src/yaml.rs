//! YAML 1.2 to `serde_json::Value`, built from yaml-rust2's event stream so that scalars are
//! typed by the YAML 1.2 core schema (quoted `"200"` stays a string, `y` stays a string) and
//! integers beyond i64 fall back to floats instead of failing.

use crate::pointer::escape_token;
use serde_json::{Map, Number, Value};
use std::collections::HashMap;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

pub(crate) struct YamlError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Collections may nest this deep, counting the ones an alias brings in: the bound serde_json
/// applies to JSON (it refuses the 128th level), so both syntaxes accept the same documents.
/// Published documents nest about 25 deep; the bound keeps the recursive code that runs on the
/// value later (walks, `Drop`) far from the end of the stack.
pub const MAX_DEPTH: usize = 127;

/// Aliases may add this many nodes in all, however small the document ...
pub const ALIAS_BUDGET_FLOOR: usize = 1_000_000;
/// ... or this many times the nodes read so far, whichever is more. Measured against what has
/// been read so far (not the whole document) so that expansion stops at once: a 1 KB alias
/// bomb fails after about a million nodes instead of building billions.
pub const ALIAS_BUDGET_RATIO: usize = 10;

/// A collection being built, with the size and height of what it holds so far.
struct Frame {
    body: Body,
    anchor: usize,
    /// Nodes inside, aliased copies included (the collection itself counts one).
    nodes: usize,
    /// 1 + the height of the highest child; a scalar has height 0.
    height: usize,
}

enum Body {
    Seq(Vec<Value>),
    /// The map so far and the key waiting for its value.
    Map(Map<String, Value>, Option<String>),
}

/// An anchored node, kept with its size so that an alias can be charged before it is copied.
struct Anchored {
    value: Value,
    nodes: usize,
    height: usize,
}

/// Builds the value; when `track` is set it also records where each pointer starts.
struct Builder {
    stack: Vec<Frame>,
    anchors: HashMap<usize, Anchored>,
    root: Option<Value>,
    error: Option<YamlError>,
    track: Option<Tracker>,
    /// Nodes written in the source so far (an alias counts one).
    read: usize,
    /// Nodes added by aliases so far.
    expanded: usize,
    /// Whether a `$ref` names another file: noted here, where it costs nothing, so that
    /// single-file documents skip bundling without another walk.
    external_refs: bool,
}

struct Tracker {
    path: Vec<String>,
    wanted: HashMap<String, usize>,
    found: Vec<Option<(usize, usize)>>,
    /// A wanted mapping just started: yaml-rust2 marks a block mapping at its first `:`, so
    /// the first key's position (when earlier) is taken instead.
    pending: Option<usize>,
}

impl Tracker {
    fn current(&self) -> String {
        let mut s = String::new();
        for t in &self.path {
            s.push('/');
            s.push_str(&escape_token(t));
        }
        s
    }
}

fn fail(mark: &Marker, message: String) -> YamlError {
    YamlError { line: mark.line(), column: mark.col() + 1, message }
}

impl Builder {
    fn new(track: Option<Tracker>) -> Self {
        Builder { stack: Vec::new(), anchors: HashMap::new(), root: None, error: None, track, read: 0, expanded: 0, external_refs: false }
    }

    fn set_error(&mut self, e: YamlError) {
        if self.error.is_none() {
            self.error = Some(e);
        }
    }

    /// The key or index the next value will take in the innermost collection; `None` at the
    /// root or when the next node is a mapping key.
    fn next_token(&self) -> Option<Option<String>> {
        match self.stack.last().map(|f| &f.body) {
            Some(Body::Seq(items)) => Some(Some(items.len().to_string())),
            Some(Body::Map(_, Some(key))) => Some(Some(key.clone())),
            Some(Body::Map(_, None)) => None,
            None => Some(None),
        }
    }

    /// Records the position of the node about to start, under the key or index it will take.
    fn note_position(&mut self, mark: &Marker, mapping: bool) {
        if self.track.is_none() {
            return;
        }
        let Some(token) = self.next_token() else { return }; // a key, not a value
        let Some(track) = &mut self.track else { return };
        if let Some(t) = &token {
            track.path.push(t.clone());
        }
        let here = track.current();
        if let Some(&i) = track.wanted.get(&here) {
            if track.found[i].is_none() {
                track.found[i] = Some((mark.line(), mark.col() + 1));
                if mapping {
                    track.pending = Some(i);
                }
            }
        }
        if token.is_some() {
            track.path.pop();
        }
    }

    fn enter(&mut self, body: Body, anchor: usize, mark: &Marker) {
        if self.stack.len() >= MAX_DEPTH {
            return self.set_error(fail(mark, format!("collections nest deeper than {MAX_DEPTH} levels")));
        }
        if self.track.is_some() {
            let token = self.next_token().flatten();
            let nested = !self.stack.is_empty();
            if let Some(track) = &mut self.track {
                match token {
                    Some(t) => track.path.push(t),
                    None if nested => track.path.push(String::new()),
                    None => {}
                }
            }
        }
        self.stack.push(Frame { body, anchor, nodes: 1, height: 1 });
    }

    fn leave(&mut self, mark: &Marker) {
        let Some(frame) = self.stack.pop() else { return };
        if let Some(track) = &mut self.track {
            if !self.stack.is_empty() {
                track.path.pop();
            }
        }
        let value = match frame.body {
            Body::Seq(items) => Value::Array(items),
            Body::Map(map, _) => Value::Object(map),
        };
        self.push_value(value, frame.nodes, frame.height, frame.anchor, mark);
    }

    /// Copies an anchored node, once the budgets for size and depth allow it.
    fn alias(&mut self, id: usize, mark: &Marker) {
        let (nodes, height) = self.anchors.get(&id).map_or((1, 0), |a| (a.nodes, a.height));
        let budget = ALIAS_BUDGET_FLOOR.max(ALIAS_BUDGET_RATIO.saturating_mul(self.read));
        if self.expanded.saturating_add(nodes) > budget {
            let message = format!("aliases expand to more than {budget} nodes (an alias bomb?)");
            return self.set_error(fail(mark, message));
        }
        if self.stack.len() + height > MAX_DEPTH {
            let message = format!("this alias makes collections nest deeper than {MAX_DEPTH} levels");
            return self.set_error(fail(mark, message));
        }
        self.expanded += nodes;
        // An alias of a node still open (`&a [*a]`) has nothing to copy yet: null, as before.
        let value = self.anchors.get(&id).map_or(Value::Null, |a| a.value.clone());
        self.push_value(value, nodes, height, 0, mark);
    }

    fn push_value(&mut self, value: Value, nodes: usize, height: usize, anchor: usize, mark: &Marker) {
        if anchor > 0 {
            self.anchors.insert(anchor, Anchored { value: value.clone(), nodes, height });
        }
        let Some(frame) = self.stack.last_mut() else {
            self.root = Some(value);
            return;
        };
        frame.nodes += nodes;
        frame.height = frame.height.max(height + 1);
        match &mut frame.body {
            Body::Seq(items) => items.push(value),
            Body::Map(map, key) => match key.take() {
                None => match value {
                    Value::String(s) => *key = Some(s),
                    Value::Null => *key = Some(String::from("null")),
                    Value::Bool(b) => *key = Some(b.to_string()),
                    Value::Number(n) => *key = Some(n.to_string()),
                    _ => {
                        *key = Some(String::new());
                        self.set_error(fail(mark, "mapping keys must be scalars".into()));
                    }
                },
                Some(k) => {
                    if k == "$ref" && value.as_str().is_some_and(|r| !r.starts_with('#')) {
                        self.external_refs = true;
                    }
                    map.insert(k, value);
                }
            },
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        if let Some(track) = &mut self.track {
            if let Some(i) = track.pending.take() {
                let here = Some((mark.line(), mark.col() + 1));
                if here < track.found[i] {
                    track.found[i] = here;
                }
            }
        }
        match ev {
            Event::Scalar(text, style, anchor, tag) => {
                self.read += 1;
                let is_key = matches!(self.stack.last().map(|f| &f.body), Some(Body::Map(_, None)));
                if !is_key {
                    self.note_position(&mark, false);
                }
                let value = if is_key {
                    Value::String(text)
                } else {
                    scalar(text, style, tag.as_ref().map(|t| t.suffix.as_str()))
                };
                self.push_value(value, 1, 0, anchor, &mark);
            }
            Event::SequenceStart(anchor, _) => {
                self.read += 1;
                self.note_position(&mark, false);
                self.enter(Body::Seq(Vec::new()), anchor, &mark);
            }
            Event::MappingStart(anchor, _) => {
                self.read += 1;
                self.note_position(&mark, true);
                self.enter(Body::Map(Map::new(), None), anchor, &mark);
            }
            Event::SequenceEnd | Event::MappingEnd => self.leave(&mark),
            Event::Alias(id) => {
                self.read += 1;
                self.note_position(&mark, false);
                self.alias(id, &mark);
            }
            _ => {}
        }
    }
}

/// Types a scalar by the YAML 1.2 core schema; quoted and block scalars are always strings.
fn scalar(text: String, style: TScalarStyle, tag: Option<&str>) -> Value {
    if style != TScalarStyle::Plain {
        return Value::String(text);
    }
    if let Some(tag) = tag {
        if tag == "str" {
            return Value::String(text);
        }
    }
    match text.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf" | "-.INF" | ".nan"
        | ".NaN" | ".NAN" => return Value::String(text), // JSON has no infinities; keep the text
        _ => {}
    }
    if let Some(n) = number(&text) {
        return Value::Number(n);
    }
    Value::String(text)
}

fn number(text: &str) -> Option<Number> {
    let bytes = text.as_bytes();
    let first = *bytes.first()?;
    if !(first.is_ascii_digit() || first == b'-' || first == b'+' || first == b'.') {
        return None;
    }
    if let Some(hex) = text.strip_prefix("0x") {
        return i64::from_str_radix(hex, 16).ok().map(Number::from);
    }
    if let Some(oct) = text.strip_prefix("0o") {
        return i64::from_str_radix(oct, 8).ok().map(Number::from);
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(i) = text.parse::<i64>() {
            return Some(Number::from(i));
        }
        if let Ok(u) = text.parse::<u64>() {
            return Some(Number::from(u));
        }
        // Beyond 64 bits (the published documents hold -9223372036854776000): keep it as a float.
        return text.parse::<f64>().ok().and_then(Number::from_f64);
    }
    let float_like = digits.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
        && digits.bytes().any(|b| b.is_ascii_digit());
    if float_like {
        return text.parse::<f64>().ok().and_then(Number::from_f64);
    }
    None
}

/// The value, and whether some `$ref` in it names another file.
pub(crate) fn parse(source: &str) -> Result<(Value, bool), YamlError> {
    let mut builder = Builder::new(None);
    run(source, &mut builder)?;
    Ok((builder.root.unwrap_or(Value::Null), builder.external_refs))
}

/// Feeds the first document's events to `builder`, stopping at the first error. The events are
/// pulled one by one rather than through `Parser::load`, which recurses once per nesting level
/// (block sequences `- - - …` are not bounded by the scanner as flow collections are), and so
/// that an error (an alias over budget) stops the work at once.
fn run(source: &str, builder: &mut Builder) -> Result<(), YamlError> {
    let mut parser = Parser::new_from_str(source);
    loop {
        let (ev, mark) = parser.next_token().map_err(|e| fail(e.marker(), e.info().to_owned()))?;
        let done = matches!(ev, Event::DocumentEnd | Event::StreamEnd);
        builder.on_event(ev, mark);
        if let Some(e) = builder.error.take() {
            return Err(e);
        }
        if done {
            return Ok(());
        }
    }
}

pub(crate) fn locate(source: &str, pointers: &[&str]) -> Vec<Option<(usize, usize)>> {
    // Each pointer is tracked once (at its first index); a pointer asked for twice (two
    // diagnostics about one node) gets the same position both times.
    let mut first: HashMap<&str, usize> = HashMap::new();
    for (i, p) in pointers.iter().enumerate() {
        first.entry(*p).or_insert(i);
    }
    let wanted = first.iter().map(|(p, i)| ((*p).to_owned(), *i)).collect();
    let tracker = Tracker { path: Vec::new(), wanted, found: vec![None; pointers.len()], pending: None };
    let mut builder = Builder::new(Some(tracker));
    let _ = run(source, &mut builder);
    let found = builder.track.map(|t| t.found).unwrap_or_else(|| vec![None; pointers.len()]);
    pointers.iter().map(|p| found[first[p]]).collect()
}
