//! Error bodies in the document's own shape. The schema is the one the document gives the status
//! (its own key, its range, `default`), else the document's error shape: the schema its error
//! responses use most. A body is generated from it and its conventional fields are filled (a
//! message or detail, a code or type, the status, an errors array listing the violations), as far
//! as the schema allows; it is checked like any body. With no error schema at all, the answer is
//! RFC 9457 `application/problem+json`.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use http::{HeaderValue, StatusCode};
use serde_json::{json, Map, Value};

use crate::exchange::{AnsweredBy, Reply};
use crate::spec::generate::{seed_of, Direction, Generator};
use crate::spec::{is_json_media, walk, Document, Violation};

/// The document's error shape: the response (resolved) whose JSON schema most of its 4xx, 5xx and
/// `default` responses use, if any does.
pub(crate) fn error_shape(document: &Document) -> Option<&Value> {
    document.error_shape.get_or_init(|| find_error_shape(document)).as_ref()
}

fn find_error_shape(document: &Document) -> Option<Value> {
    let mut counts: HashMap<String, (usize, &Value)> = HashMap::new();
    for op in document.table() {
        let responses = document.operation_object(op.method, op.template)["responses"].as_object();
        for (key, response) in responses.into_iter().flatten() {
            let is_error = key.starts_with('4') || key.starts_with('5') || key == "default";
            if !is_error {
                continue;
            }
            let resolved = walk::resolve(document.json(), response);
            if let Some(schema) = json_content(resolved).and_then(|(_, media)| media.get("schema")) {
                let entry = counts.entry(schema.to_string()).or_insert((0, resolved));
                entry.0 += 1;
            }
        }
    }
    counts
        .into_values()
        .max_by_key(|(count, _)| *count)
        .map(|(_, response)| response.clone())
}

/// The JSON media type of a response's content and its media object.
fn json_content(response: &Value) -> Option<(&str, &Value)> {
    let content = response["content"].as_object()?;
    content
        .get_key_value("application/json")
        .or_else(|| content.iter().find(|(m, _)| is_json_media(m)))
        .map(|(m, v)| (m.as_str(), v))
}

/// The error answer with `status`: in `response`'s shape when it has a JSON schema, else in the
/// document's error shape, else `application/problem+json`.
pub(crate) fn build(
    document: &'static Document,
    response: Option<&Value>,
    status: StatusCode,
    message: &str,
    violations: &[Violation],
    path: &str,
    now: DateTime<Utc>,
) -> Reply {
    let own = response
        .map(|r| walk::resolve(document.json(), r))
        .and_then(json_content);
    let (media, schema) = match own.or_else(|| error_shape(document).and_then(json_content)) {
        Some((media, media_object)) => match media_object.get("schema") {
            Some(schema) => (media, schema),
            None => return problem(status, message, violations),
        },
        None => {
            // Documented without a body (a bare `404: description`): answer as documented.
            if own.is_none() && response.is_some_and(|r| walk::resolve(document.json(), r)["content"].is_null()) {
                return Reply::empty(status).answered_by(AnsweredBy::Generated);
            }
            return problem(status, message, violations);
        }
    };
    let generator = Generator {
        document: document.json(),
        direction: Direction::Response,
        now,
        use_schema_examples: true,
    };
    let converted = document.responses().validator(schema);
    let seed = seed_of(&[document.name.as_bytes(), &status.as_u16().to_le_bytes()]);
    // The status's own documented example is the likeliest shape (its codes, its wording): it is
    // the first base to fill; generated bodies come after it.
    let example = own.and_then(|(_, media_object)| {
        media_object.get("example").cloned().or_else(|| {
            media_object["examples"]
                .as_object()?
                .values()
                .find_map(|e| walk::resolve(document.json(), e).get("value").cloned())
        })
    });
    let bases = example
        .into_iter()
        .chain((0..4).map(|attempt| generator.generate(schema, seed.wrapping_add(attempt))));
    let fits = |value: &Value| converted.as_ref().is_none_or(|v| v.is_valid(value));
    for mut body in bases {
        if !fits(&body) {
            continue;
        }
        // Each conventional field is filled only where the body still fits its schema with it (a
        // `code` of 422 where codes start at 10000 stays as generated; the message is still filled).
        let mut fills = Vec::new();
        fill(
            &body,
            schema,
            document,
            &Filling {
                status,
                message,
                violations,
                path,
            },
            &[],
            &mut fills,
        );
        for (place, value) in fills {
            if let Some(previous) = replace_at(&mut body, &place, Some(value)) {
                if !fits(&body) {
                    replace_at(&mut body, &place, previous);
                }
            }
        }
        {
            let mut reply = Reply::json(status, &body).answered_by(AnsweredBy::Generated);
            if media != "application/json" {
                if let Ok(value) = HeaderValue::from_str(media) {
                    reply = reply.with_content_type(value);
                }
            }
            return reply;
        }
    }
    problem(status, message, violations)
}

/// RFC 9457 problem details: `type`, `title`, `status`, `detail`, and the violations as `errors`.
pub(crate) fn problem(status: StatusCode, detail: &str, violations: &[Violation]) -> Reply {
    let mut body = json!({
        "type": "about:blank",
        "title": status.canonical_reason().unwrap_or("Error"),
        "status": status.as_u16(),
        "detail": detail,
    });
    if !violations.is_empty() {
        body["errors"] = Value::Array(
            violations
                .iter()
                .map(|v| json!({"location": v.location, "detail": v.message}))
                .collect(),
        );
    }
    Reply::json(status, &body)
        .with_content_type(HeaderValue::from_static("application/problem+json"))
        .answered_by(AnsweredBy::Generated)
}

/// What an error body says: the status, the message, the violations, and the request's path.
struct Filling<'a> {
    status: StatusCode,
    message: &'a str,
    violations: &'a [Violation],
    path: &'a str,
}

/// Sets (or, with `None`, removes) the value at `place` (object keys from the root), giving back
/// what was there; `None` (and nothing done) where the place's parent is not an object of the value.
fn replace_at(value: &mut Value, place: &[String], new: Option<Value>) -> Option<Option<Value>> {
    let (last, parents) = place.split_last()?;
    let mut current = value;
    for key in parents {
        current = current.get_mut(key.as_str())?;
    }
    let object = current.as_object_mut()?;
    Some(match new {
        Some(new) => object.insert(last.clone(), new),
        None => object.remove(last),
    })
}

/// The conventional fields of an error body, where the schema has them, as (place, value): a
/// message, a code, the status, the violations, the request's path; one level into a nested error
/// object (`{"error": {"code", "message"}}`).
fn fill(
    value: &Value,
    schema: &Value,
    document: &Document,
    filling: &Filling<'_>,
    prefix: &[String],
    out: &mut Vec<(Vec<String>, Value)>,
) {
    let (status, message, violations) = (filling.status, filling.message, filling.violations);
    let depth = prefix.len();
    let schema = merged_properties(document, schema);
    let Value::Object(object) = value else { return };
    let reason = status.canonical_reason().unwrap_or("Error");
    let code = reason.to_ascii_lowercase().replace([' ', '-'], "_");
    for (name, property) in &schema {
        let property = walk::resolve(document.json(), property);
        let key: String = name
            .to_ascii_lowercase()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect();
        if let Some(values) = property["enum"].as_array() {
            // A code from a closed list: the one that names the status, if the list has it.
            let named = values
                .iter()
                .find(|v| v.as_str() == Some(code.as_str()) || v.as_u64() == Some(u64::from(status.as_u16())))
                .or_else(|| {
                    let words = status_words(status);
                    values.iter().find(|v| {
                        v.as_str()
                            .is_some_and(|text| words.iter().any(|w| text.to_ascii_lowercase().contains(w)))
                    })
                });
            if let (Some(named), true) = (
                named,
                ["code", "type", "errortype", "errorcode", "error", "kind", "status"].contains(&key.as_str()),
            ) {
                out.push((place(prefix, name), named.clone()));
            }
            continue;
        }
        if property.get("const").is_some() {
            continue;
        }
        let types = types_of(property);
        let text = types.contains(&"string");
        let number = types.contains(&"integer") || types.contains(&"number");
        let filled = match key.as_str() {
            "message" | "detail" | "details" | "msg" | "errormessage" | "description" | "errordescription" if text => {
                Some(json!(message))
            }
            "title" | "reason" if text => Some(json!(reason)),
            "instance" | "path" if text => Some(json!(filling.path)),
            "code" | "type" | "errortype" | "errorcode" | "error" | "kind" if text => Some(json!(code)),
            "code" | "errorcode" | "status" | "statuscode" | "httpstatus" | "httpstatuscode" if number => {
                Some(json!(status.as_u16()))
            }
            "status" if text => Some(json!(status.as_u16().to_string())),
            "errors" | "violations" | "issues" | "details" | "fielderrors" | "invalidparams"
                if types.contains(&"array") =>
            {
                // No violation to list: an empty list where the schema allows one.
                if violations.is_empty() {
                    property["minItems"].as_u64().unwrap_or(0).eq(&0).then(|| json!([]))
                } else {
                    Some(violation_items(property, document, violations))
                }
            }
            _ => None,
        };
        match filled {
            Some(filled) => out.push((place(prefix, name), filled)),
            None if depth == 0 && types.contains(&"object") => {
                if let Some(nested) = object.get(name) {
                    fill(nested, property, document, filling, &place(prefix, name), out);
                }
            }
            None => {}
        }
    }
}

/// Words an error code for `status` is likely to contain (`validation_failed` for a 422).
fn status_words(status: StatusCode) -> &'static [&'static str] {
    match status.as_u16() {
        400 => &["bad_request", "invalid", "malformed"],
        401 => &["unauthori", "unauthenticated", "auth"],
        403 => &["forbidden", "permission", "denied"],
        404 => &["not_found", "notfound", "missing"],
        405 => &["method", "not_allowed"],
        406 => &["acceptable"],
        409 => &["conflict", "exists", "duplicate"],
        415 => &["media", "content_type"],
        422 => &["valid", "unprocessable", "invalid"],
        429 => &["rate", "too_many", "throttl"],
        500..=599 => &["internal", "server", "unavailable", "error"],
        _ => &[],
    }
}

fn place(prefix: &[String], name: &str) -> Vec<String> {
    let mut place = prefix.to_vec();
    place.push(name.to_string());
    place
}

/// The violations as items of an errors array: objects with the item schema's message and field
/// properties, or plain messages.
fn violation_items(array_schema: &Value, document: &Document, violations: &[Violation]) -> Value {
    let items = walk::resolve(document.json(), &array_schema["items"]);
    let properties = merged_properties(document, items);
    if types_of(items).contains(&"string") || properties.is_empty() {
        return Value::Array(violations.iter().map(|v| json!(v.message)).collect());
    }
    let field_key = ["field", "path", "location", "pointer", "param", "parameter", "name"]
        .into_iter()
        .find(|k| properties.contains_key(*k));
    let message_key = [
        "message",
        "detail",
        "msg",
        "description",
        "reason",
        "issue",
        "problem",
        "error",
    ]
    .into_iter()
    .find(|k| properties.contains_key(*k));
    Value::Array(
        violations
            .iter()
            .map(|v| {
                let mut item = Map::new();
                if let Some(key) = message_key {
                    item.insert(key.into(), json!(v.message));
                }
                if let Some(key) = field_key {
                    item.insert(key.into(), json!(v.location));
                }
                Value::Object(item)
            })
            .collect(),
    )
}

/// A schema's properties, `allOf` members' included.
fn merged_properties(document: &Document, schema: &Value) -> Map<String, Value> {
    let schema = walk::resolve(document.json(), schema);
    let mut properties = schema["properties"].as_object().cloned().unwrap_or_default();
    for member in schema["allOf"].as_array().into_iter().flatten() {
        properties.extend(merged_properties(document, member));
    }
    properties
}

/// The types a schema allows (`type` as a string or an array; none given: all of them).
fn types_of(schema: &Value) -> Vec<&str> {
    match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(types) => types.iter().filter_map(Value::as_str).collect(),
        _ if schema.get("properties").is_some() => vec!["object"],
        _ => vec!["string", "integer", "number", "object", "array", "boolean"],
    }
}
