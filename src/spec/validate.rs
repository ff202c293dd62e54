//! Checks a response against the raw spec: is its status documented for the operation, and does its
//! body validate against that status's JSON schema? Used by the journal, the proxy, `check` and the
//! tests; the schemas are compiled once, when a response is first judged.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, OnceLock};

use jsonschema::Validator;

use super::schema::{compile, drop_one_sided_requirements, openapi_to_json_schema, Side};
use super::walk;
use serde_json::Value;

/// What the spec says a response with a given status looks like.
enum Documented {
    /// The status is documented without content: the body must be empty.
    NoContent,
    /// The status is documented with a JSON schema (of `application/json`, or another JSON media
    /// type such as `application/problem+json`).
    Json(Box<Validator>),
    /// Documented with content this checker cannot judge (no JSON media type, or a schema that does
    /// not compile): any body passes, and [`ResponseValidators::problem`] says why.
    Unjudged(String),
}

/// Why a response does not conform to the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Nonconformance {
    UnknownOperation,
    UndocumentedStatus(u16),
    BodyWhereNoneDocumented,
    NotJson(String),
    SchemaViolation(String),
}

impl fmt::Display for Nonconformance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownOperation => write!(f, "the spec has no such operation"),
            Self::UndocumentedStatus(status) => write!(f, "status {status} is not documented for this operation"),
            Self::BodyWhereNoneDocumented => write!(f, "the spec documents no body for this status"),
            Self::NotJson(e) => write!(f, "the body is not JSON: {e}"),
            Self::SchemaViolation(e) => write!(f, "the body violates the schema: {e}"),
        }
    }
}

/// The documented responses of one operation, by their key in the document (`200`, `2XX`,
/// `default`).
type ByStatus = Vec<(String, Documented)>;

/// Validators for every documented response of every operation, keyed by (method, path template).
/// An operation's validators are compiled when one of its responses is first judged: a document of
/// a thousand operations costs nothing for those nobody calls.
pub struct ResponseValidators {
    /// The document in JSON Schema's dialect (see [`openapi_to_json_schema`]).
    converted: Value,
    operations: HashMap<(String, String), OnceLock<ByStatus>>,
    /// Validators of schemas judged on their own (error shapes), by the schema's address in the
    /// document, which never moves: a document is never changed once loaded.
    schemas: Mutex<HashMap<usize, Option<Arc<Validator>>>>,
}

impl ResponseValidators {
    pub(crate) fn from_document(document: &Value) -> Self {
        let mut converted = document.clone();
        openapi_to_json_schema(&mut converted);
        drop_one_sided_requirements(&mut converted, Side::Response);
        let operations = walk::operations(&converted)
            .map(|(path, method, _)| ((method.to_uppercase(), path.to_string()), OnceLock::new()))
            .collect();
        Self {
            converted,
            operations,
            schemas: Mutex::default(),
        }
    }

    /// A validator for one schema of the document (`schema` must be a value inside the document this
    /// was built from), compiled once; `None` when it does not compile.
    pub(crate) fn validator(&self, schema: &Value) -> Option<Arc<Validator>> {
        let key = schema as *const Value as usize;
        let mut schemas = crate::state::locks::lock(&self.schemas);
        schemas
            .entry(key)
            .or_insert_with(|| {
                let mut converted = schema.clone();
                openapi_to_json_schema(&mut converted);
                drop_one_sided_requirements(&mut converted, Side::Response);
                compile(&converted, &self.converted).ok().map(Arc::new)
            })
            .clone()
    }

    fn compiled(&self, method: &str, path: &str) -> Option<&ByStatus> {
        let cell = self.operations.get(&(method.to_string(), path.to_string()))?;
        Some(cell.get_or_init(|| {
            let operation = &self.converted["paths"][path][method.to_lowercase()];
            let responses = operation["responses"].as_object().into_iter().flatten();
            responses
                .map(|(key, response)| {
                    let response = walk::resolve(&self.converted, response);
                    let documented = match json_schema_of(response) {
                        JsonContent::None => Documented::NoContent,
                        JsonContent::Schema(schema) => match compile(schema, &self.converted) {
                            Ok(validator) => Documented::Json(Box::new(validator)),
                            Err(e) => Documented::Unjudged(e),
                        },
                        JsonContent::Other(media) => Documented::Unjudged(format!("{media} bodies are not judged")),
                    };
                    (key.to_ascii_uppercase(), documented)
                })
                .collect()
        }))
    }

    /// Checks one response. `path` is the spec's path template (without the base path). A status
    /// is found by its own key, then its range (`2XX`), then `default`.
    pub fn check(&self, method: &str, path: &str, status: u16, body: &[u8]) -> Result<(), Nonconformance> {
        let by_status = self.compiled(method, path).ok_or(Nonconformance::UnknownOperation)?;
        let documented = documented_for(by_status, status).ok_or(Nonconformance::UndocumentedStatus(status))?;
        match documented {
            Documented::NoContent if body.is_empty() => Ok(()),
            Documented::NoContent => Err(Nonconformance::BodyWhereNoneDocumented),
            Documented::Unjudged(_) => Ok(()),
            Documented::Json(validator) => {
                let value: Value = serde_json::from_slice(body).map_err(|e| Nonconformance::NotJson(e.to_string()))?;
                check_value(validator, &value)
            }
        }
    }

    /// Checks a JSON value as the body of `status`; a status documented without a JSON schema
    /// accepts any value.
    pub fn check_value(&self, method: &str, path: &str, status: u16, value: &Value) -> Result<(), Nonconformance> {
        let by_status = self.compiled(method, path).ok_or(Nonconformance::UnknownOperation)?;
        match documented_for(by_status, status).ok_or(Nonconformance::UndocumentedStatus(status))? {
            Documented::Json(validator) => check_value(validator, value),
            _ => Ok(()),
        }
    }

    /// Why a documented response of the operation cannot be judged, if one cannot.
    pub fn problem(&self, method: &str, path: &str) -> Option<String> {
        self.compiled(method, path)?
            .iter()
            .find_map(|(key, documented)| match documented {
                Documented::Unjudged(why) if why.starts_with("the schema") => Some(format!("{key}: {why}")),
                _ => None,
            })
    }
}

fn check_value(validator: &Validator, value: &Value) -> Result<(), Nonconformance> {
    if validator.is_valid(value) {
        return Ok(());
    }
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|e| format!("{} at '{}'", e, e.instance_path()))
        .collect();
    Err(Nonconformance::SchemaViolation(errors.join("; ")))
}

fn documented_for(by_status: &ByStatus, status: u16) -> Option<&Documented> {
    let exact = status.to_string();
    let range = format!("{}XX", status / 100);
    [exact.as_str(), range.as_str(), "DEFAULT"]
        .iter()
        .find_map(|key| by_status.iter().find(|(k, _)| k == key).map(|(_, d)| d))
}

/// What a response's content holds, as far as JSON validation goes.
pub(crate) enum JsonContent<'a> {
    None,
    Schema(&'a Value),
    /// Content of a media type that is not JSON (its name).
    Other(String),
}

/// Whether a media type carries JSON: `application/json`, `…+json`, `application/x-ndjson` aside.
pub(crate) fn is_json_media(media: &str) -> bool {
    let essence = media.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json") || essence == "*/*" || essence == "application/*"
}

/// The schema of a response's JSON content: `application/json` first, then another JSON media type.
pub(crate) fn json_schema_of(response: &Value) -> JsonContent<'_> {
    let Some(content) = response["content"].as_object().filter(|c| !c.is_empty()) else {
        return JsonContent::None;
    };
    let json = content
        .get("application/json")
        .or_else(|| content.iter().find(|(m, _)| is_json_media(m)).map(|(_, v)| v));
    match json {
        Some(media) => match media.get("schema") {
            Some(schema) => JsonContent::Schema(schema),
            // A JSON media type without a schema: any JSON.
            None => JsonContent::Other("JSON without a schema".into()),
        },
        None => JsonContent::Other(content.keys().next().cloned().unwrap_or_default()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn validators() -> ResponseValidators {
        ResponseValidators::from_document(&json!({
            "paths": {"/x": {"put": {"responses": {
                "200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/S"}}}},
                "204": {"description": "empty"}
            }}}},
            "components": {"schemas": {"S": {"type": "object", "required": ["a"], "properties": {
                "a": {"type": "string", "nullable": true},
                "t": {"type": "string", "format": "date-time"}
            }}}}
        }))
    }

    #[test]
    fn nullable_properties_accept_null_and_still_check_their_type() {
        let v = validators();
        assert_eq!(v.check("PUT", "/x", 200, br#"{"a": null}"#), Ok(()));
        assert!(matches!(
            v.check("PUT", "/x", 200, br#"{"a": 1}"#),
            Err(Nonconformance::SchemaViolation(_))
        ));
        assert!(matches!(
            v.check("PUT", "/x", 200, br#"{}"#),
            Err(Nonconformance::SchemaViolation(_))
        ));
    }

    #[test]
    fn formats_statuses_and_empty_bodies_are_checked() {
        let v = validators();
        assert!(matches!(
            v.check("PUT", "/x", 200, br#"{"a":"x","t":"yesterday"}"#),
            Err(Nonconformance::SchemaViolation(_))
        ));
        assert_eq!(v.check("PUT", "/x", 204, b""), Ok(()));
        assert_eq!(
            v.check("PUT", "/x", 204, b"{}"),
            Err(Nonconformance::BodyWhereNoneDocumented)
        );
        assert_eq!(
            v.check("PUT", "/x", 404, b""),
            Err(Nonconformance::UndocumentedStatus(404))
        );
        assert_eq!(v.check("GET", "/x", 200, b""), Err(Nonconformance::UnknownOperation));
    }
}
