//! Dynamic's error bodies (`{"error": …}`, and `{"error","code"}` for 404), and the operation's
//! departures from the spec.

use std::sync::OnceLock;

use bytes::Bytes;
use http::StatusCode;
use serde_json::{json, Value};

use crate::departures::Departure;
use crate::exchange::{serialised_once, Fidelity, Reply};
use crate::generated::dynamic::types::{Forbidden, Unauthorized};
use crate::serve::vendor::VendorError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DynamicError {
    NoJwt,
    InvalidToken,
    Forbidden,
    InvalidSessionId,
    NotFound,
}

impl VendorError for DynamicError {
    /// Both modes answer alike: the 400 and 404 are outside the spec, which documents nothing for
    /// those situations, and carry their departure.
    fn reply(self, _: Fidelity) -> Reply {
        let (status, departure) = match self {
            Self::NoJwt | Self::InvalidToken => (StatusCode::UNAUTHORIZED, None),
            Self::Forbidden => (StatusCode::FORBIDDEN, None),
            Self::InvalidSessionId => (StatusCode::BAD_REQUEST, Some(&INVALID_SESSION_ID_400)),
            Self::NotFound => (StatusCode::NOT_FOUND, Some(&UNKNOWN_SESSION_404)),
        };
        let reply = Reply::json_bytes(status, self.body_bytes());
        match departure {
            Some(departure) => reply.departing(departure),
            None => reply,
        }
    }
}

impl DynamicError {
    /// The body, serialised the first time it is needed and shared by every later answer.
    fn body_bytes(self) -> &'static Bytes {
        static NO_JWT: OnceLock<Bytes> = OnceLock::new();
        static INVALID_TOKEN: OnceLock<Bytes> = OnceLock::new();
        static FORBIDDEN: OnceLock<Bytes> = OnceLock::new();
        static INVALID_SESSION_ID: OnceLock<Bytes> = OnceLock::new();
        static NOT_FOUND: OnceLock<Bytes> = OnceLock::new();
        let cell = match self {
            Self::NoJwt => &NO_JWT,
            Self::InvalidToken => &INVALID_TOKEN,
            Self::Forbidden => &FORBIDDEN,
            Self::InvalidSessionId => &INVALID_SESSION_ID,
            Self::NotFound => &NOT_FOUND,
        };
        serialised_once(cell, || self.body())
    }

    /// The documented statuses use the spec's own types; 400 and 404 have no schema in the spec.
    fn body(self) -> Value {
        let error = |text: &str| Some(text.to_string());
        match self {
            Self::NoJwt => json!(Unauthorized {
                error: error("No jwt provided!")
            }),
            Self::InvalidToken => json!(Unauthorized {
                error: error("Unauthorized")
            }),
            Self::Forbidden => json!(Forbidden {
                error: error("Access Forbidden")
            }),
            Self::InvalidSessionId => json!({"error": "sessionId must be a UUID"}),
            Self::NotFound => json!({"error": "Not Found", "code": "not_found"}),
        }
    }
}

const OPERATION: &str = "PUT /sessions/{sessionId}/revoke";
const DOCUMENTED: &str = "Documents 200 (Session), 401, 403 and 500 only.";

/// Every departure of this operation, in the register's order.
pub static DEPARTURES: &[&Departure] = &[&INVALID_SESSION_ID_400, &UNKNOWN_SESSION_404];

pub static INVALID_SESSION_ID_400: Departure = Departure {
        id: "dynamic-400-invalid-session-id",
        operation: OPERATION,
        situation: "`sessionId` is not a lowercase UUID (the spec's `uuid` pattern)",
        spec_says: DOCUMENTED,
        service_does: "400 `{\"error\": <message>}`: the path parameter fails the API's schema validation.",
        evidence: "inferred: the rest of Dynamic's API answers schema violations with 400 `{error}`; no source for this operation.",
        live: "400 `{\"error\":\"sessionId must be a UUID\"}`.",
        spec: "As live (the spec documents no 400); the response carries the departure header.",
    };

pub static UNKNOWN_SESSION_404: Departure = Departure {
    id: "dynamic-404-unknown-session",
    operation: OPERATION,
    situation: "no session with this id in the token's environment",
    spec_says: DOCUMENTED,
    service_does: "404 `{\"error\":\"Not Found\",\"code\":\"not_found\"}`.",
    evidence: "inferred for revoke: the body is the one Dynamic's API uses for unknown resources elsewhere.",
    live: "404 `{\"error\":\"Not Found\",\"code\":\"not_found\"}`.",
    spec: "As live (the spec documents no 404); the response carries the departure header.",
};
