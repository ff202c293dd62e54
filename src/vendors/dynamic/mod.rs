//! Dynamic: `PUT /sessions/{sessionId}/revoke` under `/api/v0`, specs/dynamic.yaml.
//!
//! The caller authenticates with an environment API token (`dyn_` + alphanumerics); every distinct
//! well-formed token is its own environment with its own copy of the default data. Revoking sets
//! `revokedAt` and keeps it: a second revoke answers 200 with the original time (no evidence either
//! way; idempotence is what the SDK's retry logic expects). `ipAddress` and `userAgent` are sent as
//! explicit `null` when unknown, as the spec's `nullable` allows.
//!
//! Chosen where the evidence is silent: a malformed token is a 401 `{"error":"Unauthorized"}`;
//! a token listed as restricted in the fixtures lacks the `users.write` scope and gets the documented 403. Departures: a
//! `sessionId` that is not a lowercase UUID (400) and an unknown session (404) are not documented.

mod error;
mod probes;

use bytes::Bytes;
use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use http::StatusCode;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::departures::Departure;
use crate::exchange::{bearer_token, reason, Bearer, Fidelity, Incoming, Reply};
use crate::generated::dynamic::types::{Session, Uuid};
use crate::probe::Catalogue;
use crate::serve::vendor::{Operation, Override, Vendor, VendorContext, VendorError};
use crate::state::sessions::Sessions;
use error::DynamicError;
pub use error::{DEPARTURES, INVALID_SESSION_ID_400, UNKNOWN_SESSION_404};

pub(crate) struct Dynamic;

/// The token of the docs' own example; any `dyn_` + 36 to 56 alphanumerics works as well.
pub const EXAMPLE_TOKEN: &str = "dyn_aGLjTe3TUN40vSE75sTtgUx9AjIe0q4n3LFC";

pub const REVOKE_SESSION: Operation = Operation {
    vendor: "dynamic",
    id: "revokeSessionById",
    method: "PUT",
    template: "/sessions/{sessionId}/revoke",
};

/// A stored session, by its id; an environment's state is a [`Sessions`] of them.
#[derive(Debug, Clone)]
pub(crate) struct StoredSession {
    /// The id as the spec's `uuid` type, checked once on creation.
    id: Option<Uuid>,
    created_at: DateTime<Utc>,
    ip_address: Option<String>,
    user_agent: Option<String>,
    revoked_at: Option<DateTime<Utc>>,
    /// The revoke's answer, serialised on the first revoke: a revoked session never changes, so a
    /// repeat answers the same bytes.
    revoked_body: Option<Bytes>,
}

/// Dynamic's section of a fixtures file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Fixture {
    /// Well-formed tokens that lack the `users.write` scope (403 on revoke).
    #[serde(default)]
    pub restricted_tokens: Vec<String>,
    #[serde(default)]
    pub sessions: Vec<SessionSpec>,
}

/// A session to create; the id is generated (UUID v4) when left out.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SessionSpec {
    /// A lowercase UUID.
    #[serde(default)]
    pub id: Option<String>,
    /// `null` in responses when left out.
    #[serde(default)]
    pub ip_address: Option<String>,
    /// `null` in responses when left out.
    #[serde(default)]
    pub user_agent: Option<String>,
    /// How long before now the session was created.
    #[serde(default)]
    pub age_seconds: u32,
    /// Create it already revoked (at its creation time).
    #[serde(default)]
    pub revoked: bool,
}

impl crate::serve::vendor::FixtureSessions<SessionSpec> for Fixture {
    fn sessions(&self) -> &[SessionSpec] {
        &self.sessions
    }
}

impl Vendor for Dynamic {
    const NAME: &'static str = "dynamic";
    const DEFAULT_PORT: u16 = 4011;
    const DEFAULT_CREDENTIAL: &'static str = EXAMPLE_TOKEN;
    type Session = StoredSession;
    type Fixture = Fixture;
    type SessionSpec = SessionSpec;
    /// The spec's own `Session`, as the generated types give it.
    type SessionView = Session;

    fn overrides() -> &'static [Override<Self>] {
        &[Override {
            operation: &REVOKE_SESSION,
            answer: revoke_session,
        }]
    }

    fn accepts_credential(credential: &str) -> bool {
        is_well_formed(credential)
    }

    fn new_session(
        _: &Sessions<StoredSession>,
        spec: SessionSpec,
        now: DateTime<Utc>,
    ) -> Result<(String, StoredSession), String> {
        let id = spec.id.unwrap_or_else(crate::ids::uuid_v4);
        if !crate::ids::is_lowercase_uuid(&id) {
            return Err(format!("id must be a lowercase UUID, not {id:?}"));
        }
        let created_at = millis(now - TimeDelta::seconds(spec.age_seconds.into()));
        let stored = StoredSession {
            id: Uuid::try_from(id.as_str()).ok(),
            created_at,
            ip_address: spec.ip_address,
            user_agent: spec.user_agent,
            revoked_at: spec.revoked.then_some(created_at),
            revoked_body: None,
        };
        Ok((id, stored))
    }

    fn view(_: &str, stored: &StoredSession, _: DateTime<Utc>) -> Session {
        view(stored)
    }

    fn status_error(status: StatusCode, fidelity: Fidelity) -> Reply {
        match status {
            StatusCode::UNAUTHORIZED => DynamicError::NoJwt.reply(fidelity),
            StatusCode::FORBIDDEN => DynamicError::Forbidden.reply(fidelity),
            StatusCode::NOT_FOUND => DynamicError::NotFound.reply(fidelity),
            _ => Reply::json(status, &serde_json::json!({"error": reason(status).0})),
        }
    }

    fn defaults(fixture: &Fixture) -> Vec<(&'static str, String)> {
        let mut lines = vec![(
            "token (any dyn_ + 36 to 56 alphanumerics; each is its own environment)",
            EXAMPLE_TOKEN.to_string(),
        )];
        lines.extend(
            fixture
                .restricted_tokens
                .iter()
                .map(|t| ("token without the users.write scope (403)", t.clone())),
        );
        lines.extend(
            fixture
                .sessions
                .iter()
                .filter_map(|s| s.id.clone())
                .map(|id| ("sessionId", id)),
        );
        lines
    }

    fn departures() -> &'static [&'static Departure] {
        DEPARTURES
    }

    fn catalogue() -> Catalogue {
        probes::catalogue()
    }
}

fn view(stored: &StoredSession) -> Session {
    Session {
        // Ids are checked to be lowercase UUIDs on creation, so they fit the spec's `uuid` pattern.
        id: stored.id.clone(),
        created_at: Some(stored.created_at),
        ip_address: stored.ip_address.clone(),
        user_agent: stored.user_agent.clone(),
        revoked_at: stored.revoked_at,
    }
}

/// JavaScript's `toISOString()` has millisecond precision; so do Dynamic's timestamps.
fn millis(time: DateTime<Utc>) -> DateTime<Utc> {
    time.duration_trunc(TimeDelta::milliseconds(1)).unwrap_or(time)
}

fn revoke_session(context: &VendorContext<Dynamic>, request: &Incoming) -> Reply {
    let session_id = request.param("sessionId").unwrap_or_default();
    match revoke(context, request, session_id) {
        Ok(reply) => reply,
        Err(e) => {
            let situation = probes::situation_of(e, request);
            e.reply(context.fidelity()).in_situation(situation)
        }
    }
}

fn revoke(context: &VendorContext<Dynamic>, request: &Incoming, session_id: &str) -> Result<Reply, DynamicError> {
    let token = match bearer_token(&request.headers) {
        Bearer::Missing | Bearer::OtherScheme => return Err(DynamicError::NoJwt),
        Bearer::Token(token) if !is_well_formed(token) => return Err(DynamicError::InvalidToken),
        Bearer::Token(token) => token,
    };
    if context.fixture.restricted_tokens.iter().any(|t| t == token) {
        return Err(DynamicError::Forbidden);
    }
    if !crate::ids::is_lowercase_uuid(session_id) {
        return Err(DynamicError::InvalidSessionId);
    }
    let namespace = request.namespace();
    let now = millis(context.now(namespace));
    let revoked = context.store.update(namespace, token, now, |tenant| {
        let stored = tenant.get(session_id)?;
        if let Some(body) = &stored.revoked_body {
            return Some((body.clone(), probes::REVOKE_AGAIN));
        }
        let first = stored.revoked_at.is_none();
        let stored = tenant.change().get_mut(session_id)?;
        stored.revoked_at.get_or_insert(now);
        let body = Bytes::from(serde_json::to_vec(&view(stored)).unwrap_or_default());
        stored.revoked_body = Some(body.clone());
        Some((body, if first { probes::REVOKE } else { probes::REVOKE_AGAIN }))
    });
    let (body, situation) = revoked.ok_or(DynamicError::NotFound)?;
    Ok(Reply::json_bytes(StatusCode::OK, &body).in_situation(Some(situation)))
}

fn is_well_formed(token: &str) -> bool {
    token
        .strip_prefix("dyn_")
        .is_some_and(|body| (36..=56).contains(&body.len()) && crate::ids::is_base62(body))
}
