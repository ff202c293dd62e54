//! The path every vendor request takes: read it, apply a forced response if one is asked for (a
//! `Prefer` header or a scenario), otherwise let the vendor's handler answer; journal the answer;
//! add CORS headers. Nothing here knows a vendor by name.

use std::pin::Pin;

use dropshot::{Body, HttpError, RawRequest};
use http::{HeaderValue, Response, StatusCode};

use crate::serve::cors;
use crate::exchange::{Fidelity, Incoming, Reply, RequestBody};
use crate::serve::forcing::{self, Forcing};
use crate::state::journal;
use crate::spec::{DocumentedBody, RequestParts};
use crate::serve::vendor::{Operation, Vendor, VendorContext};

/// The header that forces an answer (`Prefer: code=…`), parsed once (see [`crate::exchange::Incoming::header`]).
const PREFER: http::HeaderName = http::HeaderName::from_static("prefer");

/// Marks a response that was forced (a `Prefer` header or a scenario) rather than computed.
pub const FORCED_HEADER: &str = "x-understudy-forced";

impl<V: Vendor> VendorContext<V> {
    /// Runs one request through the pipeline: read it, apply a forced response if one is asked for,
    /// otherwise let `handle` answer; journal the answer; add CORS headers.
    pub async fn serve(
        &self,
        operation: &'static Operation,
        raw: RawRequest,
        handle: impl FnOnce(&Self, &Incoming) -> Reply,
    ) -> Result<Response<Body>, HttpError> {
        let request = Incoming::read(raw, self.body_limit).await;
        let request_verdict = self.request_verdict(operation, &request);
        if let Some(relay) = &self.relay {
            return Ok(self.relay(relay, operation, request, request_verdict).await);
        }
        let namespace = request.namespace();
        let forcing = self.forcing(operation, &request, namespace);
        if let Some(delay) = forcing.delay {
            tokio::time::sleep(delay).await;
        }
        if forcing.drop_connection {
            self.journal(operation, request, request_verdict, None, true);
            return Ok(dropped_connection());
        }
        let forced = self.forced_reply(operation, &forcing);
        let is_forced = forced.is_some();
        let reply = match forced {
            Some(reply) => reply,
            None if request.body == RequestBody::TimedOut => body_timed_out::<V>(self.fidelity()),
            None => answer_without_panicking::<V>(|| handle(self, &request), self.fidelity()),
        };
        let origin = request.headers.get(http::header::ORIGIN).cloned();
        self.journal(operation, request, request_verdict, Some(&reply), is_forced);
        let mut response = reply.into_response();
        cors::decorate(response.headers_mut(), origin.as_ref());
        if is_forced {
            response
                .headers_mut()
                .insert(FORCED_HEADER, HeaderValue::from_static("true"));
        }
        Ok(response)
    }

    fn forcing(&self, operation: &Operation, request: &Incoming, namespace: &str) -> Forcing {
        let from_header = request.header(PREFER).map(forcing::from_prefer).unwrap_or_default();
        if !from_header.is_empty() {
            return from_header;
        }
        self.shared
            .scenarios
            .take(V::NAME, operation.id, namespace)
            .unwrap_or_default()
    }

    /// The forced answer: a named spec example, or a status answered from the spec's example for it,
    /// in the vendor's error shape, or from the status's schema. `None` when nothing is forced.
    fn forced_reply(&self, operation: &Operation, forcing: &Forcing) -> Option<Reply> {
        if let Some(name) = &forcing.example {
            if let Some((status, body)) = self.spec.named_example(operation.method, operation.template, name) {
                return Some(Reply::json(StatusCode::from_u16(status).ok()?, &body));
            }
        }
        let status = StatusCode::from_u16(forcing.status?).ok()?;
        let documented = self
            .spec
            .documented_body(operation.method, operation.template, status.as_u16());
        Some(match documented {
            DocumentedBody::Example(body) => Reply::json(status, &body),
            _ if status.is_client_error() || status.is_server_error() => V::status_error(status, self.fidelity()),
            DocumentedBody::FromSchema(body) => Reply::json(status, &body),
            DocumentedBody::Empty | DocumentedBody::Undocumented => Reply::empty(status),
        })
    }

    /// How the request leaves the spec's request side, if it does (only worked out when the journal
    /// keeps entries: nothing else reads it).
    fn request_verdict(&self, operation: &Operation, request: &Incoming) -> Option<String> {
        if !self.shared.journal.is_recording() {
            return None;
        }
        let body: &[u8] = match &request.body {
            RequestBody::Bytes(bytes) => bytes,
            RequestBody::TooLarge => return Some("body: larger than the server reads".into()),
            RequestBody::Unreadable | RequestBody::TimedOut => return Some("body: did not arrive whole".into()),
        };
        let path = request
            .path
            .strip_prefix(self.spec.base_path.as_str())
            .unwrap_or(&request.path);
        self.spec
            .requests()
            .check(&RequestParts {
                method: operation.method,
                template: operation.template,
                path,
                query: request.query.as_deref(),
                headers: &request.headers,
                body,
                json: request.json(),
            })
            .err()
    }

    /// Records an entry in the request's namespace.
    pub(crate) fn record(&self, namespace: &str, entry: journal::Entry) {
        self.shared.journal.record(namespace, entry);
    }

    /// Records the request; takes it by value so that its path moves into the entry uncopied.
    /// `reply` is `None` for a dropped connection, journaled with status 0.
    fn journal(
        &self,
        operation: &'static Operation,
        mut request: Incoming,
        request_verdict: Option<String>,
        reply: Option<&Reply>,
        forced: bool,
    ) {
        let path = std::mem::take(&mut request.path).into_boxed_str();
        let namespace = request.namespace();
        let entry = journal::Entry {
            time: self.now(namespace),
            operation,
            path,
            status: reply.map_or(0, |r| r.status.as_u16()),
            forced,
            conformance: match reply.and_then(|r| r.departure) {
                Some(_) => journal::Classification::Departure,
                None => journal::Classification::Conforms,
            },
            body: reply.and_then(|r| r.body.clone()).unwrap_or_default(),
            departure: reply.and_then(|r| r.departure),
            situation: reply.and_then(|r| r.situation),
            request_nonconformance: request_verdict.map(String::into_boxed_str),
            conformance_reason: None,
        };
        self.shared.journal.record(namespace, entry);
    }
}

/// The answer to a body that stalled: 408 in the vendor's shape, and the connection closed.
pub(crate) fn body_timed_out<V: Vendor>(fidelity: Fidelity) -> Reply {
    V::status_error(StatusCode::REQUEST_TIMEOUT, fidelity)
        .with_header(http::header::CONNECTION, HeaderValue::from_static("close"))
}

/// Runs a vendor handler. Handlers are written not to panic on any input; should one still panic,
/// the request gets a 500 in the vendor's shape (journaled like any answer) and the server, its
/// locks and the namespace's state stay usable (see [`crate::state::locks`]).
fn answer_without_panicking<V: Vendor>(handle: impl FnOnce() -> Reply, fidelity: Fidelity) -> Reply {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(handle))
        .unwrap_or_else(|_| V::status_error(StatusCode::INTERNAL_SERVER_ERROR, fidelity))
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
