//! The `understudy` command: runs the mock servers (the default), and the spec tools.

use std::io::Write as _;
use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use dropshot::ConfigLoggingLevel;
use understudy::exchange::Fidelity;
use understudy::fixtures::Fixtures;
use understudy::server::{Options, DEFAULT_BODY_LIMIT};

/// A faithful, stateful mock of the MoonKey, Dynamic, Paragraph and Nango session APIs.
///
/// With no subcommand, serves all four vendors and the control API. The first line on stdout is a
/// JSON object mapping each vendor (and `control`) to its base URL; human-readable lines follow.
/// Logs go to stderr.
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
    /// Serve the four mock APIs (the default).
    Serve(ServeArgs),
    /// Work with the vendored specs.
    #[command(subcommand)]
    Spec(SpecCommand),
    /// Print the register of departures from the specs (the text of specs/DEPARTURES.md).
    Departures,
    /// Print the control API's OpenAPI document (the text of specs/understudy-control.openapi.json).
    ControlOpenapi,
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
}

#[derive(Args, Clone)]
struct ServeArgs {
    /// Address to bind every server to.
    #[arg(long, default_value = "127.0.0.1", env = "UNDERSTUDY_BIND")]
    bind: IpAddr,
    /// Port of the MoonKey API.
    #[arg(long, default_value_t = 4010)]
    moonkey_port: u16,
    /// Port of the Dynamic API.
    #[arg(long, default_value_t = 4011)]
    dynamic_port: u16,
    /// Port of the Paragraph API.
    #[arg(long, default_value_t = 4012)]
    paragraph_port: u16,
    /// Port of the Nango API.
    #[arg(long, default_value_t = 4013)]
    nango_port: u16,
    /// Port of the control API.
    #[arg(long, default_value_t = understudy::control::DEFAULT_PORT)]
    control_port: u16,
    /// Let the OS choose every port not given explicitly (read the URLs from the first stdout line).
    #[arg(long)]
    ephemeral_ports: bool,
    /// Answer as the live services do (`live`), or as their specs document (`spec`).
    #[arg(long, value_enum, default_value_t = Fidelity::Live, env = "UNDERSTUDY_MODE")]
    mode: Fidelity,
    /// Start every tenant with this data (YAML or JSON) instead of the embedded default data.
    #[arg(long, value_name = "FILE", env = "UNDERSTUDY_FIXTURES")]
    fixtures: Option<PathBuf>,
    /// How many requests the journal keeps per namespace (its oldest are dropped past it).
    #[arg(long, default_value_t = understudy::journal::DEFAULT_LIMIT)]
    journal_limit: usize,
    /// How many requests the journal keeps across all namespaces (past it, the namespace holding
    /// the most drops its oldest).
    #[arg(long, default_value_t = understudy::journal::DEFAULT_TOTAL_LIMIT)]
    journal_total_limit: usize,
    /// Log level on stderr: trace, debug, info (logs every request), warn, error.
    #[arg(long, default_value = "warn", value_parser = parse_level, env = "UNDERSTUDY_LOG")]
    log_level: ConfigLoggingLevel,
}

fn parse_level(text: &str) -> Result<ConfigLoggingLevel, String> {
    serde_json::from_value(serde_json::Value::String(text.to_ascii_lowercase()))
        .map_err(|_| format!("unknown log level {text:?}: use trace, debug, info, warn, error or critical"))
}

impl ServeArgs {
    fn options(&self, matches: &clap::ArgMatches) -> Result<Options, String> {
        let mut ports = Vec::new();
        for (vendor, id, port) in [
            ("moonkey", "moonkey_port", self.moonkey_port),
            ("dynamic", "dynamic_port", self.dynamic_port),
            ("paragraph", "paragraph_port", self.paragraph_port),
            ("nango", "nango_port", self.nango_port),
            ("control", "control_port", self.control_port),
        ] {
            let explicit = matches.value_source(id) == Some(clap::parser::ValueSource::CommandLine);
            if explicit || !self.ephemeral_ports {
                ports.push((vendor.to_string(), port));
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
            body_limit: DEFAULT_BODY_LIMIT,
            journal_limit: self.journal_limit,
            journal_total_limit: self.journal_total_limit,
            fixtures,
        })
    }
}

fn main() -> ExitCode {
    let matches = <Cli as clap::CommandFactory>::command().get_matches();
    let cli = <Cli as clap::FromArgMatches>::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    let result = match cli.command {
        None => cli.serve.options(&matches).and_then(serve),
        Some(Command::Serve(args)) => {
            let sub = matches.subcommand_matches("serve").unwrap_or(&matches);
            args.options(sub).and_then(serve)
        }
        Some(Command::Spec(SpecCommand::Extract { page, out })) => extract(&page, out.as_deref()),
        Some(Command::Spec(SpecCommand::Report)) => {
            print!("{}", understudy::generated::NORMALISATION_REPORT);
            Ok(())
        }
        Some(Command::ControlOpenapi) => {
            let document = understudy::control::openapi_document(&understudy::control::description());
            println!("{}", serde_json::to_string_pretty(&document).unwrap_or_default());
            Ok(())
        }
        Some(Command::Departures) => {
            print!(
                "{}",
                understudy::departures::render_markdown(&understudy::vendors::departures())
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
    let yaml = understudy::openapi::extract::openapi_yaml(&text).map_err(|e| format!("{}: {e}", page.display()))?;
    match out {
        Some(path) => std::fs::write(path, yaml).map_err(|e| format!("{}: {e}", path.display())),
        None => std::io::stdout().write_all(yaml.as_bytes()).map_err(|e| e.to_string()),
    }
}

fn serve(options: Options) -> Result<(), String> {
    let runtime = tokio::runtime::Runtime::new().map_err(|e| format!("cannot start the runtime: {e}"))?;
    runtime.block_on(async {
        let running = understudy::start(options.clone()).await?;
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{}", running.startup_line());
        let mode = match options.fidelity {
            Fidelity::Live => "live",
            Fidelity::Spec => "spec",
        };
        let _ = writeln!(
            out,
            "Understudy is serving the four vendor APIs in {mode} mode, and its control API. Ctrl-C stops it."
        );
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
        shutdown_signal().await;
        eprintln!("understudy: stopping");
        running.stop().await
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
