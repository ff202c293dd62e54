//! Starts the run-time table of APIs in this process: one server per API, each serving its
//! document under the path of its first server URL (the four compiled vendors, with their own
//! documents or fuller ones given with `--spec NAME=FILE`, and any other document given with
//! `--spec`), plus the control API; and reports where they listen.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

use chrono::Utc;
use dropshot::{ConfigLogging, ConfigLoggingIfExists, ConfigLoggingLevel};

use crate::exchange::Fidelity;
use crate::serve::api::{ApiContext, Relay};
use crate::serve::forcing::Scenarios;
use crate::serve::listen::{start_server, Served};
use crate::serve::proxy::drift_log::DriftLog;
use crate::serve::proxy::upstream::Upstream;
use crate::serve::vendor::{check_overrides, seed_state, Overrides, VendorContext};
use crate::spec::{self, Document};
use crate::state::clock::Clock;
use crate::state::fixtures::Fixtures;
use crate::state::journal::{self, Journal};
use crate::state::shared::Shared;
use crate::state::store::Store;
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
    /// Namespaces the journal keeps (past it, the least recently used is forgotten).
    pub journal_namespaces: usize,
    /// Tenants each vendor keeps (past it, one that changed nothing goes first, the least recently
    /// used of those).
    pub max_tenants: usize,
    /// The data every new tenant starts with: the embedded default data unless `--fixtures` is given.
    pub fixtures: Fixtures,
    /// `understudy proxy`: (vendor, real service's base URL). Only these vendors are served, and
    /// their requests are relayed instead of answered.
    pub upstreams: Vec<(String, String)>,
    /// `understudy proxy --report FILE`: where the unregistered departures seen are written.
    pub drift_report: Option<std::path::PathBuf>,
    /// Documents to serve (`--spec [NAME=]FILE`): a vendor's name replaces its embedded document,
    /// any other name (or none: a slug of the title) adds an API answered by the generic engine.
    pub specs: Vec<SpecSource>,
    /// Serve only the documents given (`--no-vendors`).
    pub no_vendors: bool,
    /// Mixed into the seed of every generated body (`--seed`).
    pub seed: u64,
    /// Origins besides this machine's whose pages may call the control API (`--control-cors-origin`).
    pub control_cors_origins: Vec<String>,
    /// What answers a 404 or 409 of inferred state that the operation does not document.
    pub undocumented_status: crate::state::records::UndocumentedStatus,
}

/// A document to serve, as `--spec [NAME=]FILE` gives it.
#[derive(Debug, Clone)]
pub struct SpecSource {
    pub name: Option<String>,
    pub path: std::path::PathBuf,
}

impl SpecSource {
    /// Reads `NAME=FILE` or `FILE`.
    pub fn parse(text: &str) -> Result<Self, String> {
        match text.split_once('=') {
            Some((name, path)) if !name.is_empty() && !name.contains('/') => {
                if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
                    return Err(format!("{name:?} is not a name (letters, digits, - and _)"));
                }
                Ok(Self {
                    name: Some(name.to_string()),
                    path: path.into(),
                })
            }
            _ => Ok(Self {
                name: None,
                path: text.into(),
            }),
        }
    }
}

/// The port an API given with `--spec` listens on unless told otherwise: 4020, then on.
const FIRST_GENERIC_PORT: u16 = 4020;

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
            journal_namespaces: journal::MAX_NAMESPACES,
            max_tenants: crate::state::store::MAX_TENANTS,
            fixtures: Fixtures::embedded(),
            upstreams: Vec::new(),
            drift_report: None,
            specs: Vec::new(),
            no_vendors: false,
            seed: 0,
            control_cors_origins: Vec::new(),
            undocumented_status: crate::state::records::UndocumentedStatus::Strict,
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

    /// Refuses an upstream for an API that is not served.
    fn check_upstreams(&self, known: &[&str]) -> Result<(), String> {
        match self.upstreams.iter().find(|(api, _)| !known.contains(&api.as_str())) {
            None => Ok(()),
            Some((api, _)) => Err(format!("no API is called {api:?} (known: {})", known.join(", "))),
        }
    }

    /// Refuses a port given for a server that does not exist (a typo would otherwise go unseen).
    fn check_ports(&self, known: &[&str]) -> Result<(), String> {
        match self
            .ports
            .iter()
            .find(|(name, _)| name != "control" && !known.contains(&name.as_str()))
        {
            None => Ok(()),
            Some((name, _)) => Err(format!(
                "no server is called {name:?} (known: {}, control)",
                known.join(", ")
            )),
        }
    }
}

/// The running servers of one Understudy process.
pub struct Running {
    /// The APIs' servers, then the control API's.
    pub served: Vec<Served>,
    shared: Arc<Shared>,
    /// The documents given with `--spec`.
    given: Vec<&'static Document>,
}

impl Running {
    /// What cannot be served as documented in the documents given with `--spec`, one line each
    /// (operations answered 501, unusable schemas, examples that break their own schema and so are
    /// not served). It compiles every example's schema: call it off the request path.
    pub fn document_problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        for document in &self.given {
            let vendor = crate::vendors::NAMES.iter().copied().find(|n| *n == document.name);
            for operation in spec::inspect::of(document, vendor, spec::inspect::Depth::Quick).operations {
                for problem in operation.problems {
                    problems.push(format!(
                        "{}: {} {}: {problem}",
                        document.name, operation.method, operation.path
                    ));
                }
            }
        }
        problems
    }

    /// The base URL of a vendor's server, or of `control`.
    pub fn url(&self, name: &str) -> Option<&str> {
        self.served.iter().find(|s| s.name == name).map(|s| s.url.as_str())
    }

    /// Which catalogue situations every request so far exercised, across all namespaces, as JSON and
    /// as a markdown summary (what `--coverage-report FILE` writes on shutdown).
    pub fn coverage_report(&self) -> (serde_json::Value, String) {
        let documents = self.shared.apis.get().cloned().unwrap_or_default();
        let coverage = crate::coverage::of_journal(&self.shared.journal, None, &documents);
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

/// Loads the documents given with `--spec`, each under its name (the one given, else a slug of its
/// title). Names must be distinct.
fn load_specs(options: &Options) -> Result<Vec<&'static Document>, String> {
    let mut documents: Vec<&'static Document> = Vec::new();
    for source in &options.specs {
        let argument = source.path.to_string_lossy().to_string();
        let loaded = spec::load::load(&argument).map_err(|e| e.message)?;
        let name = match &source.name {
            Some(name) => name.clone(),
            None => {
                let title = loaded.document["info"]["title"].as_str().unwrap_or("");
                spec::slug(title)
            }
        };
        if name == "control" || documents.iter().any(|d| d.name == name) {
            return Err(format!(
                "{argument}: another API is already called {name:?}; name it with --spec NAME={argument}"
            ));
        }
        // Served for the rest of the process: the journal refers to its operations for good.
        let document: &'static Document = Box::leak(Box::new(Document::new(&name, argument, loaded.document)));
        documents.push(document);
    }
    Ok(documents)
}

/// Starts every API's server and the control API.
pub async fn start(options: Options) -> Result<Running, String> {
    let given = load_specs(&options)?;
    let vendor_names: &[&str] = if options.no_vendors { &[] } else { crate::vendors::NAMES };
    let mut known: Vec<&str> = vendor_names.to_vec();
    known.extend(given.iter().map(|d| d.name).filter(|n| !vendor_names.contains(n)));
    if known.is_empty() {
        return Err("nothing to serve: --no-vendors needs at least one --spec FILE".into());
    }
    options.check_ports(&known)?;
    options.check_upstreams(&known)?;
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
        journal: Journal::with_namespace_limit(
            options.journal_limit,
            options.journal_total_limit,
            options.journal_namespaces,
        ),
        scenarios: Scenarios::default(),
        drifts: DriftLog::writing_to(options.drift_report.clone()),
        apis: std::sync::OnceLock::new(),
        states: std::sync::OnceLock::new(),
    });
    let mut launcher = Launcher {
        options,
        log,
        shared: shared.clone(),
        served: Vec::new(),
        given: given.clone(),
        documents: Vec::new(),
        summaries: Vec::new(),
        states: Vec::new(),
    };
    let contexts = Contexts::build(&mut launcher)?;
    let generic: Vec<&'static Document> = given
        .iter()
        .filter(|d| !vendor_names.contains(&d.name))
        .copied()
        .collect();
    for (index, document) in generic.into_iter().enumerate() {
        let port = FIRST_GENERIC_PORT.saturating_add(index as u16);
        launcher.serve(document, None, port)?;
    }
    let Launcher {
        options,
        log,
        mut served,
        documents,
        summaries,
        states,
        ..
    } = launcher;
    let _ = shared.apis.set(documents.clone());
    let _ = shared.states.set(states);
    let mut known: Vec<&str> = crate::vendors::NAMES.to_vec();
    known.extend(documents.iter().map(|d| d.name));
    options.fixtures.check_vendors(&known)?;
    let address = options.address("control", crate::control::DEFAULT_PORT);
    served.push(crate::control::serve(
        shared.clone(),
        contexts,
        summaries,
        address,
        &log,
        options.body_limit,
        crate::control::AllowedOrigins {
            extra: options.control_cors_origins.clone(),
        },
    )?);
    // Once every server listens: what a large document works out at first use is worked out now,
    // beside the servers, rather than in their first requests.
    for document in &given {
        let document: &'static Document = document;
        std::thread::spawn(move || document.warm());
    }
    Ok(Running { served, shared, given })
}

/// Starts API servers one by one: the vendors in the order of the vendor list, then the documents
/// given.
struct Launcher {
    options: Options,
    log: slog::Logger,
    shared: Arc<Shared>,
    served: Vec<Served>,
    /// The documents given with `--spec`.
    given: Vec<&'static Document>,
    /// The documents of the APIs started so far.
    documents: Vec<&'static Document>,
    /// The APIs started so far, as the control API lists them.
    summaries: Vec<crate::control::ApiSummary>,
    /// The inferred state of each API that has one.
    states: Vec<(&'static Document, Arc<crate::state::records::Stateful>)>,
}

impl Launcher {
    /// The state inferred from `document`, seeded from its examples and the fixtures' section for
    /// it; `None` where no operation has a role.
    fn stateful(
        &mut self,
        document: &'static Document,
        vendor: Option<&Arc<dyn Overrides>>,
    ) -> Result<Option<Arc<crate::state::records::Stateful>>, String> {
        let resources = document.resources();
        if resources.roles.iter().all(Option::is_none) {
            return Ok(None);
        }
        // A vendor's section is read by the vendor too; any other is read here alone.
        let fixtures: crate::engine::StateFixtures = match vendor {
            Some(_) => self.options.fixtures.section(document.name)?,
            None => self.options.fixtures.take_section(document.name)?,
        };
        let records = crate::engine::seed_records(document, fixtures)
            .map_err(|e| self.options.fixtures.error(document.name, &e))?;
        let stateful = Arc::new(crate::state::records::Stateful {
            store: Store::with_fixed_seed(document.name, self.options.max_tenants, records),
            undocumented: self.options.undocumented_status,
            vendor_owned: crate::state::records::Stateful::owned_by_vendor(
                document,
                document.table().iter().enumerate().filter_map(|(index, op)| {
                    let compiled = vendor?.operations();
                    compiled
                        .iter()
                        .any(|c| c.method == op.method && c.template == op.template)
                        .then_some(index)
                }),
            ),
        });
        self.states.push((document, stateful.clone()));
        Ok(Some(stateful))
    }

    /// The API's relay under `understudy proxy`, if it is proxied.
    fn relay(&self, name: &str, vendor: Option<&Arc<dyn Overrides>>) -> Result<Option<Relay>, String> {
        let Some((_, url)) = self.options.upstreams.iter().find(|(api, _)| api == name) else {
            return Ok(None);
        };
        Ok(Some(Relay {
            upstream: Upstream::new(url)?,
            catalogue: vendor.map(|v| v.catalogue()),
        }))
    }

    /// Starts one API's server (unless, under `understudy proxy`, it is not proxied).
    fn serve(
        &mut self,
        document: &'static Document,
        vendor: Option<Arc<dyn Overrides>>,
        default_port: u16,
    ) -> Result<(), String> {
        let relay = self.relay(document.name, vendor.as_ref())?;
        if !self.options.upstreams.is_empty() && relay.is_none() {
            // Under `understudy proxy`, only the proxied APIs listen.
            return Ok(());
        }
        let relayed = relay.is_some();
        // The real service keeps its own state: a relayed API has none here.
        let stateful = match relayed {
            true => None,
            false => self.stateful(document, vendor.as_ref())?,
        };
        let context = Arc::new(ApiContext::new(
            document,
            vendor.clone(),
            self.shared.clone(),
            self.options.body_limit,
            relay,
            self.options.seed,
            stateful,
        ));
        let address = self.options.address(document.name, default_port);
        let server = start_server(
            ApiContext::description()?,
            context,
            address,
            &self.log,
            document.name,
            self.options.body_limit,
        )?;
        let url = format!("http://{}{}", server.local_addr(), document.base_path);
        // A relayed vendor's real service has none of the mock's default data.
        let (defaults, bearer) = match &vendor {
            Some(vendor) if !relayed => (vendor.defaults(&url), vendor.bearer()),
            _ => (Vec::new(), None),
        };
        self.summaries.push(crate::control::ApiSummary {
            name: document.name.to_string(),
            url: url.clone(),
            document: document.source.clone(),
            title: document.title().map(str::to_string),
            operations: document.table().len(),
            overridden: vendor
                .as_ref()
                .map(|v| {
                    let present = v
                        .operations()
                        .into_iter()
                        .filter(|op| document.find(op.method, op.template).is_some());
                    present.map(|op| op.id.to_string()).collect()
                })
                .unwrap_or_default(),
            relayed,
        });
        self.served
            .push(Served::new(document.name, url, defaults, bearer, server));
        self.documents.push(document);
        Ok(())
    }
}

impl ContextBuilder for Launcher {
    fn build<V: Listed>(&mut self) -> Result<Arc<VendorContext<V>>, String> {
        let spec = match self.given.iter().find(|d| d.name == V::NAME) {
            Some(document) => *document,
            None => spec::of(V::NAME),
        };
        let fixture: Arc<V::Fixture> = Arc::new(self.options.fixtures.section::<V::Fixture>(V::NAME)?);
        // Seed once now, so that a bad fixture stops the start with its entry named.
        seed_state::<V>(&fixture, Utc::now()).map_err(|e| self.options.fixtures.error(V::NAME, &e))?;
        let seed_fixture = fixture.clone();
        let context = Arc::new(VendorContext::<V> {
            fixture,
            // Checked just above: the same fixture seeds every tenant the same way.
            store: Store::with_limit(V::NAME, self.options.max_tenants, move |now| {
                seed_state::<V>(&seed_fixture, now).expect("the fixture was checked at start")
            }),
            shared: self.shared.clone(),
        });
        if !self.options.no_vendors {
            check_overrides::<V>(spec).map_err(|e| format!("{}: {e}", V::NAME))?;
            self.serve(spec, Some(context.clone() as Arc<dyn Overrides>), V::DEFAULT_PORT)?;
        }
        Ok(context)
    }
}
