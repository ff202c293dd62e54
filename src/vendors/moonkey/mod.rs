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

use crate::departures::Departure;
use crate::server::{Api, Vendor};

pub struct MoonKey;

/// The secret key in the spec's own example request; any well-formed key works as well.
pub const EXAMPLE_SECRET_KEY: &str = "sk_test_pRqweh3wvWmJAAVYv7Z0T5iPLzFM4ql0muoyQcjOxGeN3p1r";

impl Vendor for MoonKey {
    const NAME: &'static str = "moonkey";
    const DEFAULT_PORT: u16 = 4010;
    type State = state::App;

    fn seed(now: DateTime<Utc>) -> state::App {
        state::App::with_default_data(now)
    }

    fn register(api: &mut Api<Self>) -> Result<(), String> {
        delete_session::register(api)
    }

    fn defaults() -> Vec<(&'static str, String)> {
        vec![
            (
                "secret key (any sk_test_/sk_live_ + 48 alphanumerics; each is its own app)",
                EXAMPLE_SECRET_KEY.into(),
            ),
            ("session_token", state::DEFAULT_SESSION_TOKEN.into()),
            ("session_id", state::DEFAULT_SESSION_ID.into()),
        ]
    }

    fn departures() -> &'static [Departure] {
        error::DEPARTURES
    }
}
