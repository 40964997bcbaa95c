//! Bundling: a document spread over several files (`$ref: pet.yaml`, `common.json#/Error`)
//! becomes one whose references are all internal. Each referenced part is copied once into the
//! root's `components` (path items are copied in place of their reference) and the references
//! are rewritten to point there; where every copied node came from is kept for diagnostics.

mod kind;
mod names;

use crate::origin::{Parts, SourceFile};
use crate::pointer::escape_token;
use crate::{Document, LoadError, MAX_DEPTH};
use kind::Kind;
use names::Target;
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Whether JSON text holds `"$ref": "<not #…>"`. A hint read off the text (serde_json builds
/// the value without a hook), faster than walking the value; a string quoting such text also
/// counts, which only costs a bundling pass that changes nothing.
pub(crate) fn json_mentions_external_refs(source: &str) -> bool {
    source.match_indices("\"$ref\"").any(|(i, m)| {
        let rest = source[i + m.len()..].trim_start();
        let Some(rest) = rest.strip_prefix(':') else { return false };
        let rest = rest.trim_start();
        rest.starts_with('"') && !rest[1..].starts_with('#')
    })
}

/// Whether any `$ref` under `v` names another file. Data (examples) is not told apart here: a
/// false positive only costs a bundling pass that changes nothing.
pub(crate) fn has_external_refs(v: &Value) -> bool {
    match v {
        Value::Object(m) => m.iter().any(|(k, c)| match c {
            Value::String(s) if k == "$ref" => !s.starts_with('#'),
            _ => has_external_refs(c),
        }),
        Value::Array(items) => items.iter().any(has_external_refs),
        _ => false,
    }
}

/// Bundles `root`, whose relative references are resolved against `path`.
pub(crate) fn bundle(root: Document, path: &Path) -> Result<Document, LoadError> {
    let mut b = Bundler::new(root, path);
    let mut out = b.files[0].doc.root.clone();
    b.claim_slots(&out)?;
    b.walk(&mut out, &At::root(), Kind::Root)?;
    while let Some(job) = b.jobs.pop_front() {
        b.copy(job, &mut out)?;
    }
    Ok(b.finish(out))
}

struct File {
    /// Where it was read from, for resolving the references it holds.
    path: PathBuf,
    doc: Document,
}

/// A part to copy into `components/<section>/<name>`.
struct Job {
    file: usize,
    fragment: String,
    kind: Kind,
    section: String,
    name: String,
}

/// Where the node being walked is: in the file it was written in and in the bundled document.
#[derive(Clone)]
struct At {
    file: usize,
    src: String,
    dest: String,
    depth: usize,
}

impl At {
    fn root() -> At {
        At { file: 0, src: String::new(), dest: String::new(), depth: 0 }
    }

    fn child(&self, token: &str) -> At {
        let token = escape_token(token);
        At {
            file: self.file,
            src: format!("{}/{token}", self.src),
            dest: format!("{}/{token}", self.dest),
            depth: self.depth + 1,
        }
    }
}

/// What becomes of one `$ref`.
enum Followed {
    /// An internal reference of the root file: left as written.
    Keep,
    /// Rewritten to this pointer of the bundled document.
    Ref(String),
    /// Something no `components` section holds (a path item): its content replaces the
    /// reference (file, fragment, kind).
    Inline(usize, String, Kind),
}

struct Bundler {
    files: Vec<File>,
    /// Canonical path -> index in `files`, so that each file is read once and cycles end.
    by_identity: HashMap<PathBuf, usize>,
    /// (file, fragment) -> the pointer it was copied to.
    placed: HashMap<(usize, String), String>,
    /// (section, name) already used in `components`, by the root or by a copied part.
    taken: HashSet<(String, String)>,
    jobs: VecDeque<Job>,
    copied: HashMap<String, (usize, String)>,
    /// Parts being copied in place, innermost last: a cycle among them has no finite copy.
    inlining: Vec<(usize, String)>,
}

impl Bundler {
    fn new(root: Document, path: &Path) -> Self {
        let identity = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
        Bundler {
            files: vec![File { path: path.to_owned(), doc: root }],
            by_identity: HashMap::from([(identity, 0)]),
            placed: HashMap::new(),
            taken: HashSet::new(),
            jobs: VecDeque::new(),
            copied: HashMap::new(),
            inlining: Vec::new(),
        }
    }

    /// A located error at `pointer` of `file`; the pointer is part of the message because
    /// the position may be unknown.
    fn error(&self, file: usize, pointer: &str, message: String) -> LoadError {
        let doc = &self.files[file].doc;
        let (line, column) = doc.locate(&[pointer]).pop().flatten().unwrap_or((0, 0));
        let at = if pointer.is_empty() { "/" } else { pointer };
        LoadError { name: doc.name.clone(), line, column, message: format!("{message} (at {at})") }
    }

    /// Names already used in the root's `components`; and each entry that is only a reference
    /// to another file (`Pet: {$ref: pet.yaml}`, the usual index of a split document) becomes
    /// the home of what it refers to, keeping the root's name for it.
    fn claim_slots(&mut self, out: &Value) -> Result<(), LoadError> {
        let Some(Value::Object(components)) = out.get("components") else { return Ok(()) };
        for (section, entries) in components {
            let Value::Object(entries) = entries else { continue };
            for (name, entry) in entries {
                self.taken.insert((section.clone(), name.clone()));
                let Some(Value::String(r)) = entry.get("$ref") else { continue };
                let kind = Kind::of_section(section);
                // Path items are copied in place by the walk anyway.
                if entry.as_object().is_some_and(|m| m.len() > 1) || r.starts_with('#') || kind.section().is_none() {
                    continue;
                }
                let at = At::root().child("components").child(section).child(name).child("$ref");
                let Some((file, fragment)) = self.resolve(r, &at)? else { continue };
                if file == 0 || self.placed.contains_key(&(file, fragment.clone())) {
                    continue;
                }
                let dest = format!("/components/{}/{}", escape_token(section), escape_token(name));
                self.placed.insert((file, fragment.clone()), dest.clone());
                self.copied.insert(dest, (file, fragment.clone()));
                self.jobs.push_back(Job { file, fragment, kind, section: section.clone(), name: name.clone() });
            }
        }
        Ok(())
    }

    /// Rewrites the references under `v`, a node of `kind` at `at`.
    fn walk(&mut self, v: &mut Value, at: &At, kind: Kind) -> Result<(), LoadError> {
        if at.depth > MAX_DEPTH {
            let message = format!("the bundled document would nest deeper than {MAX_DEPTH} levels");
            return Err(self.error(at.file, &at.src, message));
        }
        match v {
            Value::Object(map) if kind == Kind::Mapping => self.rewrite_mapping(map, at),
            Value::Object(map) => {
                for (k, child) in map.iter_mut() {
                    if k == "$ref" && child.is_string() {
                        continue;
                    }
                    if let Some(child_kind) = kind.child(k) {
                        self.walk(child, &at.child(k), child_kind)?;
                    }
                }
                let Some(Value::String(r)) = map.get("$ref") else { return Ok(()) };
                let r = r.clone();
                match self.follow(&r, &at.child("$ref"), kind)? {
                    Followed::Keep => {}
                    Followed::Ref(pointer) => {
                        map.insert("$ref".into(), Value::String(format!("#{pointer}")));
                    }
                    Followed::Inline(file, fragment, kind) => self.inline(map, (file, fragment), kind, at)?,
                }
                Ok(())
            }
            Value::Array(items) => {
                let Some(item_kind) = kind.item() else { return Ok(()) };
                for (i, item) in items.iter_mut().enumerate() {
                    self.walk(item, &at.child(&i.to_string()), item_kind)?;
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// `discriminator/mapping` values that are references (not bare schema names) are
    /// rewritten like `$ref`s.
    fn rewrite_mapping(&mut self, map: &mut Map<String, Value>, at: &At) -> Result<(), LoadError> {
        for (k, v) in map.iter_mut() {
            let Value::String(r) = v else { continue };
            let is_ref = r.contains(['#', '/']) || [".yaml", ".yml", ".json"].iter().any(|x| r.ends_with(x));
            if !is_ref {
                continue;
            }
            match self.follow(&r.clone(), &at.child(k), Kind::Schema)? {
                Followed::Ref(pointer) => *r = format!("#{pointer}"),
                Followed::Keep | Followed::Inline(..) => {}
            }
        }
        Ok(())
    }

    /// The file and fragment `r` (written at `at`) refers to, checked to exist; `None` for
    /// the root file's internal references, which stay as written.
    fn resolve(&mut self, r: &str, at: &At) -> Result<Option<(usize, String)>, LoadError> {
        if at.file == 0 && r.starts_with('#') {
            return Ok(None);
        }
        let (file, fragment) = match names::parse_ref(r) {
            Target::Local(fragment) => (at.file, fragment),
            Target::File(path, fragment) => (self.open(path, at)?, fragment),
            Target::Remote => {
                let message = format!("remote $ref `{r}` is not supported; download the document and refer to the copy");
                return Err(self.error(at.file, &at.src, message));
            }
            Target::BadFragment => {
                let message = format!("$ref `{r}`: the fragment is not a JSON pointer (`#/…`)");
                return Err(self.error(at.file, &at.src, message));
            }
        };
        if self.files[file].doc.root.pointer(&fragment).is_none() {
            let name = &self.files[file].doc.name;
            let message = format!("$ref `{r}`: `{fragment}` is not in {name}");
            return Err(self.error(at.file, &at.src, message));
        }
        Ok(Some((file, fragment)))
    }

    /// Resolves `r` and gives the pointer it becomes, placing the target if it is new.
    fn follow(&mut self, r: &str, at: &At, kind: Kind) -> Result<Followed, LoadError> {
        let Some((file, fragment)) = self.resolve(r, at)? else { return Ok(Followed::Keep) };
        if file == 0 {
            return Ok(Followed::Ref(fragment));
        }
        if kind.section().is_none() {
            return Ok(Followed::Inline(file, fragment, kind));
        }
        Ok(Followed::Ref(self.place(file, fragment, kind)))
    }

    /// Reads the file `relative` to the one `at` is in, once.
    fn open(&mut self, relative: &str, at: &At) -> Result<usize, LoadError> {
        let joined = names::join(&self.files[at.file].path, relative);
        let identity = std::fs::canonicalize(&joined).unwrap_or_else(|_| joined.clone());
        if let Some(&i) = self.by_identity.get(&identity) {
            return Ok(i);
        }
        let name = joined.display().to_string();
        let source = std::fs::read_to_string(&joined)
            .map_err(|e| self.error(at.file, &at.src, format!("cannot read `{relative}` ({name}): {e}")))?;
        let doc = Document::parse(name, source).map_err(|e| {
            let from = &self.files[at.file].doc.name;
            let at = if at.src.is_empty() { "/" } else { at.src.as_str() };
            LoadError { message: format!("{} (in a file referred to from {from} at {at})", e.message), ..e }
        })?;
        self.files.push(File { path: joined, doc });
        self.by_identity.insert(identity, self.files.len() - 1);
        Ok(self.files.len() - 1)
    }

    /// The pointer the part (file, fragment) is copied to, choosing it on first sight.
    fn place(&mut self, file: usize, fragment: String, kind: Kind) -> String {
        if let Some(p) = self.placed.get(&(file, fragment.clone())) {
            return p.clone();
        }
        let tokens: Vec<&str> = fragment.split('/').skip(1).collect();
        let unescape = |t: &str| t.replace("~1", "/").replace("~0", "~");
        // Into a component of another file: copy the whole component, point into it.
        if tokens.len() > 3 && tokens[0] == "components" {
            let head = format!("/components/{}/{}", tokens[1], tokens[2]);
            let rest = fragment[head.len()..].to_owned();
            let kind = Kind::of_section(&unescape(tokens[1]));
            return format!("{}{rest}", self.place(file, head, kind));
        }
        let stem = names::stem(&self.files[file].path);
        let (section, name, kind) = if tokens.len() == 3 && tokens[0] == "components" {
            let section = unescape(tokens[1]);
            let kind = Kind::of_section(&section);
            (section, unescape(tokens[2]), kind)
        } else {
            (kind.section().unwrap_or("schemas").to_owned(), names::part_name(&stem, &fragment), kind)
        };
        let name = names::candidates(&name, &stem)
            .find(|n| !self.taken.contains(&(section.clone(), n.clone())))
            .expect("the candidates never end");
        self.taken.insert((section.clone(), name.clone()));
        let dest = format!("/components/{}/{}", escape_token(&section), escape_token(&name));
        self.placed.insert((file, fragment.clone()), dest.clone());
        self.copied.insert(dest.clone(), (file, fragment.clone()));
        self.jobs.push_back(Job { file, fragment, kind, section, name });
        dest
    }

    /// Replaces the reference `holder` (at `at`, of `kind`) by a copy of what it refers to.
    /// Keys beside the `$ref` win over the referred ones, as they do for path items.
    fn inline(&mut self, holder: &mut Map<String, Value>, target: (usize, String), kind: Kind, at: &At) -> Result<(), LoadError> {
        let ref_at = format!("{}/$ref", at.src);
        if self.inlining.contains(&target) {
            let message = "references copied in place of themselves form a cycle, which has no finite copy".into();
            return Err(self.error(at.file, &ref_at, message));
        }
        let (file, fragment) = target;
        let mut walked = self.files[file].doc.root.pointer(&fragment).cloned().unwrap_or_default();
        if !walked.is_object() {
            return Err(self.error(at.file, &ref_at, "this $ref must refer to a mapping".into()));
        }
        self.claim_names(&at.dest, &walked);
        self.inlining.push((file, fragment.clone()));
        let inner = At { file, src: fragment.clone(), dest: at.dest.clone(), depth: at.depth };
        self.walk(&mut walked, &inner, kind)?;
        self.inlining.pop();
        let Value::Object(mut content) = walked else { unreachable!("walking keeps a mapping a mapping") };
        self.copied.insert(at.dest.clone(), (file, fragment));
        // The holder's keys were walked already, in the holder's file.
        holder.remove("$ref");
        for (k, v) in std::mem::take(holder) {
            let token = escape_token(&k);
            self.copied.insert(format!("{}/{token}", at.dest), (at.file, format!("{}/{token}", at.src)));
            content.insert(k, v);
        }
        *holder = content;
        Ok(())
    }

    /// When `components` or one of its sections is copied in place (`schemas: {$ref: …}`),
    /// the names in it are the root's: parts placed later must not take them.
    fn claim_names(&mut self, dest: &str, v: &Value) {
        let Some(rest) = dest.strip_prefix("/components") else { return };
        let sections: Vec<(String, &Value)> = match rest.strip_prefix('/') {
            None if rest.is_empty() => v.as_object().into_iter().flatten().map(|(k, v)| (k.clone(), v)).collect(),
            Some(section) if !section.contains('/') => vec![(section.replace("~1", "/").replace("~0", "~"), v)],
            _ => return,
        };
        for (section, entries) in sections {
            for name in entries.as_object().into_iter().flat_map(|m| m.keys()) {
                self.taken.insert((section.clone(), name.clone()));
            }
        }
    }

    /// Copies a placed part into `out`, its references rewritten.
    fn copy(&mut self, job: Job, out: &mut Value) -> Result<(), LoadError> {
        let mut value = self.files[job.file].doc.root.pointer(&job.fragment).cloned().unwrap_or_default();
        let dest = format!("/components/{}/{}", escape_token(&job.section), escape_token(&job.name));
        let at = At { file: job.file, src: job.fragment.clone(), dest, depth: 3 };
        self.walk(&mut value, &at, job.kind)?;
        let not_a_map = |b: &Bundler, ptr: &str| b.error(0, ptr, "must be a mapping to hold the parts of other files".into());
        let Some(root) = out.as_object_mut() else { return Err(not_a_map(self, "")) };
        let components = root.entry("components").or_insert_with(|| Value::Object(Map::new()));
        let Some(components) = components.as_object_mut() else { return Err(not_a_map(self, "/components")) };
        let section = components.entry(job.section.clone()).or_insert_with(|| Value::Object(Map::new()));
        let Some(section) = section.as_object_mut() else {
            return Err(not_a_map(self, &format!("/components/{}", escape_token(&job.section))));
        };
        section.insert(job.name, value);
        Ok(())
    }

    fn finish(self, out: Value) -> Document {
        let mut files = self.files.into_iter();
        let root = files.next().expect("the root file is file 0").doc;
        let files = files.map(|f| SourceFile { name: f.doc.name, source: f.doc.source }).collect();
        let parts = Parts { files, copied: self.copied };
        Document { root: out, parts: Some(Arc::new(parts)), ..root }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_hint() {
        assert!(json_mentions_external_refs(r#"{"a": {"$ref" :  "b.json"}}"#));
        assert!(!json_mentions_external_refs(r##"{"a": {"$ref": "#/x"}, "b": "$ref"}"##));
        assert!(!json_mentions_external_refs(r#"{"$ref": 1}"#));
    }

    #[test]
    fn yaml_parser_notes_external_refs() {
        let external = |src: &str| Document::parse_noting_refs("t.yaml".into(), src.into()).unwrap().1;
        assert!(external("a: {$ref: b.yaml}"));
        assert!(external("x: &r other.yaml#/A\na: {$ref: *r}"));
        assert!(!external("a: {$ref: '#/b'}\nb: {c: other.yaml}\n$ref: [x.yaml]"));
    }
}
