//! `understudy check`: the arguments, the targets they name, the report on stdout or in a file, and
//! the exit code (0 nothing failed, 1 a probe failed or, with `--fail-on-skip`, was skipped, 2 a
//! usage error, 3 a target unreachable).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, ValueEnum};
use understudy::check::{self, CheckError, CheckOptions};
use understudy::report;
use understudy::Fidelity;

#[derive(Args)]
pub struct CheckArgs {
    /// The vendor to check (repeatable), or `all` with --targets.
    #[arg(long, required = true)]
    vendor: Vec<String>,
    /// The vendor's base URL, base path included, as in the startup line (with one --vendor).
    #[arg(long, conflicts_with = "targets")]
    target: Option<String>,
    /// Base URLs by vendor: a startup line (`{"nango":"http://…",…}`) or `@FILE` holding one. A
    /// `control` entry in it is used as --control unless that is given.
    #[arg(long)]
    targets: Option<String>,
    /// Which answers count: the live service's (`live`) or the spec's (`spec`).
    #[arg(long, value_enum, default_value_t = Fidelity::Live)]
    expect: Fidelity,
    /// The credential: a MoonKey secret key, a Dynamic token, a Nango secret key (to create connect
    /// sessions). `VENDOR=VALUE` gives one vendor's when several are checked. Never printed.
    #[arg(long, env = "UNDERSTUDY_CHECK_CREDENTIAL", hide_env_values = true)]
    credential: Vec<String>,
    /// A live session the check may use up, used before any other: a MoonKey session_id, a Dynamic
    /// session id, a pending Paragraph session's id, a Nango connect session token (`VENDOR=ID` when
    /// several are checked). The happy path uses it up, and the repeat probes then use it deleted.
    #[arg(long)]
    session: Vec<String>,
    /// An Understudy control API, to create sessions and move clocks in namespaces of the check's own.
    #[arg(long)]
    control: Option<String>,
    /// Only these probes (repeatable).
    #[arg(long)]
    only: Vec<String>,
    /// Print every request instead of sending it.
    #[arg(long)]
    dry_run: bool,
    /// Fail the run (exit 1) when a probe is skipped, for CI that wants everything checked.
    #[arg(long)]
    fail_on_skip: bool,
    /// Requests per second at the most (default 10, unpaced for loopback targets).
    #[arg(long)]
    rate: Option<f64>,
    /// Seconds one request may take.
    #[arg(long, default_value_t = 10.0)]
    timeout: f64,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Write the report here instead of stdout.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
    Junit,
}

/// (vendor, base URL) pairs, and the control API's URL if the targets name one.
type Targets = (Vec<(String, String)>, Option<String>);

const USAGE: u8 = 2;
const UNREACHABLE: u8 = 3;

pub fn run(args: CheckArgs) -> ExitCode {
    let options = match args.options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("understudy check: {message}");
            return ExitCode::from(USAGE);
        }
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("understudy check: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let reports = match runtime.block_on(check::check(&options)) {
        Ok(reports) => reports,
        Err(CheckError::Usage(message)) => {
            eprintln!("understudy check: {message}");
            return ExitCode::from(USAGE);
        }
        Err(CheckError::Unreachable(message)) => {
            eprintln!("understudy check: unreachable: {message}");
            return ExitCode::from(UNREACHABLE);
        }
    };
    let text = match args.format {
        Format::Text => report::table(&reports),
        Format::Json => format!("{:#}\n", report::json(&reports)),
        Format::Junit => report::junit(&reports),
    };
    let written = match &args.output {
        Some(path) => std::fs::write(path, &text).map_err(|e| format!("{}: {e}", path.display())),
        None => {
            print!("{text}");
            Ok(())
        }
    };
    if let Err(message) = written {
        eprintln!("understudy check: {message}");
        return ExitCode::FAILURE;
    }
    let failed: usize = reports.iter().map(|r| r.summary().failed).sum();
    let skipped: usize = reports.iter().map(|r| r.summary().skipped).sum();
    if failed > 0 || (args.fail_on_skip && skipped > 0) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

impl CheckArgs {
    fn options(&self) -> Result<CheckOptions, String> {
        let (targets, control_from_targets) = self.targets()?;
        let vendors: Vec<&str> = targets.iter().map(|(v, _)| v.as_str()).collect();
        Ok(CheckOptions {
            credentials: by_vendor(&self.credential, &vendors, "--credential")?,
            sessions: by_vendor(&self.session, &vendors, "--session")?,
            targets,
            expect: self.expect,
            control: self.control.clone().or(control_from_targets),
            only: self.only.clone(),
            dry_run: self.dry_run,
            rate: self.rate,
            timeout: Duration::try_from_secs_f64(self.timeout).map_err(|e| format!("--timeout: {e}"))?,
        })
    }

    /// (vendor, base URL) pairs, and the control API's URL if the targets name one.
    fn targets(&self) -> Result<Targets, String> {
        if let Some(target) = &self.target {
            return match self.vendor.as_slice() {
                [vendor] if vendor != "all" => Ok((vec![(vendor.clone(), target.clone())], None)),
                _ => Err("--target takes exactly one --vendor; use --targets for several".into()),
            };
        }
        let Some(targets) = &self.targets else {
            return Err("give --target URL (one vendor) or --targets JSON|@FILE".into());
        };
        let text = match targets.strip_prefix('@') {
            Some(path) => std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?,
            None => targets.clone(),
        };
        // A startup line is the first line of Understudy's output; the rest may follow it in the file.
        let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        let map: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(first).map_err(|e| format!("--targets is not a JSON object of URLs: {e}"))?;
        let url = |name: &str| map.get(name).and_then(|v| v.as_str()).map(str::to_string);
        let wanted: Vec<String> = if self.vendor.iter().any(|v| v == "all") {
            understudy::vendors::NAMES
                .iter()
                .filter(|name| map.contains_key(**name))
                .map(|name| name.to_string())
                .collect()
        } else {
            self.vendor.clone()
        };
        let pairs = wanted
            .into_iter()
            .map(|vendor| {
                url(&vendor)
                    .map(|u| (vendor.clone(), u))
                    .ok_or(format!("--targets has no URL for {vendor}"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        if pairs.is_empty() {
            return Err("--targets names no known vendor".into());
        }
        Ok((pairs, url("control")))
    }
}

/// `VALUE` (for the only vendor checked) or `VENDOR=VALUE`, by vendor.
fn by_vendor(values: &[String], vendors: &[&str], flag: &str) -> Result<Vec<(String, String)>, String> {
    values
        .iter()
        .map(|value| match value.split_once('=') {
            Some((vendor, rest)) if vendors.contains(&vendor) => Ok((vendor.to_string(), rest.to_string())),
            _ => match vendors {
                [only] => Ok((only.to_string(), value.clone())),
                _ => Err(format!("{flag} needs VENDOR=VALUE when several vendors are checked")),
            },
        })
        .collect()
}
