//! One MoonKey app's sessions, and how the control API and fixtures create them.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::jwt;
use crate::ids;

/// The session of the spec's request example, in the default data.
pub const DEFAULT_SESSION_TOKEN: &str = "50ulk0Tqgq3LlelxW3jNjj92yrIpyfPC3qkbXqGMTYkS45OhPtFlG4468lvtqyvs";
pub const DEFAULT_SESSION_ID: &str = "sess_vItppcBkSfHGf4X7C5FVSB6bmMy";
/// The user of the spec's own authenticated-request example, in the default data.
pub const DEFAULT_USER_ID: &str = "user_24wFP9pDa9YiMJLun94iKykoZs2";

#[derive(Debug, Clone)]
pub struct Session {
    /// `sess_` + 27 base62 characters when generated.
    pub session_id: String,
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

impl Session {
    pub fn view(&self, now: DateTime<Utc>) -> SessionView {
        SessionView {
            session_id: self.session_id.clone(),
            session_token: self.session_token.clone(),
            session_jwt: jwt::issue(&self.session_id, &self.user_id, self.started_at, now),
            user_id: self.user_id.clone(),
            started_at: self.started_at,
        }
    }
}

/// The sessions of one app (one secret key).
#[derive(Debug, Default)]
pub struct App {
    sessions: Vec<Session>,
}

impl App {
    pub fn sessions(&self) -> &[Session] {
        &self.sessions
    }

    pub fn create(&mut self, spec: SessionSpec, now: DateTime<Utc>) -> Result<SessionView, String> {
        let session_id = checked(spec.session_id, "session_id", "sess_", || {
            format!("sess_{}", ids::base62(27))
        })?;
        let session_token = checked(spec.session_token, "session_token", "", || ids::base62(64))?;
        let user_id = checked(spec.user_id, "user_id", "user_", || format!("user_{}", ids::base62(27)))?;
        if self.sessions.iter().any(|s| s.session_id == session_id) {
            return Err(format!("session_id {session_id} already exists"));
        }
        if self.sessions.iter().any(|s| s.session_token == session_token) {
            return Err("session_token already belongs to another session".into());
        }
        let session = Session {
            session_id,
            session_token,
            user_id,
            started_at: now,
        };
        let view = session.view(now);
        self.sessions.push(session);
        Ok(view)
    }

    /// Removes the session the predicate picks; `None` when there is none.
    pub fn remove_where(&mut self, predicate: impl Fn(&Session) -> bool) -> Option<Session> {
        let index = self.sessions.iter().position(predicate)?;
        Some(self.sessions.swap_remove(index))
    }
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
        _ => Err(format!(
            "{field} must be `{prefix}` followed by 1 to 128 letters and digits, not {value:?}"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_identifiers_follow_moonkeys_formats() {
        let view = App::default().create(SessionSpec::default(), Utc::now()).unwrap();
        assert!(view.session_id.starts_with("sess_") && view.session_id.len() == 5 + 27);
        assert!(view.session_token.len() == 64 && ids::is_base62(&view.session_token));
        assert!(view.user_id.starts_with("user_"));
        assert!(jwt::verify(&view.session_jwt, Utc::now()).is_ok());
    }

    #[test]
    fn chosen_identifiers_are_checked_and_unique() {
        let mut app = App::default();
        let spec = SessionSpec {
            session_id: Some("sess_abc".into()),
            ..Default::default()
        };
        app.create(spec.clone(), Utc::now()).unwrap();
        assert!(app.create(spec, Utc::now()).unwrap_err().contains("already exists"));
        let bad = SessionSpec {
            session_id: Some("session-1".into()),
            ..Default::default()
        };
        assert!(app.create(bad, Utc::now()).unwrap_err().contains("session_id must be"));
    }
}
