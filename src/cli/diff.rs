//! `understudy diff OLD NEW`: the arguments, the report in the chosen format on stdout (and, under
//! GitHub Actions, the markdown report appended to the step summary), and the exit code (0 below
//! `--fail-on`, 1 at or above it, 101 to 103 when a spec cannot be loaded).

use std::process::ExitCode;

use clap::{Args, ValueEnum};
use understudy::diff::{self, output, Level};

#[derive(Args)]
pub struct DiffArgs {
    /// The older spec: an OpenAPI file (YAML or JSON), a saved vendor doc page (.md), or a vendor's
    /// name for the vendored spec.
    old: String,
    /// The newer spec: an OpenAPI file or a saved vendor doc page.
    new: String,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// The lowest level that fails (exit 1): breaking, unknown, non-breaking, or never.
    #[arg(long, value_enum, default_value_t = FailOn::Breaking)]
    fail_on: FailOn,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
    Markdown,
    Junit,
    Github,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
}

#[derive(Clone, Copy, ValueEnum)]
enum FailOn {
    Breaking,
    Unknown,
    NonBreaking,
    Never,
}

pub fn run(args: DiffArgs) -> ExitCode {
    let loaded = diff::load(&args.old).and_then(|old| diff::load(&args.new).map(|new| (old, new)));
    let (old, new) = match loaded {
        Ok(pair) => pair,
        Err(error) => {
            eprintln!("understudy diff: {}", error.message);
            return ExitCode::from(error.code);
        }
    };
    let diff = diff::diff(&old, &new);
    let fail_on = match args.fail_on {
        FailOn::Breaking => Some(Level::Breaking),
        FailOn::Unknown => Some(Level::Unknown),
        FailOn::NonBreaking => Some(Level::NonBreaking),
        FailOn::Never => None,
    };
    let text = match args.format {
        Format::Text => output::text(&diff),
        Format::Json => format!("{:#}\n", output::json(&diff)),
        Format::Markdown => output::markdown(&diff),
        Format::Junit => output::junit(&diff, fail_on),
        Format::Github => output::github(&diff, &args.new),
        Format::Sarif => format!("{:#}\n", output::sarif(&diff, &args.new)),
    };
    print!("{text}");
    append_step_summary(&output::markdown(&diff));
    let failed = matches!((diff.level(), fail_on), (Some(level), Some(threshold)) if level >= threshold);
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Appends the markdown report to the file `GITHUB_STEP_SUMMARY` names, when it names one: GitHub
/// shows ten annotations of each level per step, and the summary shows every finding. A summary that
/// cannot be written is a warning; the verdict stands.
fn append_step_summary(markdown: &str) {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
        return;
    };
    let written = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|mut file| std::io::Write::write_all(&mut file, format!("{markdown}\n").as_bytes()));
    if let Err(e) = written {
        eprintln!(
            "understudy diff: could not append to GITHUB_STEP_SUMMARY ({}): {e}",
            std::path::Path::new(&path).display()
        );
    }
}
