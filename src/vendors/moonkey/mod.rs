//! MoonKey Auth (formerly Streambird): `DELETE /v1/auth/sessions/delete`, specs/moonkey.yaml.
//!
//! The body names a session by exactly one of `session_token`, `session_jwt`, `session_id`; the
//! caller authenticates with the app's secret API key. Every distinct well-formed key is its own app
//! with its own copy of the default data. Departures: the spec documents no error response at all,
//! so every error (401, 400, 404) answers outside it, in the SDKs' error shape (see [`error`]).

pub mod delete_session;
pub mod error;
pub mod jwt;
pub mod state;

use chrono::{DateTime, Utc};
use http::StatusCode;

use crate::departures::Departure;
use crate::exchange::{reason, Fidelity, Reply};
use crate::sessions::Sessions;
use crate::vendor::{Api, Vendor};
use state::{Session, SessionSpec, SessionView};

pub struct MoonKey;

/// The secret key in the spec's own example request; any well-formed key works as well.
pub const EXAMPLE_SECRET_KEY: &str = "sk_test_pRqweh3wvWmJAAVYv7Z0T5iPLzFM4ql0muoyQcjOxGeN3p1r";

/// MoonKey's section of a fixtures file: its sessions.
pub type Fixture = crate::vendor::SessionsOnly<SessionSpec>;

impl Vendor for MoonKey {
    const NAME: &'static str = "moonkey";
    const DEFAULT_PORT: u16 = 4010;
    const DEFAULT_CREDENTIAL: &'static str = EXAMPLE_SECRET_KEY;
    type Session = Session;
    type Fixture = Fixture;
    type SessionSpec = SessionSpec;
    type SessionView = SessionView;

    fn register(api: &mut Api<Self>) -> Result<(), String> {
        delete_session::register(api)
    }

    fn accepts_credential(credential: &str) -> bool {
        delete_session::is_secret_key(credential)
    }

    fn new_session(
        sessions: &Sessions<Session>,
        spec: SessionSpec,
        now: DateTime<Utc>,
    ) -> Result<(String, Session), String> {
        state::new_session(sessions, spec, now)
    }

    fn view(id: &str, session: &Session, now: DateTime<Utc>) -> SessionView {
        state::view(id, session, now)
    }

    fn forced_error(status: StatusCode, _: Fidelity) -> Reply {
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

    fn departures() -> &'static [Departure] {
        error::DEPARTURES
    }
}
