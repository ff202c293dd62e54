//! Paragraph's error body, `{success: false, msg}` (the spec's 500 schema, and the shape of the
//! API's other client errors), and the operation's departure from the spec.

use std::sync::OnceLock;

use bytes::Bytes;
use http::StatusCode;

use crate::departures::Departure;
use crate::exchange::{serialised_once, Fidelity, Reply};
use crate::generated::paragraph::types::DeleteAuthSession500Response;
use crate::serve::vendor::VendorError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ParagraphError {
    /// The session is not pending: completed, expired, already denied, or unknown.
    NotPending,
}

impl VendorError for ParagraphError {
    /// Both modes answer alike: the spec documents no status for this situation.
    fn reply(self, _: Fidelity) -> Reply {
        match self {
            Self::NotPending => {
                static BODY: OnceLock<Bytes> = OnceLock::new();
                let body = serialised_once(&BODY, || DeleteAuthSession500Response {
                    success: false,
                    msg: "Session not found".into(),
                });
                Reply::json_bytes(StatusCode::NOT_FOUND, body).departing(&NOT_PENDING_404)
            }
        }
    }
}

/// An error body in Paragraph's shape.
pub(super) fn body(status: StatusCode, msg: &str) -> Reply {
    Reply::json(
        status,
        &DeleteAuthSession500Response {
            success: false,
            msg: msg.to_string(),
        },
    )
}

/// Every departure of this operation, in the register's order.
pub static DEPARTURES: &[&Departure] = &[&NOT_PENDING_404];

pub static NOT_PENDING_404: Departure = Departure {
    id: "paragraph-404-not-pending",
    operation: "DELETE /v1/api/auth/sessions/{sessionId}",
    situation: "the session is completed, expired, already denied, or unknown",
    spec_says: "Documents 200 `{success:true}` and 500 `{success:false,msg}`; \"Only pending sessions can be denied\" with no status for the others.",
    service_does: "404 `{\"success\":false,\"msg\":\"Session not found\"}`: a denied session is deleted (paragraph-cli browser-auth.ts, commit d156aa9: GET afterwards is 404), and the API answers its other client errors as `{success:false,msg}`.",
    evidence: "paragraph-cli browser-auth.ts (commit d156aa9) for deletion on deny; the 404 status and message for non-pending sessions are inferred. Counter-evidence, weighed and kept: the types of Paragraph's own SDK (`@paragraph-com/sdk` 1.6.0) give the sibling `GET /v1/api/auth/sessions/{sessionId}` a 404 body `{message}`, not `{success:false,msg}`. The DELETE keeps `{success:false,msg}`: it is the shape the spec documents for this operation's own error (500), the SDK declares no 404 for the DELETE, and the rest of the API answers its client errors that way; the GET's `{message}` is one route's shape, not evidence for this one. A check that sees `{message}` here fails the probe and names it.",
    live: "404 `{\"success\":false,\"msg\":\"Session not found\"}`.",
    spec: "As live (the spec documents no status for this situation; its 500 means a server fault); the response carries the departure header.",
};

/// What the siblings infer without evidence (in the register, carried by no answer).
pub static INFERRED: &[&Departure] = &[&SIBLINGS_INFERRED];

pub static SIBLINGS_INFERRED: Departure = Departure {
    id: "paragraph-auth-siblings-inferred",
    operation: "POST /v1/api/auth/sessions, GET /v1/api/auth/sessions/{sessionId}",
    situation: "Paragraph's fuller document served (`--spec paragraph=FILE`): the create and the poll of an auth session, which share the deny's sessions",
    spec_says: "Create: 201 `{sessionId, verificationUrl, expiresAt}`. Poll: 200 `pending` (deviceName, callbackUrl), `completed` (apiKey) or `expired`; 404 `{message}`. Only 500 `{success:false,msg}` is documented as an error.",
    service_does: "Evidenced: the create needs no credential and answers 201 with a pending session; the poll answers its status; a denied session is deleted, so its poll is 404 afterwards. Inferred by the mock: a pending session expires 15 minutes after creation; a body the document refuses, or a callbackUrl that is not HTTPS (at most 2048 characters), is 400 `{success:false,msg}` (the API's shape for its other client errors); a completed session's apiKey is `para_` and 32 hex digits derived from its id; the poll's 404 is `{\"message\":\"Session not found\"}`.",
    evidence: "paragraph-cli browser-auth.ts (commit d156aa9): create, poll, deny, and the 404 after a deny; `@paragraph-com/sdk` 1.6.0 types for the poll's branches and its 404 `{message}`. The 400s, the lifetime and the key's form are inferred.",
    live: "As described.",
    spec: "As described (the spec documents no status for the refusals).",
};
