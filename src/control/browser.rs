//! The control port as a browser reaches it: CORS. A Storybook decorator or an in-app dev toolbar
//! on `http://localhost:5173` calls the control API on another origin, so every control response
//! (dropshot's own errors too) must carry CORS headers, and every path must answer a preflight.
//! dropshot has no hook on its responses, so the control port is a small HTTP front here that
//! answers preflights itself and relays everything else, streamed, to the control API's dropshot
//! server on a private loopback port, adding the headers to its answers.
//!
//! Which origins: those on this machine (`localhost`, `*.localhost`, `127.0.0.1`, `[::1]`, any
//! port, http or https) by default, since the control API resets and rewrites a developer's mock
//! and a page from elsewhere has no business doing so; others with `--control-cors-origin`.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use http::header::{self, HeaderValue};
use http::{Method, Request, Response, StatusCode, Uri};
use hyper::body::Incoming;
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::task::JoinSet;

use crate::serve::cors;

/// The origins whose pages may call the control API.
#[derive(Debug, Clone, Default)]
pub struct AllowedOrigins {
    /// Origins allowed besides this machine's, exactly as a browser sends them
    /// (`http://app.example.test:5173`); `*` allows every origin.
    pub extra: Vec<String>,
}

impl AllowedOrigins {
    /// Whether a page of `origin` may call the control API.
    pub fn allows(&self, origin: &str) -> bool {
        is_local(origin) || self.extra.iter().any(|allowed| allowed == "*" || allowed == origin)
    }
}

/// An origin on this machine: http(s) to `localhost`, a `.localhost` name (RFC 6761 keeps them
/// on loopback), `127.0.0.1` or `[::1]`.
fn is_local(origin: &str) -> bool {
    let Ok(uri) = origin.parse::<Uri>() else { return false };
    if !matches!(uri.scheme_str(), Some("http" | "https")) {
        return false;
    }
    let Some(host) = uri.host() else { return false };
    let host = host.to_ascii_lowercase();
    host == "localhost" || host.ends_with(".localhost") || host == "127.0.0.1" || host == "[::1]"
}

/// The body every answer of the front has: the control API's, relayed as it streams.
type FrontBody = http_body_util::Either<Incoming, String>;

/// The running front: stopping it stops accepting and ends its connections.
pub struct Front {
    accept: tokio::task::JoinHandle<()>,
}

impl Front {
    /// Stops accepting and closes the front's connections.
    pub fn stop(self) {
        self.accept.abort();
    }
}

/// Serves the control port on `listener`, relaying to the control API's server at `backend`.
pub fn start(listener: std::net::TcpListener, backend: SocketAddr, origins: AllowedOrigins) -> Result<Front, String> {
    listener.set_nonblocking(true).map_err(|e| format!("control: {e}"))?;
    let listener = tokio::net::TcpListener::from_std(listener).map_err(|e| format!("control: {e}"))?;
    let relay = Arc::new(Relay {
        backend,
        origins,
        client: Client::builder(TokioExecutor::new()).build(HttpConnector::new()),
    });
    let accept = tokio::spawn(async move {
        // The connections live in this task's set: aborting the task drops the set, which aborts
        // them, so a stopped front leaves no connection open.
        let mut connections = JoinSet::new();
        loop {
            tokio::select! {
                accepted = listener.accept() => {
                    let Ok((stream, _)) = accepted else { continue };
                    let relay = relay.clone();
                    connections.spawn(async move {
                        let service = hyper::service::service_fn(move |request| {
                            let relay = relay.clone();
                            async move { Ok::<_, Infallible>(relay.answer(request).await) }
                        });
                        let _ = hyper::server::conn::http1::Builder::new()
                            .serve_connection(TokioIo::new(stream), service)
                            .await;
                    });
                }
                Some(_) = connections.join_next(), if !connections.is_empty() => {}
            }
        }
    });
    Ok(Front { accept })
}

struct Relay {
    backend: SocketAddr,
    origins: AllowedOrigins,
    client: Client<HttpConnector, Incoming>,
}

impl Relay {
    async fn answer(&self, request: Request<Incoming>) -> Response<FrontBody> {
        let origin = request.headers().get(header::ORIGIN).cloned();
        let allowed = origin
            .as_ref()
            .filter(|o| o.to_str().is_ok_and(|o| self.origins.allows(o)));
        let is_preflight = request.method() == Method::OPTIONS
            && request.headers().contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
        if is_preflight {
            return match allowed {
                Some(_) => cors::preflight(request.headers()).map(|_| FrontBody::Right(String::new())),
                None => refused_origin(origin.as_ref()),
            };
        }
        let mut response = match self.relay(request).await {
            Ok(response) => response.map(FrontBody::Left),
            Err(answer) => answer,
        };
        cors::decorate(response.headers_mut(), allowed);
        response
    }

    /// Sends `request` on to the control API's server, as it came but for the target's authority.
    async fn relay(&self, mut request: Request<Incoming>) -> Result<Response<Incoming>, Response<FrontBody>> {
        if let Some(why) = crate::serve::listen::refused_target(request.method(), request.uri()) {
            return Err(plain(StatusCode::BAD_REQUEST, why));
        }
        let path = request.uri().path_and_query().map_or("/", |p| p.as_str());
        let target = format!("http://{}{path}", self.backend);
        *request.uri_mut() = target.parse().map_err(|_| {
            plain(
                StatusCode::BAD_REQUEST,
                format!("the request target {path} is not a path"),
            )
        })?;
        self.client.request(request).await.map_err(|e| {
            // The control API listens on loopback beside the front: a hop that fails after
            // connecting failed on the request's own bytes (a malformed chunked body, say).
            if e.is_connect() {
                plain(
                    StatusCode::SERVICE_UNAVAILABLE,
                    format!("the control API did not answer: {e}"),
                )
            } else {
                plain(
                    StatusCode::BAD_REQUEST,
                    "the request's body could not be read".to_string(),
                )
            }
        })
    }
}

/// A preflight from an origin the control API does not serve: 403, saying how to allow it (a
/// browser hides the body from the page, but shows it in its network panel).
fn refused_origin(origin: Option<&HeaderValue>) -> Response<FrontBody> {
    let origin = origin.and_then(|o| o.to_str().ok()).unwrap_or("(none)");
    plain(
        StatusCode::FORBIDDEN,
        format!(
            "the control API allows pages on this machine only; start Understudy with \
             --control-cors-origin {origin} to let {origin} call it"
        ),
    )
}

/// An answer of the front's own, in the control API's error shape (dropshot's `message`).
fn plain(status: StatusCode, message: String) -> Response<FrontBody> {
    let body = serde_json::json!({ "message": message }).to_string();
    let mut response = Response::new(FrontBody::Right(body));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_on_this_machine_are_allowed_by_default() {
        let origins = AllowedOrigins::default();
        for local in [
            "http://localhost:5173",
            "https://localhost",
            "http://127.0.0.1:6006",
            "http://[::1]:3000",
            "http://storybook.localhost:6006",
            "http://LOCALHOST:1",
        ] {
            assert!(origins.allows(local), "{local}");
        }
        for foreign in [
            "http://example.com",
            "http://localhost.example.com",
            "http://127.0.0.2:80",
            "null",
            "file://",
            "ftp://localhost",
        ] {
            assert!(!origins.allows(foreign), "{foreign}");
        }
    }

    #[test]
    fn other_origins_are_allowed_only_when_named() {
        let named = AllowedOrigins {
            extra: vec!["http://app.example.test:5173".into()],
        };
        assert!(named.allows("http://app.example.test:5173"));
        assert!(!named.allows("http://app.example.test:5174"));
        let any = AllowedOrigins {
            extra: vec!["*".into()],
        };
        assert!(any.allows("https://anything.example"));
    }
}
