//! Paragraph: `DELETE /v1/api/auth/sessions/{sessionId}` under `/api`, specs/paragraph.yaml.
//!
//! Denies a *pending* API auth session (the device-login flow of paragraph-cli). No credential:
//! auth sessions exist before any API key does. A denied session is deleted, so it cannot be denied
//! again. Departure: a completed, expired or unknown session answers 404 `{success:false,msg}`, a
//! status the spec does not document.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use bytes::Bytes;
use chrono::{DateTime, TimeDelta, Utc};
use dropshot::{ApiEndpoint, ApiEndpointVersions, Body, HttpError, Path, RawRequest, RequestContext};
use http::{Response, StatusCode};
use schemars::JsonSchema;
use serde::Deserialize;

use crate::departures::Departure;
use crate::exchange::{serialised_once, Incoming, Reply};
use crate::generated::paragraph::types::{DeleteAuthSession200Response, DeleteAuthSession500Response};
use crate::server::{route, Api, Vendor, VendorContext};

pub struct Paragraph;

/// The tenant of every request: Paragraph's auth sessions carry no credential to tell apps apart.
const TENANT: &str = "default";
/// How long a pending auth session lasts (inferred: the CLI polls for a few minutes).
pub const PENDING_LIFETIME: TimeDelta = TimeDelta::minutes(15);

pub const PENDING_SESSION_ID: &str = "3f6c2a9e-8b1d-4e57-a0c4-7d2e9f1b6a35";
pub const COMPLETED_SESSION_ID: &str = "a81d4c07-2e9b-4f63-b5a8-0c3f7e2d9b14";
pub const EXPIRED_SESSION_ID: &str = "5e9b7f21-c4a3-4d08-9e6f-1b2a8c7d3e90";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Pending,
    Completed,
    Expired,
}

#[derive(Debug, Clone)]
pub struct AuthSession {
    pub status: Status,
    pub device_name: String,
    /// `None` for default-data sessions, which wait for as long as the server runs.
    pub expires_at: Option<DateTime<Utc>>,
}

impl AuthSession {
    /// Pending and not past its expiry at `now`.
    fn is_pending(&self, now: DateTime<Utc>) -> bool {
        self.status == Status::Pending && self.expires_at.is_none_or(|at| now < at)
    }
}

#[derive(Debug, Default)]
pub struct AuthSessions {
    pub sessions: HashMap<String, AuthSession>,
}

impl Vendor for Paragraph {
    const NAME: &'static str = "paragraph";
    const DEFAULT_PORT: u16 = 4012;
    type State = AuthSessions;

    fn seed(now: DateTime<Utc>) -> AuthSessions {
        let session = |status, expires_at| AuthSession {
            status,
            device_name: "understudy-cli".into(),
            expires_at,
        };
        let sessions = HashMap::from([
            (PENDING_SESSION_ID.to_string(), session(Status::Pending, None)),
            (COMPLETED_SESSION_ID.to_string(), session(Status::Completed, None)),
            (
                EXPIRED_SESSION_ID.to_string(),
                session(Status::Expired, Some(now - TimeDelta::minutes(1))),
            ),
        ]);
        AuthSessions { sessions }
    }

    fn register(api: &mut Api<Self>) -> Result<(), String> {
        let (id, method, path) = route(
            crate::spec::of(Self::NAME),
            "DELETE",
            "/v1/api/auth/sessions/{sessionId}",
        )?;
        let endpoint = ApiEndpoint::new(
            id,
            deny_session,
            method,
            "application/json",
            &path,
            ApiEndpointVersions::All,
        );
        api.register(endpoint).map_err(|e| e.to_string())
    }

    fn defaults() -> Vec<(&'static str, String)> {
        vec![
            ("credential", "none (auth sessions need no API key)".into()),
            ("pending sessionId", PENDING_SESSION_ID.into()),
            ("completed sessionId (404)", COMPLETED_SESSION_ID.into()),
            ("expired sessionId (404)", EXPIRED_SESSION_ID.into()),
        ]
    }

    fn departures() -> &'static [Departure] {
        DEPARTURES
    }
}

#[derive(Deserialize, JsonSchema)]
struct SessionIdParam {
    #[serde(rename = "sessionId")]
    session_id: String,
}

async fn deny_session(
    rqctx: RequestContext<Arc<VendorContext<Paragraph>>>,
    path: Path<SessionIdParam>,
    raw: RawRequest,
) -> Result<Response<Body>, HttpError> {
    let context = rqctx.context();
    // The operation takes no body; it is read (up to the limit) only to keep the connection usable.
    let _request = Incoming::read(raw, context.body_limit).await;
    let session_id = path.into_inner().session_id;
    let now = context.clock.now();
    let denied = context.store.with(TENANT, now, |state| {
        let pending = state.sessions.get(&session_id).is_some_and(|s| s.is_pending(now));
        pending && state.sessions.remove(&session_id).is_some()
    });
    Ok(if denied { denied_reply() } else { not_found_reply() }.into_response())
}

fn denied_reply() -> Reply {
    static BODY: OnceLock<Bytes> = OnceLock::new();
    Reply::json_bytes(
        StatusCode::OK,
        serialised_once(&BODY, || DeleteAuthSession200Response { success: true }),
    )
}

fn not_found_reply() -> Reply {
    static BODY: OnceLock<Bytes> = OnceLock::new();
    let body = serialised_once(&BODY, || DeleteAuthSession500Response {
        success: false,
        msg: "Session not found".into(),
    });
    Reply::json_bytes(StatusCode::NOT_FOUND, body).departing("paragraph-404-not-pending")
}

static DEPARTURES: &[Departure] = &[Departure {
    id: "paragraph-404-not-pending",
    vendor: "paragraph",
    operation: "DELETE /v1/api/auth/sessions/{sessionId}",
    situation: "the session is completed, expired, already denied, or unknown",
    spec_says: "Documents 200 `{success:true}` and 500 `{success:false,msg}`; \"Only pending sessions can be denied\" with no status for the others.",
    service_does: "404 `{\"success\":false,\"msg\":\"Session not found\"}`: a denied session is deleted (paragraph-cli browser-auth.ts, commit d156aa9: GET afterwards is 404), and the API answers its other client errors as `{success:false,msg}`.",
    evidence: "paragraph-cli browser-auth.ts (commit d156aa9) for deletion on deny; the 404 status and message for non-pending sessions are inferred.",
    live: "404 `{\"success\":false,\"msg\":\"Session not found\"}`.",
    spec: "As live (the spec documents no status for this situation; its 500 means a server fault); the response carries the departure header.",
}];
