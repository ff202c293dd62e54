//! Nango's error bodies, as its middleware and zod validation write them, and the operation's
//! departures from the spec.

use http::StatusCode;
use serde_json::{json, Value};

use crate::departures::Departure;
use crate::exchange::{Fidelity, Reply};
use crate::serve::vendor::VendorError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum NangoError {
    InvalidContentType,
    MissingAuthHeader,
    MalformedAuthHeader,
    InvalidTokenFormat,
    /// A secret key (`POST /connect/sessions`) that is not a UUID.
    InvalidSecretKeyFormat,
    UnknownToken,
    InvalidQuery(Vec<String>),
    InvalidBody(Vec<Value>),
}

impl VendorError for NangoError {
    fn reply(self, fidelity: Fidelity) -> Reply {
        let auth = |code: &str, message: &str| {
            let body = match fidelity {
                Fidelity::Live => json!({"error": {"message": message, "code": code, "payload": {}}}),
                Fidelity::Spec => json!({"error": {"message": message, "code": code}}),
            };
            let reply = Reply::json(StatusCode::UNAUTHORIZED, &body);
            match fidelity {
                Fidelity::Live => reply.departing(&PAYLOAD_ON_401),
                Fidelity::Spec => reply,
            }
        };
        match self {
            Self::InvalidContentType => Reply::json(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                &json!({"error": {"code": "invalid_content_type", "message": "Content-Type header must be application/json"}}),
            )
            .departing(&CONTENT_TYPE_415),
            Self::MissingAuthHeader => auth(
                "missing_auth_header",
                "Authentication failed. The request is missing the Authorization header.",
            ),
            Self::MalformedAuthHeader => auth("malformed_auth_header", "Authentication failed. The Authorization header is malformed."),
            Self::InvalidTokenFormat => auth(
                "invalid_connect_session_token_format",
                "Authentication failed. The provided connect session token is not following correct format: nango_connect_session_RANDOM)",
            ),
            Self::InvalidSecretKeyFormat => auth(
                "invalid_secret_key_format",
                "Authentication failed. The provided secret key is not a UUID v4.",
            ),
            Self::UnknownToken => auth(
                "unknown_connect_session_token",
                "Authentication failed. The provided connect session token does not match any account.",
            ),
            Self::InvalidQuery(keys) => Reply::json(
                StatusCode::BAD_REQUEST,
                &json!({"error": {"code": "invalid_query_params", "errors": [unrecognized_keys(&keys)]}}),
            ),
            Self::InvalidBody(errors) => {
                Reply::json(StatusCode::BAD_REQUEST, &json!({"error": {"code": "invalid_body", "errors": errors}}))
            }
        }
    }
}

/// A zod issue: `{code, message, path}`.
pub(super) fn issue(code: &str, message: &str) -> Value {
    json!({"code": code, "message": message, "path": []})
}

/// zod's message: `Unrecognized key: "a"`, or `Unrecognized keys: "a", "b"`.
pub(super) fn unrecognized_keys(keys: &[String]) -> Value {
    let quoted: Vec<String> = keys.iter().map(|k| format!("\"{k}\"")).collect();
    let noun = if keys.len() == 1 { "key" } else { "keys" };
    issue(
        "unrecognized_keys",
        &format!("Unrecognized {noun}: {}", quoted.join(", ")),
    )
}

const OPERATION: &str = "DELETE /connect/session";

/// Every departure of this operation, in the register's order.
pub static DEPARTURES: &[&Departure] = &[&AUTH_CONNECT_SESSION_TOKEN, &PAYLOAD_ON_401, &CONTENT_TYPE_415, &NO_404];

pub static AUTH_CONNECT_SESSION_TOKEN: Departure = Departure {
        id: "nango-auth-connect-session-token",
        operation: OPERATION,
        situation: "every call: which credential authenticates",
        spec_says: "`bearerAuth`: \"The secret key from your Nango environment.\"",
        service_does: "Authenticates with the connect session token (`nango_connect_session_` + 64 lowercase hex) and deletes that session; a secret key (UUID v4) fails the token format check with 401 `invalid_connect_session_token_format`.",
        evidence: "NangoHQ/nango @2f4c0af (2026-08-21): routes.public.ts:397 `publicAPI.route('/connect/session').delete(connectSessionAuth, deleteConnectSession)`; PR #2776; token format helpers/validation.ts:84-85.",
        live: "Connect session token required; secret key -> 401 `invalid_connect_session_token_format`.",
        spec: "The same: no spec-conformant answer accepts a secret key for a call that names no session to delete. The 401 body conforms in spec mode (no `payload`).",
    };

pub static PAYLOAD_ON_401: Departure = Departure {
        id: "nango-401-payload",
        operation: OPERATION,
        situation: "any authentication failure (missing header, `Bearer ` with nothing after it, bad token format, unknown, expired or deleted token)",
        spec_says: "401 `StdError`, which has `additionalProperties: false` at both levels: `{error: {code, message?, errors?}}` only.",
        service_does: "401 `{\"error\":{\"message\",\"code\",\"payload\":{}}}`: the extra `payload` breaks the spec's schema.",
        evidence: "NangoHQ/nango @2f4c0af: connectSessionAuth middleware error responses (missing_auth_header, malformed_auth_header, invalid_connect_session_token_format, unknown_connect_session_token).",
        live: "401 with `payload: {}`, marked with the departure header.",
        spec: "401 without `payload` (validates against `StdError`); no departure header.",
    };

pub static CONTENT_TYPE_415: Departure = Departure {
        id: "nango-415-content-type",
        operation: OPERATION,
        situation: "a `Content-Type` header that is present and not `application/json` (checked before authentication)",
        spec_says: "Documents 204, 400, 401 and 404 only.",
        service_does: "415 `{\"error\":{\"code\":\"invalid_content_type\",\"message\":\"Content-Type header must be application/json\"}}`.",
        evidence: "NangoHQ/nango @2f4c0af: the public API's content-type guard, which runs before route authentication.",
        live: "415 with that body.",
        spec: "As live (the spec documents nothing for this situation); the response carries the departure header.",
    };

pub static NO_404: Departure = Departure {
    id: "nango-404-unreachable",
    operation: OPERATION,
    situation: "the documented 404",
    spec_says: "Documents 404 `StdError`.",
    service_does:
        "No code path answers 404: an unknown, expired or deleted token is a 401 `unknown_connect_session_token`.",
    evidence: "NangoHQ/nango @2f4c0af: deleteConnectSession and connectSessionAuth.",
    live: "Never 404; 401 as above.",
    spec: "The same: the 401 is documented and is what the situation gets.",
};

/// What the siblings infer without evidence (in the register, carried by no answer).
pub static INFERRED: &[&Departure] = &[&SIBLINGS_INFERRED];

pub static SIBLINGS_INFERRED: Departure = Departure {
    id: "nango-connect-siblings-inferred",
    operation: "POST /connect/sessions, GET /connect/session",
    situation: "Nango's fuller document served (`--spec nango=FILE`): the create and the read of a connect session, which share the delete's sessions",
    spec_says: "Create: 201 `{data: {token, connect_link, expires_at}}` with the secret key. Read: 200 `{data: {end_user, organization, allowed_integrations, integrations_config_defaults, isReconnecting}}` with the connect session token. Errors `StdError`.",
    service_does: "Evidenced: the create takes the secret key and answers 201 with a token that lives 30 minutes; the read takes that token; the delete forgets it, after which both the read and the delete answer 401 `unknown_connect_session_token`. Inferred by the mock: any well-formed secret key (a UUID) is accepted (the mock has no accounts), one that is not a UUID is 401 `invalid_secret_key_format`; a body the document refuses is 400 `invalid_body` with one zod-like issue per problem; the read answers the create's body as it was sent, and `{end_user: {id: \"understudy-end-user\"}}` for a session made by the fixtures or the control API; `connect_link` points at Nango's hosted Connect UI.",
    evidence: "NangoHQ/nango @2f4c0af: routes.public.ts (the create behind the secret key, the read and delete behind connectSessionAuth), PR #2776; the token lifetime in the connect session service. The status and codes of the secret key's errors, and the issues' wording, are inferred.",
    live: "As described; auth errors carry `payload: {}` as the delete's do.",
    spec: "As described, auth errors without `payload`.",
};
