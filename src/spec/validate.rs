//! Checks a response against the raw spec: is its status documented for the operation, and does its
//! body validate against that status's JSON schema? Used by the journal, the proxy, `check` and the
//! tests; the schemas are compiled once, when a response is first judged.

use std::collections::HashMap;
use std::fmt;

use jsonschema::{Draft, Validator};

use super::walk;
use serde_json::{json, Map, Value};

/// What the spec says a response with a given status looks like.
enum Documented {
    /// The status is documented without content: the body must be empty.
    NoContent,
    /// The status is documented with an `application/json` schema.
    Json(Box<Validator>),
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

/// Validators for every documented response of every operation, keyed by (method, path template).
pub struct ResponseValidators {
    operations: HashMap<(String, String), HashMap<u16, Documented>>,
}

impl ResponseValidators {
    pub(crate) fn from_document(document: &Value) -> Self {
        let mut converted = document.clone();
        openapi_nullable_to_json_schema(&mut converted);
        let components = converted.get("components").cloned().unwrap_or_else(|| json!({}));
        let mut operations = HashMap::new();
        for (path, method, operation) in walk::operations(&converted) {
            let mut by_status = HashMap::new();
            for (status, response) in operation["responses"].as_object().into_iter().flatten() {
                let Ok(status) = status.parse::<u16>() else { continue };
                let response = walk::resolve(&converted, response);
                let documented = match response.pointer("/content/application~1json/schema") {
                    None => Documented::NoContent,
                    Some(schema) => Documented::Json(Box::new(compile(schema, &components))),
                };
                by_status.insert(status, documented);
            }
            operations.insert((method.to_uppercase(), path.to_string()), by_status);
        }
        Self { operations }
    }

    /// Checks one response. `path` is the spec's path template (without the base path).
    pub fn check(&self, method: &str, path: &str, status: u16, body: &[u8]) -> Result<(), Nonconformance> {
        let by_status = self
            .operations
            .get(&(method.to_string(), path.to_string()))
            .ok_or(Nonconformance::UnknownOperation)?;
        match by_status
            .get(&status)
            .ok_or(Nonconformance::UndocumentedStatus(status))?
        {
            Documented::NoContent if body.is_empty() => Ok(()),
            Documented::NoContent => Err(Nonconformance::BodyWhereNoneDocumented),
            Documented::Json(validator) => {
                let value: Value = serde_json::from_slice(body).map_err(|e| Nonconformance::NotJson(e.to_string()))?;
                let errors: Vec<String> = validator
                    .iter_errors(&value)
                    .map(|e| format!("{} at '{}'", e, e.instance_path()))
                    .collect();
                if errors.is_empty() {
                    Ok(())
                } else {
                    Err(Nonconformance::SchemaViolation(errors.join("; ")))
                }
            }
        }
    }
}

/// A validator for one schema of the document; its `$ref`s resolve against the document's components.
pub(super) fn compile(schema: &Value, components: &Value) -> Validator {
    let mut root = Map::new();
    root.insert("allOf".into(), json!([schema]));
    root.insert("components".into(), components.clone());
    jsonschema::options()
        .with_draft(Draft::Draft202012)
        .should_validate_formats(true)
        .build(&Value::Object(root))
        // build.rs already parsed these schemas as OpenAPI: a schema jsonschema cannot compile is a
        // spec that the build should have refused, so failing loudly at start-up is right.
        .unwrap_or_else(|e| panic!("cannot compile a response schema of the spec: {e}"))
}

/// OpenAPI 3.0's `nullable: true` is not JSON Schema: `{type: T, nullable: true}` becomes
/// `{type: [T, "null"]}` so that a valid `null` validates.
pub(super) fn openapi_nullable_to_json_schema(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.get("nullable") == Some(&Value::Bool(true)) {
                map.remove("nullable");
                if let Some(Value::String(t)) = map.get("type").cloned() {
                    map.insert("type".into(), json!([t, "null"]));
                }
                if let Some(Value::Array(values)) = map.get_mut("enum") {
                    values.push(Value::Null);
                }
            }
            map.values_mut().for_each(openapi_nullable_to_json_schema);
        }
        Value::Array(items) => items.iter_mut().for_each(openapi_nullable_to_json_schema),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
