//! MoonKey's error shape, `{"error_message", "error_type", "status_code"}` (read by the vendor's node,
//! python and ruby SDKs), the errors this operation answers, and its departures from the spec.

use http::StatusCode;
use serde::Serialize;

use crate::departures::Departure;
use crate::exchange::{Fidelity, Reply};
use crate::serve::vendor::VendorError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum MoonKeyError {
    /// No `Authorization: Bearer sk_test_…|sk_live_…` with a well-formed secret key.
    Unauthorized,
    /// The body breaks a rule: the message names it.
    Validation(&'static str),
    /// A `session_jwt` not signed by this server, or not a JWT.
    InvalidJwt,
    /// A `session_jwt` past its 300-second lifetime.
    ExpiredJwt,
    /// No session of this app has that identifier.
    SessionNotFound,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error_message: &'a str,
    error_type: &'a str,
    status_code: u16,
}

impl MoonKeyError {
    fn parts(&self) -> (StatusCode, &'static str, &'static str, &'static Departure) {
        match self {
            Self::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "Unauthorized: provide a valid secret API key as a Bearer token in the Authorization header.",
                &SECRET_KEY_401,
            ),
            Self::Validation(message) => (StatusCode::BAD_REQUEST, "validation_error", message, &VALIDATION_400),
            Self::InvalidJwt => (
                StatusCode::UNAUTHORIZED,
                "invalid_session_jwt",
                "The session_jwt is invalid: it is malformed or its signature does not verify.",
                &JWT_VERIFICATION,
            ),
            Self::ExpiredJwt => (
                StatusCode::UNAUTHORIZED,
                "session_jwt_expired",
                "The session_jwt has expired.",
                &JWT_VERIFICATION,
            ),
            Self::SessionNotFound => (
                StatusCode::NOT_FOUND,
                "session_not_found",
                "Session not found.",
                &UNKNOWN_SESSION_404,
            ),
        }
    }
}

impl VendorError for MoonKeyError {
    /// The spec documents no error response, so both modes answer as the service does and mark the
    /// departure.
    fn reply(self, _: Fidelity) -> Reply {
        let (status, error_type, error_message, departure) = self.parts();
        body(status, error_type, error_message).departing(departure)
    }
}

/// A MoonKey error body.
pub(super) fn body(status: StatusCode, error_type: &str, error_message: &str) -> Reply {
    Reply::json(
        status,
        &ErrorBody {
            error_message,
            error_type,
            status_code: status.as_u16(),
        },
    )
}

pub(super) const NONE_GIVEN: &str = "One of session_token, session_jwt or session_id is required.";
pub(super) const MORE_THAN_ONE: &str =
    "Only one of session_token, session_jwt or session_id can be sent in; more than one was sent.";
pub(super) const NOT_AN_OBJECT: &str = "The request body must be a JSON object.";
pub(super) const MALFORMED_JSON: &str = "The request body is not valid JSON.";
pub(super) const NOT_A_STRING: &str = "session_token, session_jwt and session_id must be strings.";
pub(super) const NOT_JSON_CONTENT: &str = "Content-Type must be application/json.";
pub(super) const TOO_LARGE: &str = "The request body is too large.";

const OPERATION: &str = "DELETE /v1/auth/sessions/delete";
const NO_ERRORS_DOCUMENTED: &str = "Documents only `200 {message}`: no error response at all.";
const SPEC_MODE_AS_LIVE: &str =
    "As live: the spec documents nothing for this situation; the response carries the departure header.";

/// Every departure of this operation, in the register's order.
pub static DEPARTURES: &[&Departure] = &[
    &SECRET_KEY_401,
    &VALIDATION_400,
    &UNKNOWN_SESSION_404,
    &JWT_VERIFICATION,
];

pub static SECRET_KEY_401: Departure = Departure {
        id: "moonkey-401-secret-key",
        operation: OPERATION,
        situation: "missing, non-Bearer or malformed secret API key",
        spec_says: NO_ERRORS_DOCUMENTED,
        service_does: "401 in the SDK error shape `{error_message, error_type, status_code}`.",
        evidence: "Docs (session management): \"All session endpoints require your secret ApiKey\"; key format `sk_test_`/`sk_live_` + 48 alphanumerics; error shape from StreambirdApiError.fromResponse (node SDK) and the python and ruby SDKs. Status 401 and the strings are inferred.",
        live: "401 `{\"error_type\":\"unauthorized\", …}`.",
        spec: SPEC_MODE_AS_LIVE,
    };

pub static VALIDATION_400: Departure = Departure {
        id: "moonkey-400-validation",
        operation: OPERATION,
        situation: "body names no session, or more than one identifier; or is not a JSON object of strings",
        spec_says: "The description says more than one identifier is \"a validation error\"; no status or body is documented.",
        service_does: "400 in the SDK error shape with `error_type: validation_error`.",
        evidence: "The spec's own description (validation error); status 400 and messages inferred. An empty string counts as absent, as a Go `required_without` rule would read it (inferred). A missing Content-Type is accepted; a present non-JSON one is refused (inferred).",
        live: "400 `{\"error_type\":\"validation_error\", \"error_message\": <the rule broken>}`.",
        spec: SPEC_MODE_AS_LIVE,
    };

pub static UNKNOWN_SESSION_404: Departure = Departure {
        id: "moonkey-404-unknown-session",
        operation: OPERATION,
        situation: "no session of this app has the identifier (never existed, already deleted, or another app's)",
        spec_says: NO_ERRORS_DOCUMENTED,
        service_does: "404 in the SDK error shape.",
        evidence: "inferred: the SDKs raise StreambirdApiError with the response's status; 404 is the REST convention the rest of the API follows.",
        live: "404 `{\"error_type\":\"session_not_found\", …}`.",
        spec: SPEC_MODE_AS_LIVE,
    };

pub static JWT_VERIFICATION: Departure = Departure {
        id: "moonkey-jwt-verification",
        operation: OPERATION,
        situation: "`session_jwt` that is malformed, not signed by the server, or expired",
        spec_says: NO_ERRORS_DOCUMENTED,
        service_does: "401: the JWT is a credential that fails verification (a well-signed, unexpired JWT naming an unknown session is a 404 instead).",
        evidence: "Session JWTs are RS256 with a 300 s lifetime and the claim `https://streambird.io/jwt/session` (vendor docs and SDKs). The statuses are inferred: verification failure is an authentication failure, whereas a verified JWT naming no session of this app is the same 404 as an unknown id.",
        live: "401 `invalid_session_jwt` (bad signature, not a JWT) or `session_jwt_expired`.",
        spec: SPEC_MODE_AS_LIVE,
    };
