//! Starts one dropshot server per vendor in this process, each serving its operations under the base
//! path of its spec's production server URL, plus the control API, and reports where they listen.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

use chrono::Utc;
use dropshot::{ApiDescription, ConfigLogging, ConfigLoggingIfExists, ConfigLoggingLevel};

use crate::state::clock::Clock;
use crate::serve::proxy::drift_log::DriftLog;
use crate::exchange::Fidelity;
use crate::state::fixtures::Fixtures;
use crate::serve::forcing::Scenarios;
use crate::state::journal::{self, Journal};
use crate::serve::listen::{start_server, Served};
use crate::spec;
use crate::state::shared::Shared;
use crate::state::store::Store;
use crate::serve::proxy::upstream::Upstream;
use crate::serve::vendor::{seed_state, Relay, VendorContext};
use crate::vendors::{ContextBuilder, Contexts, Listed};

/// Requests bodies are read up to this many bytes; a larger body is answered as the vendor answers an
/// invalid one (no vendor operation takes more than a few hundred bytes).
const DEFAULT_BODY_LIMIT: usize = 64 * 1024;

/// Every server's name (each vendor's, then `control`) and the port it listens on unless told
/// otherwise.
pub fn default_ports() -> Vec<(&'static str, u16)> {
    let mut ports = crate::vendors::DEFAULT_PORTS.to_vec();
    ports.push(("control", crate::control::DEFAULT_PORT));
    ports
}

/// How log lines are written to stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum LogFormat {
    /// Coloured lines for a terminal.
    #[default]
    Text,
    /// One JSON object a line (bunyan's format), for CI logs.
    Json,
}

/// How to run the servers.
#[derive(Debug, Clone)]
pub struct Options {
    pub bind: IpAddr,
    /// Per-server ports (a vendor's name, or `control`) that override the defaults.
    pub ports: Vec<(String, u16)>,
    /// Let the OS pick every port (for parallel CI jobs); explicit `ports` still win.
    pub ephemeral_ports: bool,
    pub fidelity: Fidelity,
    pub log_level: ConfigLoggingLevel,
    pub log_format: LogFormat,
    pub body_limit: usize,
    /// Journal entries kept per namespace.
    pub journal_limit: usize,
    /// Journal entries kept across all namespaces.
    pub journal_total_limit: usize,
    /// The data every new tenant starts with: the embedded default data unless `--fixtures` is given.
    pub fixtures: Fixtures,
    /// `understudy proxy`: (vendor, real service's base URL). Only these vendors are served, and
    /// their requests are relayed instead of answered.
    pub upstreams: Vec<(String, String)>,
    /// `understudy proxy --report FILE`: where the unregistered departures seen are written.
    pub drift_report: Option<std::path::PathBuf>,
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
            log_format: LogFormat::Text,
            body_limit: DEFAULT_BODY_LIMIT,
            journal_limit: journal::DEFAULT_LIMIT,
            journal_total_limit: journal::DEFAULT_TOTAL_LIMIT,
            fixtures: Fixtures::embedded(),
            upstreams: Vec::new(),
            drift_report: None,
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

    /// Refuses an upstream for a vendor that does not exist.
    fn check_upstreams(&self) -> Result<(), String> {
        let known = crate::vendors::NAMES;
        match self
            .upstreams
            .iter()
            .find(|(vendor, _)| !known.contains(&vendor.as_str()))
        {
            None => Ok(()),
            Some((vendor, _)) => Err(format!("no vendor is called {vendor:?} (known: {})", known.join(", "))),
        }
    }

    /// Refuses a port given for a server that does not exist (a typo would otherwise go unseen).
    fn check_ports(&self) -> Result<(), String> {
        let known = default_ports();
        match self
            .ports
            .iter()
            .find(|(name, _)| !known.iter().any(|(k, _)| k == name))
        {
            None => Ok(()),
            Some((name, _)) => Err(format!(
                "no server is called {name:?} (known: {})",
                known.iter().map(|(k, _)| *k).collect::<Vec<_>>().join(", ")
            )),
        }
    }
}

/// The running servers of one Understudy process.
pub struct Running {
    /// The vendors' servers, then the control API's.
    pub served: Vec<Served>,
    shared: Arc<Shared>,
}

impl Running {
    /// The base URL of a vendor's server, or of `control`.
    pub fn url(&self, name: &str) -> Option<&str> {
        self.served.iter().find(|s| s.name == name).map(|s| s.url.as_str())
    }

    /// Which catalogue situations every request so far exercised, across all namespaces, as JSON and
    /// as a markdown summary (what `--coverage-report FILE` writes on shutdown).
    pub fn coverage_report(&self) -> (serde_json::Value, String) {
        let coverage = crate::coverage::of_journal(&self.shared.journal, None);
        (serde_json::to_value(&coverage).unwrap_or_default(), coverage.markdown())
    }

    /// The `Authorization: Bearer` credential that works with a vendor's default data, if its
    /// operation takes one.
    pub fn bearer(&self, vendor: &str) -> Option<&str> {
        self.served.iter().find(|s| s.name == vendor)?.bearer.as_deref()
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
            served.stop().await?;
        }
        Ok(())
    }
}

/// Starts every vendor's server and the control API.
pub async fn start(options: Options) -> Result<Running, String> {
    options.check_ports()?;
    options.check_upstreams()?;
    let log = match options.log_format {
        LogFormat::Text => ConfigLogging::StderrTerminal {
            level: options.log_level.clone(),
        },
        // One JSON object a line on stderr, for CI logs.
        LogFormat::Json => ConfigLogging::File {
            level: options.log_level.clone(),
            path: "/dev/stderr".into(),
            if_exists: ConfigLoggingIfExists::Append,
        },
    }
    .to_logger("understudy")
    .map_err(|e| format!("cannot set up logging: {e}"))?;
    // dropshot's logger filters by level on its background thread, after every record has been
    // built and queued; dropshot logs each request at info. Filtering here, before the queue, keeps
    // that work off the request path (about 7% of a request's instructions at the default level).
    let level = slog::Level::from(&options.log_level);
    let log = slog::Logger::root(slog::Drain::fuse(slog::LevelFilter::new(log, level)), slog::o!());
    let shared = Arc::new(Shared {
        fidelity: options.fidelity,
        clock: Clock::default(),
        journal: Journal::new(options.journal_limit, options.journal_total_limit),
        scenarios: Scenarios::default(),
        drifts: DriftLog::writing_to(options.drift_report.clone()),
    });
    let mut launcher = Launcher {
        options,
        log,
        shared: shared.clone(),
        served: Vec::new(),
    };
    let contexts = Contexts::build(&mut launcher)?;
    let Launcher {
        options,
        log,
        mut served,
        ..
    } = launcher;
    options.fixtures.check_vendors(crate::vendors::NAMES)?;
    let address = options.address("control", crate::control::DEFAULT_PORT);
    served.push(crate::control::serve(
        shared.clone(),
        contexts,
        address,
        &log,
        options.body_limit,
    )?);
    Ok(Running { served, shared })
}

/// Starts vendor servers one by one, in the order of the vendor list.
struct Launcher {
    options: Options,
    log: slog::Logger,
    shared: Arc<Shared>,
    served: Vec<Served>,
}

impl Launcher {
    /// The vendor's relay under `understudy proxy`, if it is proxied.
    fn relay<V: Listed>(&self) -> Result<Option<Relay>, String> {
        let Some((_, url)) = self.options.upstreams.iter().find(|(vendor, _)| vendor == V::NAME) else {
            return Ok(None);
        };
        Ok(Some(Relay {
            upstream: Upstream::new(url)?,
            catalogue: V::catalogue(),
        }))
    }
}

impl ContextBuilder for Launcher {
    fn build<V: Listed>(&mut self) -> Result<Arc<VendorContext<V>>, String> {
        let spec = spec::of(V::NAME);
        let fixture: Arc<V::Fixture> = Arc::new(self.options.fixtures.section::<V::Fixture>(V::NAME)?);
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
            relay: self.relay::<V>()?,
        });
        if !self.options.upstreams.is_empty() && context.relay.is_none() {
            // Under `understudy proxy`, only the proxied vendors listen.
            return Ok(context);
        }
        let mut api = ApiDescription::new();
        V::register(&mut api).map_err(|e| format!("{}: {e}", V::NAME))?;
        let address = self.options.address(V::NAME, V::DEFAULT_PORT);
        let server = start_server(
            api,
            context.clone(),
            address,
            &self.log,
            V::NAME,
            self.options.body_limit,
        )?;
        let url = format!("http://{}{}", server.local_addr(), spec.base_path);
        // A relayed vendor's real service has none of the mock's default data.
        let relayed = context.relay.is_some();
        let (mut defaults, bearer) = if relayed {
            (Vec::new(), None)
        } else {
            (V::defaults(&fixture), V::bearer(&fixture))
        };
        defaults.extend(V::sdk_hint(&url));
        self.served.push(Served::new(V::NAME, url, defaults, bearer, server));
        Ok(context)
    }
}
