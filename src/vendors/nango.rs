//! Nango: `DELETE /connect/session`, specs/nango.yaml.
//!
//! The spec says the secret key authenticates; the service authenticates with the *connect session
//! token* itself (`nango_connect_session_` + 64 lowercase hex) and deletes that session. The checks
//! run in the service's order: 415 (a non-JSON Content-Type) -> 401 -> 400 query -> 400 body -> 204.
//! Departures: the secret key is refused (401), auth errors carry `payload: {}` (which the spec's
//! `StdError` forbids), and 415 is not documented. See [`DEPARTURES`].

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};
use dropshot::{Body, HttpError, RawRequest, RequestContext};
use http::{HeaderValue, Response, StatusCode};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::departures::Departure;
use crate::exchange::{Fidelity, Incoming, Reply, RequestBody};
use crate::server::{preflight, Api, Operation, Vendor, VendorContext};

pub struct Nango;

pub const TOKEN_PREFIX: &str = "nango_connect_session_";
/// Connect session tokens expire 30 minutes after creation.
pub const TOKEN_LIFETIME: TimeDelta = TimeDelta::minutes(30);
/// The default data's connect session token.
pub const DEFAULT_TOKEN: &str =
    "nango_connect_session_c50a750639144dd2fb90d8ce0faff912861618da3d5d7a629ead28eb33c3a082";
/// A secret key in Nango's format (UUID v4): the credential the spec names, which the service refuses here.
pub const EXAMPLE_SECRET_KEY: &str = "7c1e5a2f-9d4b-4e8a-b3c6-2f1d8e7a9b05";

/// The operation has no operationId in the spec; build.rs and [`crate::server::route`] derive this one.
pub const DELETE_CONNECT_SESSION: Operation = Operation {
    id: "delete_connect_session",
    method: "DELETE",
    template: "/connect/session",
};

#[derive(Debug, Clone)]
pub struct ConnectSession {
    pub created_at: DateTime<Utc>,
    /// `None` for sessions that live for as long as the server runs (the default data's).
    pub expires_at: Option<DateTime<Utc>>,
}

impl ConnectSession {
    fn is_live(&self, now: DateTime<Utc>) -> bool {
        self.expires_at.is_none_or(|at| now < at)
    }
}

/// Connect sessions by token. The token is the credential: one tenant per namespace.
#[derive(Debug, Default)]
pub struct ConnectSessions {
    pub by_token: HashMap<String, ConnectSession>,
}

/// Nango's section of a fixtures file: its sessions.
pub type Fixture = crate::fixtures::SessionsOnly<SessionSpec>;

/// A connect session to create (as `POST /connect/sessions` would, with the secret key).
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionSpec {
    /// `nango_connect_session_` + 64 lowercase hex digits; generated when left out.
    #[serde(default)]
    pub token: Option<String>,
    /// Live for as long as the server runs instead of Nango's 30 minutes.
    #[serde(default)]
    pub never_expires: bool,
}

/// A connect session as the control API shows it (the shape of Nango's create response data).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SessionView {
    pub token: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
}

impl Vendor for Nango {
    const NAME: &'static str = "nango";
    const DEFAULT_PORT: u16 = 4013;
    const DEFAULT_CREDENTIAL: &'static str = "";
    type State = ConnectSessions;
    type Fixture = Fixture;
    type SessionSpec = SessionSpec;
    type SessionView = SessionView;

    fn register(api: &mut Api<Self>) -> Result<(), String> {
        crate::register_operation!(
            api,
            Nango,
            &DELETE_CONNECT_SESSION,
            delete_connect_session,
            preflight::<Nango>
        )
    }

    fn fixture_sessions(fixture: &Fixture) -> &[SessionSpec] {
        &fixture.sessions
    }

    fn create_session(
        state: &mut ConnectSessions,
        spec: SessionSpec,
        now: DateTime<Utc>,
    ) -> Result<SessionView, String> {
        let token = spec
            .token
            .unwrap_or_else(|| format!("{TOKEN_PREFIX}{}", crate::ids::lower_hex(64)));
        if !is_well_formed(&token) {
            return Err(format!(
                "token must be `{TOKEN_PREFIX}` followed by 64 lowercase hex digits, not {token:?}"
            ));
        }
        if state.by_token.contains_key(&token) {
            return Err("token already exists".into());
        }
        let session = ConnectSession {
            created_at: now,
            expires_at: (!spec.never_expires).then(|| now + TOKEN_LIFETIME),
        };
        let view = view(&token, &session);
        state.by_token.insert(token, session);
        Ok(view)
    }

    fn sessions(state: &ConnectSessions, now: DateTime<Utc>) -> Vec<SessionView> {
        let mut sessions: Vec<SessionView> = state
            .by_token
            .iter()
            .filter(|(_, s)| s.is_live(now))
            .map(|(t, s)| view(t, s))
            .collect();
        sessions.sort_by(|a, b| a.token.cmp(&b.token));
        sessions
    }

    fn session(state: &ConnectSessions, token: &str, now: DateTime<Utc>) -> Option<SessionView> {
        state
            .by_token
            .get(token)
            .filter(|s| s.is_live(now))
            .map(|s| view(token, s))
    }

    fn delete_session(state: &mut ConnectSessions, token: &str) -> bool {
        state.by_token.remove(token).is_some()
    }

    fn forced_error(status: StatusCode, fidelity: Fidelity) -> Reply {
        match status {
            StatusCode::UNAUTHORIZED => NangoError::UnknownToken.reply(fidelity),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => NangoError::InvalidContentType.reply(fidelity),
            StatusCode::TOO_MANY_REQUESTS => Reply::json(
                status,
                &json!({"error": {"code": "too_many_request", "method": DELETE_CONNECT_SESSION.method, "path": DELETE_CONNECT_SESSION.template}}),
            )
            .with_header(http::header::RETRY_AFTER, HeaderValue::from_static("1")),
            _ => {
                let reason = status.canonical_reason().unwrap_or("Error");
                let code = reason.to_ascii_lowercase().replace([' ', '-'], "_");
                Reply::json(status, &json!({"error": {"code": code, "message": reason}}))
            }
        }
    }

    fn defaults(fixture: &Fixture) -> Vec<(&'static str, String)> {
        let tokens = fixture.sessions.iter().filter_map(|s| s.token.clone());
        tokens
            .map(|t| ("connect session token (the credential of this call)", t))
            .collect()
    }

    fn departures() -> &'static [Departure] {
        DEPARTURES
    }
}

fn view(token: &str, session: &ConnectSession) -> SessionView {
    SessionView {
        token: token.to_string(),
        created_at: session.created_at,
        expires_at: session.expires_at,
    }
}

fn is_well_formed(token: &str) -> bool {
    token
        .strip_prefix(TOKEN_PREFIX)
        .is_some_and(|hex| hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
}

async fn delete_connect_session(
    rqctx: RequestContext<Arc<VendorContext<Nango>>>,
    raw: RawRequest,
) -> Result<Response<Body>, HttpError> {
    rqctx
        .context()
        .serve(&DELETE_CONNECT_SESSION, raw, |context, request| {
            delete(context, request).unwrap_or_else(|e| e.reply(context.fidelity()))
        })
        .await
}

fn delete(context: &VendorContext<Nango>, request: &Incoming) -> Result<Reply, NangoError> {
    if request.media_type().is_some_and(|media| media != "application/json") {
        return Err(NangoError::InvalidContentType);
    }
    let token = connect_session_token(request)?;
    let namespace = request.namespace();
    let now = context.now(namespace);
    // The token is checked first; the session is deleted only once the query and body pass too.
    let known = context.store.with(namespace, "", now, |state| {
        state.by_token.get(token).is_some_and(|s| s.is_live(now))
    });
    if !known {
        return Err(NangoError::UnknownToken);
    }
    check_query(request.query.as_deref())?;
    check_body(&request.body)?;
    context
        .store
        .with(namespace, "", now, |state| state.by_token.remove(token));
    Ok(Reply::empty(StatusCode::NO_CONTENT))
}

/// The token as the service reads it: `header.split('Bearer ').pop()`, then a format check.
fn connect_session_token(request: &Incoming) -> Result<&str, NangoError> {
    let header = request
        .headers
        .get(http::header::AUTHORIZATION)
        .ok_or(NangoError::MissingAuthHeader)?;
    let header = header.to_str().map_err(|_| NangoError::InvalidTokenFormat)?;
    let token = header.rsplit("Bearer ").next().unwrap_or("");
    if token.is_empty() {
        return Err(NangoError::MalformedAuthHeader);
    }
    let well_formed = is_well_formed(token);
    if well_formed {
        Ok(token)
    } else {
        Err(NangoError::InvalidTokenFormat)
    }
}

/// The operation takes no query parameter: any key is unrecognised (zod strict object).
fn check_query(query: Option<&str>) -> Result<(), NangoError> {
    let keys: Vec<String> = query
        .unwrap_or("")
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| pair.split_once('=').map_or(pair, |(key, _)| key).to_string())
        .collect();
    if keys.is_empty() {
        Ok(())
    } else {
        Err(NangoError::InvalidQuery(keys))
    }
}

/// The operation takes no body: empty and `{}` pass, anything else is an invalid body.
fn check_body(body: &RequestBody) -> Result<(), NangoError> {
    let bytes = match body {
        RequestBody::Bytes(bytes) if bytes.iter().all(u8::is_ascii_whitespace) => return Ok(()),
        RequestBody::Bytes(bytes) => bytes,
        RequestBody::TooLarge | RequestBody::Unreadable => {
            return Err(NangoError::InvalidBody(vec![issue(
                "invalid_type",
                "Invalid input: request body is too large or unreadable",
            )]))
        }
    };
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(fields)) if fields.is_empty() => Ok(()),
        Ok(Value::Object(fields)) => {
            let keys: Vec<String> = fields.keys().cloned().collect();
            Err(NangoError::InvalidBody(vec![unrecognized_keys(&keys)]))
        }
        Ok(other) => Err(NangoError::InvalidBody(vec![issue(
            "invalid_type",
            &format!("Invalid input: expected object, received {}", json_type(&other)),
        )])),
        Err(_) => Err(NangoError::InvalidBody(vec![issue(
            "invalid_type",
            "Invalid input: the body is not valid JSON",
        )])),
    }
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn issue(code: &str, message: &str) -> Value {
    json!({"code": code, "message": message, "path": []})
}

/// zod's message: `Unrecognized key: "a"`, or `Unrecognized keys: "a", "b"`.
fn unrecognized_keys(keys: &[String]) -> Value {
    let quoted: Vec<String> = keys.iter().map(|k| format!("\"{k}\"")).collect();
    let noun = if keys.len() == 1 { "key" } else { "keys" };
    issue(
        "unrecognized_keys",
        &format!("Unrecognized {noun}: {}", quoted.join(", ")),
    )
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum NangoError {
    InvalidContentType,
    MissingAuthHeader,
    MalformedAuthHeader,
    InvalidTokenFormat,
    UnknownToken,
    InvalidQuery(Vec<String>),
    InvalidBody(Vec<Value>),
}

impl NangoError {
    fn reply(self, fidelity: Fidelity) -> Reply {
        let auth = |code: &str, message: &str| {
            let body = match fidelity {
                Fidelity::Live => json!({"error": {"message": message, "code": code, "payload": {}}}),
                Fidelity::Spec => json!({"error": {"message": message, "code": code}}),
            };
            let reply = Reply::json(StatusCode::UNAUTHORIZED, &body);
            match fidelity {
                Fidelity::Live => reply.departing("nango-401-payload"),
                Fidelity::Spec => reply,
            }
        };
        match self {
            Self::InvalidContentType => Reply::json(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                &json!({"error": {"code": "invalid_content_type", "message": "Content-Type header must be application/json"}}),
            )
            .departing("nango-415-content-type"),
            Self::MissingAuthHeader => auth(
                "missing_auth_header",
                "Authentication failed. The request is missing the Authorization header.",
            ),
            Self::MalformedAuthHeader => auth("malformed_auth_header", "Authentication failed. The Authorization header is malformed."),
            Self::InvalidTokenFormat => auth(
                "invalid_connect_session_token_format",
                "Authentication failed. The provided connect session token is not following correct format: nango_connect_session_RANDOM)",
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

const OPERATION: &str = "DELETE /connect/session";

pub static DEPARTURES: &[Departure] = &[
    Departure {
        id: "nango-auth-connect-session-token",
        vendor: "nango",
        operation: OPERATION,
        situation: "every call: which credential authenticates",
        spec_says: "`bearerAuth`: \"The secret key from your Nango environment.\"",
        service_does: "Authenticates with the connect session token (`nango_connect_session_` + 64 lowercase hex) and deletes that session; a secret key (UUID v4) fails the token format check with 401 `invalid_connect_session_token_format`.",
        evidence: "NangoHQ/nango @2f4c0af (2026-08-21): routes.public.ts:397 `publicAPI.route('/connect/session').delete(connectSessionAuth, deleteConnectSession)`; PR #2776; token format helpers/validation.ts:84-85.",
        live: "Connect session token required; secret key -> 401 `invalid_connect_session_token_format`.",
        spec: "The same: no spec-conformant answer accepts a secret key for a call that names no session to delete. The 401 body conforms in spec mode (no `payload`).",
    },
    Departure {
        id: "nango-401-payload",
        vendor: "nango",
        operation: OPERATION,
        situation: "any authentication failure (missing header, `Bearer ` with nothing after it, bad token format, unknown, expired or deleted token)",
        spec_says: "401 `StdError`, which has `additionalProperties: false` at both levels: `{error: {code, message?, errors?}}` only.",
        service_does: "401 `{\"error\":{\"message\",\"code\",\"payload\":{}}}`: the extra `payload` breaks the spec's schema.",
        evidence: "NangoHQ/nango @2f4c0af: connectSessionAuth middleware error responses (missing_auth_header, malformed_auth_header, invalid_connect_session_token_format, unknown_connect_session_token).",
        live: "401 with `payload: {}`, marked with the departure header.",
        spec: "401 without `payload` (validates against `StdError`); no departure header.",
    },
    Departure {
        id: "nango-415-content-type",
        vendor: "nango",
        operation: OPERATION,
        situation: "a `Content-Type` header that is present and not `application/json` (checked before authentication)",
        spec_says: "Documents 204, 400, 401 and 404 only.",
        service_does: "415 `{\"error\":{\"code\":\"invalid_content_type\",\"message\":\"Content-Type header must be application/json\"}}`.",
        evidence: "NangoHQ/nango @2f4c0af: the public API's content-type guard, which runs before route authentication.",
        live: "415 with that body.",
        spec: "As live (the spec documents nothing for this situation); the response carries the departure header.",
    },
    Departure {
        id: "nango-404-unreachable",
        vendor: "nango",
        operation: OPERATION,
        situation: "the documented 404",
        spec_says: "Documents 404 `StdError`.",
        service_does: "No code path answers 404: an unknown, expired or deleted token is a 401 `unknown_connect_session_token`.",
        evidence: "NangoHQ/nango @2f4c0af: deleteConnectSession and connectSessionAuth.",
        live: "Never 404; 401 as above.",
        spec: "The same: the 401 is documented and is what the situation gets.",
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_expire_thirty_minutes_after_creation() {
        let now = Utc::now();
        let mut state = ConnectSessions::default();
        let view = Nango::create_session(&mut state, SessionSpec::default(), now).unwrap();
        assert_eq!(view.expires_at, Some(now + TOKEN_LIFETIME));
        let session = &state.by_token[&view.token];
        assert!(session.is_live(now + TimeDelta::minutes(29)));
        assert!(!session.is_live(now + TimeDelta::minutes(30)));
    }

    #[test]
    fn query_keys_are_reported_as_zod_does() {
        assert_eq!(check_query(None), Ok(()));
        assert_eq!(check_query(Some("")), Ok(()));
        assert_eq!(
            check_query(Some("foo=1&bar")),
            Err(NangoError::InvalidQuery(vec!["foo".into(), "bar".into()]))
        );
        assert_eq!(
            unrecognized_keys(&["foo".into()])["message"],
            "Unrecognized key: \"foo\""
        );
        assert_eq!(
            unrecognized_keys(&["a".into(), "b".into()])["message"],
            "Unrecognized keys: \"a\", \"b\""
        );
    }
}
