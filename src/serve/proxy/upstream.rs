//! Forwarding a request to the real service for `understudy proxy`: as it came (method, path under
//! the base path, query, body, headers but the hop-by-hop ones), to an HTTP or HTTPS upstream, with a
//! timeout, without following redirects; and the answer, its content coding undone, so that what is
//! judged and what the client reads is the body itself.
//!
//! Content coding: the proxy asks the upstream for the codings it can undo (gzip, deflate) in place
//! of the client's `Accept-Encoding`, decodes the answer, and gives the client the decoded body
//! without `Content-Encoding`. Forwarding a browser's `gzip, deflate, br, zstd` as it came would
//! let the upstream answer in a coding the proxy cannot read; dropping the header alone would not
//! do either, since no `Accept-Encoding` means any coding is acceptable (RFC 9110 §12.5.3). Every
//! client accepts the identity coding, so the client reads the same body it would have read
//! direct, and the upstream leg, the one that crosses the network, stays compressed.

use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue};

use crate::exchange::{Incoming, RequestBody};

/// How long the upstream may take to answer.
pub const UPSTREAM_TIMEOUT: Duration = Duration::from_secs(15);

/// One vendor's real service.
pub struct Upstream {
    /// The base URL, base path included (`https://api.nango.dev`).
    pub url: String,
    client: reqwest::Client,
}

/// The upstream's answer, its content coding undone where the proxy can.
pub struct Forwarded {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Forwarded {
    /// The content coding the body is still in: one the proxy did not ask for and cannot undo.
    pub fn undecoded_coding(&self) -> Option<&str> {
        let coding = self
            .headers
            .get(http::header::CONTENT_ENCODING)?
            .to_str()
            .unwrap_or("?");
        (!coding.trim().eq_ignore_ascii_case("identity")).then_some(coding)
    }
}

/// Headers that belong to one connection, not to the exchange (RFC 9110 §7.6.1), whether or not
/// the `Connection` header names them. `Proxy-Connection` is the old non-standard spelling of
/// `Connection` that intermediaries still remove.
const HOP_BY_HOP: [HeaderName; 8] = [
    http::header::CONNECTION,
    HeaderName::from_static("keep-alive"),
    HeaderName::from_static("proxy-connection"),
    http::header::PROXY_AUTHORIZATION,
    http::header::TE,
    http::header::TRAILER,
    http::header::TRANSFER_ENCODING,
    http::header::UPGRADE,
];

/// The hop-by-hop headers of a message: the fixed ones, and the ones its `Connection` header
/// names (RFC 9110 §7.6.1: a proxy removes every connection option before forwarding).
fn hop_by_hop(headers: &HeaderMap) -> Vec<HeaderName> {
    let named = headers
        .get_all(http::header::CONNECTION)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter_map(|option| HeaderName::from_bytes(option.trim().as_bytes()).ok());
    HOP_BY_HOP.iter().cloned().chain(named).collect()
}

impl Upstream {
    pub fn new(url: &str) -> Result<Self, String> {
        // reqwest's gzip and deflate features (Cargo.toml) announce those codings when the request
        // names none, and undo them, removing `Content-Encoding` and `Content-Length`.
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
        let dropped = hop_by_hop(&request.headers);
        // Set by the client that forwards: the host, the length, and the codings it can undo.
        let ours = [
            http::header::HOST,
            http::header::CONTENT_LENGTH,
            http::header::ACCEPT_ENCODING,
        ];
        for (name, value) in &request.headers {
            if !dropped.contains(name) && !ours.contains(name) {
                outgoing = outgoing.header(name, value);
            }
        }
        if request.headers.contains_key(http::header::RANGE) {
            // A byte range of a compressed body cannot be decoded on its own.
            outgoing = outgoing.header(http::header::ACCEPT_ENCODING, HeaderValue::from_static("identity"));
        }
        if let RequestBody::Bytes(body) = &request.body {
            if !body.is_empty() {
                outgoing = outgoing.body(body.clone());
            }
        }
        let response = outgoing.send().await.map_err(describe)?;
        let status = response.status().as_u16();
        let mut headers = response.headers().clone();
        for name in hop_by_hop(&headers) {
            headers.remove(name);
        }
        // The body is sent whole: the server that answers the client sets its length.
        headers.remove(http::header::CONTENT_LENGTH);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_headers_connection_names_are_hop_by_hop() {
        let mut headers = HeaderMap::new();
        headers.append(http::header::CONNECTION, HeaderValue::from_static("keep-alive, X-Hop"));
        headers.append(http::header::CONNECTION, HeaderValue::from_static(" x-other ,,"));
        let dropped = hop_by_hop(&headers);
        for name in ["x-hop", "x-other", "keep-alive", "te", "connection"] {
            assert!(dropped.contains(&HeaderName::from_static(name)), "{name}: {dropped:?}");
        }
        assert!(!dropped.contains(&http::header::AUTHORIZATION));
    }
}
