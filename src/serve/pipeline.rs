//! The path every request to a served API takes, whatever the API: read it; answer a CORS
//! preflight; route it by the document (404 and 405 in the document's error shape); then relay it
//! (proxy mode), or apply a forced answer (a `Prefer` header or a scenario), or let the compiled
//! override answer, or else the generic engine; journal the answer; add CORS headers. Nothing here
//! knows a vendor by name.

use std::pin::Pin;

use dropshot::{Body, RawRequest};
use http::{HeaderValue, Method, Response, StatusCode};

use crate::engine::{self, Answering};
use crate::exchange::{AnsweredBy, Incoming, Reply, RequestBody};
use crate::operation::Operation;
use crate::serve::api::ApiContext;
use crate::serve::cors;
use crate::serve::forcing::{self, Forcing};
use crate::spec::router::Routed;
use crate::spec::RequestParts;
use crate::state::journal;
use crate::state::journaled_request::{JournaledRequest, Kept, KEPT_BODY_LIMIT};

/// The header that forces an answer (`Prefer: code=…`), parsed once (see [`crate::exchange::Incoming::header`]).
const PREFER: http::HeaderName = http::HeaderName::from_static("prefer");

/// Marks a response that was forced (a `Prefer` header or a scenario) rather than computed.
pub const FORCED_HEADER: &str = "x-understudy-forced";

impl ApiContext {
    /// Runs one request through the pipeline.
    pub async fn serve(&self, raw: RawRequest) -> Response<Body> {
        let raw = raw.into_inner();
        let method = raw.method().clone();
        if method == Method::OPTIONS && raw.headers().contains_key(http::header::ACCESS_CONTROL_REQUEST_METHOD) {
            return cors::preflight(raw.headers());
        }
        let mut request = Incoming::read(raw, self.body_limit).await;
        let routed = match request.path.strip_prefix(self.document.base_path.as_str()) {
            Some(rest) if rest.is_empty() || rest.starts_with('/') => self.document.route(method.as_str(), rest),
            _ => Routed::NotFound,
        };
        match routed {
            Routed::Operation { operation, params } => {
                request.params = params;
                self.serve_operation(operation, &method, request).await
            }
            Routed::Options { allow } => {
                // An OPTIONS without a preflight's header, on a path the document knows.
                let mut response = cors::preflight(&request.headers);
                if let Ok(allow) = HeaderValue::from_str(&allow.join(", ")) {
                    response.headers_mut().insert(http::header::ALLOW, allow);
                }
                response
            }
            Routed::MethodNotAllowed { allow } => {
                self.unrouted_answer(StatusCode::METHOD_NOT_ALLOWED, Some(&allow), &method, &request)
            }
            Routed::NotFound if method == Method::OPTIONS => cors::preflight(&request.headers),
            Routed::NotFound if self.unroutable_match(&method, &request).is_some() => {
                let index = self.unroutable_match(&method, &request).unwrap_or_default();
                let operation = self.document.table()[index];
                let why = self.document.unservable(index).unwrap_or_default();
                let reply = engine::not_implemented(&format!(
                    "{} {} is not served: {why}",
                    operation.method, operation.template
                ));
                self.finish(operation, &request, Verdict::Judged(None), reply, false, &method)
            }
            Routed::NotFound => self.unrouted_answer(StatusCode::NOT_FOUND, None, &method, &request),
        }
    }

    /// The 404 (a path no template matches) or 405 (a documented path, another method, with
    /// `Allow`) in the document's error shape, journaled under the method's unrouted operation.
    fn unrouted_answer(
        &self,
        status: StatusCode,
        allow: Option<&[String]>,
        method: &Method,
        request: &Incoming,
    ) -> Response<Body> {
        let mut reply = engine::unrouted(self.document, status, method, &request.path, self.now(request));
        if let Some(allow) = allow {
            let allow = HeaderValue::from_str(&allow.join(", ")).unwrap_or(HeaderValue::from_static(""));
            reply = reply.with_header(http::header::ALLOW, allow);
        }
        self.finish(
            self.unrouted(method),
            request,
            Verdict::Judged(None),
            reply,
            false,
            method,
        )
    }

    /// The unroutable operation a request no template matched would have meant, if any.
    fn unroutable_match(&self, method: &Method, request: &Incoming) -> Option<usize> {
        let rest = request.path.strip_prefix(self.document.base_path.as_str())?;
        self.document.unroutable_match(method.as_str(), rest)
    }

    fn now(&self, request: &Incoming) -> chrono::DateTime<chrono::Utc> {
        self.shared.clock.now(request.namespace())
    }

    async fn serve_operation(&self, index: usize, method: &Method, request: Incoming) -> Response<Body> {
        let operation = self.document.table()[index];
        let compiled = self.overridden.get(index).copied().flatten();
        // The journal names a compiled operation as its vendor does.
        let journaled = compiled.map_or(operation, |(_, op)| op);
        let generic = compiled.is_none();
        let vendor_judges = match (compiled, &self.vendor) {
            (Some((override_index, _)), Some(vendor)) => vendor.judges(override_index),
            _ => false,
        };
        // The generic engine judges every request (it refuses what breaks the document), and so
        // do a vendor's sibling and the proxy. A vendor's own override answers without the
        // verdict: the journal keeps what it needs, and it is worked out when the journal is read.
        let judged_now = generic || vendor_judges || self.relay.is_some();
        let violations = if judged_now {
            self.judge(operation, &request)
        } else {
            Vec::new()
        };
        if let Some(relay) = &self.relay {
            let verdict = violations.first().map(|v| v.message.clone());
            let response = self.relay(relay, journaled, operation, request, verdict).await;
            return response;
        }
        let verdict = match judged_now {
            true => Verdict::Judged(violations.first().map(|v| v.message.clone())),
            false => Verdict::Later,
        };
        let namespace = request.namespace();
        let forcing = self.forcing(journaled, &request, namespace);
        if let Some(delay) = forcing.delay {
            tokio::time::sleep(delay).await;
        }
        if forcing.drop_connection {
            self.journal(journaled, &request, verdict, None, true);
            return dropped_connection();
        }
        // Made only where it is read: a compiled override answers without it.
        let answering = || self.answering(index, &request, &forcing);
        let forced = if forcing.status.is_some() || forcing.example.is_some() {
            match &self.vendor {
                Some(vendor) => engine::forced_for_vendor(&answering(), |status| vendor.status_error(status)),
                None => engine::forced(&answering()),
            }
        } else {
            None
        };
        let is_forced = forced.is_some();
        let reply = match (forced, compiled) {
            (Some(reply), _) => reply,
            (None, _) if request.body == RequestBody::TimedOut => self
                .status_error(&answering(), StatusCode::REQUEST_TIMEOUT)
                .with_header(http::header::CONNECTION, HeaderValue::from_static("close")),
            (None, Some((override_index, _))) => {
                let vendor = self.vendor.as_ref().expect("an override implies a vendor");
                answer_without_panicking(
                    || vendor.answer(override_index, &request, &violations),
                    || vendor.status_error(StatusCode::INTERNAL_SERVER_ERROR),
                )
            }
            (None, None) if self.document.unservable(index).is_some() => {
                let why = self.document.unservable(index).unwrap_or_default();
                engine::not_implemented(&format!(
                    "{} {} is not served: {why}",
                    operation.method, operation.template
                ))
            }
            (None, None) => answer_without_panicking(
                || engine::answer(&answering(), &violations),
                || {
                    engine::error_reply(
                        &answering(),
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "the mock failed to answer",
                        &[],
                    )
                },
            ),
        };
        self.finish(journaled, &request, verdict, reply, is_forced, method)
    }

    /// Journals the answer and turns it into a response with CORS (and no body for HEAD).
    fn finish(
        &self,
        operation: &'static Operation,
        request: &Incoming,
        verdict: Verdict,
        reply: Reply,
        is_forced: bool,
        method: &Method,
    ) -> Response<Body> {
        self.journal(operation, request, verdict, Some(&reply), is_forced);
        let mut response = reply.into_response();
        cors::decorate(response.headers_mut(), request.headers.get(http::header::ORIGIN));
        if is_forced {
            response
                .headers_mut()
                .insert(FORCED_HEADER, HeaderValue::from_static("true"));
        }
        if method == Method::HEAD {
            *response.body_mut() = Body::empty();
        }
        response
    }

    /// What the engine needs to answer `request` to `operation`.
    pub(crate) fn answering<'a>(&'a self, index: usize, request: &'a Incoming, forcing: &'a Forcing) -> Answering<'a> {
        Answering {
            document: self.document,
            operation: self.document.table()[index],
            index,
            request,
            now: self.now(request),
            seed: self.seed,
            forcing,
            cache: &self.answers,
            state: self.stateful.as_deref(),
        }
    }

    /// The answer in the API's error shape for an error status: the vendor's, else the document's.
    pub(crate) fn status_error(&self, answering: &Answering<'_>, status: StatusCode) -> Reply {
        match &self.vendor {
            Some(vendor) => vendor.status_error(status),
            None => engine::error_reply(answering, status, status.canonical_reason().unwrap_or("Error"), &[]),
        }
    }

    fn judge(&self, operation: &Operation, request: &Incoming) -> Vec<crate::spec::Violation> {
        let body: &[u8] = match &request.body {
            RequestBody::Bytes(bytes) => bytes,
            RequestBody::TooLarge => return vec![body_violation("body: larger than the server reads")],
            RequestBody::Unreadable | RequestBody::TimedOut => {
                return vec![body_violation("body: did not arrive whole")]
            }
        };
        let path = request
            .path
            .strip_prefix(self.document.base_path.as_str())
            .unwrap_or(&request.path);
        self.document.requests().judge(&RequestParts {
            method: operation.method,
            template: operation.template,
            path,
            query: request.query.as_deref(),
            headers: &request.headers,
            body,
            json: request.json(),
        })
    }

    fn forcing(&self, operation: &Operation, request: &Incoming, namespace: &str) -> Forcing {
        let from_header = request.header(PREFER).map(forcing::from_prefer).unwrap_or_default();
        if !from_header.is_empty() {
            return from_header;
        }
        self.shared
            .scenarios
            .take(self.document.name, operation.id, namespace)
            .unwrap_or_default()
    }

    /// Records the request. `reply` is `None` for a dropped connection, journaled with status 0.
    fn journal(
        &self,
        operation: &'static Operation,
        request: &Incoming,
        verdict: Verdict,
        reply: Option<&Reply>,
        forced: bool,
    ) {
        if !self.shared.journal.is_recording() {
            return;
        }
        let journaled = match verdict {
            Verdict::Judged(nonconformance) => JournaledRequest::judged(&request.path, nonconformance.as_deref()),
            Verdict::Later => self.kept(operation, request),
        };
        let namespace = request.namespace();
        let entry = journal::Entry {
            time: self.shared.clock.now(namespace),
            operation,
            request: journaled,
            status: reply.map_or(0, |r| r.status.as_u16()),
            forced,
            conformance: match reply.and_then(|r| r.departure) {
                Some(_) => journal::Classification::Departure,
                None => journal::Classification::Conforms,
            },
            body: reply.and_then(|r| r.body.clone()).unwrap_or_default(),
            departure: reply.and_then(|r| r.departure),
            situation: reply.and_then(|r| r.situation),
            conformance_reason: reply.and_then(|r| r.warning.clone()),
            answered_by: reply.map_or(AnsweredBy::Override, |r| r.answered_by),
            state: reply.and_then(|r| r.state).map(Box::new),
        };
        self.shared.journal.record(namespace, entry);
    }

    /// The request as the journal keeps it to be judged when read: the query, the headers the
    /// operation's rules read and the body. A body that did not arrive whole, or a large one, is
    /// judged now instead.
    fn kept(&self, operation: &Operation, request: &Incoming) -> JournaledRequest {
        match &request.body {
            RequestBody::Bytes(body) if body.len() <= KEPT_BODY_LIMIT => {
                let rules = self.document.requests();
                let names = rules.headers_read(operation.method, operation.template);
                let headers = names
                    .iter()
                    .flat_map(|name| {
                        request
                            .headers
                            .get_all(name)
                            .iter()
                            .map(move |value| (name, as_judged(name, value)))
                    })
                    .collect();
                let kept = Kept {
                    query: request.query.as_deref(),
                    headers,
                    body,
                };
                JournaledRequest::kept(&request.path, &kept)
            }
            _ => {
                let violations = self.judge(operation, request);
                JournaledRequest::judged(&request.path, violations.first().map(|v| v.message.as_str()))
            }
        }
    }
}

/// What the journal is told of a request's verdict.
enum Verdict {
    /// Judged on arrival: how it leaves the document, if it does.
    Judged(Option<String>),
    /// Not judged: the journal keeps what the verdict needs (see [`ApiContext::kept`]).
    Later,
}

/// A header's value as the request rules read it: an `Authorization` credential is not kept, only
/// its scheme and presence (see [`crate::spec::authorization_as_judged`]).
fn as_judged<'a>(name: &http::HeaderName, value: &'a HeaderValue) -> std::borrow::Cow<'a, [u8]> {
    match *name == http::header::AUTHORIZATION {
        true => crate::spec::authorization_as_judged(value.as_bytes()),
        false => std::borrow::Cow::Borrowed(value.as_bytes()),
    }
}

fn body_violation(message: &str) -> crate::spec::Violation {
    crate::spec::Violation {
        kind: crate::spec::ViolationKind::Body,
        location: "body".into(),
        message: message.into(),
    }
}

/// Runs a handler. Handlers are written not to panic on any input; should one still panic, the
/// request gets a 500 in the API's shape (journaled like any answer) and the server, its locks and
/// the namespace's state stay usable (see [`crate::state::locks`]).
fn answer_without_panicking(handle: impl FnOnce() -> Reply, failed: impl FnOnce() -> Reply) -> Reply {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(handle)).unwrap_or_else(|_| failed())
}

/// A response whose body fails before its first byte: hyper then closes the connection, and the
/// client sees it dropped.
fn dropped_connection() -> Response<Body> {
    struct Dropped;
    impl http_body::Body for Dropped {
        type Data = bytes::Bytes;
        type Error = std::io::Error;
        fn poll_frame(
            self: Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
            std::task::Poll::Ready(Some(Err(std::io::Error::other(
                "connection dropped by a forced scenario",
            ))))
        }
    }
    Response::new(Body::wrap(Dropped))
}
