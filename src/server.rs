//! Starts one dropshot server per vendor in this process, each serving its operations under the base
//! path of its spec's production server URL, plus the control API; and runs every vendor request
//! through the same pipeline (namespace, forcing, journal, CORS) around the vendor's own handler.
//!
//! The [`Vendor`] trait is how a vendor module plugs in; nothing here knows any vendor by name.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use dropshot::{
    ApiDescription, Body, ConfigDropshot, ConfigLogging, ConfigLoggingLevel, HandlerTaskMode, HttpError, Path,
    RawRequest, RequestContext, ServerBuilder,
};
use http::{HeaderValue, Method, Response, StatusCode};
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::clock::Clock;
use crate::control::ControlApi;
use crate::departures::Departure;
use crate::exchange::{Fidelity, Incoming, Reply};
use crate::fixtures::Fixtures;
use crate::forcing::{self, Forcing, Scenarios};
use crate::journal::{self, Journal};
use crate::spec::{self, DocumentedBody, VendorSpec};
use crate::store::Store;
use crate::{cors, exchange};

/// Requests bodies are read up to this many bytes; a larger body is answered as the vendor answers an
/// invalid one (none of the four operations takes more than a few hundred bytes).
pub const DEFAULT_BODY_LIMIT: usize = 64 * 1024;
/// Marks a response that was forced (a `Prefer` header or a scenario) rather than computed.
pub const FORCED_HEADER: &str = "x-understudy-forced";

/// A vendor operation as its handler names it; [`route`] checks it against the spec.
#[derive(Debug)]
pub struct Operation {
    /// The spec's operationId, or `method_path` where the spec has none (as build.rs names it).
    pub id: &'static str,
    pub method: &'static str,
    /// The spec's path template, without the base path.
    pub template: &'static str,
}

/// What a vendor module provides to be served and controlled.
pub trait Vendor: Sized + Send + Sync + 'static {
    /// The vendor's name in files (`specs/NAME.yaml`), flags, the startup line and the control API.
    const NAME: &'static str;
    /// The port it listens on unless told otherwise.
    const DEFAULT_PORT: u16;
    /// The credential a control call acts for when it names none: the example key or token, or
    /// empty where the vendor has no credential that separates apps.
    const DEFAULT_CREDENTIAL: &'static str;
    /// One tenant's state.
    type State: Default + Send + 'static;
    /// The vendor's section of a fixtures file.
    type Fixture: DeserializeOwned + Default + Send + Sync + 'static;
    /// A session to create, through the control API or a fixture.
    type SessionSpec: DeserializeOwned + JsonSchema + Clone + Send + Sync + 'static;
    /// A session as the control API shows it.
    type SessionView: Serialize + JsonSchema + Send + Sync + 'static;

    /// Registers the vendor's endpoints, with [`crate::register_operation`].
    fn register(api: &mut Api<Self>) -> Result<(), String>;
    /// The sessions a fixture creates in every new tenant.
    fn fixture_sessions(fixture: &Self::Fixture) -> &[Self::SessionSpec];
    /// Creates a session; the error says which rule the spec broke.
    fn create_session(
        state: &mut Self::State,
        spec: Self::SessionSpec,
        now: DateTime<Utc>,
    ) -> Result<Self::SessionView, String>;
    fn sessions(state: &Self::State, now: DateTime<Utc>) -> Vec<Self::SessionView>;
    fn session(state: &Self::State, id: &str, now: DateTime<Utc>) -> Option<Self::SessionView>;
    fn delete_session(state: &mut Self::State, id: &str) -> bool;
    /// The vendor's answer for a forced error status, in its own error shape.
    fn forced_error(status: StatusCode, fidelity: Fidelity) -> Reply;
    /// Credentials and identifiers that work out of the box, for the startup output.
    fn defaults(fixture: &Self::Fixture) -> Vec<(&'static str, String)>;
    /// Where this vendor's service, or the mock, departs from its spec.
    fn departures() -> &'static [Departure];
}

pub type Api<V> = ApiDescription<Arc<VendorContext<V>>>;

/// What every server of one process shares.
pub struct Shared {
    pub fidelity: Fidelity,
    pub clock: Clock,
    pub journal: Journal,
    pub scenarios: Scenarios,
}

/// Everything a vendor's handlers share: the spec, the fixture, the tenants' state and [`Shared`].
pub struct VendorContext<V: Vendor> {
    pub spec: &'static VendorSpec,
    pub fixture: Arc<V::Fixture>,
    pub store: Store<V::State>,
    pub shared: Arc<Shared>,
    pub body_limit: usize,
}

impl<V: Vendor> VendorContext<V> {
    pub fn fidelity(&self) -> Fidelity {
        self.shared.fidelity
    }

    /// The time in a namespace.
    pub fn now(&self, namespace: &str) -> DateTime<Utc> {
        self.shared.clock.now(namespace)
    }

    /// Runs one request through the pipeline: read it, apply a forced response if one is asked for,
    /// otherwise let `handle` answer; journal the answer; add CORS headers.
    pub async fn serve(
        &self,
        operation: &'static Operation,
        raw: RawRequest,
        handle: impl FnOnce(&Self, &Incoming) -> Reply,
    ) -> Result<Response<Body>, HttpError> {
        let request = Incoming::read(raw, self.body_limit).await;
        let namespace = request.namespace();
        let forcing = self.forcing(operation, &request, namespace);
        if let Some(delay) = forcing.delay {
            tokio::time::sleep(delay).await;
        }
        if forcing.drop_connection {
            self.journal(operation, request, 0, &Reply::empty(StatusCode::OK), true);
            return Ok(dropped_connection());
        }
        let forced = self.forced_reply(operation, &forcing);
        let is_forced = forced.is_some();
        let reply = forced.unwrap_or_else(|| handle(self, &request));
        let origin = request.headers.get(http::header::ORIGIN).cloned();
        self.journal(operation, request, reply.status.as_u16(), &reply, is_forced);
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
        let from_header = request.header("prefer").map(forcing::from_prefer).unwrap_or_default();
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
            _ if status.is_client_error() || status.is_server_error() => V::forced_error(status, self.fidelity()),
            DocumentedBody::FromSchema(body) => Reply::json(status, &body),
            DocumentedBody::Empty | DocumentedBody::Undocumented => Reply::empty(status),
        })
    }

    /// Records the request; takes it by value so that its path moves into the entry uncopied.
    fn journal(&self, operation: &'static Operation, request: Incoming, status: u16, reply: &Reply, forced: bool) {
        let namespace = request.namespace();
        self.shared.journal.record(journal::Entry {
            sequence: 0,
            time: self.now(namespace),
            namespace: namespace.to_string(),
            vendor: V::NAME,
            operation: operation.id,
            method: operation.method,
            template: operation.template,
            path: request.path,
            status,
            body: reply.body.clone().unwrap_or_default(),
            departure: reply.departure,
            forced,
        });
    }
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

/// Where the spec puts an operation: checked against the spec, so a vendor module cannot drift
/// from it unnoticed.
pub struct Route {
    pub id: String,
    pub method: Method,
    /// The full path: the spec's base path and the template.
    pub path: String,
}

pub fn route<V: Vendor>(operation: &Operation) -> Result<Route, String> {
    let spec = spec::of(V::NAME);
    let found = spec
        .operations()
        .into_iter()
        .find(|op| op.method == operation.method && op.path == operation.template)
        .ok_or_else(|| {
            format!(
                "specs/{}.yaml has no operation {} {}",
                V::NAME,
                operation.method,
                operation.template
            )
        })?;
    let derived = || {
        let mut id = operation.method.to_lowercase();
        id.extend(operation.template.chars().map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        }));
        id
    };
    let spec_id = found.operation_id.unwrap_or_else(derived);
    if spec_id != operation.id {
        return Err(format!(
            "the spec names {} {} `{spec_id}`, not `{}`",
            operation.method, operation.template, operation.id
        ));
    }
    let method = Method::from_bytes(operation.method.as_bytes()).map_err(|e| e.to_string())?;
    Ok(Route {
        id: spec_id,
        method,
        path: format!("{}{}", spec.base_path, operation.template),
    })
}

/// Registers a vendor operation's handler and its CORS preflight (`OPTIONS`) at the path the spec
/// gives it. A macro because dropshot's handler trait cannot be named outside dropshot.
#[macro_export]
macro_rules! register_operation {
    ($api:expr, $vendor:ty, $operation:expr, $handler:expr, $preflight:expr) => {
        $crate::server::route::<$vendor>($operation).and_then(|route| {
            let all = || ::dropshot::ApiEndpointVersions::All;
            let operation = ::dropshot::ApiEndpoint::new(
                route.id.clone(),
                $handler,
                route.method.clone(),
                "application/json",
                &route.path,
                all(),
            );
            $api.register(operation).map_err(|e| e.to_string())?;
            let preflight = ::dropshot::ApiEndpoint::new(
                format!("{}_preflight", route.id),
                $preflight,
                ::http::Method::OPTIONS,
                "application/json",
                &route.path,
                all(),
            );
            $api.register(preflight).map_err(|e| e.to_string())
        })
    };
}

/// The CORS preflight of an operation whose path has no parameters.
pub async fn preflight<V: Vendor>(
    _rqctx: RequestContext<Arc<VendorContext<V>>>,
    raw: RawRequest,
) -> Result<Response<Body>, HttpError> {
    Ok(cors::preflight(raw.into_inner().headers()))
}

/// The CORS preflight of an operation whose path has parameters `P` (dropshot wants them consumed).
pub async fn preflight_with_path<V: Vendor, P: DeserializeOwned + JsonSchema + Send + Sync + 'static>(
    _rqctx: RequestContext<Arc<VendorContext<V>>>,
    _path: Path<P>,
    raw: RawRequest,
) -> Result<Response<Body>, HttpError> {
    Ok(cors::preflight(raw.into_inner().headers()))
}

/// Builds a tenant's state from a fixture; errors name the entry (`sessions[2]: …`).
pub fn seed_state<V: Vendor>(fixture: &V::Fixture, now: DateTime<Utc>) -> Result<V::State, String> {
    let mut state = V::State::default();
    for (index, spec) in V::fixture_sessions(fixture).iter().enumerate() {
        V::create_session(&mut state, spec.clone(), now).map_err(|e| format!("sessions[{index}]: {e}"))?;
    }
    Ok(state)
}

/// How to run the servers.
#[derive(Debug, Clone)]
pub struct Options {
    pub bind: IpAddr,
    /// Per-server ports (`moonkey`, …, `control`) that override the defaults.
    pub ports: Vec<(String, u16)>,
    /// Let the OS pick every port (for parallel CI jobs); explicit `ports` still win.
    pub ephemeral_ports: bool,
    pub fidelity: Fidelity,
    pub log_level: ConfigLoggingLevel,
    pub body_limit: usize,
    pub journal_limit: usize,
    /// The data every new tenant starts with: the embedded default data unless `--fixtures` is given.
    pub fixtures: Fixtures,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            ports: Vec::new(),
            ephemeral_ports: false,
            fidelity: Fidelity::Live,
            // dropshot logs every request at info level: keep that off the hot path unless asked for.
            log_level: ConfigLoggingLevel::Warn,
            body_limit: DEFAULT_BODY_LIMIT,
            journal_limit: journal::DEFAULT_LIMIT,
            fixtures: Fixtures::embedded(),
        }
    }
}

impl Options {
    /// Options for tests: loopback, every port chosen by the OS.
    pub fn ephemeral() -> Self {
        Self {
            ephemeral_ports: true,
            ..Self::default()
        }
    }

    fn address(&self, server: &str, default_port: u16) -> SocketAddr {
        let port = match self.ports.iter().find(|(name, _)| name == server) {
            Some((_, port)) => *port,
            None if self.ephemeral_ports => 0,
            None => default_port,
        };
        SocketAddr::new(self.bind, port)
    }
}

/// Closes one server, waiting for its requests in flight.
type StopFn = Box<dyn FnOnce() -> Pin<Box<dyn std::future::Future<Output = Result<(), String>> + Send>> + Send + Sync>;

/// One running server.
pub struct Served {
    pub name: &'static str,
    /// Base URL including the spec's base path, e.g. `http://127.0.0.1:4011/api/v0`.
    pub url: String,
    pub defaults: Vec<(&'static str, String)>,
    stop: StopFn,
}

impl Served {
    pub fn new<C: dropshot::ServerContext>(
        name: &'static str,
        url: String,
        defaults: Vec<(&'static str, String)>,
        server: dropshot::HttpServer<C>,
    ) -> Self {
        Self {
            name,
            url,
            defaults,
            stop: Box::new(move || Box::pin(server.close())),
        }
    }
}

/// The running servers of one Understudy process.
pub struct Running {
    /// The vendors' servers, then the control API's.
    pub served: Vec<Served>,
    pub shared: Arc<Shared>,
}

impl Running {
    /// The base URL of a vendor's server, or of `control`.
    pub fn url(&self, name: &str) -> Option<&str> {
        self.served.iter().find(|s| s.name == name).map(|s| s.url.as_str())
    }

    /// The startup line: one JSON object mapping each vendor (and `control`) to its base URL.
    pub fn startup_line(&self) -> String {
        let map: serde_json::Map<String, serde_json::Value> = self
            .served
            .iter()
            .map(|s| (s.name.to_string(), s.url.clone().into()))
            .collect();
        serde_json::Value::Object(map).to_string()
    }

    /// Stops every server, waiting for requests in flight.
    pub async fn stop(self) -> Result<(), String> {
        for served in self.served {
            (served.stop)().await?;
        }
        Ok(())
    }
}

/// Starts every vendor's server and the control API.
pub async fn start(options: Options) -> Result<Running, String> {
    let log = ConfigLogging::StderrTerminal {
        level: options.log_level.clone(),
    }
    .to_logger("understudy")
    .map_err(|e| format!("cannot set up logging: {e}"))?;
    let shared = Arc::new(Shared {
        fidelity: options.fidelity,
        clock: Clock::default(),
        journal: Journal::new(options.journal_limit),
        scenarios: Scenarios::default(),
    });
    let mut launcher = Launcher {
        control: ControlApi::new(shared.clone()),
        options,
        log,
        shared: shared.clone(),
        served: Vec::new(),
    };
    crate::vendors::visit_all(&mut launcher)?;
    launcher.options.fixtures.check_vendors(&crate::vendors::NAMES)?;
    let address = launcher.options.address("control", crate::control::DEFAULT_PORT);
    let control = launcher
        .control
        .start(address, &launcher.log, launcher.options.body_limit)?;
    launcher.served.push(control);
    Ok(Running {
        served: launcher.served,
        shared,
    })
}

/// Starts vendor servers one by one, as [`crate::vendors::visit_all`] names them.
pub struct Launcher {
    options: Options,
    log: slog::Logger,
    shared: Arc<Shared>,
    control: ControlApi,
    served: Vec<Served>,
}

impl crate::vendors::VendorVisitor for Launcher {
    fn visit<V: Vendor>(&mut self) -> Result<(), String> {
        let spec = spec::of(V::NAME);
        let fixture: Arc<V::Fixture> = Arc::new(self.options.fixtures.section::<V>()?);
        // Seed once now, so that a bad fixture stops the start with its entry named.
        seed_state::<V>(&fixture, Utc::now()).map_err(|e| self.options.fixtures.error(V::NAME, &e))?;
        let seed_fixture = fixture.clone();
        let context = Arc::new(VendorContext::<V> {
            spec,
            fixture: fixture.clone(),
            // Checked just above: the same fixture seeds every tenant the same way.
            store: Store::new(move |now| {
                seed_state::<V>(&seed_fixture, now).expect("the fixture was checked at start")
            }),
            shared: self.shared.clone(),
            body_limit: self.options.body_limit,
        });
        let mut api = ApiDescription::new();
        V::register(&mut api).map_err(|e| format!("{}: {e}", V::NAME))?;
        self.control.add_vendor(context.clone())?;
        let address = self.options.address(V::NAME, V::DEFAULT_PORT);
        let server = start_server(api, context, address, &self.log, V::NAME, self.options.body_limit)?;
        let url = format!("http://{}{}", server.local_addr(), spec.base_path);
        self.served
            .push(Served::new(V::NAME, url, V::defaults(&fixture), server));
        Ok(())
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
    ServerBuilder::new(api, context, log.new(slog::o!("server" => name)))
        .config(config)
        .start()
        .map_err(|e| format!("{name}: cannot listen on {address}: {e}"))
}

/// Re-exported for vendor modules: the namespace header every API and control call accepts.
pub use exchange::NAMESPACE_HEADER;
