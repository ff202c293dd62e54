//! Forwarding a request to the real service for `understudy proxy`: as it came (method, path under
//! the base path, query, headers but the hop-by-hop ones, body), to an HTTP or HTTPS upstream, with a
//! timeout, without following redirects; and the answer as it came back.

use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, HeaderName};

use crate::exchange::{Incoming, RequestBody};

/// How long the upstream may take to answer.
pub const UPSTREAM_TIMEOUT: Duration = Duration::from_secs(15);

/// One vendor's real service.
pub struct Upstream {
    /// The base URL, base path included (`https://api.nango.dev`).
    pub url: String,
    client: reqwest::Client,
}

/// The upstream's answer.
pub struct Forwarded {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// Headers that belong to one connection, not to the exchange (RFC 9110 7.6.1).
const HOP_BY_HOP: [HeaderName; 7] = [
    http::header::CONNECTION,
    HeaderName::from_static("keep-alive"),
    http::header::PROXY_AUTHORIZATION,
    http::header::TE,
    http::header::TRAILER,
    http::header::TRANSFER_ENCODING,
    http::header::UPGRADE,
];

impl Upstream {
    pub fn new(url: &str) -> Result<Self, String> {
        let client = reqwest::Client::builder()
            .timeout(UPSTREAM_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("cannot build an HTTP client: {e}"))?;
        Ok(Self {
            url: url.trim_end_matches('/').to_string(),
            client,
        })
    }

    /// Forwards the request (its path already under the base path); the error says why the
    /// upstream gave no answer.
    pub async fn forward(&self, method: &str, path: &str, request: &Incoming) -> Result<Forwarded, String> {
        let query = request.query.as_deref().map(|q| format!("?{q}")).unwrap_or_default();
        let method = reqwest::Method::from_bytes(method.as_bytes()).map_err(|e| e.to_string())?;
        let mut outgoing = self.client.request(method, format!("{}{path}{query}", self.url));
        for (name, value) in &request.headers {
            if !HOP_BY_HOP.contains(name) && name != http::header::HOST && name != http::header::CONTENT_LENGTH {
                outgoing = outgoing.header(name, value);
            }
        }
        if let RequestBody::Bytes(body) = &request.body {
            if !body.is_empty() {
                outgoing = outgoing.body(body.clone());
            }
        }
        let response = outgoing.send().await.map_err(describe)?;
        let status = response.status().as_u16();
        let mut headers = response.headers().clone();
        for name in HOP_BY_HOP.iter().chain([&http::header::CONTENT_LENGTH]) {
            headers.remove(name);
        }
        let body = response.bytes().await.map_err(describe)?;
        Ok(Forwarded { status, headers, body })
    }
}

fn describe(error: reqwest::Error) -> String {
    if error.is_timeout() {
        format!("did not answer within {} seconds", UPSTREAM_TIMEOUT.as_secs())
    } else if error.is_connect() {
        "cannot be reached".into()
    } else {
        "broke off the exchange".into()
    }
}
