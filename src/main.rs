//! The `understudy` command: runs the mock servers (the default), and the spec tools.

use std::io::Write as _;
use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Arg, ArgAction, ArgMatches, Args, Command as ClapCommand, FromArgMatches, Parser, Subcommand};
use dropshot::ConfigLoggingLevel;
use understudy::{Fidelity, Fixtures, LogFormat, Options, SpecSource};

/// A faithful, stateful mock of vendors' session APIs, generated from their OpenAPI documents.
///
/// With no subcommand, serves every vendor and the control API. The first line on stdout is a JSON
/// object mapping each vendor (and `control`) to its base URL; human-readable lines follow. Logs go
/// to stderr.
#[derive(Parser)]
#[command(name = "understudy", version, args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    serve: ServeArgs,
}

#[derive(Subcommand)]
enum Command {
    /// Serve every vendor's mock API and the control API (the default).
    Serve(ServeArgs),
    /// Work with the vendored specs.
    #[command(subcommand)]
    Spec(SpecCommand),
    /// Print the register of departures from the specs (the text of specs/DEPARTURES.md).
    Departures,
    /// Print the control API's OpenAPI document (the text of specs/understudy-control.openapi.json).
    ControlOpenapi,
    /// Hold a server to a vendor's spec and to the live service's evidenced behaviour.
    Check(cli::check::CheckArgs),
    /// What changed between two versions of a vendor's spec, breaking or harmless, and what it means
    /// for the register of departures and the mock.
    Diff(cli::diff::DiffArgs),
    /// Stand between an app and the real services: relay every request, and classify every answer
    /// as conforming, a registered departure, or new drift.
    Proxy(ProxyArgs),
}

#[derive(Args)]
struct ProxyArgs {
    /// A vendor to relay and its real service's base URL, base path included, as VENDOR=URL
    /// (repeatable; for example nango=https://api.nango.dev).
    #[arg(long = "upstream", value_name = "VENDOR=URL", required = true, value_parser = parse_upstream, env = "UNDERSTUDY_UPSTREAMS", value_delimiter = ',')]
    upstreams: Vec<(String, String)>,
    /// Write the unregistered departures seen to this file (markdown, the register's format),
    /// rewritten whenever a new one is seen.
    #[arg(long, value_name = "FILE", env = "UNDERSTUDY_DRIFT_REPORT")]
    report: Option<PathBuf>,
    #[command(flatten)]
    serve: ServeArgs,
}

fn parse_upstream(text: &str) -> Result<(String, String), String> {
    let (vendor, url) = text
        .split_once('=')
        .ok_or_else(|| format!("{text:?} is not VENDOR=URL"))?;
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(format!("{url:?} is not an http:// or https:// URL"));
    }
    Ok((vendor.to_string(), url.to_string()))
}

#[derive(Subcommand)]
enum SpecCommand {
    /// Print the OpenAPI document inside a vendor doc page (its fenced yaml block), byte for byte.
    Extract {
        /// The saved doc page (for example specs/pages/moonkey.md).
        page: PathBuf,
        /// Write the document here instead of stdout (for example specs/moonkey.yaml).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Print what build.rs changed in each spec's copy before generating the clients.
    Report,
    /// Print every operation of a document: how it will be answered (a compiled override or the
    /// generic engine), its documented statuses, and any problem found. Exits 1 on problems.
    Inspect {
        /// The document (YAML or JSON, or a doc page), or a vendor's name for its embedded one.
        file: String,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args, Clone)]
struct ServeArgs {
    /// Address to bind every server to.
    #[arg(long, default_value = "127.0.0.1", env = "UNDERSTUDY_BIND")]
    bind: IpAddr,
    /// A server's port, as NAME=PORT (repeatable); NAME is a vendor or `control`.
    #[arg(long = "port", value_name = "NAME=PORT", value_parser = parse_port, env = "UNDERSTUDY_PORTS", value_delimiter = ',')]
    ports: Vec<(String, u16)>,
    /// Let the OS choose every port not given explicitly (read the URLs from the first stdout line).
    #[arg(long, env = "UNDERSTUDY_EPHEMERAL_PORTS")]
    ephemeral_ports: bool,
    /// Answer as the live services do (`live`), or as their specs document (`spec`).
    #[arg(long, value_enum, default_value_t = Fidelity::Live, env = "UNDERSTUDY_MODE")]
    mode: Fidelity,
    /// Start every tenant with this data (YAML or JSON) instead of the embedded default data.
    #[arg(long, value_name = "FILE", env = "UNDERSTUDY_FIXTURES")]
    fixtures: Option<PathBuf>,
    /// How many requests the journal keeps per namespace (its oldest are dropped past it).
    #[arg(long, default_value_t = Options::default().journal_limit, env = "UNDERSTUDY_JOURNAL_LIMIT")]
    journal_limit: usize,
    /// How many requests the journal keeps across all namespaces (past it, the namespace holding
    /// the most drops its oldest).
    #[arg(long, default_value_t = Options::default().journal_total_limit, env = "UNDERSTUDY_JOURNAL_TOTAL_LIMIT")]
    journal_total_limit: usize,
    /// How many namespaces the journal keeps; past it, the least recently used (by a request or a read
    /// of its journal) is forgotten, and counted in GET /stats.
    #[arg(long, default_value_t = Options::default().journal_namespaces, env = "UNDERSTUDY_JOURNAL_MAX_NAMESPACES")]
    journal_max_namespaces: usize,
    /// How many tenants (namespace and credential) each vendor keeps; past it, one that changed
    /// nothing is forgotten first, the least recently used of those; then the least recently used
    /// (warned of once, and counted in GET /stats).
    #[arg(long, default_value_t = Options::default().max_tenants, env = "UNDERSTUDY_MAX_TENANTS")]
    max_tenants: usize,
    /// Log level on stderr: trace, debug, info (logs every request), warn, error.
    #[arg(long, default_value = "warn", value_parser = parse_level, env = "UNDERSTUDY_LOG")]
    log_level: ConfigLoggingLevel,
    /// On shutdown, write which catalogue situations the requests exercised here (JSON), and a
    /// markdown summary beside it (FILE.md).
    #[arg(long, value_name = "FILE", env = "UNDERSTUDY_COVERAGE_REPORT")]
    coverage_report: Option<PathBuf>,
    /// Log lines as `text` for a terminal, or `json` (bunyan) for CI logs.
    #[arg(long, value_enum, default_value_t = LogFormat::Text, env = "UNDERSTUDY_LOG_FORMAT")]
    log_format: LogFormat,
    /// Serve an OpenAPI document (YAML or JSON, 3.0 or 3.1, or a doc page with a yaml fence), as
    /// `FILE` or `NAME=FILE` (repeatable). NAME names the API in the startup line and for `--port`
    /// (default: a slug of its title); a vendor's name replaces that vendor's embedded document,
    /// whose compiled operations keep answering while the rest is answered from the document.
    #[arg(long = "spec", value_name = "[NAME=]FILE", value_parser = SpecSource::parse, env = "UNDERSTUDY_SPECS", value_delimiter = ',')]
    specs: Vec<SpecSource>,
    /// Serve only the documents given with --spec, not the four embedded vendors.
    #[arg(long, env = "UNDERSTUDY_NO_VENDORS")]
    no_vendors: bool,
    /// Mixed into the seed of every generated body: the same seed gives the same bodies.
    #[arg(long, default_value_t = 0, env = "UNDERSTUDY_SEED")]
    seed: u64,
    /// An origin whose pages may call the control API, besides this machine's (localhost,
    /// *.localhost, 127.0.0.1, [::1]), exactly as the browser sends it (`http://app.example.test:5173`),
    /// or `*` for any (repeatable).
    #[arg(
        long = "control-cors-origin",
        value_name = "ORIGIN",
        env = "UNDERSTUDY_CONTROL_CORS_ORIGINS",
        value_delimiter = ','
    )]
    control_cors_origins: Vec<String>,
    /// What answers a 404 or 409 of inferred state that the operation does not document: the true
    /// status as application/problem+json marked as a departure (`strict`), or the lowest
    /// documented status (`lenient`).
    #[arg(long, value_enum, default_value = "strict", env = "UNDERSTUDY_UNDOCUMENTED_STATUS")]
    undocumented_status: understudy::UndocumentedStatus,
}

fn parse_port(text: &str) -> Result<(String, u16), String> {
    let (name, port) = text
        .split_once('=')
        .ok_or_else(|| format!("{text:?} is not NAME=PORT"))?;
    let port = port.parse().map_err(|e| format!("{port:?} is not a port: {e}"))?;
    Ok((name.to_string(), port))
}

/// The old per-server flags (`--moonkey-port 4010`, …, `--control-port 4000`), one for every server
/// of the vendor list; hidden from the help, which shows `--port NAME=PORT`.
fn per_server_port_flags(command: ClapCommand) -> ClapCommand {
    let defaults: Vec<String> = understudy::default_ports()
        .into_iter()
        .map(|(name, port)| format!("{name}={port}"))
        .collect();
    let command = command.mut_arg("ports", |arg| {
        arg.help(format!(
            "A server's port, as NAME=PORT (repeatable); the defaults are {}. `--NAME-port PORT` works as well",
            defaults.join(", ")
        ))
    });
    understudy::default_ports()
        .into_iter()
        .fold(command, |command, (name, default)| {
            command.arg(
                Arg::new(format!("{name}_port"))
                    .long(format!("{name}-port"))
                    .value_name("PORT")
                    .value_parser(clap::value_parser!(u16))
                    .action(ArgAction::Set)
                    .help(format!(
                        "Port of the {name} server (default {default}); same as --port {name}=PORT"
                    ))
                    .hide(true),
            )
        })
}

fn parse_level(text: &str) -> Result<ConfigLoggingLevel, String> {
    serde_json::from_value(serde_json::Value::String(text.to_ascii_lowercase()))
        .map_err(|_| format!("unknown log level {text:?}: use trace, debug, info, warn, error or critical"))
}

impl ServeArgs {
    fn options(&self, matches: &ArgMatches) -> Result<Options, String> {
        let mut ports = self.ports.clone();
        for (name, _) in understudy::default_ports() {
            if let Some(port) = matches.get_one::<u16>(&format!("{name}_port")) {
                ports.push((name.to_string(), *port));
            }
        }
        let fixtures = match &self.fixtures {
            Some(path) => Fixtures::load(path)?,
            None => Fixtures::embedded(),
        };
        Ok(Options {
            bind: self.bind,
            ports,
            ephemeral_ports: self.ephemeral_ports,
            fidelity: self.mode,
            log_level: self.log_level.clone(),
            log_format: self.log_format,
            journal_limit: self.journal_limit,
            journal_total_limit: self.journal_total_limit,
            journal_namespaces: self.journal_max_namespaces,
            max_tenants: self.max_tenants,
            fixtures,
            specs: self.specs.clone(),
            no_vendors: self.no_vendors,
            seed: self.seed,
            control_cors_origins: self.control_cors_origins.clone(),
            undocumented_status: self.undocumented_status,
            ..Options::default()
        })
    }
}

mod cli;

fn main() -> ExitCode {
    let command = per_server_port_flags(<Cli as clap::CommandFactory>::command())
        .mut_subcommand("serve", per_server_port_flags)
        .mut_subcommand("proxy", per_server_port_flags);
    let matches = command.get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    let result = match cli.command {
        None => cli
            .serve
            .options(&matches)
            .and_then(|options| serve(options, cli.serve.coverage_report.clone())),
        Some(Command::Serve(args)) => {
            let sub = matches.subcommand_matches("serve").unwrap_or(&matches);
            args.options(sub)
                .and_then(|options| serve(options, args.coverage_report.clone()))
        }
        Some(Command::Spec(SpecCommand::Extract { page, out })) => extract(&page, out.as_deref()),
        Some(Command::Spec(SpecCommand::Inspect { file, json })) => return inspect(&file, json),
        Some(Command::Spec(SpecCommand::Report)) => {
            print!("{}", understudy::generated::NORMALISATION_REPORT);
            Ok(())
        }
        Some(Command::ControlOpenapi) => {
            println!(
                "{}",
                serde_json::to_string_pretty(&understudy::control_openapi()).unwrap_or_default()
            );
            Ok(())
        }
        Some(Command::Check(args)) => return cli::check::run(args),
        Some(Command::Diff(args)) => return cli::diff::run(args),
        Some(Command::Proxy(args)) => {
            let sub = matches.subcommand_matches("proxy").unwrap_or(&matches);
            args.serve.options(sub).and_then(|options| {
                serve(
                    Options {
                        upstreams: args.upstreams,
                        drift_report: args.report,
                        ..options
                    },
                    args.serve.coverage_report.clone(),
                )
            })
        }
        Some(Command::Departures) => {
            print!(
                "{}",
                understudy::departures::render_markdown(&understudy::vendors::register())
            );
            Ok(())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("understudy: {message}");
            ExitCode::FAILURE
        }
    }
}

fn extract(page: &std::path::Path, out: Option<&std::path::Path>) -> Result<(), String> {
    let text = std::fs::read_to_string(page).map_err(|e| format!("{}: {e}", page.display()))?;
    let yaml = understudy::spec::extract::openapi_yaml(&text).map_err(|e| format!("{}: {e}", page.display()))?;
    match out {
        Some(path) => std::fs::write(path, yaml).map_err(|e| format!("{}: {e}", path.display())),
        None => std::io::stdout().write_all(yaml.as_bytes()).map_err(|e| e.to_string()),
    }
}

fn inspect(file: &str, json: bool) -> ExitCode {
    match understudy::spec::inspect::inspect(file) {
        Err(message) => {
            eprintln!("understudy: {message}");
            ExitCode::from(2)
        }
        Ok(report) => {
            if json {
                println!("{}", serde_json::to_string_pretty(&report).unwrap_or_default());
            } else {
                print!("{}", report.text());
            }
            if report.problems() == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

fn serve(options: Options, coverage_report: Option<PathBuf>) -> Result<(), String> {
    let runtime = tokio::runtime::Runtime::new().map_err(|e| format!("cannot start the runtime: {e}"))?;
    runtime.block_on(async {
        let running = understudy::start(options.clone()).await?;
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{}", running.startup_line());
        let mode = match options.fidelity {
            Fidelity::Live => "live",
            Fidelity::Spec => "spec",
        };
        if options.upstreams.is_empty() {
            let apis: Vec<&str> = running.served.iter().map(|s| s.name).filter(|n| *n != "control").collect();
            let _ = writeln!(
                out,
                "Understudy is serving the {} APIs in {mode} mode, and its control API. Ctrl-C stops it.",
                apis.join(", ")
            );
        } else {
            let relayed: Vec<String> = options.upstreams.iter().map(|(v, u)| format!("{v} to {u}")).collect();
            let _ = writeln!(
                out,
                "Understudy is relaying {}, judging every answer (x-understudy-conformance, GET /journal?conformance=drift). Ctrl-C stops it.",
                relayed.join(", ")
            );
        }
        for served in &running.served {
            let _ = writeln!(out, "\n{:<10} {}", served.name, served.url);
            if served.name == "control" {
                let _ = writeln!(out, "  OpenAPI document: {}/openapi.json", served.url);
            }
            for (what, value) in &served.defaults {
                let _ = writeln!(out, "  {what}: {value}");
            }
        }
        let _ = out.flush();
        drop(out);
        let running = Arc::new(running);
        let inspected = running.clone();
        tokio::task::spawn_blocking(move || {
            for problem in inspected.document_problems() {
                eprintln!("understudy: {problem}");
            }
        });
        shutdown_signal().await;
        eprintln!("understudy: stopping");
        if let Some(path) = &coverage_report {
            let (json, markdown) = running.coverage_report();
            let markdown_path = PathBuf::from(format!("{}.md", path.display()));
            std::fs::write(path, format!("{json:#}\n"))
                .and_then(|()| std::fs::write(&markdown_path, markdown))
                .map_err(|e| format!("{}: {e}", path.display()))?;
        }
        match Arc::try_unwrap(running) {
            Ok(running) => running.stop().await,
            // The document check still holds it: the process ends, and its servers with it.
            Err(_) => Ok(()),
        }
    })
}

/// Resolves on Ctrl-C, or on SIGTERM where there is one.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("installing a SIGTERM handler");
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}
