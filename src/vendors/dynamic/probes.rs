//! Dynamic's probes: the revoke, its repeat (idempotent, as the SDK's retries expect; no evidence
//! either way), and each credential and path refusal. 401s are documented; 400 and 404 are not.

use super::error::{DynamicError, INVALID_SESSION_ID_400, UNKNOWN_SESSION_404};
use super::REVOKE_SESSION;
use crate::exchange::{bearer_token, Bearer, Incoming};
use crate::probe::{json as answer, Catalogue, Match, Needs, Probe, ProbeRequest, Resources, SessionIds};

// The situations, by name: the handler tags its answers with them, for coverage.
pub(super) const REVOKE: &str = "revoke";
pub(super) const REVOKE_AGAIN: &str = "revoke_again";
pub(super) const UNKNOWN_SESSION: &str = "unknown_session";
pub(super) const NOT_A_UUID: &str = "not_a_uuid";
pub(super) const NO_AUTHORIZATION: &str = "no_authorization";
pub(super) const BASIC_SCHEME: &str = "basic_scheme";
pub(super) const MALFORMED_TOKEN: &str = "malformed_token";

const REVOKED: &[(&str, Match)] = &[("/id", Match::Present), ("/revokedAt", Match::Present)];
const NO_JWT: &[(&str, Match)] = &[("/error", Match::Equals("No jwt provided!"))];
const NOT_FOUND: &[(&str, Match)] = &[
    ("/error", Match::Equals("Not Found")),
    ("/code", Match::Equals("not_found")),
];
const UNKNOWN: &str = "00000000-0000-4000-8000-00000000c4ec";

fn revoke(resources: &Resources) -> ProbeRequest {
    ProbeRequest::to(&REVOKE_SESSION, resources.session_id()).bearer(resources.credential())
}

pub(super) fn catalogue() -> Catalogue {
    let probes = vec![
        Probe {
            name: REVOKE,
            situation: "a live session",
            needs: Needs::Session,
            request: revoke,
            live: answer(200, REVOKED),
            spec: Some(answer(200, REVOKED)),
            departure: None,
        },
        Probe {
            name: REVOKE_AGAIN,
            situation: "a session this check already revoked (idempotent, inferred)",
            needs: Needs::DeletedSession,
            request: revoke,
            live: answer(200, REVOKED),
            spec: Some(answer(200, REVOKED)),
            departure: None,
        },
        Probe {
            name: UNKNOWN_SESSION,
            situation: "a well-formed id no session of the environment has",
            needs: Needs::Credential,
            request: |r| ProbeRequest::to(&REVOKE_SESSION, UNKNOWN).bearer(r.credential()),
            live: answer(404, NOT_FOUND),
            spec: None,
            departure: Some(&UNKNOWN_SESSION_404),
        },
        Probe {
            name: NOT_A_UUID,
            situation: "a sessionId that is not a lowercase UUID",
            needs: Needs::Credential,
            request: |r| ProbeRequest::to(&REVOKE_SESSION, "not-a-uuid").bearer(r.credential()),
            live: answer(400, &[("/error", Match::Present)]),
            spec: None,
            departure: Some(&INVALID_SESSION_ID_400),
        },
        Probe {
            name: NO_AUTHORIZATION,
            situation: "no Authorization header",
            needs: Needs::Nothing,
            request: |_| ProbeRequest::to(&REVOKE_SESSION, UNKNOWN),
            live: answer(401, NO_JWT),
            spec: Some(answer(401, &[("/error", Match::Present)])),
            departure: None,
        },
        Probe {
            name: BASIC_SCHEME,
            situation: "a credential under another scheme than Bearer",
            needs: Needs::Nothing,
            request: |_| ProbeRequest::to(&REVOKE_SESSION, UNKNOWN).header("authorization", "Basic dXNlcjpwYXNz"),
            live: answer(401, NO_JWT),
            spec: Some(answer(401, &[("/error", Match::Present)])),
            departure: None,
        },
        Probe {
            name: MALFORMED_TOKEN,
            situation: "a bearer that is not an environment token",
            needs: Needs::Nothing,
            request: |_| ProbeRequest::to(&REVOKE_SESSION, UNKNOWN).bearer("dyn_short"),
            live: answer(401, &[("/error", Match::Present)]),
            spec: Some(answer(401, &[("/error", Match::Present)])),
            departure: None,
        },
    ];
    Catalogue {
        operation: &REVOKE_SESSION,
        probes,
        from_control_view: |view| {
            Some(SessionIds {
                id: view["id"].as_str()?.to_string(),
                ..SessionIds::default()
            })
        },
        public_create: None,
        consume: revoke,
        untagged: &[],
    }
}

/// The situation a refusal is, as far as the handler can tell.
pub(super) fn situation_of(error: DynamicError, request: &Incoming) -> Option<&'static str> {
    Some(match error {
        DynamicError::NoJwt if bearer_token(&request.headers) == Bearer::Missing => NO_AUTHORIZATION,
        DynamicError::NoJwt => BASIC_SCHEME,
        DynamicError::InvalidToken => MALFORMED_TOKEN,
        DynamicError::InvalidSessionId => NOT_A_UUID,
        DynamicError::NotFound => UNKNOWN_SESSION,
        DynamicError::Forbidden => return None,
    })
}
