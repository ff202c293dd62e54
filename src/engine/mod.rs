//! The generic engine: answers any operation of any document from the document alone. It refuses a
//! request that breaks the document (in the document's own error shape, with the status the
//! document gives for it), else picks the status, negotiates the media type, and sends a named
//! example, a documented example, or a body generated from the schema, deterministically, each
//! checked against the document before it leaves.
//!
//! # Layout
//! - `status`: which documented response answers (and which answers a refusal).
//! - `negotiate`: which documented media type fits the request's `Accept`.
//! - `body`: the example or generated body of one response, checked before it is sent.
//! - `errors`: error bodies in the document's shape (or `application/problem+json`).
//! - `cache`: answers already made and checked, sent again for the same request.
//! - `stateful`: the state inferred from the document (create, read, list, update, actions,
//!   delete, 404 after), laid over those answers.

mod body;
mod cache;
mod errors;
mod negotiate;
mod stateful;
mod status;

use chrono::{DateTime, Utc};
use http::{Method, StatusCode};

use crate::exchange::{AnsweredBy, Incoming, Reply};
use crate::operation::Operation;
use crate::serve::forcing::Forcing;
use crate::spec::{Document, DocumentedBody, Violation};

pub(crate) use cache::AnswerCache;
pub use stateful::StateFixtures;
pub(crate) use stateful::{id_text, seed_records, typed_id};

/// What the engine needs to answer one request to one operation.
pub struct Answering<'a> {
    pub document: &'static Document,
    pub operation: &'static Operation,
    /// The operation's index in the document's table.
    pub index: usize,
    pub request: &'a Incoming,
    /// The namespace's time.
    pub now: DateTime<Utc>,
    /// The user's `--seed`.
    pub seed: u64,
    pub forcing: &'a Forcing,
    /// The API's answers already made.
    pub cache: &'a AnswerCache,
    /// The API's inferred state, where it has one.
    pub state: Option<&'a crate::state::records::Stateful>,
}

/// The answer to a request no forcing decided: a refusal when the request breaks the document
/// (`violations`), else the operation's default documented response.
pub(crate) fn answer(answering: &Answering<'_>, violations: &[Violation]) -> Reply {
    if !violations.is_empty() {
        let status = status::for_refusal(answering, violations);
        let message = violations
            .iter()
            .map(|v| v.message.as_str())
            .collect::<Vec<_>>()
            .join("; ");
        return error_reply(answering, status, &message, violations);
    }
    if let Some(reply) = answering.state.and_then(|state| stateful::answer(answering, state)) {
        return reply;
    }
    let responses = &answering
        .document
        .operation_object(answering.operation.method, answering.operation.template)["responses"];
    let status = status::default_for(answering.operation.method, responses);
    body::respond(answering, status)
}

/// The forced answer (`Prefer: code=` / `example=` or a scenario), from the document: a named
/// example, or the forced status answered as the document documents it (an error status it does
/// not document in its error shape). `None` when nothing is forced or the example is unknown.
pub(crate) fn forced(answering: &Answering<'_>) -> Option<Reply> {
    if let Some(name) = &answering.forcing.example {
        if let Some(reply) = body::named_example(answering, name) {
            return Some(reply);
        }
    }
    let status = StatusCode::from_u16(answering.forcing.status?).ok()?;
    Some(body::respond(answering, status))
}

/// The forced answer for a compiled vendor, as the vendors have always answered it: a named
/// example, else the status's documented example, else for an error status the vendor's own error
/// shape (`status_error`), else a body from the status's schema, or none.
pub(crate) fn forced_for_vendor(
    answering: &Answering<'_>,
    status_error: impl Fn(StatusCode) -> Reply,
) -> Option<Reply> {
    let (document, operation) = (answering.document, answering.operation);
    if let Some(name) = &answering.forcing.example {
        if let Some((status, body)) = document.named_example(operation.method, operation.template, name) {
            return Some(Reply::json(StatusCode::from_u16(status).ok()?, &body).answered_by(AnsweredBy::Example));
        }
    }
    let status = StatusCode::from_u16(answering.forcing.status?).ok()?;
    let documented = document.documented_body(operation.method, operation.template, status.as_u16());
    Some(match documented {
        DocumentedBody::Example(body) => Reply::json(status, &body).answered_by(AnsweredBy::Example),
        _ if status.is_client_error() || status.is_server_error() => status_error(status),
        DocumentedBody::FromSchema(body) => Reply::json(status, &body).answered_by(AnsweredBy::Generated),
        DocumentedBody::Empty | DocumentedBody::Undocumented => Reply::empty(status).answered_by(AnsweredBy::Generated),
    })
}

/// An error answer for `operation`, in the shape the document gives `status` (or its error shape).
pub(crate) fn error_reply(
    answering: &Answering<'_>,
    status: StatusCode,
    message: &str,
    violations: &[Violation],
) -> Reply {
    let responses = &answering
        .document
        .operation_object(answering.operation.method, answering.operation.template)["responses"];
    let response = status::documented(responses, status.as_u16()).map(|(_, r)| r);
    let path = answering.request.path.as_str();
    let violated: Vec<(&str, &str)> = violations
        .iter()
        .map(|v| (v.location.as_str(), v.message.as_str()))
        .collect();
    let key = answering.cache.key((
        "error",
        answering.operation.id,
        answering.operation.method,
        status.as_u16(),
        message,
        &violated,
        path,
        answering.now.date_naive(),
    ));
    answering.cache.get_or_make(key, || {
        errors::build(
            answering.document,
            response,
            status,
            message,
            violations,
            path,
            answering.now,
        )
    })
}

/// The answer to a request no operation matches: 404 for an unknown path, 405 for a known path
/// with another method, in the document's error shape.
pub(crate) fn unrouted(
    document: &'static Document,
    status: StatusCode,
    method: &Method,
    path: &str,
    now: DateTime<Utc>,
) -> Reply {
    let message = match status {
        StatusCode::METHOD_NOT_ALLOWED => format!("{method} is not an operation of {path}"),
        _ => format!("no operation of this API matches {method} {path}"),
    };
    errors::build(document, None, status, &message, &[], path, now)
}

/// The answer for an operation the document does not let Understudy answer: 501, naming why.
pub(crate) fn not_implemented(why: &str) -> Reply {
    errors::problem(StatusCode::NOT_IMPLEMENTED, why, &[])
}
