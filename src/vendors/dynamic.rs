//! Dynamic: `PUT /sessions/{sessionId}/revoke` under `/api/v0`, specs/dynamic.yaml.
//!
//! The caller authenticates with an environment API token (`dyn_` + alphanumerics); every distinct
//! well-formed token is its own environment with its own copy of the default data. Revoking sets
//! `revokedAt` and keeps it: a second revoke answers 200 with the original time (no evidence either
//! way; idempotence is what the SDK's retry logic expects). `ipAddress` and `userAgent` are sent as
//! explicit `null` when unknown, as the spec's `nullable` allows.
//!
//! Chosen where the evidence is silent: a malformed token is a 401 `{"error":"Unauthorized"}`;
//! [`RESTRICTED_TOKEN`] lacks the `users.write` scope and gets the documented 403. Departures: a
//! `sessionId` that is not a lowercase UUID (400) and an unknown session (404) are not documented.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use bytes::Bytes;
use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use dropshot::{ApiEndpoint, ApiEndpointVersions, Body, HttpError, Path, RawRequest, RequestContext};
use http::{Response, StatusCode};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::departures::Departure;
use crate::exchange::{bearer_token, serialised_once, Bearer, Incoming, Reply};
use crate::generated::dynamic::types::{Forbidden, Session, Unauthorized, Uuid};
use crate::server::{route, Api, Vendor, VendorContext};

pub struct Dynamic;

/// The token of the docs' own example; any `dyn_` + 36 to 56 alphanumerics works as well.
pub const EXAMPLE_TOKEN: &str = "dyn_aGLjTe3TUN40vSE75sTtgUx9AjIe0q4n3LFC";
/// A well-formed token whose scopes lack `users.write`: every revoke with it is a 403.
pub const RESTRICTED_TOKEN: &str = "dyn_RestrictedReadOnlyTokenNoUsersWrite0";
/// The session of the spec's `uuid` example, with a known IP address and user agent.
pub const DEFAULT_SESSION_ID: &str = "95b11417-f18f-457f-8804-68e361f9164f";
/// A session whose IP address and user agent are unknown (`null` in responses).
pub const ANONYMOUS_SESSION_ID: &str = "0c7a3e52-4f1b-4c2e-9a8d-2b6f1e9d7c40";

#[derive(Debug, Clone)]
struct StoredSession {
    created_at: DateTime<Utc>,
    ip_address: Option<String>,
    user_agent: Option<String>,
    revoked_at: Option<DateTime<Utc>>,
}

/// One environment's sessions, by id.
#[derive(Debug, Default)]
pub struct Environment {
    sessions: HashMap<String, StoredSession>,
}

impl Vendor for Dynamic {
    const NAME: &'static str = "dynamic";
    const DEFAULT_PORT: u16 = 4011;
    type State = Environment;

    fn seed(now: DateTime<Utc>) -> Environment {
        let created_at = millis(now - TimeDelta::hours(1));
        let mut sessions = HashMap::new();
        sessions.insert(
            DEFAULT_SESSION_ID.to_string(),
            StoredSession {
                created_at,
                ip_address: Some("203.0.113.7".into()),
                user_agent: Some(
                    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
                        .into(),
                ),
                revoked_at: None,
            },
        );
        sessions.insert(
            ANONYMOUS_SESSION_ID.to_string(),
            StoredSession {
                created_at,
                ip_address: None,
                user_agent: None,
                revoked_at: None,
            },
        );
        Environment { sessions }
    }

    fn register(api: &mut Api<Self>) -> Result<(), String> {
        let (id, method, path) = route(crate::spec::of(Self::NAME), "PUT", "/sessions/{sessionId}/revoke")?;
        let endpoint = ApiEndpoint::new(
            id,
            revoke_session,
            method,
            "application/json",
            &path,
            ApiEndpointVersions::All,
        );
        api.register(endpoint).map_err(|e| e.to_string())
    }

    fn defaults() -> Vec<(&'static str, String)> {
        vec![
            (
                "token (any dyn_ + 36 to 56 alphanumerics; each is its own environment)",
                EXAMPLE_TOKEN.into(),
            ),
            ("token without the users.write scope (403)", RESTRICTED_TOKEN.into()),
            ("sessionId", DEFAULT_SESSION_ID.into()),
            ("sessionId with null ipAddress/userAgent", ANONYMOUS_SESSION_ID.into()),
        ]
    }

    fn departures() -> &'static [Departure] {
        DEPARTURES
    }
}

/// JavaScript's `toISOString()` has millisecond precision; so do Dynamic's timestamps.
fn millis(time: DateTime<Utc>) -> DateTime<Utc> {
    time.duration_trunc(TimeDelta::milliseconds(1)).unwrap_or(time)
}

#[derive(Deserialize, JsonSchema)]
struct SessionIdParam {
    #[serde(rename = "sessionId")]
    session_id: String,
}

async fn revoke_session(
    rqctx: RequestContext<Arc<VendorContext<Dynamic>>>,
    path: Path<SessionIdParam>,
    raw: RawRequest,
) -> Result<Response<Body>, HttpError> {
    let context = rqctx.context();
    let request = Incoming::read(raw, context.body_limit).await;
    let reply = revoke(context, &request, &path.into_inner().session_id).unwrap_or_else(DynamicError::reply);
    Ok(reply.into_response())
}

fn revoke(context: &VendorContext<Dynamic>, request: &Incoming, session_id: &str) -> Result<Reply, DynamicError> {
    let token = match bearer_token(&request.headers) {
        Bearer::Missing | Bearer::NotBearer => return Err(DynamicError::NoJwt),
        Bearer::Token(token) if !is_well_formed(token) => return Err(DynamicError::InvalidToken),
        Bearer::Token(token) => token,
    };
    if token == RESTRICTED_TOKEN {
        return Err(DynamicError::Forbidden);
    }
    if !crate::ids::is_lowercase_uuid(session_id) {
        return Err(DynamicError::InvalidSessionId);
    }
    let now = millis(context.clock.now());
    let session = context.store.with(token, now, |environment| {
        let stored = environment.sessions.get_mut(session_id)?;
        stored.revoked_at.get_or_insert(now);
        Some(stored.clone())
    });
    let stored = session.ok_or(DynamicError::NotFound)?;
    let body = Session {
        id: Some(Uuid::try_from(session_id).map_err(|_| DynamicError::InvalidSessionId)?),
        created_at: Some(stored.created_at),
        ip_address: stored.ip_address,
        user_agent: stored.user_agent,
        revoked_at: stored.revoked_at,
    };
    Ok(Reply::json(StatusCode::OK, &body))
}

fn is_well_formed(token: &str) -> bool {
    token
        .strip_prefix("dyn_")
        .is_some_and(|body| (36..=56).contains(&body.len()) && crate::ids::is_base62(body))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DynamicError {
    NoJwt,
    InvalidToken,
    Forbidden,
    InvalidSessionId,
    NotFound,
}

#[derive(Serialize)]
struct NotFoundBody {
    error: &'static str,
    code: &'static str,
}

#[derive(Serialize)]
struct BadRequestBody {
    error: &'static str,
}

impl DynamicError {
    fn reply(self) -> Reply {
        static NO_JWT: OnceLock<Bytes> = OnceLock::new();
        static INVALID_TOKEN: OnceLock<Bytes> = OnceLock::new();
        static FORBIDDEN: OnceLock<Bytes> = OnceLock::new();
        static BAD_ID: OnceLock<Bytes> = OnceLock::new();
        static NOT_FOUND: OnceLock<Bytes> = OnceLock::new();
        match self {
            Self::NoJwt => Reply::json_bytes(
                StatusCode::UNAUTHORIZED,
                serialised_once(&NO_JWT, || Unauthorized {
                    error: Some("No jwt provided!".into()),
                }),
            ),
            Self::InvalidToken => Reply::json_bytes(
                StatusCode::UNAUTHORIZED,
                serialised_once(&INVALID_TOKEN, || Unauthorized {
                    error: Some("Unauthorized".into()),
                }),
            ),
            Self::Forbidden => Reply::json_bytes(
                StatusCode::FORBIDDEN,
                serialised_once(&FORBIDDEN, || Forbidden {
                    error: Some("Access Forbidden".into()),
                }),
            ),
            Self::InvalidSessionId => Reply::json_bytes(
                StatusCode::BAD_REQUEST,
                serialised_once(&BAD_ID, || BadRequestBody {
                    error: "sessionId must be a UUID",
                }),
            )
            .departing("dynamic-400-invalid-session-id"),
            Self::NotFound => Reply::json_bytes(
                StatusCode::NOT_FOUND,
                serialised_once(&NOT_FOUND, || NotFoundBody {
                    error: "Not Found",
                    code: "not_found",
                }),
            )
            .departing("dynamic-404-unknown-session"),
        }
    }
}

const OPERATION: &str = "PUT /sessions/{sessionId}/revoke";
const DOCUMENTED: &str = "Documents 200 (Session), 401, 403 and 500 only.";

static DEPARTURES: &[Departure] = &[
    Departure {
        id: "dynamic-400-invalid-session-id",
        vendor: "dynamic",
        operation: OPERATION,
        situation: "`sessionId` is not a lowercase UUID (the spec's `uuid` pattern)",
        spec_says: DOCUMENTED,
        service_does: "400 `{\"error\": <message>}`: the path parameter fails the API's schema validation.",
        evidence: "inferred: the rest of Dynamic's API answers schema violations with 400 `{error}`; no source for this operation.",
        live: "400 `{\"error\":\"sessionId must be a UUID\"}`.",
        spec: "As live (the spec documents no 400); the response carries the departure header.",
    },
    Departure {
        id: "dynamic-404-unknown-session",
        vendor: "dynamic",
        operation: OPERATION,
        situation: "no session with this id in the token's environment",
        spec_says: DOCUMENTED,
        service_does: "404 `{\"error\":\"Not Found\",\"code\":\"not_found\"}`.",
        evidence: "inferred for revoke: the body is the one Dynamic's API uses for unknown resources elsewhere.",
        live: "404 `{\"error\":\"Not Found\",\"code\":\"not_found\"}`.",
        spec: "As live (the spec documents no 404); the response carries the departure header.",
    },
];
