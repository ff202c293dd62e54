//! Nango: `DELETE /connect/session`, specs/nango.yaml.
//!
//! The spec says the secret key authenticates; the service authenticates with the *connect session
//! token* itself (`nango_connect_session_` + 64 lowercase hex) and deletes that session. The checks
//! run in the service's order: 415 (a non-JSON Content-Type) -> 401 -> 400 query -> 400 body -> 204.
//! Departures: the secret key is refused (401), auth errors carry `payload: {}` (which the spec's
//! `StdError` forbids), and 415 is not documented. See [`error::DEPARTURES`].
//!
//! Given Nango's fuller document, `POST /connect/sessions` and `GET /connect/session` share these
//! sessions (`siblings.rs`).

mod checks;
mod error;
mod probes;
mod siblings;

use chrono::{DateTime, TimeDelta, Utc};
use http::{HeaderValue, StatusCode};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::departures::Departure;
use crate::exchange::{reason, Fidelity, Incoming, Reply};
use crate::probe::Catalogue;
use crate::serve::vendor::{Operation, Override, Sibling, Vendor, VendorContext, VendorError};
use crate::state::sessions::Sessions;
use checks::{check_body, check_content_type, check_query, connect_session_token, is_well_formed, TOKEN_PREFIX};
use error::NangoError;
pub use error::{
    AUTH_CONNECT_SESSION_TOKEN, CONTENT_TYPE_415, DEPARTURES, INFERRED, NO_404, PAYLOAD_ON_401, SIBLINGS_INFERRED,
};
pub use siblings::{CREATE_CONNECT_SESSION, GET_CONNECT_SESSION};

pub(crate) struct Nango;

/// Connect session tokens expire 30 minutes after creation.
const TOKEN_LIFETIME: TimeDelta = TimeDelta::minutes(30);
/// A secret key in Nango's format (UUID v4): the credential the spec names, which the service refuses here.
pub const EXAMPLE_SECRET_KEY: &str = "7c1e5a2f-9d4b-4e8a-b3c6-2f1d8e7a9b05";

/// The operation has no operationId in the spec; build.rs and `crate::serve::vendor::route` derive this one.
pub const DELETE_CONNECT_SESSION: Operation = Operation {
    vendor: "nango",
    id: "delete_connect_session",
    method: "DELETE",
    template: "/connect/session",
};

/// A stored connect session, by its token. The token is the credential: one tenant per namespace.
#[derive(Debug, Clone)]
pub(crate) struct ConnectSession {
    pub created_at: DateTime<Utc>,
    /// `None` for sessions that live for as long as the server runs (the default data's).
    pub expires_at: Option<DateTime<Utc>>,
    /// What `POST /connect/sessions` was given (end user, organization, integrations), which
    /// `GET /connect/session` answers; `None` for a session made otherwise.
    pub details: Option<serde_json::Value>,
}

impl ConnectSession {
    fn is_live(&self, now: DateTime<Utc>) -> bool {
        self.expires_at.is_none_or(|at| now < at)
    }
}

/// Nango's section of a fixtures file: its sessions.
pub(crate) type Fixture = crate::serve::vendor::SessionsOnly<SessionSpec>;

/// A connect session to create (as `POST /connect/sessions` would, with the secret key).
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SessionSpec {
    /// `nango_connect_session_` + 64 lowercase hex digits; generated when left out.
    #[serde(default)]
    pub token: Option<String>,
    /// Live for as long as the server runs instead of Nango's 30 minutes.
    #[serde(default)]
    pub never_expires: bool,
}

/// A connect session as the control API shows it (the shape of Nango's create response data).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct SessionView {
    pub token: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
}

impl Vendor for Nango {
    const NAME: &'static str = "nango";
    const DEFAULT_PORT: u16 = 4013;
    const DEFAULT_CREDENTIAL: &'static str = "";
    type Session = ConnectSession;
    type Fixture = Fixture;
    type SessionSpec = SessionSpec;
    type SessionView = SessionView;

    fn overrides() -> &'static [Override<Self>] {
        &[Override {
            operation: &DELETE_CONNECT_SESSION,
            answer: delete_connect_session,
        }]
    }

    fn siblings() -> &'static [Sibling<Self>] {
        &[
            Sibling {
                operation: &CREATE_CONNECT_SESSION,
                answer: siblings::create,
            },
            Sibling {
                operation: &GET_CONNECT_SESSION,
                answer: siblings::read,
            },
        ]
    }

    fn new_session(
        _: &Sessions<ConnectSession>,
        spec: SessionSpec,
        now: DateTime<Utc>,
    ) -> Result<(String, ConnectSession), String> {
        let token = spec
            .token
            .unwrap_or_else(|| format!("{TOKEN_PREFIX}{}", crate::ids::lower_hex(64)));
        if !is_well_formed(&token) {
            return Err(format!(
                "token must be `{TOKEN_PREFIX}` followed by 64 lowercase hex digits, not {token:?}"
            ));
        }
        let expires_at = (!spec.never_expires).then(|| now + TOKEN_LIFETIME);
        Ok((
            token,
            ConnectSession {
                created_at: now,
                expires_at,
                details: None,
            },
        ))
    }

    fn view(token: &str, session: &ConnectSession, _: DateTime<Utc>) -> SessionView {
        SessionView {
            token: token.to_string(),
            created_at: session.created_at,
            expires_at: session.expires_at,
        }
    }

    fn status_error(status: StatusCode, fidelity: Fidelity) -> Reply {
        match status {
            StatusCode::UNAUTHORIZED => NangoError::UnknownToken.reply(fidelity),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => NangoError::InvalidContentType.reply(fidelity),
            StatusCode::TOO_MANY_REQUESTS => Reply::json(
                status,
                &json!({"error": {"code": "too_many_request", "method": DELETE_CONNECT_SESSION.method, "path": DELETE_CONNECT_SESSION.template}}),
            )
            .with_header(http::header::RETRY_AFTER, HeaderValue::from_static("1")),
            _ => {
                let (phrase, code) = reason(status);
                Reply::json(status, &json!({"error": {"code": code, "message": phrase}}))
            }
        }
    }

    fn bearer(fixture: &Fixture) -> Option<String> {
        fixture.sessions.iter().find_map(|s| s.token.clone())
    }

    fn defaults(fixture: &Fixture) -> Vec<(&'static str, String)> {
        let tokens = fixture.sessions.iter().filter_map(|s| s.token.clone());
        tokens
            .map(|t| ("connect session token (the credential of this call)", t))
            .collect()
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

fn delete_connect_session(context: &VendorContext<Nango>, request: &Incoming) -> Reply {
    match delete(context, request) {
        Ok(reply) => reply.in_situation(Some(probes::DELETE)),
        Err((e, situation)) => {
            let situation = situation.or_else(|| probes::situation_of(&e, request));
            e.reply(context.fidelity()).in_situation(situation)
        }
    }
}

/// Deletes the connect session; a refusal comes with its catalogue situation where only the store
/// can tell it (an expired token from an unknown one).
fn delete(context: &VendorContext<Nango>, request: &Incoming) -> Result<Reply, (NangoError, Option<&'static str>)> {
    check_content_type(request).map_err(|e| (e, None))?;
    let token = connect_session_token(request).map_err(|e| (e, None))?;
    // The query and body are read before the store is touched, but their errors rank below the
    // token's (the service authenticates first), so they are only answered once the token is known.
    let inputs = check_query(request.query.as_deref()).and_then(|()| check_body(&request.body));
    let namespace = request.namespace();
    let now = context.now(namespace);
    // One step under the store's lock: the token is live, the inputs pass, the session goes. Two
    // requests racing on one token cannot both find it live.
    context.store.update(namespace, "", now, |tenant| {
        match tenant.get(token) {
            None => return Err((NangoError::UnknownToken, Some(probes::UNKNOWN_TOKEN))),
            Some(session) if !session.is_live(now) => {
                return Err((NangoError::UnknownToken, Some(probes::EXPIRED_TOKEN)))
            }
            Some(_) => {}
        }
        inputs.map_err(|e| (e, None))?;
        tenant.change().remove(token);
        Ok(Reply::empty(StatusCode::NO_CONTENT))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_expire_thirty_minutes_after_creation() {
        let now = Utc::now();
        let mut sessions = Sessions::default();
        let view = crate::serve::vendor::create_session::<Nango>(&mut sessions, SessionSpec::default(), now).unwrap();
        assert_eq!(view.expires_at, Some(now + TOKEN_LIFETIME));
        let session = sessions.get(&view.token).unwrap();
        assert!(session.is_live(now + TimeDelta::minutes(29)));
        assert!(!session.is_live(now + TimeDelta::minutes(30)));
    }
}
