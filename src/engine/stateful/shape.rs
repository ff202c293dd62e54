//! Records laid over documented answers. The answer is the operation's documented example (if it
//! validates) or a body generated from its schema; the record's fields are laid over it where the
//! answer keeps its item (inside a `data`-like wrapper, or each element of a list), named fields
//! only, `writeOnly` ones never. What comes out is checked against the document: bases from
//! other seeds, then the `oneOf` branches one by one, are tried until one validates; if none does,
//! the record's fields are laid one by one, each kept only if the answer still validates (a record
//! made through another operation may hold fields this answer does not allow); only if no base
//! validates at all is the first sent with an `x-understudy-warning`, as generated bodies are.

use http::StatusCode;
use serde_json::Value;

use super::super::{body, Answering};
use crate::exchange::{AnsweredBy, Reply};
use crate::spec::resources::{list_field, properties, unwrap};
use crate::spec::walk;

/// How many bases are tried.
const ATTEMPTS: u64 = 6;

/// The answer `status` with `record` laid over its item.
pub(super) fn item(answering: &Answering<'_>, status: StatusCode, record: &Value) -> Reply {
    let (media, schema) = match body::media_of(answering, status) {
        Err(refusal) => return *refusal,
        Ok(None) => return Reply::empty(status).answered_by(AnsweredBy::State),
        Ok(Some(found)) => found,
    };
    let document = answering.document.json();
    let (inner, wrapper) = unwrap(document, schema);
    let lay = |mut base: Value, record: &Value| {
        match wrapper {
            Some(field) => {
                if !base.is_object() {
                    base = Value::Object(Default::default());
                }
                lay_over(document, inner, &mut base[field], record);
            }
            None => lay_over(document, inner, &mut base, record),
        }
        base
    };
    let mut bases: Vec<Box<dyn Fn() -> Value + '_>> = Vec::new();
    if let Some(example) = body::valid_example(answering, status, media) {
        bases.push(Box::new(move || example.clone()));
    }
    for attempt in 0..ATTEMPTS {
        bases.push(Box::new(move || {
            body::generated_base(answering, status, schema, attempt)
        }));
    }
    // A `oneOf` item: each branch, generated alone, with the record over it.
    let branches: Vec<&Value> = ["oneOf", "anyOf"]
        .iter()
        .flat_map(|key| walk::resolve(document, inner)[*key].as_array().into_iter().flatten())
        .collect();
    for branch in branches {
        bases.push(Box::new(move || {
            let item = body::generated_base(answering, status, branch, 0);
            match wrapper {
                Some(field) => {
                    let mut outer = body::generated_base(answering, status, schema, 0);
                    if !outer.is_object() {
                        outer = Value::Object(Default::default());
                    }
                    outer[field] = item;
                    outer
                }
                None => item,
            }
        }));
    }
    let failed = match first_valid(answering, status, media, bases.iter().map(|base| lay(base(), record))) {
        Ok(reply) => return reply,
        Err(failed) => failed,
    };
    // No base takes the whole record (a field of another shape than this answer's, one it does not
    // allow): its fields that fit, laid one by one over the first base that fits alone.
    let fits = |value: &Value| body::validates(answering, status, media, value).is_ok();
    let fitting = bases
        .iter()
        .map(|base| base())
        .find(|base| fits(base))
        .map(|base| lay_fitting(base, record, &|base, field| lay(base, field), &fits));
    match fitting.map(|laid| body::checked(answering, status, media, &laid)) {
        Some(Ok(reply)) => reply,
        _ => warned(status, failed),
    }
}

/// `base` with each field of `record` laid over it (by `lay`) that leaves it fitting.
fn lay_fitting(
    base: Value,
    record: &Value,
    lay: &dyn Fn(Value, &Value) -> Value,
    fits: &dyn Fn(&Value) -> bool,
) -> Value {
    let Value::Object(fields) = record else { return base };
    fields.iter().fold(base, |laid, (name, value)| {
        let field = Value::Object(serde_json::Map::from_iter([(name.clone(), value.clone())]));
        let trial = lay(laid.clone(), &field);
        match fits(&trial) {
            true => trial,
            false => laid,
        }
    })
}

/// The list answer `status` with one element per record, and `total`-like fields counting all.
pub(super) fn list(
    answering: &Answering<'_>,
    status: StatusCode,
    resource: &str,
    records: &[Value],
    total: usize,
    next: Option<String>,
) -> Option<Reply> {
    let (media, schema) = match body::media_of(answering, status) {
        Err(refusal) => return Some(*refusal),
        Ok(None) => return None,
        Ok(Some(found)) => found,
    };
    let document = answering.document.json();
    let field = list_field(document, schema, resource)?;
    let items_schema = match field {
        None => &walk::resolve(document, schema)["items"],
        Some(name) => {
            let property = properties(document, schema)
                .into_iter()
                .find(|(n, _)| *n == name)
                .map(|(_, s)| s)?;
            &walk::resolve(document, property)["items"]
        }
    };
    // One element a record, each over the `attempt`th base; with `fits`, a record that does not
    // fit the element whole gives it the fields that fit, one by one.
    let elements = |attempt: u64, fits: Option<&dyn Fn(&Value) -> bool>| -> Vec<Value> {
        let element = body::generated_base(answering, status, items_schema, attempt);
        let lay = |mut base: Value, record: &Value| {
            lay_over(document, items_schema, &mut base, record);
            base
        };
        records
            .iter()
            .map(|record| {
                let laid = lay(element.clone(), record);
                match fits {
                    Some(fits) if !fits(&laid) && fits(&element) => lay_fitting(element.clone(), record, &lay, fits),
                    _ => laid,
                }
            })
            .collect()
    };
    let answer = |attempt: u64, elements: Vec<Value>| match field {
        None => Value::Array(elements),
        Some(name) => {
            let mut outer = match body::valid_example(answering, status, media) {
                Some(example) if attempt == 0 => example,
                _ => body::generated_base(answering, status, schema, attempt),
            };
            if !outer.is_object() {
                outer = Value::Object(Default::default());
            }
            outer[name] = Value::Array(elements);
            page_fields(document, schema, &mut outer, total, next.as_deref());
            outer
        }
    };
    let whole = (0..ATTEMPTS).map(|attempt| answer(attempt, elements(attempt, None)));
    let failed = match first_valid(answering, status, media, whole) {
        Ok(reply) => return Some(reply),
        Err(failed) => failed,
    };
    // No base takes every record whole (records of another shape than this list's elements).
    let validator = answering.document.responses().validator(items_schema);
    let fits = |element: &Value| validator.as_ref().is_none_or(|v| v.is_valid(element));
    let fitting = (0..ATTEMPTS).map(|attempt| answer(attempt, elements(attempt, Some(&fits))));
    Some(first_valid(answering, status, media, fitting).unwrap_or_else(|_| warned(status, failed)))
}

/// Sets the fields of a list answer that count or page it, where the answer names them.
fn page_fields(document: &Value, schema: &Value, outer: &mut Value, total: usize, next: Option<&str>) {
    let required: Vec<&str> = walk::resolve(document, schema)["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    for (name, property) in properties(document, schema) {
        let resolved = walk::resolve(document, property);
        let kind = &resolved["type"];
        let normalised = crate::spec::resources::normalise(name);
        let is_integer = kind == "integer" || kind.as_array().is_some_and(|k| k.contains(&Value::from("integer")));
        if is_integer
            && matches!(
                normalised.as_str(),
                "total" | "totalcount" | "count" | "totalitems" | "totalresults"
            )
        {
            outer[name] = Value::from(total);
        }
        if matches!(
            normalised.as_str(),
            "nextcursor" | "cursor" | "next" | "nextpagetoken" | "nextpage"
        ) {
            let nullable = kind == "null"
                || kind.as_array().is_some_and(|k| k.contains(&Value::from("null")))
                || resolved["nullable"] == Value::Bool(true);
            match next {
                Some(cursor) => outer[name] = Value::from(cursor),
                None if nullable => outer[name] = Value::Null,
                // Required and never null: the generated value stays (it pages nowhere here).
                None if required.contains(&name) => {}
                None => {
                    if let Some(fields) = outer.as_object_mut() {
                        fields.remove(name);
                    }
                }
            }
        }
    }
}

/// The first of `candidates` that validates; else the first, with why it does not.
fn first_valid(
    answering: &Answering<'_>,
    status: StatusCode,
    media: &str,
    candidates: impl Iterator<Item = Value>,
) -> Result<Reply, Option<Box<(Reply, String)>>> {
    let mut first: Option<Box<(Reply, String)>> = None;
    for candidate in candidates {
        match body::checked(answering, status, media, &candidate) {
            Ok(reply) => return Ok(reply),
            Err(failed) => {
                first.get_or_insert(failed);
            }
        }
    }
    Err(first)
}

/// The first candidate that did not validate, sent with an `x-understudy-warning` saying why.
fn warned(status: StatusCode, failed: Option<Box<(Reply, String)>>) -> Reply {
    match failed.map(|failed| *failed) {
        Some((mut reply, why)) => {
            reply.warning = Some(format!("the stored record did not fit the documented answer: {why}").into());
            reply
        }
        None => Reply::empty(status).answered_by(AnsweredBy::State),
    }
}

/// Lays the fields of `record` over `base`, which `schema` describes: the fields `schema` names
/// (all of them when it names none), never a `writeOnly` one.
pub(super) fn lay_over(document: &Value, schema: &Value, base: &mut Value, record: &Value) {
    let Value::Object(fields) = record else {
        *base = record.clone();
        return;
    };
    if !base.is_object() {
        *base = Value::Object(Default::default());
    }
    let named = properties(document, schema);
    for (name, value) in fields {
        let allowed = match named.iter().find(|(n, _)| *n == name) {
            Some((_, property)) => walk::resolve(document, property)["writeOnly"] != Value::Bool(true),
            None => named.is_empty(),
        };
        if allowed {
            base[name] = value.clone();
        }
    }
}
