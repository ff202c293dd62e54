//! The operations of Nango's fuller public document that share the compiled delete's connect
//! sessions, answered when the served document has them (`--spec nango=FILE`): `POST
//! /connect/sessions` makes a session with the secret key, and `GET /connect/session` reads it with
//! its own token until the delete forgets it. What the evidence does not give is inferred, and
//! registered as such ([`super::error::SIBLINGS_INFERRED`]).

use http::StatusCode;
use serde_json::{json, Value};

use super::checks::{check_content_type, connect_session_token, secret_key};
use super::error::{issue, NangoError};
use super::{Nango, SessionSpec};
use crate::exchange::{Incoming, Reply};
use crate::serve::vendor::{create_session, Operation, Vendor, VendorContext, VendorError};
use crate::spec::{Violation, ViolationKind};

/// The operations have no operationId in Nango's document: these are the derived ones.
pub const CREATE_CONNECT_SESSION: Operation = Operation {
    vendor: "nango",
    id: "post_connect_sessions",
    method: "POST",
    template: "/connect/sessions",
};
pub const GET_CONNECT_SESSION: Operation = Operation {
    vendor: "nango",
    id: "get_connect_session",
    method: "GET",
    template: "/connect/session",
};

/// Where Nango's hosted Connect UI takes a session token (the create answer's `connect_link`).
const CONNECT_LINK: &str = "https://connect.nango.dev?session_token=";
/// The end user of a session made without a create body (the default data, the control API).
const DEFAULT_END_USER: &str = "understudy-end-user";

/// `POST /connect/sessions`: 415, then the secret key, then the body as the document's rules judge
/// it, then 201 `{data: {token, connect_link, expires_at}}` with a session the delete accepts.
pub(super) fn create(context: &VendorContext<Nango>, request: &Incoming, violations: &[Violation]) -> Reply {
    match create_checked(context, request, violations) {
        Ok(reply) => reply,
        Err(e) => e.reply(context.fidelity()),
    }
}

fn create_checked(
    context: &VendorContext<Nango>,
    request: &Incoming,
    violations: &[Violation],
) -> Result<Reply, NangoError> {
    check_content_type(request)?;
    secret_key(request)?;
    let issues: Vec<Value> = violations
        .iter()
        .filter(|v| !matches!(v.kind, ViolationKind::Security))
        .map(as_issue)
        .collect();
    if !issues.is_empty() {
        return Err(NangoError::InvalidBody(issues));
    }
    let details = match request.json() {
        Some(Value::Object(fields)) => Value::Object(fields.clone()),
        _ => {
            return Err(NangoError::InvalidBody(vec![issue(
                "invalid_type",
                "Invalid input: expected object",
            )]))
        }
    };
    let namespace = request.namespace();
    let now = context.now(namespace);
    let view = context.store.update(namespace, "", now, |tenant| {
        let sessions = tenant.change();
        let view = create_session::<Nango>(sessions, SessionSpec::default(), now);
        if let Ok(view) = &view {
            if let Some(session) = sessions.get_mut(&view.token) {
                session.details = Some(details);
            }
        }
        view
    });
    // A generated token is well formed and new: a failure here is the mock's own.
    let Ok(view) = view else {
        return Ok(Nango::status_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            context.fidelity(),
        ));
    };
    let body = json!({"data": {
        "token": view.token,
        "connect_link": format!("{CONNECT_LINK}{}", view.token),
        "expires_at": view.expires_at.map(|at| at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)),
    }});
    Ok(Reply::json(StatusCode::CREATED, &body))
}

/// `GET /connect/session`: the session named by the connect session token, as it was created
/// (`end_user`, `organization`, `allowed_integrations`, `integrations_config_defaults`).
pub(super) fn read(context: &VendorContext<Nango>, request: &Incoming, _: &[Violation]) -> Reply {
    match read_checked(context, request) {
        Ok(details) => {
            let mut data = details.unwrap_or_else(|| json!({"end_user": {"id": DEFAULT_END_USER}}));
            if let Some(fields) = data.as_object_mut() {
                fields.entry("isReconnecting").or_insert(Value::Bool(false));
            }
            Reply::json(StatusCode::OK, &json!({ "data": data }))
        }
        Err(e) => e.reply(context.fidelity()),
    }
}

/// The live session's create body (`None` for one made otherwise), or the refusal.
fn read_checked(context: &VendorContext<Nango>, request: &Incoming) -> Result<Option<Value>, NangoError> {
    check_content_type(request)?;
    let token = connect_session_token(request)?;
    let namespace = request.namespace();
    let now = context.now(namespace);
    context
        .store
        .read(namespace, "", now, |tenant| match tenant.get(token) {
            Some(session) if session.is_live(now) => Ok(session.details.clone()),
            _ => Err(NangoError::UnknownToken),
        })
}

/// A violation of the document's request rules as a zod issue (`body/end_user/id` → its path).
fn as_issue(violation: &Violation) -> Value {
    let path: Vec<&str> = violation
        .location
        .split(['/', '.'])
        .skip(1)
        .filter(|part| !part.is_empty())
        .collect();
    json!({"code": "invalid_type", "message": violation.message, "path": path})
}
