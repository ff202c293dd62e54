//! Dynamic's error bodies (`{"error": …}`, and `{"error","code"}` for 404), and the operation's
//! departures from the spec.

use std::sync::OnceLock;

use bytes::Bytes;
use http::StatusCode;
use serde::Serialize;

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

#[derive(Serialize)]
struct NotFoundBody {
    error: &'static str,
    code: &'static str,
}

#[derive(Serialize)]
struct BadRequestBody {
    error: &'static str,
}

impl DynamicError {
    pub(super) fn reply(self) -> Reply {
        static NO_JWT: OnceLock<Bytes> = OnceLock::new();
        static INVALID_TOKEN: OnceLock<Bytes> = OnceLock::new();
        static FORBIDDEN: OnceLock<Bytes> = OnceLock::new();
        static BAD_ID: OnceLock<Bytes> = OnceLock::new();
        static NOT_FOUND: OnceLock<Bytes> = OnceLock::new();
        match self {
            Self::NoJwt => Reply::json_bytes(
                StatusCode::UNAUTHORIZED,
                serialised_once(&NO_JWT, || Unauthorized {
                    error: Some("No jwt provided!".into()),
                }),
            ),
            Self::InvalidToken => Reply::json_bytes(
                StatusCode::UNAUTHORIZED,
                serialised_once(&INVALID_TOKEN, || Unauthorized {
                    error: Some("Unauthorized".into()),
                }),
            ),
            Self::Forbidden => Reply::json_bytes(
                StatusCode::FORBIDDEN,
                serialised_once(&FORBIDDEN, || Forbidden {
                    error: Some("Access Forbidden".into()),
                }),
            ),
            Self::InvalidSessionId => Reply::json_bytes(
                StatusCode::BAD_REQUEST,
                serialised_once(&BAD_ID, || BadRequestBody {
                    error: "sessionId must be a UUID",
                }),
            )
            .departing("dynamic-400-invalid-session-id"),
            Self::NotFound => Reply::json_bytes(
                StatusCode::NOT_FOUND,
                serialised_once(&NOT_FOUND, || NotFoundBody {
                    error: "Not Found",
                    code: "not_found",
                }),
            )
            .departing("dynamic-404-unknown-session"),
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
