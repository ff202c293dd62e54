//! Loading a document at run time, for `--spec` and `understudy diff`: an OpenAPI file (YAML or
//! JSON, 3.0 or 3.1), a saved vendor doc page (the document inside its yaml fence), or a vendor's
//! name for the vendored spec. A document that cannot be loaded is an error with an exit code of 100
//! or more that names the file and the place (line and column, counted in the file given).
//!
//! User files' YAML is read here (and by the fixtures loader) with serde-saphyr: pure Rust, no
//! panic on malformed input, limits on aliases and nesting, and spans, which give a JSON pointer's
//! line (`Spans`).

use std::fmt;

use serde::de::{Deserialize, DeserializeOwned, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use serde_saphyr::Spanned;

/// A loaded spec: its document, its text (for line numbers) and where it came from.
pub struct Loaded {
    pub source: String,
    /// The document's text: the whole file, or the body of a doc page's yaml fence.
    pub text: String,
    /// The line of the file on which `text` begins: 1, or the line after a doc page's fence.
    pub first_line: usize,
    pub document: Value,
    /// The vendor, when the spec is a vendored one (named by the vendor's name).
    pub vendor: Option<&'static str>,
}

/// Why a spec could not be loaded, with the exit code it gives.
#[derive(Debug)]
pub struct LoadError {
    pub code: u8,
    pub message: String,
}

/// Cannot be read.
pub const UNREADABLE: u8 = 101;
/// Does not parse.
pub const UNPARSABLE: u8 = 102;
/// Parses, but is not an OpenAPI document.
pub const NOT_OPENAPI: u8 = 103;

pub fn load(argument: &str) -> Result<Loaded, LoadError> {
    let path = std::path::Path::new(argument);
    if !path.exists() {
        if let Some(vendor) = crate::vendors::NAMES.iter().find(|v| **v == argument) {
            let spec = crate::spec::of(vendor);
            return Ok(Loaded {
                source: format!("the vendored specs/{vendor}.yaml"),
                text: serde_json::to_string_pretty(spec.json()).unwrap_or_default(),
                first_line: 1,
                document: spec.json().clone(),
                vendor: Some(vendor),
            });
        }
    }
    let text = std::fs::read_to_string(path).map_err(|e| LoadError {
        code: UNREADABLE,
        message: format!("{argument}: {e}"),
    })?;
    let is_page = argument.ends_with(".md")
        || (!text.trim_start().starts_with('{')
            && !text.contains("\nopenapi:")
            && !text.starts_with("openapi:")
            && text.contains("```yaml"));
    let (yaml, first_line) = if is_page {
        let body = crate::spec::extract::openapi_yaml(&text).map_err(|e| LoadError {
            code: UNPARSABLE,
            message: format!("{argument}: {e}"),
        })?;
        // The body is a slice of the page: its offset gives the line it starts on.
        let offset = body.as_ptr() as usize - text.as_ptr() as usize;
        (body.to_string(), text[..offset].matches('\n').count() + 1)
    } else {
        (text, 1)
    };
    let unparsable = |line: usize, column: usize, message: &dyn fmt::Display| LoadError {
        code: UNPARSABLE,
        message: format!(
            "{argument} at line {}, column {column}: {message}",
            line + first_line - 1
        ),
    };
    // JSON is read by the JSON parser: much faster than YAML's on a large document, and its errors
    // give line and column too.
    let document: Value = if yaml.trim_start().starts_with('{') {
        serde_json::from_str(&yaml).map_err(|e| unparsable(e.line(), e.column(), &e))?
    } else {
        from_yaml(&yaml).map_err(|e| match e.place {
            Some((line, column)) => unparsable(line, column, &e.message),
            None => LoadError {
                code: UNPARSABLE,
                message: format!("{argument}: {}", e.message),
            },
        })?
    };
    let version = document.get("openapi").and_then(Value::as_str).unwrap_or("");
    if !version.starts_with("3.") || !document.get("paths").is_none_or(Value::is_object) {
        return Err(LoadError {
            code: NOT_OPENAPI,
            message: format!("{argument}: not an OpenAPI 3.0 or 3.1 document (no `openapi: 3.x` and `paths`)"),
        });
    }
    Ok(Loaded {
        source: argument.to_string(),
        text: yaml,
        first_line,
        document,
        vendor: None,
    })
}

/// Why a YAML text does not parse: the message, and the line and column where the parser gives them.
#[derive(Debug)]
pub struct YamlError {
    /// (line, column), both from 1, in the text parsed.
    pub place: Option<(usize, usize)>,
    pub message: String,
}

impl YamlError {
    /// The error, naming the file it was found in: `FILE at line L, column C: …`.
    pub fn in_file(&self, source: &str) -> String {
        match self.place {
            Some(_) => format!("{source} {self}"),
            None => format!("{source}: {}", self.message),
        }
    }
}

impl fmt::Display for YamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.place {
            Some((line, column)) => write!(f, "at line {line}, column {column}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// How user files' YAML is read: YAML 1.2's booleans only (`yes` and `on` stay strings, as the
/// OpenAPI documents that list them in enums mean), duplicate keys refused, `.inf` and `.nan` let
/// through (JSON has no such number: they become null), and limits sized for large API documents
/// (a 10 MB document has a few million nodes), which still stop alias bombs and runaway nesting.
fn options() -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_events = 50_000_000;
    budget.max_nodes = 20_000_000;
    serde_saphyr::options! {
        budget: Some(budget),
        strict_booleans: true,
        non_finite_float_policy: serde_saphyr::NonFiniteFloatPolicy::PassThrough,
        with_snippet: false,
    }
}

/// Reads a YAML text (JSON is the YAML subset it is) into `T`.
pub fn from_yaml<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    serde_saphyr::from_str_with_options(text, options()).map_err(|e| {
        let place = e
            .location()
            .filter(|l| l.line() > 0)
            .map(|l| (l.line() as usize, l.column() as usize));
        let mut message = e.without_snippet().to_string();
        // The parser ends its message with the place, which YamlError gives on its own.
        if let Some((line, column)) = place {
            let suffix = format!(" at line {line}, column {column}");
            if let Some(stripped) = message.strip_suffix(&suffix) {
                message = stripped.to_string();
            }
        }
        YamlError { place, message }
    })
}

/// Where each node of a loaded document is, from the parser's own spans: a JSON pointer's line in
/// the file given (a doc page's lines counted in the page).
pub struct Spans {
    root: Option<Spanned<Node>>,
    first_line: usize,
}

impl Spans {
    /// The spans of `loaded`'s text; none when it cannot be read with spans.
    pub fn of(loaded: &Loaded) -> Self {
        Self {
            root: serde_saphyr::from_str_with_options(&loaded.text, options()).ok(),
            first_line: loaded.first_line,
        }
    }

    /// The line of the node at `pointer` (the line of its key, inside a mapping), following local
    /// `$ref`s where the pointer goes through one; `None` where the document has no such node.
    pub fn line(&self, pointer: &str) -> Option<usize> {
        let root = self.root.as_ref()?;
        let segments: Vec<String> = pointer
            .split('/')
            .skip(1)
            .map(|s| s.replace("~1", "/").replace("~0", "~"))
            .collect();
        let line = walk(root, root, &segments, 0)?;
        Some(line + self.first_line - 1)
    }
}

/// How many `$ref`s one pointer may go through (a cycle stops here).
const MAX_REFS: usize = 32;

/// The line of `segments` under `node`, following `$ref`s from `root`.
fn walk(root: &Spanned<Node>, node: &Spanned<Node>, segments: &[String], refs: usize) -> Option<usize> {
    let mut node = node;
    let mut line = node.referenced.line() as usize;
    for (i, segment) in segments.iter().enumerate() {
        match &node.value {
            Node::Map(entries) => match entries.iter().find(|(k, _)| k.value.0 == *segment) {
                Some((key, value)) => {
                    line = key.referenced.line() as usize;
                    node = value;
                }
                None => {
                    let target = entries.iter().find_map(|(k, v)| match &v.value {
                        Node::Leaf(Some(reference)) if k.value.0 == "$ref" => reference.strip_prefix('#'),
                        _ => None,
                    })?;
                    if refs >= MAX_REFS {
                        return None;
                    }
                    let target = target
                        .split('/')
                        .skip(1)
                        .map(|s| s.replace("~1", "/").replace("~0", "~"));
                    let rest: Vec<String> = target.chain(segments[i..].iter().cloned()).collect();
                    return walk(root, root, &rest, refs + 1);
                }
            },
            Node::Seq(items) => {
                node = items.get(segment.parse::<usize>().ok()?)?;
                line = node.referenced.line() as usize;
            }
            Node::Leaf(_) => return None,
        }
    }
    (line > 0).then_some(line)
}

/// A YAML node as far as spans need it: its children, and a string's value (for `$ref`s).
enum Node {
    Leaf(Option<String>),
    Seq(Vec<Spanned<Node>>),
    Map(Vec<(Spanned<Key>, Spanned<Node>)>),
}

/// A mapping key as the JSON document spells it (`200:` is the key "200").
struct Key(String);

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a scalar key")
            }
            fn visit_str<E>(self, v: &str) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NodeVisitor;
        impl<'de> Visitor<'de> for NodeVisitor {
            type Value = Node;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any YAML node")
            }
            fn visit_bool<E>(self, _: bool) -> Result<Node, E> {
                Ok(Node::Leaf(None))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Node, E> {
                Ok(Node::Leaf(None))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Node, E> {
                Ok(Node::Leaf(None))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Node, E> {
                Ok(Node::Leaf(None))
            }
            fn visit_str<E>(self, v: &str) -> Result<Node, E> {
                Ok(Node::Leaf(Some(v.to_string())))
            }
            fn visit_unit<E>(self) -> Result<Node, E> {
                Ok(Node::Leaf(None))
            }
            fn visit_none<E>(self) -> Result<Node, E> {
                Ok(Node::Leaf(None))
            }
            fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Node, D::Error> {
                Node::deserialize(deserializer)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Node::Seq(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
                let mut entries = Vec::new();
                while let Some(key) = map.next_key::<Spanned<Key>>()? {
                    entries.push((key, map.next_value()?));
                }
                Ok(Node::Map(entries))
            }
        }
        deserializer.deserialize_any(NodeVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loaded(text: &str, first_line: usize) -> Loaded {
        Loaded {
            source: "test".into(),
            text: text.into(),
            first_line,
            document: Value::Null,
            vendor: None,
        }
    }

    #[test]
    fn a_pointer_gets_its_own_line_not_a_same_named_key_elsewhere() {
        let text = "info:\n  description: x\npaths:\n  /a:\n    get:\n      description: y\n      responses:\n        200:\n          content:\n            application/json:\n              schema:\n                description: inner\n          description: outer\n";
        let spans = Spans::of(&loaded(text, 1));
        assert_eq!(spans.line("/paths/~1a/get/description"), Some(6));
        // The 200's own description, not the one inside its schema.
        assert_eq!(spans.line("/paths/~1a/get/responses/200/description"), Some(13));
        assert_eq!(spans.line("/paths/~1a/get/responses/404"), None);
        assert_eq!(spans.line("/info/title"), None);
        // Counted in the page when the document starts further down.
        let spans = Spans::of(&loaded(text, 40));
        assert_eq!(spans.line("/paths/~1a/get/description"), Some(45));
    }

    #[test]
    fn a_pointer_through_a_ref_lands_in_the_component() {
        let text = "paths:\n  /a:\n    get:\n      schema:\n        $ref: '#/components/schemas/S'\ncomponents:\n  schemas:\n    S:\n      properties:\n        id:\n          type: string\n";
        let spans = Spans::of(&loaded(text, 1));
        assert_eq!(spans.line("/paths/~1a/get/schema/properties/id"), Some(10));
    }

    #[test]
    fn yaml_errors_give_line_and_column() {
        let error = from_yaml::<Value>("openapi: 3.1.0\npaths:\n  /x: [\n").unwrap_err();
        assert_eq!(error.place.map(|p| p.0), Some(3), "{error}");
        assert!(error.to_string().starts_with("at line 3, column"), "{error}");
        // YAML 1.2: `yes` is a string.
        assert_eq!(from_yaml::<Value>("a: yes\n").unwrap(), serde_json::json!({"a": "yes"}));
    }
}
