//! A loaded OpenAPI document and everything the server reads from it: its name and base path, its
//! operation table and router, the rules its requests must meet, the validators of its responses,
//! its examples, and value generation from its schemas. The vendors' documents are embedded by
//! build.rs; any other is loaded at run time (`load`).
//!
//! The raw documents are never normalised: what is checked here is the document's own text.

mod examples;
pub mod extract;
pub(crate) mod generate;
pub mod inspect;
pub mod load;
mod operation_id;
mod refused;
mod requests;
pub mod resources;
pub(crate) mod router;
pub(crate) mod schema;
mod validate;
pub(crate) mod walk;

use std::sync::OnceLock;

use serde_json::Value;

pub(crate) use examples::DocumentedBody;
pub use requests::{authorization_as_judged, RequestParts, RequestRules, Violation, ViolationKind};
pub(crate) use validate::is_json_media;
pub use validate::{Nonconformance, ResponseValidators};

use router::{Routed, Router};

/// One OpenAPI document as Understudy serves it. Documents live as long as the process (the journal
/// and the operation table refer to them for good), so a loaded one is leaked once, at start-up.
pub struct Document {
    /// The API's name: a vendor's, the NAME of `--spec NAME=FILE`, or a slug of `info.title`. It
    /// names the API in the startup line, flags, the journal and the control API.
    pub name: &'static str,
    /// Where it came from: `specs/NAME.yaml (embedded)`, or the file given.
    pub source: String,
    /// Shared with its request rules and response validators, which never copy it.
    pub(crate) document: std::sync::Arc<Value>,
    /// The path of the first server URL (`servers[0]`), for example `/api/v0`; empty at the root.
    pub base_path: String,
    /// Every operation, in document order; the router answers with an index into it.
    operations: Vec<&'static crate::operation::Operation>,
    router: Router,
    /// Why an operation cannot be answered from the document, by operation index (an external
    /// `$ref`, a template the router cannot serve): it is answered with a 501 naming the reason.
    unservable: Vec<Option<String>>,
    /// The operations whose template the router could not take, by index (a request meant for one
    /// is found loosely, see [`Document::unroutable_match`]).
    unroutable: Vec<usize>,
    /// Compiled at first use, operation by operation, like `requests`: only reading the journal,
    /// the proxy, `check` and answers that are checked before they leave judge responses.
    responses: OnceLock<ResponseValidators>,
    /// What the spec asks of requests, by operation, compiled at an operation's first request: an
    /// operation nobody calls costs neither start-up time nor memory for it.
    requests: OnceLock<RequestRules>,
    /// The roles of its operations in the state inferred from it, worked out at first use.
    resources: OnceLock<resources::Resources>,
    /// The response most of its error responses share (see `crate::engine::error_shape`).
    pub(crate) error_shape: OnceLock<Option<Value>>,
}

/// Every embedded vendor spec, in the order of `specs/*.yaml`.
pub fn all() -> &'static [Document] {
    static SPECS: OnceLock<Vec<Document>> = OnceLock::new();
    SPECS.get_or_init(|| {
        crate::generated::SPECS
            .iter()
            .map(|(vendor, json)| {
                // The JSON was written by build.rs from a document it parsed: it cannot be malformed.
                let document: Value = serde_json::from_str(json).expect("build.rs embeds valid JSON");
                Document::new(vendor, format!("specs/{vendor}.yaml (embedded)"), document)
            })
            .collect()
    })
}

/// The embedded spec of `vendor`. Panics on a name with no file in specs/: vendor modules name their
/// own spec.
pub fn of(vendor: &str) -> &'static Document {
    all()
        .iter()
        .find(|spec| spec.name == vendor)
        .unwrap_or_else(|| panic!("no specs/{vendor}.yaml was embedded"))
}

/// A text kept for the rest of the process (names and templates of loaded documents' operations,
/// which journal entries refer to).
fn leak(text: &str) -> &'static str {
    Box::leak(text.to_string().into_boxed_str())
}

impl Document {
    /// A document named `name`, with its operation table and router built.
    pub fn new(name: &str, source: String, document: Value) -> Self {
        let name = leak(name);
        let operations: Vec<&'static crate::operation::Operation> = walk::operations(&document)
            .map(|(path, method, operation)| {
                let method = method.to_uppercase();
                let id = operation["operationId"]
                    .as_str()
                    .filter(|id| !id.is_empty())
                    .map_or_else(|| operation_id::derived(&method, path), str::to_string);
                &*Box::leak(Box::new(crate::operation::Operation {
                    vendor: name,
                    id: leak(&id),
                    method: leak(&method),
                    template: leak(path),
                }))
            })
            .collect();
        let (router, unroutable) = Router::new(operations.iter().map(|op| (op.method, op.template)));
        let mut unservable: Vec<Option<String>> = operations
            .iter()
            .map(|op| {
                let object = &document["paths"][op.template][op.method.to_ascii_lowercase()];
                let item = &document["paths"][op.template];
                walk::external_ref(&document, object)
                    .or_else(|| walk::external_ref(&document, &item["parameters"]))
                    .map(|r| format!("it refers to `{r}`, outside the document, which Understudy does not fetch"))
            })
            .collect();
        for u in &unroutable {
            if let Some(slot) = unservable.get_mut(u.operation) {
                slot.get_or_insert_with(|| format!("its path template cannot be routed: {}", u.reason));
            }
        }
        let unroutable = unroutable.iter().map(|u| u.operation).collect();
        Self {
            name,
            source,
            base_path: base_path(&document),
            document: std::sync::Arc::new(document),
            operations,
            router,
            unservable,
            unroutable,
            responses: OnceLock::new(),
            requests: OnceLock::new(),
            resources: OnceLock::new(),
            error_shape: OnceLock::new(),
        }
    }

    /// Validators for every documented response of every operation.
    pub fn responses(&self) -> &ResponseValidators {
        self.responses
            .get_or_init(|| ResponseValidators::from_document(self.document.clone()))
    }

    /// What the spec asks of requests, by operation.
    pub fn requests(&self) -> &RequestRules {
        self.requests
            .get_or_init(|| RequestRules::from_document(self.document.clone()))
    }

    /// The resources, singletons and roles inferred from the document.
    pub fn resources(&self) -> &resources::Resources {
        self.resources.get_or_init(|| {
            let operations: Vec<(usize, &str, &str)> = self
                .operations
                .iter()
                .enumerate()
                .map(|(index, op)| (index, op.method, op.template))
                .collect();
            resources::Resources::infer(&self.document, &operations)
        })
    }

    /// Works out now what is otherwise worked out at first use (the inferred state, the request
    /// and response validators): a large document's take seconds, better spent beside the server
    /// than in its first requests.
    pub fn warm(&self) {
        self.resources();
        self.requests().warm();
        self.responses().warm();
    }

    /// The document as JSON.
    pub fn json(&self) -> &Value {
        &self.document
    }

    /// The document, shared.
    pub(crate) fn shared(&self) -> std::sync::Arc<Value> {
        self.document.clone()
    }

    /// The operation table, in document order.
    pub(crate) fn table(&self) -> &[&'static crate::operation::Operation] {
        &self.operations
    }

    /// The operation at (method, template), if the document has it.
    pub(crate) fn find(&self, method: &str, template: &str) -> Option<&'static crate::operation::Operation> {
        self.operations
            .iter()
            .find(|op| op.method == method && op.template == template)
            .copied()
    }

    /// Routes a request path under the base path (`path` without it) to an operation.
    pub(crate) fn route(&self, method: &str, path: &str) -> Routed {
        self.router.route(method, path)
    }

    /// The operation whose template the router could not take (`{name}{ext}`, unbalanced braces)
    /// that a request would have meant, matched loosely (each `{…}` as one or more characters of a
    /// segment): it is answered 501 with the reason instead of 404.
    pub(crate) fn unroutable_match(&self, method: &str, path: &str) -> Option<usize> {
        let path = path.trim_end_matches('/');
        self.unroutable.iter().copied().find(|&index| {
            let op = self.operations[index];
            let method_fits = op.method == method || (method == "HEAD" && op.method == "GET");
            method_fits && loosely_matches(op.template.trim_end_matches('/'), path)
        })
    }

    /// Why the operation at `index` cannot be answered from the document, if it cannot.
    pub(crate) fn unservable(&self, index: usize) -> Option<&str> {
        self.unservable.get(index)?.as_deref()
    }

    /// The operation object of the document.
    pub(crate) fn operation_object(&self, method: &str, template: &str) -> &Value {
        &self.document["paths"][template][method.to_ascii_lowercase()]
    }

    /// The `info.title`, if there is one.
    pub fn title(&self) -> Option<&str> {
        self.document["info"]["title"].as_str()
    }
}

/// Whether `path` fits `template` segment by segment, each `{…}` (balanced or not) standing for one
/// or more characters.
fn loosely_matches(template: &str, path: &str) -> bool {
    let templates: Vec<&str> = template.split('/').collect();
    let segments: Vec<&str> = path.split('/').collect();
    templates.len() == segments.len()
        && templates
            .iter()
            .zip(&segments)
            .all(|(pattern, segment)| glob(pattern.as_bytes(), segment.as_bytes()))
}

/// `pattern` against `text`, where `{…}` (up to `}` or the end) matches one or more bytes.
fn glob(pattern: &[u8], text: &[u8]) -> bool {
    match pattern.first() {
        None => text.is_empty(),
        Some(b'{') => {
            let rest = pattern
                .iter()
                .position(|b| *b == b'}')
                .map_or(&[][..], |close| &pattern[close + 1..]);
            (1..=text.len()).any(|taken| glob(rest, &text[taken..]))
        }
        Some(first) => text.first() == Some(first) && glob(&pattern[1..], &text[1..]),
    }
}

/// An entry per operation of a document, template -> method -> a cell filled at first use: looked
/// up by a request's `&str`s without allocating. Request rules and response validators both keep one.
/// Hashed with foldhash, not std's SipHash: every request looks its operation up here (by template,
/// then method), and SipHash over a template cost more than the rest of the lookup.
pub(crate) type OperationTable<T> = FoldHashMap<String, FoldHashMap<String, OnceLock<T>>>;

/// A `HashMap` hashed with foldhash (see [`OperationTable`]).
type FoldHashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

/// An empty table for every operation of `document`.
pub(crate) fn operation_table<T>(document: &Value) -> OperationTable<T> {
    let mut table: OperationTable<T> = FoldHashMap::default();
    for (path, method, _) in walk::operations(document) {
        table
            .entry(path.to_string())
            .or_default()
            .insert(method.to_uppercase(), OnceLock::new());
    }
    table
}

/// A name for an API from its title: lowercase letters, digits and `-` (`Nango API` is `nango-api`).
pub fn slug(title: &str) -> String {
    let mut slug = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-').to_string();
    if slug.is_empty() {
        "api".into()
    } else {
        slug
    }
}

/// A request example paired with a response example of the same operation, as the spec gives them.
#[derive(Debug, Clone)]
pub struct ExamplePair {
    /// The operation, from the document's operation table.
    pub operation: &'static crate::operation::Operation,
    pub request_body: Option<Value>,
    pub status: u16,
    pub response_body: Value,
}

impl Document {
    /// Every (request example, response example) pair the spec gives for one operation: each named
    /// request example with each named example of its success responses.
    pub fn example_pairs(&self) -> Vec<ExamplePair> {
        let mut pairs = Vec::new();
        for &operation in self.table() {
            let op = self.operation_object(operation.method, operation.template);
            let requests: Vec<Option<Value>> = match named_examples(&op["requestBody"]["content"]["application/json"]) {
                examples if examples.is_empty() => vec![None],
                examples => examples.into_iter().map(Some).collect(),
            };
            for (status, response) in op["responses"].as_object().into_iter().flatten() {
                let Some(status) = status.parse::<u16>().ok().filter(|s| (200..300).contains(s)) else {
                    continue;
                };
                let response = self.resolve(response);
                for response_body in named_examples(&response["content"]["application/json"]) {
                    for request_body in &requests {
                        pairs.push(ExamplePair {
                            operation,
                            request_body: request_body.clone(),
                            status,
                            response_body: response_body.clone(),
                        });
                    }
                }
            }
        }
        pairs
    }

    /// Follows a local `$ref` of the document; other values come back as they are.
    pub(crate) fn resolve<'a>(&'a self, value: &'a Value) -> &'a Value {
        walk::resolve(&self.document, value)
    }
}

/// The values of a media type's `examples` map, plus its single `example`.
fn named_examples(media_type: &Value) -> Vec<Value> {
    let mut examples: Vec<Value> = media_type["examples"]
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(_, example)| example.get("value").cloned())
        .collect();
    if let Some(example) = media_type.get("example") {
        examples.push(example.clone());
    }
    examples
}

fn base_path(document: &Value) -> String {
    let server = &document["servers"][0];
    let mut url = server["url"].as_str().unwrap_or("").to_string();
    // Server variables (`https://{region}.example.com/{version}`) take their defaults.
    for (name, variable) in server["variables"].as_object().into_iter().flatten() {
        let default = variable["default"].as_str().unwrap_or("");
        url = url.replace(&format!("{{{name}}}"), default);
    }
    let after_scheme = url.split_once("://").map_or(url.as_str(), |(_, rest)| rest);
    let path = after_scheme.find('/').map_or("", |i| &after_scheme[i..]);
    let path = path.split(['?', '#']).next().unwrap_or("");
    path.trim_end_matches('/').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_meant_for_an_unroutable_template_is_found_loosely() {
        let document = Document::new(
            "t",
            "test".into(),
            serde_json::json!({"openapi": "3.0.0", "paths": {
                "/blog/{page}{ext}": {"get": {"responses": {"200": {"description": "ok"}}}},
                "/x/{id": {"get": {"responses": {"200": {"description": "ok"}}}}
            }}),
        );
        assert_eq!(document.unroutable_match("GET", "/blog/intro.json"), Some(0));
        assert_eq!(
            document.unroutable_match("GET", "/blog/x"),
            None,
            "two variables need two characters"
        );
        assert_eq!(document.unroutable_match("GET", "/x/12"), Some(1));
        assert_eq!(document.unroutable_match("POST", "/x/12"), None);
        assert!(!glob(b"{a}{b}.json", b"ab.jsonx"));
    }

    #[test]
    fn base_path_is_the_path_of_the_first_server_url() {
        assert_eq!(
            base_path(&serde_json::json!({"servers": [{"url": "https://a.example/api/v0"}, {"url": "http://x/y"}]})),
            "/api/v0"
        );
        assert_eq!(
            base_path(&serde_json::json!({"servers": [{"url": "https://a.example"}]})),
            ""
        );
        assert_eq!(base_path(&serde_json::json!({})), "");
    }
}
