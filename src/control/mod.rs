//! The control API: a dropshot server of its own (default port 4000) through which tests and
//! developers seed and inspect sessions, reset a namespace, read the request journal, move the clock
//! and set forced-response scenarios. Every call acts in the namespace of its
//! `x-understudy-namespace` header (`default` when absent). Its OpenAPI document is served at
//! `/openapi.json` and committed as specs/understudy-control.openapi.json.

mod browser;
mod dashboard;
mod global;
mod resources;
mod sessions;
mod timed_body;

use std::net::SocketAddr;
use std::sync::Arc;

use dropshot::{ApiDescription, RequestContext};

pub use browser::AllowedOrigins;

use crate::exchange::{DEFAULT_NAMESPACE, NAMESPACE_HEADER};
use crate::serve::listen::{start_server, Served};
use crate::state::shared::Shared;
use crate::vendors::Contexts;

pub const DEFAULT_PORT: u16 = 4000;
const TITLE: &str = "Understudy control API";
const VERSION: semver::Version = semver::Version::new(1, 0, 0);

/// What the control handlers reach: the shared clock, journal and scenarios, and each vendor.
pub struct ControlContext {
    shared: Arc<Shared>,
    vendors: Contexts,
    openapi: serde_json::Value,
    apis: Vec<ApiSummary>,
}

/// A served API as `GET /apis` lists it.
#[derive(Debug, Clone, serde::Serialize, schemars::JsonSchema)]
pub struct ApiSummary {
    /// Its name, as in the startup line.
    pub name: String,
    /// Its base URL (the document's base path included).
    pub url: String,
    /// Where its document came from.
    pub document: String,
    /// The document's `info.title`.
    pub title: Option<String>,
    /// How many operations the document has.
    pub operations: usize,
    /// The operations a compiled vendor answers (their ids); the rest are answered from the
    /// document.
    pub overridden: Vec<String>,
    /// Set under `understudy proxy`: requests are relayed to the real service.
    pub relayed: bool,
}

/// The namespace header, declared on every control operation that acts in a namespace, so that the
/// control document tells generated clients about it. Handlers read it through [`namespace`].
#[derive(serde::Deserialize, schemars::JsonSchema)]
pub struct NamespaceHeader {
    /// The namespace the call acts in (`default` when absent): its data, journal, scenarios and clock.
    #[serde(rename = "x-understudy-namespace")]
    #[allow(dead_code)]
    pub namespace: Option<String>,
}

/// The namespace a control call acts in.
fn namespace<C: dropshot::ServerContext>(rqctx: &RequestContext<C>) -> String {
    let header = rqctx
        .request
        .headers()
        .get(NAMESPACE_HEADER)
        .and_then(|v| v.to_str().ok());
    header
        .filter(|n| !n.is_empty())
        .unwrap_or(DEFAULT_NAMESPACE)
        .to_string()
}

/// Starts the control API over the started vendors' contexts.
pub fn serve(
    shared: Arc<Shared>,
    vendors: Contexts,
    apis: Vec<ApiSummary>,
    address: SocketAddr,
    log: &slog::Logger,
    body_limit: usize,
    origins: AllowedOrigins,
) -> Result<Served, String> {
    let api = description();
    let context = Arc::new(ControlContext {
        shared,
        vendors,
        openapi: openapi_document(&api),
        apis,
    });
    // The port users call is the CORS front's; the control API's own server listens on a private
    // loopback port behind it.
    let listener =
        std::net::TcpListener::bind(address).map_err(|e| format!("control: cannot listen on {address}: {e}"))?;
    let url = format!("http://{}", listener.local_addr().map_err(|e| format!("control: {e}"))?);
    let private = SocketAddr::from((std::net::Ipv4Addr::LOCALHOST, 0));
    let server = start_server(api, context, private, log, "control", body_limit)?;
    let front = browser::start(listener, server.local_addr(), origins)?;
    Ok(Served::with_stop(
        "control",
        url,
        Box::new(move || {
            Box::pin(async move {
                front.stop();
                server.close().await
            })
        }),
    ))
}

/// The control API's OpenAPI document, as served at `/openapi.json`.
pub fn control_openapi() -> serde_json::Value {
    openapi_document(&description())
}

/// The control API's endpoints: the shared ones and, for every vendor, its sessions.
fn description() -> ApiDescription<Arc<ControlContext>> {
    let mut api = ApiDescription::new();
    // Registration only fails for an inconsistent endpoint definition: a bug in this module, which
    // every test run would show at once.
    global::register(&mut api).expect("the control endpoints register");
    api.register(dashboard::dashboard).expect("the dashboard registers");
    resources::register(&mut api).expect("the resource endpoints register");
    crate::vendors::visit_all(&mut sessions::Registrar { api: &mut api }).expect("the session endpoints register");
    api
}

/// The OpenAPI document of the control API's endpoints.
fn openapi_document(api: &ApiDescription<Arc<ControlContext>>) -> serde_json::Value {
    let mut definition = api.openapi(TITLE, VERSION);
    definition.description(
        "Seed, inspect and reset the mock's data, read the request journal, move the clock and force responses. \
         Every call acts in the namespace named by the x-understudy-namespace header (default: `default`).",
    );
    // Serialising a document dropshot generated from registered endpoints cannot fail.
    definition
        .json()
        .expect("the control API's OpenAPI document serialises")
}
