//! The dashboard at the control API's root: one self-contained page (no CDN, no build step, works
//! offline) that follows a namespace's journal as it grows (`GET /journal?since=…`), shows the APIs
//! served, each vendor's sessions, each API's inferred resources and their first records, the clock,
//! waiting scenarios, the departures met and the coverage, and has buttons for the control calls a
//! developer reaches for: reset, advance the clock, create a session, make the next call fail, clear
//! the journal.

use std::sync::Arc;

use dropshot::{endpoint, Body, HttpError, RequestContext};
use http::{HeaderValue, Response};

use super::ControlContext;

const PAGE: &str = include_str!("dashboard.html");

/// The dashboard.
#[endpoint { method = GET, path = "/", unpublished = true }]
pub(super) async fn dashboard(_rqctx: RequestContext<Arc<ControlContext>>) -> Result<Response<Body>, HttpError> {
    let vendors = serde_json::to_string(crate::vendors::NAMES).unwrap_or_else(|_| "[]".into());
    let mut response = Response::new(Body::from(PAGE.replace("__VENDORS__", &vendors)));
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    Ok(response)
}
