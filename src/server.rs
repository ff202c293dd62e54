//! Starts one dropshot server per vendor in this process, each serving its operations under the base
//! path of its spec's production server URL, plus the control API, and reports where they listen.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;

use chrono::Utc;
use dropshot::{ApiDescription, ConfigDropshot, ConfigLogging, ConfigLoggingLevel, HandlerTaskMode, ServerBuilder};

use crate::clock::Clock;
use crate::control::ControlApi;
use crate::exchange::Fidelity;
use crate::fixtures::Fixtures;
use crate::forcing::Scenarios;
use crate::journal::{self, Journal};
use crate::pipeline::{Shared, VendorContext};
use crate::spec;
use crate::store::Store;
use crate::vendor::{seed_state, Vendor};

/// Requests bodies are read up to this many bytes; a larger body is answered as the vendor answers an
/// invalid one (none of the four operations takes more than a few hundred bytes).
pub const DEFAULT_BODY_LIMIT: usize = 64 * 1024;

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
    /// Journal entries kept per namespace.
    pub journal_limit: usize,
    /// Journal entries kept across all namespaces.
    pub journal_total_limit: usize,
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
            journal_total_limit: journal::DEFAULT_TOTAL_LIMIT,
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
        journal: Journal::new(options.journal_limit, options.journal_total_limit),
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
