//! A request as the vendor handlers see it: headers, query string and a body read up to a limit.
//! Handlers parse everything themselves, so every bad input gets the vendor's answer, never a
//! framework's.

use std::sync::OnceLock;

use http::header::{AsHeaderName, HeaderName};
use http::HeaderMap;
use http_body::Body as _;
use http_body_util::{BodyExt, Limited};
use serde_json::Value;

/// The request body, read with a size limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestBody {
    Bytes(bytes::Bytes),
    /// Larger than the limit; reading stopped there.
    TooLarge,
    /// The connection failed while the body was read.
    Unreadable,
    /// The body did not arrive within [`BODY_READ_TIMEOUT`].
    TimedOut,
}

/// How long a request's body may take to arrive once its headers have: a client that stalls
/// mid-body gets a 408 and its connection closed instead of holding it open. (Headers have hyper's
/// own 30-second limit.)
pub const BODY_READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Selects the namespace (an isolated copy of the data, journal and clock) of a request.
pub const NAMESPACE_HEADER: &str = "x-understudy-namespace";
/// The namespace header as a parsed name: a lookup by it hashes the name without parsing it first
/// (a `&str` name is parsed on every lookup, and every request looks its namespace up three times).
const NAMESPACE_NAME: HeaderName = HeaderName::from_static(NAMESPACE_HEADER);
/// The namespace of requests that name none.
pub const DEFAULT_NAMESPACE: &str = "default";

#[derive(Debug)]
pub struct Incoming {
    /// The request path as sent (for the journal).
    pub path: String,
    pub headers: HeaderMap,
    /// The raw query string, without the `?`, when the URL has one.
    pub query: Option<String>,
    pub body: RequestBody,
    /// The path parameters, decoded, as the router matched them against the operation's template.
    pub params: Vec<(std::sync::Arc<str>, String)>,
    /// The body as JSON, parsed at its first reader's request (see [`Incoming::json`]).
    json: OnceLock<Option<Value>>,
}

impl Incoming {
    pub async fn read(raw: http::Request<dropshot::Body>, body_limit: usize) -> Self {
        let (parts, body) = raw.into_parts();
        // A request that declares no body (most revokes) has nothing to wait for: no timer is set.
        let body = if body.is_end_stream() {
            RequestBody::Bytes(bytes::Bytes::new())
        } else {
            read_body(body, body_limit).await
        };
        Self {
            path: parts.uri.path().to_string(),
            headers: parts.headers,
            query: parts.uri.query().map(str::to_string),
            body,
            params: Vec::new(),
            json: OnceLock::new(),
        }
    }

    /// A path parameter's decoded value, by its name in the template.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.iter().find(|(n, _)| &**n == name).map(|(_, v)| v.as_str())
    }

    /// The body parsed as JSON; `None` when it is not JSON or did not arrive whole. Parsed once,
    /// however many read it: the request's verdict against the spec and the vendor's handler both do.
    pub fn json(&self) -> Option<&Value> {
        self.json
            .get_or_init(|| match &self.body {
                // Most requests have no body: no parser (and no error) for them.
                RequestBody::Bytes(bytes) if !bytes.is_empty() => serde_json::from_slice(bytes).ok(),
                _ => None,
            })
            .as_ref()
    }

    /// The namespace the request names, or the default one.
    pub fn namespace(&self) -> &str {
        self.header(NAMESPACE_NAME)
            .filter(|n| !n.is_empty())
            .unwrap_or(DEFAULT_NAMESPACE)
    }

    /// A header's value as text; `None` when absent or not visible ASCII.
    pub fn header(&self, name: impl AsHeaderName) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The media type of `Content-Type` (lowercased, parameters dropped), when the header is present.
    pub fn media_type(&self) -> Option<String> {
        let value = self.headers.get(http::header::CONTENT_TYPE)?;
        let text = String::from_utf8_lossy(value.as_bytes());
        Some(text.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
    }
}

/// Reads a body up to `limit` bytes, giving up after [`BODY_READ_TIMEOUT`].
async fn read_body(body: dropshot::Body, limit: usize) -> RequestBody {
    let read = tokio::time::timeout(BODY_READ_TIMEOUT, Limited::new(body, limit).collect());
    match read.await {
        Ok(Ok(collected)) => RequestBody::Bytes(collected.to_bytes()),
        Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => RequestBody::TooLarge,
        Ok(Err(_)) => RequestBody::Unreadable,
        Err(_) => RequestBody::TimedOut,
    }
}

/// What the `Authorization` header holds.
#[derive(Debug, PartialEq, Eq)]
pub enum Bearer<'a> {
    Missing,
    /// Present but not `Bearer <token>` (another scheme, or not text).
    OtherScheme,
    Token(&'a str),
}

/// Reads `Authorization: Bearer <token>` (the scheme is case-insensitive, as RFC 7235 says).
pub fn bearer_token(headers: &HeaderMap) -> Bearer<'_> {
    let Some(value) = headers.get(http::header::AUTHORIZATION) else {
        return Bearer::Missing;
    };
    let Ok(text) = value.to_str() else {
        return Bearer::OtherScheme;
    };
    match text.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => Bearer::Token(token.trim()),
        _ => Bearer::OtherScheme,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(authorization: &str) -> HeaderMap {
        let mut map = HeaderMap::new();
        map.insert(http::header::AUTHORIZATION, authorization.parse().unwrap());
        map
    }

    #[test]
    fn bearer_tokens_are_read_and_other_schemes_refused() {
        assert_eq!(bearer_token(&HeaderMap::new()), Bearer::Missing);
        assert_eq!(bearer_token(&headers("Bearer abc")), Bearer::Token("abc"));
        assert_eq!(bearer_token(&headers("bearer abc")), Bearer::Token("abc"));
        assert_eq!(bearer_token(&headers("Bearer ")), Bearer::Token(""));
        assert_eq!(bearer_token(&headers("Basic abc")), Bearer::OtherScheme);
        assert_eq!(bearer_token(&headers("Bearer")), Bearer::OtherScheme);
    }
}
