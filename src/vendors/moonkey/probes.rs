//! MoonKey's probes: every situation of the delete that the evidence describes. The spec documents
//! only the 200, so every error probe answers outside it and names its departure.

use serde_json::{json, Value};

use super::error::{
    self as error, MoonKeyError, JWT_VERIFICATION, SECRET_KEY_401, UNKNOWN_SESSION_404, VALIDATION_400,
};
use super::{DELETE_SESSION, JWT_LIFETIME_SECS};
use crate::exchange::{bearer_token, Bearer, Incoming};
use crate::probe::{json as answer, Catalogue, Match, Needs, Probe, ProbeRequest, Resources, SessionIds};

// The situations, by name: the handler tags its answers with them, for coverage.
pub(super) const DELETE_BY_ID: &str = "delete_by_id";
pub(super) const DELETE_BY_TOKEN: &str = "delete_by_token";
pub(super) const DELETE_BY_JWT: &str = "delete_by_jwt";
pub(super) const DELETE_AGAIN: &str = "delete_again";
pub(super) const UNKNOWN_SESSION: &str = "unknown_session";
pub(super) const NO_AUTHORIZATION: &str = "no_authorization";
pub(super) const MALFORMED_KEY: &str = "malformed_key";
pub(super) const NO_IDENTIFIER: &str = "no_identifier";
pub(super) const TWO_IDENTIFIERS: &str = "two_identifiers";
pub(super) const MALFORMED_JSON: &str = "malformed_json";
pub(super) const INVALID_JWT: &str = "invalid_jwt";
pub(super) const EXPIRED_JWT: &str = "expired_jwt";

const UNAUTHORIZED: &[(&str, Match)] = &[
    ("/error_type", Match::Equals("unauthorized")),
    ("/status_code", Match::Present),
];
const VALIDATION: &[(&str, Match)] = &[
    ("/error_type", Match::Equals("validation_error")),
    ("/error_message", Match::Present),
];
const NOT_FOUND: &[(&str, Match)] = &[
    ("/error_type", Match::Equals("session_not_found")),
    ("/status_code", Match::Present),
];
const DELETED: &[(&str, Match)] = &[("/message", Match::Equals("Successfully deleted session"))];

fn delete(resources: &Resources, body: Value) -> ProbeRequest {
    ProbeRequest::to(&DELETE_SESSION, "")
        .bearer(resources.credential())
        .json(body)
}

fn by_id(resources: &Resources) -> ProbeRequest {
    delete(resources, json!({"session_id": resources.session_id()}))
}

fn session_part(resources: &Resources, part: fn(&SessionIds) -> Option<&String>) -> String {
    resources.session.as_ref().and_then(part).cloned().unwrap_or_default()
}

pub(super) fn catalogue() -> Catalogue {
    let happy = Some(answer(200, DELETED));
    let probes = vec![
        Probe {
            name: DELETE_BY_ID,
            situation: "a live session named by its session_id",
            needs: Needs::Session,
            request: by_id,
            live: answer(200, DELETED),
            spec: happy,
            departure: None,
        },
        Probe {
            name: DELETE_BY_TOKEN,
            situation: "a live session named by its session_token",
            needs: Needs::Session,
            request: |r| delete(r, json!({"session_token": session_part(r, |s| s.token.as_ref())})),
            live: answer(200, DELETED),
            spec: happy,
            departure: None,
        },
        Probe {
            name: DELETE_BY_JWT,
            situation: "a live session named by a session_jwt the service issued",
            needs: Needs::Session,
            request: |r| delete(r, json!({"session_jwt": session_part(r, |s| s.jwt.as_ref())})),
            live: answer(200, DELETED),
            spec: happy,
            departure: None,
        },
        Probe {
            name: DELETE_AGAIN,
            situation: "a session this check already deleted",
            needs: Needs::DeletedSession,
            request: by_id,
            live: answer(404, NOT_FOUND),
            spec: None,
            departure: Some(&UNKNOWN_SESSION_404),
        },
        Probe {
            name: UNKNOWN_SESSION,
            situation: "a session_id no session of the app has",
            needs: Needs::Credential,
            request: |r| delete(r, json!({"session_id": "sess_UnderstudyCheckUnknown000000"})),
            live: answer(404, NOT_FOUND),
            spec: None,
            departure: Some(&UNKNOWN_SESSION_404),
        },
        Probe {
            name: NO_AUTHORIZATION,
            situation: "no Authorization header",
            needs: Needs::Nothing,
            request: |_| ProbeRequest::to(&DELETE_SESSION, "").json(json!({"session_id": "sess_x"})),
            live: answer(401, UNAUTHORIZED),
            spec: None,
            departure: Some(&SECRET_KEY_401),
        },
        Probe {
            name: MALFORMED_KEY,
            situation: "a bearer that is not a secret key",
            needs: Needs::Nothing,
            request: |_| {
                ProbeRequest::to(&DELETE_SESSION, "")
                    .bearer("sk_test_short")
                    .json(json!({"session_id": "sess_x"}))
            },
            live: answer(401, UNAUTHORIZED),
            spec: None,
            departure: Some(&SECRET_KEY_401),
        },
        Probe {
            name: NO_IDENTIFIER,
            situation: "a body that names no session",
            needs: Needs::Credential,
            request: |r| delete(r, json!({})),
            live: answer(400, VALIDATION),
            spec: None,
            departure: Some(&VALIDATION_400),
        },
        Probe {
            name: TWO_IDENTIFIERS,
            situation: "a body that names a session twice",
            needs: Needs::Credential,
            request: |r| delete(r, json!({"session_id": "sess_x", "session_token": "abc"})),
            live: answer(400, VALIDATION),
            spec: None,
            departure: Some(&VALIDATION_400),
        },
        Probe {
            name: MALFORMED_JSON,
            situation: "a body that is not JSON",
            needs: Needs::Credential,
            request: |r| {
                ProbeRequest::to(&DELETE_SESSION, "")
                    .bearer(r.credential())
                    .raw_json("{\"session_id\": ")
            },
            live: answer(400, VALIDATION),
            spec: None,
            departure: Some(&VALIDATION_400),
        },
        Probe {
            name: INVALID_JWT,
            situation: "a session_jwt that is not a JWT the service signed",
            needs: Needs::Credential,
            request: |r| delete(r, json!({"session_jwt": "not.a.jwt"})),
            live: answer(401, &[("/error_type", Match::Equals("invalid_session_jwt"))]),
            spec: None,
            departure: Some(&JWT_VERIFICATION),
        },
        Probe {
            name: EXPIRED_JWT,
            situation: "a session_jwt past its 300-second lifetime",
            needs: Needs::SessionAfter(JWT_LIFETIME_SECS + 1),
            request: |r| delete(r, json!({"session_jwt": session_part(r, |s| s.jwt.as_ref())})),
            live: answer(401, &[("/error_type", Match::Equals("session_jwt_expired"))]),
            spec: None,
            departure: Some(&JWT_VERIFICATION),
        },
    ];
    Catalogue {
        operation: &DELETE_SESSION,
        probes,
        from_control_view: |view| {
            Some(SessionIds {
                id: view["session_id"].as_str()?.to_string(),
                token: view["session_token"].as_str().map(str::to_string),
                jwt: view["session_jwt"].as_str().map(str::to_string),
            })
        },
        public_create: None,
        consume: by_id,
        untagged: &[(DELETE_AGAIN, UNKNOWN_SESSION)],
    }
}

/// The situation a refusal is, as far as the handler can tell. An unknown id and a repeat look
/// alike from here: both count as `unknown_session`.
pub(super) fn situation_of(error: &MoonKeyError, request: &Incoming) -> Option<&'static str> {
    Some(match error {
        MoonKeyError::Unauthorized if bearer_token(&request.headers) == Bearer::Missing => NO_AUTHORIZATION,
        MoonKeyError::Unauthorized => MALFORMED_KEY,
        MoonKeyError::Validation(message) if *message == error::NONE_GIVEN => NO_IDENTIFIER,
        MoonKeyError::Validation(message) if *message == error::MORE_THAN_ONE => TWO_IDENTIFIERS,
        MoonKeyError::Validation(message) if *message == error::MALFORMED_JSON => MALFORMED_JSON,
        MoonKeyError::Validation(_) => return None,
        MoonKeyError::InvalidJwt => INVALID_JWT,
        MoonKeyError::ExpiredJwt => EXPIRED_JWT,
        MoonKeyError::SessionNotFound => UNKNOWN_SESSION,
    })
}
