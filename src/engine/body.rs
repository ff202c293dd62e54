//! The body of one documented response: a named example, then the media type's documented example,
//! then one generated from its schema. Generation is seeded by the API, the operation, the status,
//! the request's path parameters and the user's `--seed`, and draws dates from the start of the
//! namespace's day, so the same request gives the same bytes across restarts. Every body is
//! checked against the document before it leaves: a generated one that fails is generated again
//! with other seeds, and if none passes the first is sent with an `x-understudy-warning`.

use chrono::{DurationRound, TimeDelta};
use http::{HeaderValue, StatusCode};
use serde_json::Value;

use super::{negotiate, status, Answering};
use crate::exchange::{AnsweredBy, Reply};
use crate::spec::generate::{seed_of, Direction, Generator};
use crate::spec::{is_json_media, walk, Nonconformance};

/// How many seeds are tried before a body that does not validate is sent with a warning.
const ATTEMPTS: u64 = 8;

/// The answer with `status`, as the document documents it for the operation; an error status it
/// does not document comes in the document's error shape, any other with no body.
pub(crate) fn respond(answering: &Answering<'_>, status: StatusCode) -> Reply {
    let responses = &answering
        .document
        .operation_object(answering.operation.method, answering.operation.template)["responses"];
    if status::documented(responses, status.as_u16()).is_none()
        && (status.is_client_error() || status.is_server_error())
    {
        let message = status.canonical_reason().unwrap_or("Error");
        return super::error_reply(answering, status, message, &[]);
    }
    let (media, media_object) = match negotiated(answering, status) {
        Err(refusal) => return *refusal,
        Ok(None) => return Reply::empty(status).answered_by(AnsweredBy::Generated),
        Ok(Some(found)) => found,
    };
    if !answering.forcing.dynamic {
        // The example, checked once and then sent from the cache (it never changes).
        let key = answering.cache.key((
            "example",
            answering.operation.id,
            answering.operation.method,
            status.as_u16(),
            media,
        ));
        let example = answering.cache.get_or_make_optional(key, || {
            let example = first_example(answering, media_object)?;
            validates(answering, status, media, &example)
                .is_ok()
                .then(|| encode(status, media, &example).answered_by(AnsweredBy::Example))
        });
        if let Some(reply) = example {
            return reply;
        }
    }
    let Some(schema) = media_object.get("schema") else {
        let why = format!("{media} of {status} has no schema and no example: there is nothing to send");
        return super::errors::problem(StatusCode::NOT_IMPLEMENTED, &why, &[]);
    };
    generated(answering, status, media, schema)
}

/// The media type `status` answers in and its schema (`None` for an answer without a body or a
/// media type without a schema), negotiated with `Accept`; the refusal when nothing fits.
pub(crate) fn media_of(
    answering: &Answering<'_>,
    status: StatusCode,
) -> Result<Option<(&'static str, &'static Value)>, Box<Reply>> {
    Ok(negotiated(answering, status)?.and_then(|(media, object)| object.get("schema").map(|schema| (media, schema))))
}

/// The media type `status` answers in and its media type object, negotiated with `Accept` (`None`
/// for an undocumented status or one without content); the 406 when nothing fits.
fn negotiated(
    answering: &Answering<'_>,
    status: StatusCode,
) -> Result<Option<(&'static str, &'static Value)>, Box<Reply>> {
    let document = answering.document;
    let operation = answering.operation;
    let responses = &document.operation_object(operation.method, operation.template)["responses"];
    let Some((_, response)) = status::documented(responses, status.as_u16()) else {
        return Ok(None);
    };
    let response = walk::resolve(document.json(), response);
    let Some(content) = response["content"].as_object().filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    let media_types: Vec<&str> = content.keys().map(String::as_str).collect();
    let accept = answering.request.header(http::header::ACCEPT);
    let Some(media) = negotiate::choose(&media_types, accept) else {
        let message = format!(
            "none of {} fits Accept: {}",
            media_types.join(", "),
            accept.unwrap_or("")
        );
        return Err(Box::new(super::error_reply(
            answering,
            StatusCode::NOT_ACCEPTABLE,
            &message,
            &[],
        )));
    };
    Ok(content
        .iter()
        .find(|(m, _)| m.as_str() == media)
        .map(|(m, object)| (m.as_str(), walk::resolve(document.json(), object))))
}

/// The documented example of `status` in `media`, if it has one and it validates.
pub(crate) fn valid_example(answering: &Answering<'_>, status: StatusCode, media: &str) -> Option<Value> {
    let key = answering
        .cache
        .key(("valid example", answering.index, status.as_u16(), media));
    answering
        .cache
        .value(key, || find_valid_example(answering, status, media))
}

fn find_valid_example(answering: &Answering<'_>, status: StatusCode, media: &str) -> Option<Value> {
    let document = answering.document;
    let operation = answering.operation;
    let responses = &document.operation_object(operation.method, operation.template)["responses"];
    let (_, response) = status::documented(responses, status.as_u16())?;
    let media_object = walk::resolve(
        document.json(),
        &walk::resolve(document.json(), response)["content"][media],
    );
    let example = first_example(answering, media_object)?;
    validates(answering, status, media, &example).is_ok().then_some(example)
}

/// A body made of state: sent when it validates, else with an `x-understudy-warning` saying why.
pub(crate) fn checked(
    answering: &Answering<'_>,
    status: StatusCode,
    media: &str,
    value: &Value,
) -> Result<Reply, Box<(Reply, String)>> {
    let reply = encode(status, media, value).answered_by(AnsweredBy::State);
    match validates(answering, status, media, value) {
        Ok(()) => Ok(reply),
        Err(why) => Err(Box::new((reply, why))),
    }
}

/// The generator bodies of `answering` are made with.
pub(crate) fn generator<'a>(answering: &'a Answering<'_>) -> Generator<'a> {
    Generator {
        document: answering.document.json(),
        direction: Direction::Response,
        now: start_of_day(answering.now),
        use_schema_examples: !answering.forcing.dynamic,
    }
}

/// The seed of one request's generated body (see [`request_seed`]).
pub(crate) fn seed_for(answering: &Answering<'_>, status: StatusCode) -> u64 {
    request_seed(answering, status)
}

/// A body generated from `schema` for the answer `status` of the operation, the `attempt`th:
/// generated once, then kept (its seed is the operation's, not the request's). Inferred state lays
/// its records over it.
pub(crate) fn generated_base(answering: &Answering<'_>, status: StatusCode, schema: &Value, attempt: u64) -> Value {
    let schema_at = schema as *const Value as usize;
    let key = answering
        .cache
        .key(("generated base", answering.index, status.as_u16(), schema_at, attempt));
    let make = || {
        let seed = seed_of_parts(answering, status, false);
        let value = generator(answering).generate(schema, seed.wrapping_add(attempt));
        Some(mended(answering, schema, &value).unwrap_or(value))
    };
    answering.cache.value(key, make).unwrap_or(Value::Null)
}

/// `value`, which `schema` does not take, with what its validator names removed
/// ([`crate::spec::generate::repair`]); `None` when it is valid already, or cannot be mended.
fn mended(answering: &Answering<'_>, schema: &Value, value: &Value) -> Option<Value> {
    let validator = answering.document.responses().validator(schema)?;
    if validator.is_valid(value) {
        return None;
    }
    crate::spec::generate::repair::repaired(value.clone(), &|value| validator.flaws(value))
}

/// The example named `name` among the operation's responses, with its status.
pub(crate) fn named_example(answering: &Answering<'_>, name: &str) -> Option<Reply> {
    let document = answering.document;
    let operation = answering.operation;
    let responses = document.operation_object(operation.method, operation.template)["responses"].as_object()?;
    responses.iter().find_map(|(key, response)| {
        let status = StatusCode::from_u16(key.parse().ok()?).ok()?;
        let response = walk::resolve(document.json(), response);
        response["content"]
            .as_object()?
            .iter()
            .find_map(|(media, media_object)| {
                let example = walk::resolve(document.json(), &media_object["examples"][name]);
                let value = example.get("value")?;
                Some(encode(status, media, value).answered_by(AnsweredBy::Example))
            })
    })
}

/// The media type's example: its `example`, else the first of its `examples` with a value.
fn first_example(answering: &Answering<'_>, media_object: &Value) -> Option<Value> {
    if let Some(example) = media_object.get("example") {
        return Some(example.clone());
    }
    let examples = media_object["examples"].as_object()?;
    examples
        .values()
        .find_map(|example| walk::resolve(answering.document.json(), example).get("value").cloned())
}

/// Whether `value` validates as the body of `status` in `media`, as the document's response
/// validators judge it (the schema is compiled once, at its first use).
pub(crate) fn validates(
    answering: &Answering<'_>,
    status: StatusCode,
    media: &str,
    value: &Value,
) -> Result<(), String> {
    let operation = answering.operation;
    let verdict = answering.document.responses().check_value_as(
        operation.method,
        operation.template,
        status.as_u16(),
        Some(media),
        value,
    );
    match verdict {
        Ok(()) => Ok(()),
        // Not documented for this status (a forced one): nothing to judge by.
        Err(Nonconformance::UndocumentedStatus(_)) => Ok(()),
        Err(why) => Err(why.to_string()),
    }
}

/// A body generated from `schema`, checked; other seeds are tried if it fails. Made once per
/// request seed, media type, day and forcing, then sent again from the cache.
fn generated(answering: &Answering<'_>, status: StatusCode, media: &str, schema: &Value) -> Reply {
    let key = answering.cache.key((
        "generated",
        answering.operation.id,
        answering.operation.method,
        request_seed(answering, status),
        media,
        start_of_day(answering.now),
        answering.forcing.dynamic,
    ));
    answering
        .cache
        .get_or_make(key, || generate_checked(answering, status, media, schema))
}

fn generate_checked(answering: &Answering<'_>, status: StatusCode, media: &str, schema: &Value) -> Reply {
    let with_examples = Generator {
        document: answering.document.json(),
        direction: Direction::Response,
        now: start_of_day(answering.now),
        use_schema_examples: !answering.forcing.dynamic,
    };
    // Schema-level examples are often wrong (a `{id}` in a `uri-reference`): past the first half
    // of the attempts, generation stops using them.
    let without_examples = Generator {
        use_schema_examples: false,
        ..with_examples
    };
    let base = request_seed(answering, status);
    let mut first: Option<Value> = None;
    for attempt in 0..ATTEMPTS {
        let generator = if attempt < ATTEMPTS / 2 {
            &with_examples
        } else {
            &without_examples
        };
        let value = generator.generate(schema, base.wrapping_add(attempt));
        if validates(answering, status, media, &value).is_ok() {
            return encode(status, media, &value).answered_by(AnsweredBy::Generated);
        }
        first.get_or_insert(value);
    }
    let value = first.unwrap_or(Value::Null);
    // What the document asks may be more than any value gives: what the validator names goes.
    if let Some(mended) = mended(answering, schema, &value) {
        if validates(answering, status, media, &mended).is_ok() {
            return encode(status, media, &mended).answered_by(AnsweredBy::Generated);
        }
    }
    let why = validates(answering, status, media, &value).err().unwrap_or_default();
    let mut reply = encode(status, media, &value).answered_by(AnsweredBy::Generated);
    reply.warning = Some(format!("no generated body validated after {ATTEMPTS} seeds: {why}").into());
    reply
}

/// The seed of one request's generated body.
fn request_seed(answering: &Answering<'_>, status: StatusCode) -> u64 {
    seed_of_parts(answering, status, true)
}

/// The seed of the document, the operation, the status and `--seed`, and with `with_params` the
/// request's path parameters too.
fn seed_of_parts(answering: &Answering<'_>, status: StatusCode, with_params: bool) -> u64 {
    let user_seed = answering.seed.to_le_bytes();
    let status = status.as_u16().to_le_bytes();
    let mut parts: Vec<&[u8]> = vec![
        answering.document.name.as_bytes(),
        answering.operation.id.as_bytes(),
        &status,
        &user_seed,
    ];
    for (name, value) in answering.request.params.iter().filter(|_| with_params) {
        parts.push(name.as_bytes());
        parts.push(value.as_bytes());
    }
    seed_of(&parts)
}

/// Generated dates follow the namespace's clock by whole days, so a body stays the same all day.
fn start_of_day(now: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
    now.duration_trunc(TimeDelta::days(1)).unwrap_or(now)
}

/// A value as the body of `media`: JSON for JSON media types; a string as it is for any other.
fn encode(status: StatusCode, media: &str, value: &Value) -> Reply {
    let json = is_json_media(media) && !media.contains('*');
    if json {
        let reply = Reply::json(status, value);
        return match media {
            "application/json" => reply,
            other => match HeaderValue::from_str(other) {
                Ok(content_type) => reply.with_content_type(content_type),
                Err(_) => reply,
            },
        };
    }
    let text = match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    };
    let content_type = match media {
        "*/*" | "application/*" => HeaderValue::from_static("application/json"),
        m if m.starts_with("text/") && !m.contains("charset") => {
            HeaderValue::from_str(&format!("{m}; charset=utf-8")).unwrap_or(HeaderValue::from_static("text/plain"))
        }
        m => HeaderValue::from_str(m).unwrap_or(HeaderValue::from_static("application/octet-stream")),
    };
    let mut reply = Reply::json(status, &Value::Null);
    reply.body = Some(text.into_bytes().into());
    reply.with_content_type(content_type)
}
