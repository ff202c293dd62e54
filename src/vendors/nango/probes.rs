//! Nango's probes, in the service's check order: the content type, every authentication failure
//! (each a 401 with `payload: {}` live, which the spec's `StdError` forbids), the query and body
//! checks, and the delete itself, then what follows it (the repeat, expiry). The query and body
//! refusals come before the delete so that, given one connect session (`--session`), they borrow it
//! live and the delete still uses it up.

use serde_json::json;

use super::error::NangoError;
use super::error::{AUTH_CONNECT_SESSION_TOKEN, CONTENT_TYPE_415, NO_404, PAYLOAD_ON_401};
use super::DELETE_CONNECT_SESSION;
use crate::departures::Departure;
use crate::exchange::{bearer_token, Bearer, Incoming};
use crate::probe::{
    empty, json as answer, Catalogue, Match, Needs, Probe, ProbeRequest, PublicCreate, Resources, SessionIds,
};

const A_TOKEN_NO_SESSION_HAS: &str =
    "nango_connect_session_0000000000000000000000000000000000000000000000000000000000c4ec00";

// The situations, by name: the handler tags its answers with them, for coverage.
pub(super) const DELETE: &str = "delete";
pub(super) const DELETE_AGAIN: &str = "delete_again";
pub(super) const UNKNOWN_TOKEN: &str = "unknown_token";
pub(super) const EXPIRED_TOKEN: &str = "expired_token";
pub(super) const MISSING_AUTHORIZATION: &str = "missing_authorization";
pub(super) const SECRET_KEY: &str = "secret_key";
pub(super) const TEXT_CONTENT_TYPE: &str = "text_content_type";
pub(super) const QUERY_PARAMETER: &str = "query_parameter";
pub(super) const NON_EMPTY_BODY: &str = "non_empty_body";

fn delete(resources: &Resources) -> ProbeRequest {
    ProbeRequest::to(&DELETE_CONNECT_SESSION, "").bearer(resources.session_id())
}

/// An authentication failure: live with `payload`, as the spec documents it without. Each is
/// registered under `nango-401-payload` unless the situation has a departure of its own.
fn unauthorized(
    name: &'static str,
    situation: &'static str,
    needs: Needs,
    request: fn(&Resources) -> ProbeRequest,
    live: &'static [(&'static str, Match)],
    spec: &'static [(&'static str, Match)],
) -> Probe {
    Probe {
        name,
        situation,
        needs,
        request,
        live: answer(401, live),
        spec: Some(answer(401, spec)),
        departure: Some(&PAYLOAD_ON_401),
    }
}

fn registered_as(probe: Probe, departure: &'static Departure) -> Probe {
    Probe {
        departure: Some(departure),
        ..probe
    }
}

pub(super) fn catalogue() -> Catalogue {
    let probes = vec![
        Probe {
            name: TEXT_CONTENT_TYPE,
            situation: "a Content-Type other than JSON, checked before the credential",
            needs: Needs::Nothing,
            request: |_| ProbeRequest::to(&DELETE_CONNECT_SESSION, "").header("content-type", "text/plain"),
            live: answer(415, &[("/error/code", Match::Equals("invalid_content_type"))]),
            spec: None,
            departure: Some(&CONTENT_TYPE_415),
        },
        unauthorized(
            MISSING_AUTHORIZATION,
            "no Authorization header",
            Needs::Nothing,
            |_| ProbeRequest::to(&DELETE_CONNECT_SESSION, ""),
            &[
                ("/error/code", Match::Equals("missing_auth_header")),
                ("/error/payload", Match::Present),
            ],
            &[
                ("/error/code", Match::Equals("missing_auth_header")),
                ("/error/payload", Match::Absent),
            ],
        ),
        // The spec says to send the secret key; the service wants the connect session token.
        registered_as(
            unauthorized(
                SECRET_KEY,
                "the environment's secret key, as the spec says to send",
                Needs::Nothing,
                |_| ProbeRequest::to(&DELETE_CONNECT_SESSION, "").bearer("7c1e5a2f-9d4b-4e8a-b3c6-2f1d8e7a9b05"),
                &[
                    ("/error/code", Match::Equals("invalid_connect_session_token_format")),
                    ("/error/payload", Match::Present),
                ],
                &[
                    ("/error/code", Match::Equals("invalid_connect_session_token_format")),
                    ("/error/payload", Match::Absent),
                ],
            ),
            &AUTH_CONNECT_SESSION_TOKEN,
        ),
        // The spec documents a 404 for an unknown session; no code path of the service answers one.
        registered_as(
            unauthorized(
                UNKNOWN_TOKEN,
                "a well-formed token no session has",
                Needs::Nothing,
                |_| ProbeRequest::to(&DELETE_CONNECT_SESSION, "").bearer(A_TOKEN_NO_SESSION_HAS),
                &[
                    ("/error/code", Match::Equals("unknown_connect_session_token")),
                    ("/error/payload", Match::Present),
                ],
                &[
                    ("/error/code", Match::Equals("unknown_connect_session_token")),
                    ("/error/payload", Match::Absent),
                ],
            ),
            &NO_404,
        ),
        Probe {
            name: QUERY_PARAMETER,
            situation: "a live token with a query parameter the operation does not take",
            needs: Needs::Session,
            request: |r| delete(r).query("foo=1"),
            live: answer(400, &[("/error/code", Match::Equals("invalid_query_params"))]),
            spec: Some(answer(400, &[("/error/code", Match::Present)])),
            departure: None,
        },
        Probe {
            name: NON_EMPTY_BODY,
            situation: "a live token with a JSON body that is not empty",
            needs: Needs::Session,
            request: |r| delete(r).json(json!({"foo": 1})),
            live: answer(400, &[("/error/code", Match::Equals("invalid_body"))]),
            spec: Some(answer(400, &[("/error/code", Match::Present)])),
            departure: None,
        },
        Probe {
            name: DELETE,
            situation: "a live connect session, by its own token",
            needs: Needs::Session,
            request: delete,
            live: empty(204),
            spec: Some(empty(204)),
            departure: None,
        },
        unauthorized(
            DELETE_AGAIN,
            "a token this check already deleted",
            Needs::DeletedSession,
            delete,
            &[
                ("/error/code", Match::Equals("unknown_connect_session_token")),
                ("/error/payload", Match::Present),
            ],
            &[
                ("/error/code", Match::Equals("unknown_connect_session_token")),
                ("/error/payload", Match::Absent),
            ],
        ),
        unauthorized(
            EXPIRED_TOKEN,
            "a token past its 30 minutes",
            Needs::SessionAfter(30 * 60),
            delete,
            &[
                ("/error/code", Match::Equals("unknown_connect_session_token")),
                ("/error/payload", Match::Present),
            ],
            &[
                ("/error/code", Match::Equals("unknown_connect_session_token")),
                ("/error/payload", Match::Absent),
            ],
        ),
    ];
    Catalogue {
        operation: &DELETE_CONNECT_SESSION,
        probes,
        from_control_view: |view| {
            Some(SessionIds {
                id: view["token"].as_str()?.to_string(),
                ..SessionIds::default()
            })
        },
        // `POST /connect/sessions` with the secret key -> 201 {"data": {"token", …}}.
        public_create: Some(PublicCreate {
            request: |r| {
                ProbeRequest {
                    method: "POST",
                    path: "/connect/sessions".into(),
                    headers: Vec::new(),
                    body: None,
                }
                .bearer(r.credential())
                .json(json!({"end_user": {"id": "understudy-check"}}))
            },
            expected_status: 201,
            id_pointer: "/data/token",
        }),
        consume: delete,
        untagged: &[(DELETE_AGAIN, UNKNOWN_TOKEN)],
    }
}

/// The situation a refusal is, as far as the request tells (the store tells expired from unknown).
/// A deleted token looks like an unknown one: both count as `unknown_token`.
pub(super) fn situation_of(error: &NangoError, request: &Incoming) -> Option<&'static str> {
    Some(match error {
        NangoError::InvalidContentType => TEXT_CONTENT_TYPE,
        NangoError::MissingAuthHeader => MISSING_AUTHORIZATION,
        NangoError::InvalidTokenFormat => match bearer_token(&request.headers) {
            Bearer::Token(token) if crate::ids::is_lowercase_uuid(token) => SECRET_KEY,
            _ => return None,
        },
        NangoError::InvalidQuery(_) => QUERY_PARAMETER,
        NangoError::InvalidBody(_) => NON_EMPTY_BODY,
        NangoError::MalformedAuthHeader | NangoError::UnknownToken | NangoError::InvalidSecretKeyFormat => return None,
    })
}
