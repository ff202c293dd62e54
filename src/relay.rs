//! The request path under `understudy proxy`: forward the request to the real service, classify its
//! answer against the spec and the register (`crate::classify`), record new drift, journal the
//! exchange, and return the answer as it came, with the classification header and CORS. An upstream
//! that gives no answer gets a 502 that names it.

use bytes::Bytes;
use dropshot::Body;
use http::{HeaderValue, Response, StatusCode};

use crate::classify::{classify, Conformance, CONFORMANCE_HEADER};
use crate::cors;
use crate::drift_log::Seen;
use crate::exchange::{Incoming, RequestBody, DEPARTURE_HEADER};
use crate::journal::Entry;
use crate::vendor::{Operation, Relay, Vendor, VendorContext};

impl<V: Vendor> VendorContext<V> {
    pub(crate) async fn relay(
        &self,
        relay: &Relay,
        operation: &'static Operation,
        request: Incoming,
        request_verdict: Option<String>,
    ) -> Response<Body> {
        let path = request
            .path
            .strip_prefix(self.spec.base_path.as_str())
            .unwrap_or(&request.path)
            .to_string();
        // The route matched the operation, so the method is the operation's.
        let method = operation.method;
        let origin = request.headers.get(http::header::ORIGIN).cloned();
        let namespace = request.namespace().to_string();
        let now = self.now(&namespace);
        let (mut response, entry) = match relay.upstream.forward(method, &path, &request).await {
            Ok(answer) => {
                let conformance = classify(self.spec, &relay.catalogue, answer.status, &answer.body);
                if let Conformance::Drift(reason) = &conformance {
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
                        vendor: V::NAME,
                        operation: format!("{} {}", operation.method, operation.template),
                        request_line: format!("{method} {}", request.path),
                        request_headers: headers,
                        request_body: body,
                        status: answer.status,
                        response_body: &answer.body,
                        reason,
                        at: now,
                    });
                }
                let mut response = Response::new(Body::from(answer.body.clone()));
                *response.status_mut() = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::BAD_GATEWAY);
                *response.headers_mut() = answer.headers;
                if let Ok(value) = HeaderValue::from_str(&conformance.header_value()) {
                    response.headers_mut().insert(CONFORMANCE_HEADER, value);
                }
                if let Conformance::Departure(departure) = &conformance {
                    response
                        .headers_mut()
                        .insert(DEPARTURE_HEADER, HeaderValue::from_static(departure.id));
                }
                let entry = self.entry(operation, now, answer.status, answer.body, &conformance);
                (response, entry)
            }
            Err(why) => {
                let message = format!(
                    "understudy proxy: the {} upstream {} {why}",
                    V::NAME,
                    relay.upstream.url
                );
                let body = Bytes::from(serde_json::json!({"error": message, "upstream": V::NAME}).to_string());
                let mut response = Response::new(Body::from(body.clone()));
                *response.status_mut() = StatusCode::BAD_GATEWAY;
                response
                    .headers_mut()
                    .insert(http::header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
                response
                    .headers_mut()
                    .insert(CONFORMANCE_HEADER, HeaderValue::from_static("unreachable"));
                let mut entry = self.entry(operation, now, 502, body, &Conformance::Conforms);
                entry.conformance = "unreachable";
                entry.conformance_reason = Some(message);
                (response, entry)
            }
        };
        cors::decorate(response.headers_mut(), origin.as_ref());
        self.record(
            &namespace,
            Entry {
                request_nonconformance: request_verdict,
                path: request.path,
                ..entry
            },
        );
        response
    }

    fn entry(
        &self,
        operation: &'static Operation,
        time: chrono::DateTime<chrono::Utc>,
        status: u16,
        body: Bytes,
        conformance: &Conformance,
    ) -> Entry {
        Entry {
            time,
            vendor: V::NAME,
            operation: operation.id,
            method: operation.method,
            template: operation.template,
            path: String::new(),
            status,
            body,
            departure: match conformance {
                Conformance::Departure(departure) => Some(departure.id),
                _ => None,
            },
            forced: false,
            request_nonconformance: None,
            conformance: conformance.kind(),
            conformance_reason: match conformance {
                Conformance::Drift(reason) => Some(reason.clone()),
                _ => None,
            },
            situation: None,
        }
    }
}
