//! Checks a response against the raw spec: is its status documented for the operation, and does its
//! body validate against that status's JSON schema? Used by the journal, the proxy, `check` and the
//! tests; the schemas are compiled once, when a response is first judged.

use std::fmt;
use std::sync::{Arc, OnceLock};

use super::schema::{pointer_segment, CompiledSchemas, SchemaValidator, Side};
use serde_json::Value;

/// What the spec says a response with a given status looks like: no content (the body must be
/// empty), or content of these media types, each with its schema compiled at first use.
struct Documented {
    media: Vec<MediaRule>,
}

/// One documented media type of a response.
struct MediaRule {
    /// Lowercase, as written (`application/json`, `application/problem+json`, `text/csv`).
    media: String,
    /// Where its schema is in the document (a JSON pointer), if it has one.
    schema: Option<String>,
    /// The schema's validator, compiled when a body of this media type is first judged; the error
    /// says why it cannot be (a schema that is not JSON Schema).
    compiled: OnceLock<Result<SchemaValidator, String>>,
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
/// `DEFAULT`, uppercased).
type ByStatus = Vec<(String, Documented)>;

/// Validators for every documented response of every operation, keyed by (method, path template).
/// A response's schema is compiled when a body of that status and media type is first judged: a
/// document of a thousand operations costs nothing for the responses nobody meets.
pub struct ResponseValidators {
    /// The document, shared with its `Document` (never copied whole: each validator turns only the
    /// part it reaches into JSON Schema).
    document: Arc<Value>,
    /// template -> method -> its entry: looked up by the request's `&str`s, allocating nothing.
    operations: super::OperationTable<ByStatus>,
    /// The validators of its response schemas, those of the operations' documented answers and
    /// those judged on their own (error shapes) alike.
    schemas: CompiledSchemas,
}

impl ResponseValidators {
    pub(crate) fn from_document(document: impl Into<Arc<Value>>) -> Self {
        let document: Arc<Value> = document.into();
        let operations = super::operation_table(&document);
        Self {
            schemas: CompiledSchemas::new(Side::Response, document.clone()),
            document,
            operations,
        }
    }

    /// Compiles the validators of every response now rather than at the first judgement.
    pub(crate) fn warm(&self) {
        self.schemas.warm();
    }

    /// A validator for one schema of the document (`schema` must be a value inside the document this
    /// was built from), compiled once; `None` when it does not compile.
    pub(crate) fn validator(&self, schema: &Value) -> Option<SchemaValidator> {
        self.schemas.of(schema).ok()
    }

    /// The operation's documented responses, read (not compiled) at first use.
    fn documented(&self, method: &str, path: &str) -> Option<&ByStatus> {
        let cell = self.operations.get(path)?.get(method)?;
        Some(cell.get_or_init(|| {
            let base = format!("/paths/{}/{}/responses", pointer_segment(path), method.to_lowercase());
            let responses = self.document.pointer(&base).and_then(Value::as_object);
            responses
                .into_iter()
                .flatten()
                .map(|(key, _)| {
                    let response = self.followed(&format!("{base}/{}", pointer_segment(key)));
                    let content = self
                        .document
                        .pointer(&format!("{response}/content"))
                        .and_then(Value::as_object);
                    let media = content
                        .into_iter()
                        .flatten()
                        .map(|(media, _)| {
                            let object = self.followed(&format!("{response}/content/{}", pointer_segment(media)));
                            let schema = format!("{object}/schema");
                            MediaRule {
                                media: media.to_ascii_lowercase(),
                                schema: self.document.pointer(&schema).is_some().then_some(schema),
                                compiled: OnceLock::new(),
                            }
                        })
                        .collect();
                    (key.to_ascii_uppercase(), Documented { media })
                })
                .collect()
        }))
    }

    /// `pointer`, or where the `$ref`s of the objects at it lead ([`super::schema::followed`]).
    fn followed(&self, pointer: &str) -> String {
        super::schema::followed(&self.document, pointer.to_string())
    }

    /// The rule's validator: the operations that answer one component schema (an item's read,
    /// create, update…) or one shared response (an error shape) share it (`CompiledSchemas`
    /// follows a lone `$ref`).
    fn compiled<'r>(&self, rule: &'r MediaRule) -> Option<&'r Result<SchemaValidator, String>> {
        let pointer = rule.schema.as_deref()?;
        Some(rule.compiled.get_or_init(|| {
            let schema = self.document.pointer(pointer).unwrap_or(&Value::Null);
            self.schemas.of(schema)
        }))
    }

    /// Checks one response. `path` is the spec's path template (without the base path). A status
    /// is found by its own key, then its range (`2XX`), then `default`; its body is judged against
    /// its JSON media type's schema (`application/json` first).
    pub fn check(&self, method: &str, path: &str, status: u16, body: &[u8]) -> Result<(), Nonconformance> {
        let by_status = self.documented(method, path).ok_or(Nonconformance::UnknownOperation)?;
        let documented = documented_for(by_status, status).ok_or(Nonconformance::UndocumentedStatus(status))?;
        if documented.media.is_empty() {
            return if body.is_empty() {
                Ok(())
            } else {
                Err(Nonconformance::BodyWhereNoneDocumented)
            };
        }
        let Some(rule) = json_rule(documented, None) else {
            // Content this checker cannot judge (no JSON media type): any body passes.
            return Ok(());
        };
        match self.compiled(rule) {
            Some(Ok(validator)) => {
                let value: Value = serde_json::from_slice(body).map_err(|e| Nonconformance::NotJson(e.to_string()))?;
                check_value(validator, &value)
            }
            // No schema, or one that cannot be compiled: nothing to judge by.
            _ => Ok(()),
        }
    }

    /// Checks a JSON value as the body of `status` in `media` (its JSON media type when `None`); a
    /// status documented without a JSON schema accepts any value.
    pub fn check_value(&self, method: &str, path: &str, status: u16, value: &Value) -> Result<(), Nonconformance> {
        self.check_value_as(method, path, status, None, value)
    }

    /// [`ResponseValidators::check_value`] for one media type of the response.
    pub(crate) fn check_value_as(
        &self,
        method: &str,
        path: &str,
        status: u16,
        media: Option<&str>,
        value: &Value,
    ) -> Result<(), Nonconformance> {
        let by_status = self.documented(method, path).ok_or(Nonconformance::UnknownOperation)?;
        let documented = documented_for(by_status, status).ok_or(Nonconformance::UndocumentedStatus(status))?;
        match json_rule(documented, media).and_then(|rule| self.compiled(rule)) {
            Some(Ok(validator)) => check_value(validator, value),
            _ => Ok(()),
        }
    }

    /// Why a documented response of the operation cannot be judged, if one cannot (compiles every
    /// JSON schema of the operation: for `spec inspect`, not the request path).
    pub fn problem(&self, method: &str, path: &str) -> Option<String> {
        let by_status = self.documented(method, path)?;
        by_status.iter().find_map(|(key, documented)| {
            documented.media.iter().find_map(|rule| match self.compiled(rule) {
                Some(Err(why)) => Some(format!("{key} {}: {why}", rule.media)),
                _ => None,
            })
        })
    }
}

/// The media type a body is judged as: `media` if documented, else `application/json`, else another
/// JSON media type.
fn json_rule<'d>(documented: &'d Documented, media: Option<&str>) -> Option<&'d MediaRule> {
    if let Some(media) = media {
        let media = media.to_ascii_lowercase();
        if let Some(rule) = documented.media.iter().find(|r| r.media == media) {
            return Some(rule);
        }
    }
    documented
        .media
        .iter()
        .find(|r| r.media == "application/json")
        .or_else(|| documented.media.iter().find(|r| is_json_media(&r.media)))
}

fn check_value(validator: &SchemaValidator, value: &Value) -> Result<(), Nonconformance> {
    if validator.is_valid(value) {
        return Ok(());
    }
    Err(Nonconformance::SchemaViolation(validator.errors(value).join("; ")))
}

fn documented_for(by_status: &ByStatus, status: u16) -> Option<&Documented> {
    let exact = status.to_string();
    let range = format!("{}XX", status / 100);
    [exact.as_str(), range.as_str(), "DEFAULT"]
        .iter()
        .find_map(|key| by_status.iter().find(|(k, _)| k == key).map(|(_, d)| d))
}

/// Whether a media type carries JSON: `application/json`, `…+json`, `application/x-ndjson` aside.
pub(crate) fn is_json_media(media: &str) -> bool {
    let essence = media.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json") || essence == "*/*" || essence == "application/*"
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn validators() -> ResponseValidators {
        ResponseValidators::from_document(json!({
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
