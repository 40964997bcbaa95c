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

enum Frame {
    Seq(Vec<Value>, usize),
    Map(Map<String, Value>, Option<String>, usize),
}

/// Builds the value; when `track` is set it also records where each pointer starts.
struct Builder {
    stack: Vec<Frame>,
    anchors: HashMap<usize, Value>,
    root: Option<Value>,
    error: Option<YamlError>,
    track: Option<Tracker>,
}

struct Tracker {
    path: Vec<String>,
    wanted: HashMap<String, usize>,
    found: Vec<Option<(usize, usize)>>,
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

impl Builder {
    fn new(track: Option<Tracker>) -> Self {
        Builder { stack: Vec::new(), anchors: HashMap::new(), root: None, error: None, track }
    }

    /// Records the position of the node about to start, under the key or index it will take.
    fn note_position(&mut self, mark: &Marker) {
        let Some(track) = &mut self.track else { return };
        let token = match self.stack.last() {
            Some(Frame::Seq(items, _)) => Some(items.len().to_string()),
            Some(Frame::Map(_, Some(key), _)) => Some(key.clone()),
            Some(Frame::Map(_, None, _)) => return, // a key, not a value
            None => None,
        };
        if let Some(t) = &token {
            track.path.push(t.clone());
        }
        let here = track.current();
        if let Some(&i) = track.wanted.get(&here) {
            if track.found[i].is_none() {
                track.found[i] = Some((mark.line(), mark.col() + 1));
            }
        }
        if token.is_some() {
            track.path.pop();
        }
    }

    fn enter(&mut self) {
        if let Some(track) = &mut self.track {
            let token = match self.stack.last() {
                Some(Frame::Seq(items, _)) => Some(items.len().to_string()),
                Some(Frame::Map(_, Some(key), _)) => Some(key.clone()),
                _ => None,
            };
            if let Some(t) = token {
                track.path.push(t);
            } else if !self.stack.is_empty() {
                track.path.push(String::new());
            }
        }
    }

    fn leave(&mut self) {
        if let Some(track) = &mut self.track {
            if !self.stack.is_empty() {
                track.path.pop();
            }
        }
    }

    fn push_value(&mut self, value: Value, anchor: usize, mark: &Marker) {
        if anchor > 0 {
            self.anchors.insert(anchor, value.clone());
        }
        match self.stack.last_mut() {
            None => self.root = Some(value),
            Some(Frame::Seq(items, _)) => items.push(value),
            Some(Frame::Map(map, key, _)) => match key.take() {
                None => match value {
                    Value::String(s) => *key = Some(s),
                    Value::Null => *key = Some(String::from("null")),
                    Value::Bool(b) => *key = Some(b.to_string()),
                    Value::Number(n) => *key = Some(n.to_string()),
                    _ => {
                        if self.error.is_none() {
                            self.error = Some(YamlError {
                                line: mark.line(),
                                column: mark.col() + 1,
                                message: "mapping keys must be scalars".into(),
                            });
                        }
                        *key = Some(String::new());
                    }
                },
                Some(k) => {
                    map.insert(k, value);
                }
            },
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        match ev {
            Event::Scalar(text, style, anchor, tag) => {
                let is_key = matches!(self.stack.last(), Some(Frame::Map(_, None, _)));
                if !is_key {
                    self.note_position(&mark);
                }
                let value = if is_key {
                    Value::String(text)
                } else {
                    scalar(text, style, tag.as_ref().map(|t| t.suffix.as_str()))
                };
                self.push_value(value, anchor, &mark);
            }
            Event::SequenceStart(anchor, _) => {
                self.note_position(&mark);
                self.enter();
                self.stack.push(Frame::Seq(Vec::new(), anchor));
            }
            Event::MappingStart(anchor, _) => {
                self.note_position(&mark);
                self.enter();
                self.stack.push(Frame::Map(Map::new(), None, anchor));
            }
            Event::SequenceEnd => {
                if let Some(Frame::Seq(items, anchor)) = self.stack.pop() {
                    self.leave();
                    self.push_value(Value::Array(items), anchor, &mark);
                }
            }
            Event::MappingEnd => {
                if let Some(Frame::Map(map, _, anchor)) = self.stack.pop() {
                    self.leave();
                    self.push_value(Value::Object(map), anchor, &mark);
                }
            }
            Event::Alias(id) => {
                self.note_position(&mark);
                let value = self.anchors.get(&id).cloned().unwrap_or(Value::Null);
                self.push_value(value, 0, &mark);
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

pub(crate) fn parse(source: &str) -> Result<Value, YamlError> {
    let mut builder = Builder::new(None);
    run(source, &mut builder)?;
    Ok(builder.root.unwrap_or(Value::Null))
}

fn run(source: &str, builder: &mut Builder) -> Result<(), YamlError> {
    let mut parser = Parser::new_from_str(source);
    if let Err(e) = parser.load(builder, false) {
        let m = e.marker();
        return Err(YamlError { line: m.line(), column: m.col() + 1, message: e.info().to_owned() });
    }
    if let Some(e) = builder.error.take() {
        return Err(e);
    }
    Ok(())
}

pub(crate) fn locate(source: &str, pointers: &[&str]) -> Vec<Option<(usize, usize)>> {
    let wanted = pointers.iter().enumerate().map(|(i, p)| (p.to_string(), i)).collect();
    let tracker = Tracker { path: Vec::new(), wanted, found: vec![None; pointers.len()] };
    let mut builder = Builder::new(Some(tracker));
    let _ = run(source, &mut builder);
    builder.track.map(|t| t.found).unwrap_or_default()
}
