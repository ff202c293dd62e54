//! The request path under `understudy proxy`: forward the request to the real service, classify its
//! answer against the spec and the register (`crate::serve::proxy::classify`), record new drift, journal the
//! exchange, and return the answer as it came (its content coding undone, see
//! `crate::serve::proxy::upstream`), with the classification header and CORS. An upstream
//! that gives no answer gets a 502 that names it; a body the proxy could not read whole is not
//! relayed (a stalled one gets the vendor's 408, as from the mock).

use bytes::Bytes;
use dropshot::Body;
use http::{HeaderMap, HeaderValue, Response, StatusCode};

use crate::exchange::{AnsweredBy, Incoming, RequestBody, DEPARTURE_HEADER};
use crate::operation::Operation;
use crate::serve::api::{ApiContext, Relay};
use crate::serve::cors;
use crate::serve::forcing::Forcing;
use crate::serve::proxy::classify::{classify, Conformance, CONFORMANCE_HEADER};
use crate::serve::proxy::drift_log::Seen;
use crate::serve::proxy::upstream::Forwarded;
use crate::state::journal::Entry;
use crate::state::journaled_request::JournaledRequest;

impl ApiContext {
    /// Relays a request to `operation` (journaled as `journaled`: the compiled operation where a
    /// vendor has one) and judges the answer against the document.
    pub(crate) async fn relay(
        &self,
        relay: &Relay,
        journaled: &'static Operation,
        operation: &'static Operation,
        request: Incoming,
        request_verdict: Option<String>,
    ) -> Response<Body> {
        let namespace = request.namespace().to_string();
        let now = self.shared.clock.now(&namespace);
        let name = self.document.name;
        let answer = match &request.body {
            RequestBody::Bytes(_) => self.forward(relay, operation, &request).await,
            RequestBody::TimedOut => {
                let forcing = Forcing::default();
                let index = self
                    .document
                    .table()
                    .iter()
                    .position(|op| std::ptr::eq(*op, operation))
                    .unwrap_or_default();
                let answering = self.answering(index, &request, &forcing);
                let reply = self.status_error(&answering, StatusCode::REQUEST_TIMEOUT);
                let mut extra = reply.extra_headers;
                extra.push((http::header::CONNECTION, HeaderValue::from_static("close")));
                let why = "the request body did not arrive in time: not relayed".to_string();
                local(
                    reply.status,
                    reply.body.unwrap_or_default(),
                    extra,
                    Conformance::NotRelayed(why),
                )
            }
            RequestBody::TooLarge => proxy_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!(
                    "understudy proxy: request bodies over {} bytes are not relayed",
                    self.body_limit
                ),
                name,
                Conformance::NotRelayed,
            ),
            RequestBody::Unreadable => proxy_error(
                StatusCode::BAD_REQUEST,
                "understudy proxy: the request body broke off: not relayed".into(),
                name,
                Conformance::NotRelayed,
            ),
        };
        let (forwarded, conformance) = answer;
        if let Conformance::Drift(reason) = &conformance {
            self.record_drift(journaled, &request, &forwarded, reason, now);
        }
        let mut response = Response::new(Body::from(forwarded.body.clone()));
        *response.status_mut() = StatusCode::from_u16(forwarded.status).unwrap_or(StatusCode::BAD_GATEWAY);
        *response.headers_mut() = forwarded.headers;
        if let Ok(value) = HeaderValue::from_str(&conformance.header_value()) {
            response.headers_mut().insert(CONFORMANCE_HEADER, value);
        }
        if let Some(departure) = conformance.departure() {
            response
                .headers_mut()
                .insert(DEPARTURE_HEADER, HeaderValue::from_static(departure.id));
        }
        cors::decorate(response.headers_mut(), request.headers.get(http::header::ORIGIN));
        self.shared.journal.record(
            &namespace,
            Entry {
                time: now,
                operation: journaled,
                request: JournaledRequest::judged(&request.path, request_verdict.as_deref()),
                status: forwarded.status,
                forced: false,
                conformance: conformance.classification(),
                body: forwarded.body,
                departure: conformance.departure(),
                situation: None,
                conformance_reason: conformance.reason().map(Box::from),
                answered_by: AnsweredBy::Upstream,
                state: None,
            },
        );
        response
    }

    /// The upstream's answer and its classification, or a 502 naming the upstream.
    async fn forward(&self, relay: &Relay, operation: &Operation, request: &Incoming) -> (Forwarded, Conformance) {
        let path = request
            .path
            .strip_prefix(self.document.base_path.as_str())
            .unwrap_or(&request.path);
        // The route matched the operation, so the method is the operation's.
        match relay.upstream.forward(operation.method, path, request).await {
            Ok(answer) => {
                let conformance = match answer.undecoded_coding() {
                    // Not judged: read as they are, compressed bytes would be called "not JSON".
                    Some(coding) => Conformance::Drift(format!(
                        "the body is in the content coding `{coding}`, which the proxy did not ask for and \
                         cannot undo: relayed as it came, not judged against the spec"
                    )),
                    None => classify(
                        self.document,
                        operation,
                        relay.catalogue.as_ref(),
                        answer.status,
                        &answer.body,
                    ),
                };
                (answer, conformance)
            }
            Err(why) => proxy_error(
                StatusCode::BAD_GATEWAY,
                format!(
                    "understudy proxy: the {} upstream {} {why}",
                    self.document.name, relay.upstream.url
                ),
                self.document.name,
                Conformance::Unreachable,
            ),
        }
    }

    fn record_drift(
        &self,
        operation: &Operation,
        request: &Incoming,
        answer: &Forwarded,
        reason: &str,
        at: chrono::DateTime<chrono::Utc>,
    ) {
        let body: &[u8] = match &request.body {
            RequestBody::Bytes(bytes) => bytes,
            _ => b"",
        };
        let headers: Vec<(&str, &str)> = request
            .headers
            .iter()
            .filter_map(|(n, v)| Some((n.as_str(), v.to_str().ok()?)))
            .collect();
        self.shared.drifts.record(Seen {
            vendor: self.document.name,
            operation: format!("{} {}", operation.method, operation.template),
            request_line: format!("{} {}", operation.method, request.path),
            request_headers: headers,
            request_body: body,
            status: answer.status,
            response_body: &answer.body,
            reason,
            at,
        });
    }
}

/// An answer the proxy gives itself, with its classification.
fn local(
    status: StatusCode,
    body: Bytes,
    extra_headers: Vec<(http::HeaderName, HeaderValue)>,
    conformance: Conformance,
) -> (Forwarded, Conformance) {
    let mut headers = HeaderMap::new();
    if !body.is_empty() {
        headers.insert(http::header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    }
    headers.extend(extra_headers.into_iter().map(|(name, value)| (Some(name), value)));
    let forwarded = Forwarded {
        status: status.as_u16(),
        headers,
        body,
    };
    (forwarded, conformance)
}

/// The proxy's own JSON error, naming the upstream: `{"error": message, "upstream": vendor}`.
fn proxy_error(
    status: StatusCode,
    message: String,
    vendor: &str,
    classify: fn(String) -> Conformance,
) -> (Forwarded, Conformance) {
    let body = Bytes::from(serde_json::json!({"error": message, "upstream": vendor}).to_string());
    local(status, body, Vec::new(), classify(message))
}
