//! The vendored OpenAPI documents, as build.rs embedded them, and what the server needs from them:
//! each vendor's base path, its operations, and a validator for every documented response.
//!
//! The raw documents are never normalised: what is checked here is the vendor's own text.

mod examples;
pub mod extract;
pub(crate) mod generate;
mod operation_id;
mod requests;
pub(crate) mod router;
mod validate;
pub(crate) mod walk;

use std::sync::OnceLock;

use serde_json::Value;

pub(crate) use examples::DocumentedBody;
pub use requests::{RequestParts, RequestRules};
pub use validate::{Nonconformance, ResponseValidators};

/// One vendor's spec, parsed once at first use.
pub struct VendorSpec {
    pub vendor: &'static str,
    pub(crate) document: Value,
    /// The path of the production server URL (`servers[0]`), for example `/api/v0`; empty at the root.
    pub base_path: String,
    /// Compiled at first use, like `requests`: only reading the journal, the proxy and `check` judge
    /// responses.
    responses: OnceLock<ResponseValidators>,
    /// What the spec asks of requests, for judging what the mock receives. Compiled at the vendor's
    /// first request: a vendor nobody calls costs neither start-up time nor memory for it.
    requests: OnceLock<RequestRules>,
}

/// Every embedded spec, in the order of `specs/*.yaml`.
pub fn all() -> &'static [VendorSpec] {
    static SPECS: OnceLock<Vec<VendorSpec>> = OnceLock::new();
    SPECS.get_or_init(|| {
        crate::generated::SPECS
            .iter()
            .map(|(vendor, json)| {
                // The JSON was written by build.rs from a document it parsed: it cannot be malformed.
                let document: Value = serde_json::from_str(json).expect("build.rs embeds valid JSON");
                VendorSpec {
                    vendor,
                    base_path: base_path(&document),
                    responses: OnceLock::new(),
                    requests: OnceLock::new(),
                    document,
                }
            })
            .collect()
    })
}

impl VendorSpec {
    /// Validators for every documented response of every operation.
    pub fn responses(&self) -> &ResponseValidators {
        self.responses
            .get_or_init(|| ResponseValidators::from_document(&self.document))
    }

    /// What the spec asks of requests, by operation.
    pub fn requests(&self) -> &RequestRules {
        self.requests
            .get_or_init(|| RequestRules::from_document(&self.document))
    }
}

/// The spec of `vendor`. Panics on a name with no file in specs/: vendor modules name their own spec.
pub fn of(vendor: &str) -> &'static VendorSpec {
    all()
        .iter()
        .find(|spec| spec.vendor == vendor)
        .unwrap_or_else(|| panic!("no specs/{vendor}.yaml was embedded"))
}

/// One documented operation: its method, its path template (without the base path) and its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    pub method: String,
    pub path: String,
    pub operation_id: Option<String>,
}

impl Operation {
    /// The operationId, or where the spec has none the name build.rs gives it for progenitor:
    /// the method and the path's segments joined by `_` (`delete_connect_session`).
    pub fn id(&self) -> String {
        self.operation_id
            .clone()
            .unwrap_or_else(|| operation_id::derived(&self.method, &self.path))
    }
}

/// A request example paired with a response example of the same operation, as the spec gives them.
#[derive(Debug, Clone)]
pub struct ExamplePair {
    pub operation: Operation,
    pub request_body: Option<Value>,
    pub status: u16,
    pub response_body: Value,
}

impl VendorSpec {
    pub fn operations(&self) -> Vec<Operation> {
        walk::operations(&self.document)
            .map(|(path, method, operation)| Operation {
                method: method.to_uppercase(),
                path: path.to_string(),
                operation_id: operation["operationId"].as_str().map(str::to_string),
            })
            .collect()
    }

    /// Every (request example, response example) pair the spec gives for one operation: each named
    /// request example with each named example of its success responses.
    pub fn example_pairs(&self) -> Vec<ExamplePair> {
        let mut pairs = Vec::new();
        for operation in self.operations() {
            let op = &self.document["paths"][&operation.path][operation.method.to_lowercase()];
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
                            operation: operation.clone(),
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
    let url = document["servers"][0]["url"].as_str().unwrap_or("");
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = after_scheme.find('/').map_or("", |i| &after_scheme[i..]);
    path.trim_end_matches('/').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

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
