//! Paragraph: `DELETE /v1/api/auth/sessions/{sessionId}` under `/api`, specs/paragraph.yaml.
//!
//! Denies a *pending* API auth session (the device-login flow of paragraph-cli). No credential:
//! auth sessions exist before any API key does. A denied session is deleted, so it cannot be denied
//! again. Departure: a completed, expired or unknown session answers 404 `{success:false,msg}`, a
//! status the spec does not document.
//!
//! Given Paragraph's fuller document, the create and the poll of an auth session share these
//! sessions (`siblings.rs`).

mod error;
mod probes;
mod siblings;

use std::sync::OnceLock;

use bytes::Bytes;
use chrono::{DateTime, TimeDelta, Utc};
use http::StatusCode;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::departures::Departure;
use crate::exchange::{reason, serialised_once, Fidelity, Incoming, Reply};
use crate::generated::paragraph::types::DeleteAuthSession200Response;
use crate::probe::Catalogue;
use crate::serve::vendor::{Operation, Override, Sibling, Vendor, VendorContext, VendorError};
use crate::state::sessions::Sessions;
use error::ParagraphError;
pub use error::{DEPARTURES, INFERRED, NOT_PENDING_404, SIBLINGS_INFERRED};
pub use siblings::{CREATE_AUTH_SESSION, GET_AUTH_SESSION};

pub(crate) struct Paragraph;

/// How long a pending auth session lasts (inferred: the CLI polls for a few minutes).
const PENDING_LIFETIME: TimeDelta = TimeDelta::minutes(15);

pub const DENY_SESSION: Operation = Operation {
    vendor: "paragraph",
    id: "deleteAuthSession",
    method: "DELETE",
    template: "/v1/api/auth/sessions/{sessionId}",
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Status {
    #[default]
    Pending,
    Completed,
    Expired,
}

/// A stored auth session, by its id. Paragraph has no credential that tells apps apart: one
/// tenant per namespace.
#[derive(Debug, Clone)]
pub(crate) struct AuthSession {
    pub status: Status,
    pub device_name: String,
    /// `None` for sessions that wait for as long as the server runs.
    pub expires_at: Option<DateTime<Utc>>,
    /// Where the browser goes once the session is approved (given to `POST /v1/api/auth/sessions`).
    pub callback_url: Option<String>,
}

impl AuthSession {
    /// The status at `now`: a pending session past its expiry is expired.
    fn status_at(&self, now: DateTime<Utc>) -> Status {
        match self.expires_at {
            Some(at) if self.status == Status::Pending && now >= at => Status::Expired,
            _ => self.status,
        }
    }
}

/// Paragraph's section of a fixtures file: its sessions.
pub(crate) type Fixture = crate::serve::vendor::SessionsOnly<SessionSpec>;

/// An auth session to create (as `POST /v1/api/auth/sessions` and the browser approval would).
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SessionSpec {
    /// Generated (UUID v4) when left out.
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub status: Status,
    /// At most 100 characters, as the create call allows.
    #[serde(default)]
    pub device_name: Option<String>,
    /// A pending session expires this long after creation (default 900 seconds).
    #[serde(default)]
    pub expires_in_seconds: Option<u32>,
    /// Never expire (the default data's pending session).
    #[serde(default)]
    pub never_expires: bool,
}

/// An auth session as the control API shows it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct SessionView {
    pub session_id: String,
    /// The status now: a pending session past its expiry shows as expired.
    pub status: Status,
    pub device_name: String,
    pub expires_at: Option<DateTime<Utc>>,
}

impl Vendor for Paragraph {
    const NAME: &'static str = "paragraph";
    const DEFAULT_PORT: u16 = 4012;
    const DEFAULT_CREDENTIAL: &'static str = "";
    type Session = AuthSession;
    type Fixture = Fixture;
    type SessionSpec = SessionSpec;
    type SessionView = SessionView;

    fn overrides() -> &'static [Override<Self>] {
        &[Override {
            operation: &DENY_SESSION,
            answer: deny_session,
        }]
    }

    fn siblings() -> &'static [Sibling<Self>] {
        &[
            Sibling {
                operation: &CREATE_AUTH_SESSION,
                answer: siblings::create,
            },
            Sibling {
                operation: &GET_AUTH_SESSION,
                answer: siblings::read,
            },
        ]
    }

    fn new_session(
        _: &Sessions<AuthSession>,
        spec: SessionSpec,
        now: DateTime<Utc>,
    ) -> Result<(String, AuthSession), String> {
        let id = spec.id.unwrap_or_else(crate::ids::uuid_v4);
        if id.is_empty() || id.len() > 128 || id.contains('/') {
            return Err(format!("id must be 1 to 128 characters without `/`, not {id:?}"));
        }
        let device_name = spec.device_name.unwrap_or_else(|| "understudy-cli".into());
        if device_name.chars().count() > 100 {
            return Err("device_name is longer than 100 characters".into());
        }
        let lifetime = spec
            .expires_in_seconds
            .map_or(PENDING_LIFETIME, |s| TimeDelta::seconds(s.into()));
        let expires_at = match spec.status {
            _ if spec.never_expires => None,
            Status::Expired => Some(now),
            _ => Some(now + lifetime),
        };
        Ok((
            id,
            AuthSession {
                status: spec.status,
                device_name,
                expires_at,
                callback_url: None,
            },
        ))
    }

    fn view(id: &str, session: &AuthSession, now: DateTime<Utc>) -> SessionView {
        SessionView {
            session_id: id.to_string(),
            status: session.status_at(now),
            device_name: session.device_name.clone(),
            expires_at: session.expires_at,
        }
    }

    fn status_error(status: StatusCode, _: Fidelity) -> Reply {
        error::body(status, reason(status).0)
    }

    fn defaults(fixture: &Fixture) -> Vec<(&'static str, String)> {
        let mut lines = vec![("credential", "none (auth sessions need no API key)".to_string())];
        for spec in &fixture.sessions {
            let label = match spec.status {
                Status::Pending => "pending sessionId",
                Status::Completed => "completed sessionId (404)",
                Status::Expired => "expired sessionId (404)",
            };
            lines.extend(spec.id.clone().map(|id| (label, id)));
        }
        lines
    }

    fn sdk_hint(url: &str) -> Option<(&'static str, String)> {
        Some((
            "@paragraph-com/sdk has no base-URL option: give axios.create this baseURL before requiring it (examples/paragraph_sdk.cjs)",
            url.to_string(),
        ))
    }

    fn departures() -> &'static [&'static Departure] {
        DEPARTURES
    }

    fn inferred() -> &'static [&'static Departure] {
        INFERRED
    }

    fn catalogue() -> Catalogue {
        probes::catalogue()
    }
}

fn deny_session(context: &VendorContext<Paragraph>, request: &Incoming) -> Reply {
    let session_id = request.param("sessionId").unwrap_or_default();
    let namespace = request.namespace();
    let now = context.now(namespace);
    // The status the session had, if any; a pending one is denied (deleted) in the same step.
    let status = context.store.update(namespace, "", now, |tenant| {
        let status = tenant.get(session_id).map(|s| s.status_at(now));
        if status == Some(Status::Pending) {
            tenant.change().remove(session_id);
        }
        status
    });
    let not_pending = |situation| {
        ParagraphError::NotPending
            .reply(context.fidelity())
            .in_situation(Some(situation))
    };
    match status {
        Some(Status::Pending) => denied_reply().in_situation(Some(probes::DENY_PENDING)),
        Some(Status::Completed) => not_pending(probes::COMPLETED_SESSION),
        Some(Status::Expired) => not_pending(probes::EXPIRED_SESSION),
        // A denied session is deleted: a repeat looks like an unknown id from here.
        None => not_pending(probes::UNKNOWN_SESSION),
    }
}

fn denied_reply() -> Reply {
    static BODY: OnceLock<Bytes> = OnceLock::new();
    Reply::json_bytes(
        StatusCode::OK,
        serialised_once(&BODY, || DeleteAuthSession200Response { success: true }),
    )
}
