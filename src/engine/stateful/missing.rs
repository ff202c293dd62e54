//! A 404 (the item is not there) or 409 (it already is), in the document's shape where the
//! operation documents the status. Where it does not, state must still not lie: by default the
//! status is sent anyway, as `application/problem+json` with an `x-understudy-departure` naming
//! the register's entry (Schemathesis' `status_code_conformance` then reports it); with
//! `--undocumented-status lenient`, the lowest documented status is answered instead (and
//! `use_after_free` or `ensure_resource_availability` report the lie).

use http::StatusCode;

use super::State;
use crate::departures::{Departure, UNDOCUMENTED_CONFLICT, UNDOCUMENTED_NOT_FOUND};
use crate::engine::{errors, status};
use crate::exchange::Reply;
use crate::state::records::UndocumentedStatus;

/// The answer for an item that is not there.
pub(super) fn not_found(at: &State<'_>, what: &str) -> Reply {
    refuse(at, StatusCode::NOT_FOUND, what, &UNDOCUMENTED_NOT_FOUND).in_state(at.role.kind.name(), "missing")
}

/// The answer for an item that is there already.
pub(super) fn conflict(at: &State<'_>, what: &str) -> Reply {
    refuse(at, StatusCode::CONFLICT, what, &UNDOCUMENTED_CONFLICT).in_state(at.role.kind.name(), "conflict")
}

fn refuse(at: &State<'_>, status: StatusCode, what: &str, departure: &'static Departure) -> Reply {
    let answering = at.answering;
    let operation = answering.operation;
    let responses = &answering
        .document
        .operation_object(operation.method, operation.template)["responses"];
    let own = status::documented(responses, status.as_u16()).is_some_and(|(key, _)| key != "default");
    if own {
        return crate::engine::error_reply(answering, status, what, &[]);
    }
    match at.state.undocumented {
        UndocumentedStatus::Lenient => {
            crate::engine::body::respond(answering, status::default_for(operation.method, responses))
        }
        UndocumentedStatus::Strict => {
            let mut reply = errors::problem(status, what, &[]);
            reply.departure = Some(departure);
            reply
        }
    }
}
