//! Paragraph's probes: denying a pending auth session, and each session that is not pending
//! (denied already, completed, expired, unknown). Only the 200 is documented.

use serde_json::json;

use super::error::NOT_PENDING_404;
use super::DENY_SESSION;
use crate::probe::{json as answer, Catalogue, Match, Needs, Probe, ProbeRequest, PublicCreate, Resources, SessionIds};

// The situations, by name: the handler tags its answers with them, for coverage.
pub(super) const DENY_PENDING: &str = "deny_pending";
pub(super) const DENY_AGAIN: &str = "deny_again";
pub(super) const COMPLETED_SESSION: &str = "completed_session";
pub(super) const EXPIRED_SESSION: &str = "expired_session";
pub(super) const UNKNOWN_SESSION: &str = "unknown_session";

const DENIED: &[(&str, Match)] = &[("/success", Match::Present)];
const NOT_FOUND: &[(&str, Match)] = &[
    ("/msg", Match::Equals("Session not found")),
    ("/success", Match::Present),
];

fn deny(resources: &Resources) -> ProbeRequest {
    ProbeRequest::to(&DENY_SESSION, resources.session_id())
}

fn not_pending(name: &'static str, situation: &'static str, needs: Needs) -> Probe {
    Probe {
        name,
        situation,
        needs,
        request: deny,
        live: answer(404, NOT_FOUND),
        spec: None,
        departure: Some(&NOT_PENDING_404),
    }
}

pub(super) fn catalogue() -> Catalogue {
    let probes = vec![
        Probe {
            name: DENY_PENDING,
            situation: "a pending auth session",
            needs: Needs::Session,
            request: deny,
            live: answer(200, DENIED),
            spec: Some(answer(200, DENIED)),
            departure: None,
        },
        not_pending(DENY_AGAIN, "a session this check already denied", Needs::DeletedSession),
        not_pending(
            COMPLETED_SESSION,
            "a session whose login completed",
            Needs::ControlSession(r#"{"status":"completed"}"#),
        ),
        not_pending(
            EXPIRED_SESSION,
            "a pending session past its lifetime",
            Needs::SessionAfter(16 * 60),
        ),
        Probe {
            request: |_| ProbeRequest::to(&DENY_SESSION, "00000000-0000-4000-8000-00000000c4ec"),
            ..not_pending(UNKNOWN_SESSION, "an id no session has", Needs::Nothing)
        },
    ];
    Catalogue {
        operation: &DENY_SESSION,
        probes,
        from_control_view: |view| {
            Some(SessionIds {
                id: view["session_id"].as_str()?.to_string(),
                ..SessionIds::default()
            })
        },
        // paragraph-cli's first call: `POST /v1/api/auth/sessions {deviceName}` -> 201 {sessionId, …}.
        public_create: Some(PublicCreate {
            request: |_| {
                ProbeRequest {
                    method: "POST",
                    path: "/v1/api/auth/sessions".into(),
                    headers: Vec::new(),
                    body: None,
                }
                .json(json!({"deviceName": "understudy-check"}))
            },
            expected_status: 201,
            id_pointer: "/sessionId",
        }),
        consume: deny,
        untagged: &[(DENY_AGAIN, UNKNOWN_SESSION)],
    }
}
