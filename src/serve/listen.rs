//! Binding one dropshot server: the configuration every server of Understudy shares (body limit,
//! detached handler tasks, the request-target check), and [`Served`], a started server with its URL
//! and a way to stop it.

use std::net::SocketAddr;
use std::pin::Pin;

use dropshot::{
    ApiDescription, Body, ConfigDropshot, DynamicVersionPolicy, HandlerTaskMode, HttpError, ServerBuilder,
    VersionPolicy,
};
use http::{Method, Request, Uri};

/// Closes one server, waiting for its requests in flight.
pub type StopFn =
    Box<dyn FnOnce() -> Pin<Box<dyn std::future::Future<Output = Result<(), String>> + Send>> + Send + Sync>;

/// One running server.
pub struct Served {
    pub name: &'static str,
    /// Base URL including the spec's base path, e.g. `http://127.0.0.1:4011/api/v0`.
    pub url: String,
    /// Credentials and identifiers that work out of the box, for the startup output.
    pub defaults: Vec<(&'static str, String)>,
    /// The `Authorization: Bearer` credential that works with the default data, if any.
    pub bearer: Option<String>,
    stop: StopFn,
}

impl Served {
    /// Closes the server, waiting for its requests in flight.
    pub async fn stop(self) -> Result<(), String> {
        (self.stop)().await
    }

    pub fn new<C: dropshot::ServerContext>(
        name: &'static str,
        url: String,
        defaults: Vec<(&'static str, String)>,
        bearer: Option<String>,
        server: dropshot::HttpServer<C>,
    ) -> Self {
        Self {
            name,
            url,
            defaults,
            bearer,
            stop: Box::new(move || Box::pin(server.close())),
        }
    }

    /// A server stopped by `stop` rather than by closing one dropshot server.
    pub fn with_stop(name: &'static str, url: String, stop: StopFn) -> Self {
        Self {
            name,
            url,
            defaults: Vec::new(),
            bearer: None,
            stop,
        }
    }
}

/// Starts one dropshot server.
pub fn start_server<C: dropshot::ServerContext>(
    api: ApiDescription<C>,
    context: C,
    address: SocketAddr,
    log: &slog::Logger,
    name: &'static str,
    body_limit: usize,
) -> Result<dropshot::HttpServer<C>, String> {
    let config = ConfigDropshot {
        bind_address: address,
        // Vendor handlers read bodies themselves (RawRequest), with this limit and vendor answers.
        default_request_body_max_bytes: body_limit,
        default_handler_task_mode: HandlerTaskMode::Detached,
        ..Default::default()
    };
    // dropshot logs a refusal of the version policy as an error; here it is a client's malformed
    // request, answered with a 400 and no more worth an error line than any other 400.
    let quiet = slog::Filter::new(log.clone(), |record: &slog::Record<'_>| {
        record.msg().as_str() != Some("failed to determine request API version")
    });
    let log = slog::Logger::root(slog::Drain::ignore_res(quiet), slog::o!("server" => name));
    ServerBuilder::new(api, context, log)
        .config(config)
        .version_policy(VersionPolicy::Dynamic(Box::new(RequestTargetCheck)))
        .start()
        .map_err(|e| format!("{name}: cannot listen on {address}: {e}"))
}

/// Refuses with a 400, before any routing, a request whose target is not a form a server takes
/// (RFC 9112 §3.2): a path (origin-form) or an absolute URL are served; `*` only for `OPTIONS`; a
/// bare `host:port` (authority-form) only for `CONNECT`, which no server here serves, so routing
/// refuses it. hyper passes `GET 127.0.0.1:80` through with an empty path, which dropshot's router
/// would send to `/`: on the control port, the dashboard.
///
/// dropshot calls its version policy with every request before it routes, and this is its only
/// hook there; every endpoint here is registered for all versions, so the version it returns
/// changes no routing. TODO-cleanup: a request filter of dropshot's own, should it gain one.
#[derive(Debug)]
struct RequestTargetCheck;

impl DynamicVersionPolicy for RequestTargetCheck {
    fn request_extract_version(
        &self,
        request: &Request<Body>,
        _log: &slog::Logger,
    ) -> Result<semver::Version, HttpError> {
        match refused_target(request.method(), request.uri()) {
            None => Ok(semver::Version::new(0, 0, 0)),
            Some(why) => Err(HttpError::for_bad_request(None, why)),
        }
    }
}

/// Why a request target is refused, if it is.
pub(crate) fn refused_target(method: &Method, target: &Uri) -> Option<String> {
    let path = target.path();
    if path.starts_with('/') || method == Method::CONNECT || (path == "*" && method == Method::OPTIONS) {
        return None;
    }
    Some(format!(
        "the request target `{target}` is neither a path nor an absolute URL (RFC 9112 §3.2)"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_absolute_urls_and_options_star_are_served() {
        let refused = |method: Method, target: &str| refused_target(&method, &target.parse().unwrap()).is_some();
        assert!(refused(Method::GET, "127.0.0.1:80"), "authority-form");
        assert!(refused(Method::DELETE, "example.com:443"), "authority-form");
        assert!(refused(Method::GET, "*"), "asterisk-form is for OPTIONS");
        assert!(!refused(Method::OPTIONS, "*"));
        assert!(!refused(Method::GET, "/"));
        assert!(!refused(Method::GET, "/clock?x=1"));
        assert!(
            !refused(Method::GET, "http://127.0.0.1:80"),
            "absolute-form, empty path"
        );
        assert!(!refused(Method::GET, "http://127.0.0.1:80/clock"));
        assert!(!refused(Method::CONNECT, "127.0.0.1:80"), "routing refuses it");
    }
}
