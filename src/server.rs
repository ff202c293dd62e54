//! Starts one dropshot server per vendor in this process, each serving its operations under the base
//! path of its spec's production server URL, and reports where they listen.
//!
//! The [`Vendor`] trait is how a vendor module plugs in; nothing here knows any vendor by name.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use dropshot::{ApiDescription, ConfigDropshot, ConfigLogging, ConfigLoggingLevel, HandlerTaskMode, ServerBuilder};
use http::Method;

use crate::clock::Clock;
use crate::departures::Departure;
use crate::exchange::Fidelity;
use crate::spec::{self, VendorSpec};
use crate::store::Store;

/// Requests bodies are read up to this many bytes; a larger body is answered as the vendor answers an
/// invalid one (none of the four operations takes more than a few hundred bytes).
pub const DEFAULT_BODY_LIMIT: usize = 64 * 1024;

/// What a vendor module provides to be served.
pub trait Vendor: Sized + Send + Sync + 'static {
    /// The vendor's name in files (`specs/NAME.yaml`), flags, the startup line and the control API.
    const NAME: &'static str;
    /// The port it listens on unless told otherwise.
    const DEFAULT_PORT: u16;
    /// One tenant's state.
    type State: Send + 'static;

    /// The default data a new tenant starts with.
    fn seed(now: DateTime<Utc>) -> Self::State;
    /// Registers the vendor's endpoints (use [`route`] for their paths).
    fn register(api: &mut Api<Self>) -> Result<(), String>;
    /// Credentials and default identifiers that work out of the box, for the startup output.
    fn defaults() -> Vec<(&'static str, String)>;
    /// Where this vendor's service, or the mock, departs from its spec.
    fn departures() -> &'static [Departure];
}

pub type Api<V> = ApiDescription<Arc<VendorContext<V>>>;

/// Everything a vendor's handlers share: the spec, the mode, the clock and the tenants' state.
pub struct VendorContext<V: Vendor> {
    pub spec: &'static VendorSpec,
    pub fidelity: Fidelity,
    pub clock: Arc<Clock>,
    pub store: Store<V::State>,
    pub body_limit: usize,
}

/// Where the spec puts an operation: its operation id (derived from method and path where the spec
/// has none), its method and its full path under the spec's base path. Fails when the spec has no
/// such operation, so a vendor module cannot drift from its spec unnoticed.
pub fn route(spec: &VendorSpec, method: &str, path: &str) -> Result<(String, Method, String), String> {
    let operation = spec
        .operations()
        .into_iter()
        .find(|op| op.method == method && op.path == path)
        .ok_or_else(|| format!("specs/{}.yaml has no operation {method} {path}", spec.vendor))?;
    let id = operation.operation_id.unwrap_or_else(|| {
        let mut id = method.to_lowercase();
        id.extend(path.chars().map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        }));
        id
    });
    let method = Method::from_bytes(method.as_bytes()).map_err(|e| e.to_string())?;
    Ok((id, method, format!("{}{path}", spec.base_path)))
}

/// How to run the servers.
#[derive(Debug, Clone)]
pub struct Options {
    pub bind: IpAddr,
    /// Per-vendor ports that override the defaults.
    pub ports: Vec<(String, u16)>,
    /// Let the OS pick every port (for parallel CI jobs); explicit `ports` still win.
    pub ephemeral_ports: bool,
    pub fidelity: Fidelity,
    pub log_level: ConfigLoggingLevel,
    pub body_limit: usize,
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

    fn port_for(&self, vendor: &str, default: u16) -> u16 {
        match self.ports.iter().find(|(name, _)| name == vendor) {
            Some((_, port)) => *port,
            None if self.ephemeral_ports => 0,
            None => default,
        }
    }
}

/// Closes one server, waiting for its requests in flight.
type StopFn = Box<dyn FnOnce() -> Pin<Box<dyn std::future::Future<Output = Result<(), String>> + Send>> + Send>;

/// One running vendor server.
pub struct Served {
    pub vendor: &'static str,
    /// Base URL including the spec's base path, e.g. `http://127.0.0.1:4011/api/v0`.
    pub url: String,
    pub defaults: Vec<(&'static str, String)>,
    stop: StopFn,
}

/// The running servers of one Understudy process.
pub struct Running {
    pub served: Vec<Served>,
    pub clock: Arc<Clock>,
}

impl Running {
    /// The base URL of a vendor's server.
    pub fn url(&self, vendor: &str) -> Option<&str> {
        self.served.iter().find(|s| s.vendor == vendor).map(|s| s.url.as_str())
    }

    /// The startup line: one JSON object mapping each vendor to its base URL.
    pub fn startup_line(&self) -> String {
        let map: serde_json::Map<String, serde_json::Value> = self
            .served
            .iter()
            .map(|s| (s.vendor.to_string(), s.url.clone().into()))
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

/// Starts every vendor's server.
pub async fn start(options: Options) -> Result<Running, String> {
    let log = ConfigLogging::StderrTerminal {
        level: options.log_level.clone(),
    }
    .to_logger("understudy")
    .map_err(|e| format!("cannot set up logging: {e}"))?;
    let mut launcher = Launcher {
        options,
        log,
        clock: Arc::new(Clock::default()),
        served: Vec::new(),
    };
    crate::vendors::launch_all(&mut launcher)?;
    Ok(Running {
        served: launcher.served,
        clock: launcher.clock,
    })
}

/// Starts vendor servers one by one; [`crate::vendors::launch_all`] names them.
pub struct Launcher {
    options: Options,
    log: slog::Logger,
    clock: Arc<Clock>,
    served: Vec<Served>,
}

impl Launcher {
    pub fn launch<V: Vendor>(&mut self) -> Result<(), String> {
        let spec = spec::of(V::NAME);
        let context = Arc::new(VendorContext::<V> {
            spec,
            fidelity: self.options.fidelity,
            clock: self.clock.clone(),
            store: Store::new(V::seed),
            body_limit: self.options.body_limit,
        });
        let mut api = ApiDescription::new();
        V::register(&mut api).map_err(|e| format!("{}: {e}", V::NAME))?;
        let address = SocketAddr::new(self.options.bind, self.options.port_for(V::NAME, V::DEFAULT_PORT));
        let config = ConfigDropshot {
            bind_address: address,
            // The handlers read bodies themselves, with their own limit and vendor-shaped answers.
            default_request_body_max_bytes: self.options.body_limit,
            default_handler_task_mode: HandlerTaskMode::Detached,
            ..Default::default()
        };
        let server = ServerBuilder::new(api, context, self.log.new(slog::o!("vendor" => V::NAME)))
            .config(config)
            .start()
            .map_err(|e| format!("{}: cannot listen on {address}: {e}", V::NAME))?;
        let url = format!("http://{}{}", server.local_addr(), spec.base_path);
        self.served.push(Served {
            vendor: V::NAME,
            url,
            defaults: V::defaults(),
            stop: Box::new(move || Box::pin(server.close())),
        });
        Ok(())
    }
}
