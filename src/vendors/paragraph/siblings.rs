//! The operations of Paragraph's fuller public document that share the compiled deny's auth
//! sessions, answered when the served document has them (`--spec paragraph=FILE`): `POST
//! /v1/api/auth/sessions` makes a pending session, and `GET /v1/api/auth/sessions/{sessionId}`
//! polls it (pending, completed with an API key, or expired) until the deny deletes it, after
//! which it is 404. What the evidence does not give is inferred, and registered as such
//! ([`super::error::SIBLINGS_INFERRED`]).

use http::StatusCode;
use serde_json::{json, Value};

use super::{error, Paragraph, SessionSpec, Status};
use crate::exchange::{Incoming, Reply};
use crate::serve::vendor::{create_session, Operation, VendorContext};
use crate::spec::{Violation, ViolationKind};

pub const CREATE_AUTH_SESSION: Operation = Operation {
    vendor: "paragraph",
    id: "createAuthSession",
    method: "POST",
    template: "/v1/api/auth/sessions",
};
pub const GET_AUTH_SESSION: Operation = Operation {
    vendor: "paragraph",
    id: "getAuthSession",
    method: "GET",
    template: "/v1/api/auth/sessions/{sessionId}",
};

/// Where the user approves a session in the browser (the create answer's `verificationUrl`).
const VERIFICATION_URL: &str = "https://paragraph.com/cli-auth?session=";
/// The longest callback URL the create takes.
const CALLBACK_URL_LIMIT: usize = 2048;

/// `POST /v1/api/auth/sessions`: the body as the document's rules judge it (and an `https`
/// callback), then 201 `{sessionId, verificationUrl, expiresAt}` with a pending session.
pub(super) fn create(context: &VendorContext<Paragraph>, request: &Incoming, violations: &[Violation]) -> Reply {
    if let Some(problem) = violations.iter().find(|v| !matches!(v.kind, ViolationKind::Security)) {
        return error::body(StatusCode::BAD_REQUEST, &problem.message);
    }
    let fields = match request.json() {
        Some(Value::Object(fields)) => fields.clone(),
        _ => return error::body(StatusCode::BAD_REQUEST, "body: expected a JSON object"),
    };
    let text = |name: &str| fields.get(name).and_then(Value::as_str).map(str::to_string);
    let callback_url = text("callbackUrl");
    if let Some(url) = &callback_url {
        if !url.starts_with("https://") || url.len() > CALLBACK_URL_LIMIT {
            return error::body(
                StatusCode::BAD_REQUEST,
                "callbackUrl must be an HTTPS URL of at most 2048 characters",
            );
        }
    }
    let spec = SessionSpec {
        device_name: Some(text("deviceName").unwrap_or_default()),
        ..SessionSpec::default()
    };
    let namespace = request.namespace();
    let now = context.now(namespace);
    let view = context.store.update(namespace, "", now, |tenant| {
        let sessions = tenant.change();
        let view = create_session::<Paragraph>(sessions, spec, now);
        if let Ok(view) = &view {
            if let Some(session) = sessions.get_mut(&view.session_id) {
                session.callback_url = callback_url;
            }
        }
        view
    });
    match view {
        Ok(view) => Reply::json(
            StatusCode::CREATED,
            &json!({
                "sessionId": view.session_id,
                "verificationUrl": format!("{VERIFICATION_URL}{}", view.session_id),
                "expiresAt": view.expires_at.map(|at| at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)),
            }),
        ),
        // The document's rules cap the device name; a longer one would fail here.
        Err(problem) => error::body(StatusCode::BAD_REQUEST, &problem),
    }
}

/// `GET /v1/api/auth/sessions/{sessionId}`: the session's status now, or 404 `{message}` (the
/// shape Paragraph's SDK types give this route) once it is unknown or denied.
pub(super) fn read(context: &VendorContext<Paragraph>, request: &Incoming, _: &[Violation]) -> Reply {
    let session_id = request.param("sessionId").unwrap_or_default();
    let namespace = request.namespace();
    let now = context.now(namespace);
    let found = context.store.read(namespace, "", now, |tenant| {
        tenant
            .get(session_id)
            .map(|s| (s.status_at(now), s.device_name.clone(), s.callback_url.clone()))
    });
    let body = match found {
        None => return Reply::json(StatusCode::NOT_FOUND, &json!({"message": "Session not found"})),
        Some((Status::Pending, device_name, callback_url)) => {
            let mut body = json!({"status": "pending"});
            if !device_name.is_empty() {
                body["deviceName"] = json!(device_name);
            }
            if let Some(url) = callback_url {
                body["callbackUrl"] = json!(url);
            }
            body
        }
        Some((Status::Completed, _, _)) => json!({"status": "completed", "apiKey": api_key(session_id)}),
        Some((Status::Expired, _, _)) => json!({"status": "expired"}),
    };
    Reply::json(StatusCode::OK, &body)
}

/// The API key a completed session hands over: derived from the session id, so that every poll
/// answers the same one.
fn api_key(session_id: &str) -> String {
    let seed = |salt: &[u8]| crate::spec::generate::seed_of(&[session_id.as_bytes(), salt]);
    format!("para_{:016x}{:016x}", seed(b"api key"), seed(b"api key, second half"))
}
