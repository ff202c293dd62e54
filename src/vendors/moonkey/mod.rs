//! MoonKey Auth (formerly Streambird): `DELETE /v1/auth/sessions/delete`, specs/moonkey.yaml.
//!
//! The body names a session by exactly one of `session_token`, `session_jwt`, `session_id`; the
//! caller authenticates with the app's secret API key. Every distinct well-formed key is its own app
//! with its own copy of the default data. The session is deleted under all three of its identifiers.
//! Departures: the spec documents no error response at all, so every error (401, 400, 404) answers
//! outside it, in the SDKs' error shape (see `error`).

mod error;
mod identifier;
mod jwt;
mod probes;

use std::sync::OnceLock;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use http::StatusCode;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::departures::Departure;
use crate::exchange::{bearer_token, reason, serialised_once, Bearer, Fidelity, Incoming, Reply};
use crate::generated::moonkey::types::{DeleteSession200Response, DeleteSession200ResponseMessage};
use crate::ids;
use crate::probe::Catalogue;
use crate::serve::vendor::{Operation, Override, Vendor, VendorContext, VendorError};
use crate::state::sessions::Sessions;
use error::MoonKeyError;
pub use error::{DEPARTURES, JWT_VERIFICATION, SECRET_KEY_401, UNKNOWN_SESSION_404, VALIDATION_400};
use identifier::Identifier;

pub(crate) struct MoonKey;

/// The secret key in the spec's own example request; any well-formed key works as well.
pub const EXAMPLE_SECRET_KEY: &str = "sk_test_pRqweh3wvWmJAAVYv7Z0T5iPLzFM4ql0muoyQcjOxGeN3p1r";
/// How long a session JWT lives, in seconds.
pub const JWT_LIFETIME_SECS: i64 = jwt::LIFETIME_SECS;

pub const DELETE_SESSION: Operation = Operation {
    vendor: "moonkey",
    id: "DeleteSession",
    method: "DELETE",
    template: "/v1/auth/sessions/delete",
};

/// MoonKey's section of a fixtures file: its sessions.
pub(crate) type Fixture = crate::serve::vendor::SessionsOnly<SessionSpec>;

/// A stored session, by its `session_id` (`sess_` + 27 base62 characters when generated).
#[derive(Debug, Clone)]
pub(crate) struct Session {
    /// 64 base62 characters when generated.
    pub session_token: String,
    pub user_id: String,
    pub started_at: DateTime<Utc>,
}

/// A session to create; every identifier left out is generated in MoonKey's format.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SessionSpec {
    /// `sess_` followed by letters and digits.
    #[serde(default)]
    pub session_id: Option<String>,
    /// Letters and digits.
    #[serde(default)]
    pub session_token: Option<String>,
    /// `user_` followed by letters and digits.
    #[serde(default)]
    pub user_id: Option<String>,
}

/// A session as the control API shows it, with a `session_jwt` freshly issued at the time of the
/// read (as MoonKey's authenticate call refreshes it), valid for 300 seconds.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct SessionView {
    pub session_id: String,
    pub session_token: String,
    pub session_jwt: String,
    pub user_id: String,
    pub started_at: DateTime<Utc>,
}

/// A session as the control API shows it, with a `session_jwt` issued at `now`.
pub(crate) fn view(session_id: &str, session: &Session, now: DateTime<Utc>) -> SessionView {
    SessionView {
        session_id: session_id.to_string(),
        session_token: session.session_token.clone(),
        session_jwt: jwt::issue(session_id, &session.user_id, session.started_at, now),
        user_id: session.user_id.clone(),
        started_at: session.started_at,
    }
}

impl Vendor for MoonKey {
    const NAME: &'static str = "moonkey";
    const DEFAULT_PORT: u16 = 4010;
    const DEFAULT_CREDENTIAL: &'static str = EXAMPLE_SECRET_KEY;
    type Session = Session;
    type Fixture = Fixture;
    type SessionSpec = SessionSpec;
    type SessionView = SessionView;

    fn overrides() -> &'static [Override<Self>] {
        &[Override {
            operation: &DELETE_SESSION,
            answer: delete_session,
        }]
    }

    fn accepts_credential(credential: &str) -> bool {
        is_secret_key(credential)
    }

    fn new_session(
        sessions: &Sessions<Session>,
        spec: SessionSpec,
        now: DateTime<Utc>,
    ) -> Result<(String, Session), String> {
        new_session(sessions, spec, now)
    }

    fn view(id: &str, session: &Session, now: DateTime<Utc>) -> SessionView {
        view(id, session, now)
    }

    fn status_error(status: StatusCode, _: Fidelity) -> Reply {
        let (phrase, error_type) = reason(status);
        error::body(status, &error_type, &format!("{phrase}."))
    }

    fn defaults(fixture: &Fixture) -> Vec<(&'static str, String)> {
        let mut lines = vec![(
            "secret key (any sk_test_/sk_live_ + 48 alphanumerics; each is its own app)",
            EXAMPLE_SECRET_KEY.to_string(),
        )];
        if let Some(first) = fixture.sessions.first() {
            lines.extend(first.session_token.clone().map(|t| ("session_token", t)));
            lines.extend(first.session_id.clone().map(|i| ("session_id", i)));
        }
        lines
    }

    fn sdk_hint(url: &str) -> Option<(&'static str, String)> {
        Some(("streambird SDK: api_instance_url (note the /v1)", format!("{url}/v1")))
    }

    fn departures() -> &'static [&'static Departure] {
        DEPARTURES
    }

    fn catalogue() -> Catalogue {
        probes::catalogue()
    }
}

/// Checks a spec against the app's sessions and builds the session it describes.
pub(crate) fn new_session(
    sessions: &Sessions<Session>,
    spec: SessionSpec,
    now: DateTime<Utc>,
) -> Result<(String, Session), String> {
    let session_id = checked(spec.session_id, "session_id", "sess_", || {
        format!("sess_{}", ids::base62(27))
    })?;
    let session_token = checked(spec.session_token, "session_token", "", || ids::base62(64))?;
    let user_id = checked(spec.user_id, "user_id", "user_", || format!("user_{}", ids::base62(27)))?;
    if sessions.iter().any(|(_, s)| s.session_token == session_token) {
        return Err("session_token already belongs to another session".into());
    }
    Ok((
        session_id,
        Session {
            session_token,
            user_id,
            started_at: now,
        },
    ))
}

/// A chosen identifier in MoonKey's shape (`prefix` + letters and digits), or a generated one.
fn checked(
    chosen: Option<String>,
    field: &str,
    prefix: &str,
    generate: impl FnOnce() -> String,
) -> Result<String, String> {
    let Some(value) = chosen else { return Ok(generate()) };
    match value.strip_prefix(prefix) {
        Some(body) if ids::is_base62(body) && body.len() <= 128 => Ok(value),
        _ if prefix.is_empty() => Err(format!("{field} must be 1 to 128 letters and digits, not {value:?}")),
        _ => Err(format!(
            "{field} must be `{prefix}` followed by 1 to 128 letters and digits, not {value:?}"
        )),
    }
}

fn delete_session(context: &VendorContext<MoonKey>, request: &Incoming) -> Reply {
    match delete(context, request) {
        Ok((reply, situation)) => reply.in_situation(Some(situation)),
        Err(e) => {
            let situation = probes::situation_of(&e, request);
            e.reply(context.fidelity()).in_situation(situation)
        }
    }
}

/// Checks the key, reads the one identifier, and deletes the session it names in one step; the
/// answer comes with the catalogue situation it is.
fn delete(context: &VendorContext<MoonKey>, request: &Incoming) -> Result<(Reply, &'static str), MoonKeyError> {
    let secret_key = secret_key(request)?;
    let identifier = identifier::read(request)?;
    let namespace = request.namespace();
    let now = context.now(namespace);
    let session_id_from_jwt = match &identifier {
        Identifier::Jwt(token) => Some(jwt::verify(token, now).map_err(|e| match e {
            jwt::JwtError::Invalid => MoonKeyError::InvalidJwt,
            jwt::JwtError::Expired => MoonKeyError::ExpiredJwt,
        })?),
        _ => None,
    };
    let deleted = context.store.update(namespace, secret_key, now, |tenant| {
        let session_id = match &identifier {
            Identifier::Token(token) => tenant
                .iter()
                .find(|(_, session)| session.session_token == *token)
                .map(|(id, _)| id.clone()),
            Identifier::Id(id) => Some(id.clone()),
            Identifier::Jwt(_) => session_id_from_jwt,
        };
        let session_id = session_id.filter(|id| tenant.get(id).is_some())?;
        tenant.change().remove(&session_id)
    });
    let situation = match identifier {
        Identifier::Token(_) => probes::DELETE_BY_TOKEN,
        Identifier::Jwt(_) => probes::DELETE_BY_JWT,
        Identifier::Id(_) => probes::DELETE_BY_ID,
    };
    match deleted {
        Some(_) => Ok((Reply::json_bytes(StatusCode::OK, deleted_body()), situation)),
        None => Err(MoonKeyError::SessionNotFound),
    }
}

fn deleted_body() -> &'static Bytes {
    static BODY: OnceLock<Bytes> = OnceLock::new();
    serialised_once(&BODY, || {
        let message: DeleteSession200ResponseMessage = "Successfully deleted session"
            .parse()
            .expect("the message is not empty");
        DeleteSession200Response { message }
    })
}

/// The app's secret key, from `Authorization: Bearer`.
fn secret_key(request: &Incoming) -> Result<&str, MoonKeyError> {
    match bearer_token(&request.headers) {
        Bearer::Token(key) if is_secret_key(key) => Ok(key),
        _ => Err(MoonKeyError::Unauthorized),
    }
}

/// `sk_test_` or `sk_live_` followed by 48 alphanumerics.
fn is_secret_key(key: &str) -> bool {
    let body = key.strip_prefix("sk_test_").or_else(|| key.strip_prefix("sk_live_"));
    body.is_some_and(|body| body.len() == 48 && ids::is_base62(body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve::vendor::create_session;

    #[test]
    fn generated_identifiers_follow_moonkeys_formats() {
        let view = create_session::<MoonKey>(&mut Sessions::default(), SessionSpec::default(), Utc::now()).unwrap();
        assert!(view.session_id.starts_with("sess_") && view.session_id.len() == 5 + 27);
        assert!(view.session_token.len() == 64 && ids::is_base62(&view.session_token));
        assert!(view.user_id.starts_with("user_"));
        assert!(jwt::verify(&view.session_jwt, Utc::now()).is_ok());
    }

    #[test]
    fn chosen_identifiers_are_checked_and_unique() {
        let mut sessions = Sessions::default();
        let spec = SessionSpec {
            session_id: Some("sess_abc".into()),
            ..Default::default()
        };
        create_session::<MoonKey>(&mut sessions, spec.clone(), Utc::now()).unwrap();
        assert!(create_session::<MoonKey>(&mut sessions, spec, Utc::now())
            .unwrap_err()
            .contains("already exists"));
        let bad = SessionSpec {
            session_id: Some("session-1".into()),
            ..Default::default()
        };
        assert!(create_session::<MoonKey>(&mut sessions, bad, Utc::now())
            .unwrap_err()
            .contains("session_id must be"));
        let bad_token = SessionSpec {
            session_token: Some("not-base62".into()),
            ..Default::default()
        };
        assert_eq!(
            create_session::<MoonKey>(&mut sessions, bad_token, Utc::now()).unwrap_err(),
            "session_token must be 1 to 128 letters and digits, not \"not-base62\""
        );
    }
}
