//! Dynamic's error bodies (`{"error": …}`, and `{"error","code"}` for 404), and the operation's
//! departures from the spec.

use std::sync::OnceLock;

use bytes::Bytes;
use http::StatusCode;
use serde_json::{json, Value};

use crate::departures::Departure;
use crate::exchange::{serialised_once, Reply};
use crate::generated::dynamic::types::{Forbidden, Unauthorized};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DynamicError {
    NoJwt,
    InvalidToken,
    Forbidden,
    InvalidSessionId,
    NotFound,
}

impl DynamicError {
    /// The answer; each body is serialised once and shared by every later response.
    pub(super) fn reply(self) -> Reply {
        static BODIES: [OnceLock<Bytes>; 5] = [const { OnceLock::new() }; 5];
        let (status, departure) = match self {
            Self::NoJwt | Self::InvalidToken => (StatusCode::UNAUTHORIZED, None),
            Self::Forbidden => (StatusCode::FORBIDDEN, None),
            Self::InvalidSessionId => (StatusCode::BAD_REQUEST, Some("dynamic-400-invalid-session-id")),
            Self::NotFound => (StatusCode::NOT_FOUND, Some("dynamic-404-unknown-session")),
        };
        let reply = Reply::json_bytes(status, serialised_once(&BODIES[self as usize], || self.body()));
        match departure {
            Some(id) => reply.departing(id),
            None => reply,
        }
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

pub(super) static DEPARTURES: &[Departure] = &[
    Departure {
        id: "dynamic-400-invalid-session-id",
        vendor: "dynamic",
        operation: OPERATION,
        situation: "`sessionId` is not a lowercase UUID (the spec's `uuid` pattern)",
        spec_says: DOCUMENTED,
        service_does: "400 `{\"error\": <message>}`: the path parameter fails the API's schema validation.",
        evidence: "inferred: the rest of Dynamic's API answers schema violations with 400 `{error}`; no source for this operation.",
        live: "400 `{\"error\":\"sessionId must be a UUID\"}`.",
        spec: "As live (the spec documents no 400); the response carries the departure header.",
    },
    Departure {
        id: "dynamic-404-unknown-session",
        vendor: "dynamic",
        operation: OPERATION,
        situation: "no session with this id in the token's environment",
        spec_says: DOCUMENTED,
        service_does: "404 `{\"error\":\"Not Found\",\"code\":\"not_found\"}`.",
        evidence: "inferred for revoke: the body is the one Dynamic's API uses for unknown resources elsewhere.",
        live: "404 `{\"error\":\"Not Found\",\"code\":\"not_found\"}`.",
        spec: "As live (the spec documents no 404); the response carries the departure header.",
    },
];
