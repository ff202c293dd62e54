//! One MoonKey app's sessions, and the default data every new app starts with.

use chrono::{DateTime, Utc};

use super::jwt;
use crate::ids;

/// The session of the spec's request example (`DeleteSessionReq`).
pub const DEFAULT_SESSION_TOKEN: &str = "50ulk0Tqgq3LlelxW3jNjj92yrIpyfPC3qkbXqGMTYkS45OhPtFlG4468lvtqyvs";
pub const DEFAULT_SESSION_ID: &str = "sess_vItppcBkSfHGf4X7C5FVSB6bmMy";
/// The user of the spec's own authenticated-request example.
pub const DEFAULT_USER_ID: &str = "user_24wFP9pDa9YiMJLun94iKykoZs2";

#[derive(Debug, Clone)]
pub struct Session {
    /// `sess_` + 27 base62 characters.
    pub session_id: String,
    /// 64 base62 characters.
    pub session_token: String,
    /// An RS256 JWT naming this session, valid for [`jwt::LIFETIME_SECS`] from issue.
    pub session_jwt: String,
    pub user_id: String,
    pub started_at: DateTime<Utc>,
}

impl Session {
    /// A new session with identifiers in MoonKey's formats.
    pub fn generate(user_id: &str, now: DateTime<Utc>) -> Self {
        let session_id = format!("sess_{}", ids::base62(27));
        Self::with_ids(session_id, ids::base62(64), user_id, now)
    }

    fn with_ids(session_id: String, session_token: String, user_id: &str, now: DateTime<Utc>) -> Self {
        let session_jwt = jwt::issue(&session_id, user_id, now, now);
        Self {
            session_id,
            session_token,
            session_jwt,
            user_id: user_id.to_string(),
            started_at: now,
        }
    }
}

/// The sessions of one app (one secret key).
#[derive(Debug, Default)]
pub struct App {
    sessions: Vec<Session>,
}

impl App {
    pub fn with_default_data(now: DateTime<Utc>) -> Self {
        let session = Session::with_ids(
            DEFAULT_SESSION_ID.into(),
            DEFAULT_SESSION_TOKEN.into(),
            DEFAULT_USER_ID,
            now,
        );
        Self {
            sessions: vec![session],
        }
    }

    pub fn sessions(&self) -> &[Session] {
        &self.sessions
    }

    pub fn insert(&mut self, session: Session) {
        self.sessions.push(session);
    }

    /// Removes the session the predicate picks; `None` when there is none.
    pub fn remove_where(&mut self, predicate: impl Fn(&Session) -> bool) -> Option<Session> {
        let index = self.sessions.iter().position(predicate)?;
        Some(self.sessions.swap_remove(index))
    }
}
