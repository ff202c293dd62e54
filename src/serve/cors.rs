//! CORS for browsers: every response to a vendor operation (errors and forced ones too) echoes the
//! request's `Origin` and allows credentials; preflights are answered for every operation with the
//! method and headers asked for.

use dropshot::Body;
use http::header::{self, HeaderMap, HeaderValue};
use http::{Response, StatusCode};

/// Headers a browser script may read from a response.
const EXPOSED: HeaderValue = HeaderValue::from_static(
    "x-understudy-departure, x-understudy-forced, x-understudy-warning, x-request-id, retry-after, content-type, allow",
);
/// Allowed when a preflight does not say which method it is for.
const ALL_METHODS: HeaderValue = HeaderValue::from_static("GET, POST, PUT, PATCH, DELETE, OPTIONS");
const PREFLIGHT_MAX_AGE: HeaderValue = HeaderValue::from_static("600");

/// Adds the CORS headers to a response for a request from `origin` (none for non-browser clients).
pub fn decorate(response_headers: &mut HeaderMap, origin: Option<&HeaderValue>) {
    let Some(origin) = origin else { return };
    response_headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
    response_headers.insert(
        header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
        HeaderValue::from_static("true"),
    );
    response_headers.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSED);
    response_headers.append(header::VARY, HeaderValue::from_static("Origin"));
}

/// The answer to a preflight `OPTIONS`: the method and headers asked for are allowed.
pub fn preflight(request_headers: &HeaderMap) -> Response<Body> {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::NO_CONTENT;
    let headers = response.headers_mut();
    decorate(headers, request_headers.get(header::ORIGIN));
    let asked_method = request_headers.get(header::ACCESS_CONTROL_REQUEST_METHOD);
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        asked_method.cloned().unwrap_or(ALL_METHODS),
    );
    if let Some(asked) = request_headers.get(header::ACCESS_CONTROL_REQUEST_HEADERS) {
        headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, asked.clone());
    }
    headers.insert(header::ACCESS_CONTROL_MAX_AGE, PREFLIGHT_MAX_AGE);
    headers.append(header::VARY, HeaderValue::from_static("Access-Control-Request-Headers"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_origin_is_echoed_with_credentials_allowed() {
        let mut headers = HeaderMap::new();
        decorate(&mut headers, Some(&HeaderValue::from_static("http://localhost:5173")));
        assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], "http://localhost:5173");
        assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_CREDENTIALS], "true");
        let mut none = HeaderMap::new();
        decorate(&mut none, None);
        assert!(none.is_empty(), "no Origin, no CORS headers");
    }

    #[test]
    fn a_preflight_allows_the_asked_method_and_headers() {
        let mut request = HeaderMap::new();
        request.insert(header::ORIGIN, HeaderValue::from_static("http://127.0.0.1:9"));
        request.insert(
            header::ACCESS_CONTROL_REQUEST_HEADERS,
            HeaderValue::from_static("authorization, content-type"),
        );
        request.insert(
            header::ACCESS_CONTROL_REQUEST_METHOD,
            HeaderValue::from_static("DELETE"),
        );
        let response = preflight(&request);
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        assert_eq!(response.headers()[header::ACCESS_CONTROL_ALLOW_METHODS], "DELETE");
        assert_eq!(
            response.headers()[header::ACCESS_CONTROL_ALLOW_HEADERS],
            "authorization, content-type"
        );
    }
}
