//! One MoonKey app's sessions, and how the control API and fixtures create them.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::jwt;
use crate::ids;
use crate::sessions::Sessions;

/// The session of the spec's request example, in the default data.
pub const DEFAULT_SESSION_TOKEN: &str = "50ulk0Tqgq3LlelxW3jNjj92yrIpyfPC3qkbXqGMTYkS45OhPtFlG4468lvtqyvs";
pub const DEFAULT_SESSION_ID: &str = "sess_vItppcBkSfHGf4X7C5FVSB6bmMy";
/// The user of the spec's own authenticated-request example, in the default data.
pub const DEFAULT_USER_ID: &str = "user_24wFP9pDa9YiMJLun94iKykoZs2";

/// A stored session, by its `session_id` (`sess_` + 27 base62 characters when generated).
#[derive(Debug, Clone)]
pub struct Session {
    /// 64 base62 characters when generated.
    pub session_token: String,
    pub user_id: String,
    pub started_at: DateTime<Utc>,
}

/// A session to create; every identifier left out is generated in MoonKey's format.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionSpec {
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
pub struct SessionView {
    pub session_id: String,
    pub session_token: String,
    pub session_jwt: String,
    pub user_id: String,
    pub started_at: DateTime<Utc>,
}

/// A session as the control API shows it, with a `session_jwt` issued at `now`.
pub fn view(session_id: &str, session: &Session, now: DateTime<Utc>) -> SessionView {
    SessionView {
        session_id: session_id.to_string(),
        session_token: session.session_token.clone(),
        session_jwt: jwt::issue(session_id, &session.user_id, session.started_at, now),
        user_id: session.user_id.clone(),
        started_at: session.started_at,
    }
}

/// Checks a spec against the app's sessions and builds the session it describes.
pub fn new_session(
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vendor::create_session;
    use crate::vendors::moonkey::MoonKey;

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
