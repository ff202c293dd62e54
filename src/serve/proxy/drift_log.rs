//! The unregistered departures `understudy proxy` has seen: each distinct one (vendor, status,
//! reason) once, with how often and the first exchange as evidence (credentials redacted), written
//! in the register's own format so that a reviewer can add the real ones to the vendor's `error.rs`.
//! Served by the control API; with `--report FILE`, rewritten there whenever a new one is seen.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::Mutex;

use chrono::{DateTime, SecondsFormat, Utc};
use schemars::JsonSchema;
use serde::Serialize;

use crate::state::locks::lock;

/// One unregistered departure.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Drift {
    pub vendor: &'static str,
    /// `METHOD /template`, as the register writes operations.
    pub operation: String,
    pub status: u16,
    /// Why the answer leaves the spec, and that no departure answers so.
    pub reason: String,
    pub times: u64,
    pub first_seen: DateTime<Utc>,
    /// The first exchange: request and answer, credentials redacted.
    pub evidence: String,
}

/// What the proxy saw of one exchange, for the evidence.
pub struct Seen<'a> {
    pub vendor: &'static str,
    pub operation: String,
    pub request_line: String,
    pub request_headers: Vec<(&'a str, &'a str)>,
    pub request_body: &'a [u8],
    pub status: u16,
    pub response_body: &'a [u8],
    pub reason: &'a str,
    pub at: DateTime<Utc>,
}

#[derive(Default)]
pub struct DriftLog {
    seen: Mutex<Vec<Drift>>,
    report: Option<PathBuf>,
}

impl DriftLog {
    /// A log that also rewrites `report` whenever a new departure is seen.
    pub fn writing_to(report: Option<PathBuf>) -> Self {
        Self {
            seen: Mutex::new(Vec::new()),
            report,
        }
    }

    /// Records an exchange that drifted; a new distinct departure rewrites the report file.
    pub fn record(&self, seen: Seen<'_>) {
        let mut drifts = lock(&self.seen);
        if let Some(known) = drifts
            .iter_mut()
            .find(|d| d.vendor == seen.vendor && d.status == seen.status && d.reason == seen.reason)
        {
            known.times += 1;
            return;
        }
        let headers: Vec<String> = seen
            .request_headers
            .iter()
            .map(|(name, value)| format!("{name}: {}", crate::redact::header(name, value)))
            .collect();
        let evidence = format!(
            "the exchange of {}: `{}` with headers `{}` and body `{}` answered {} `{}`",
            seen.at.to_rfc3339_opts(SecondsFormat::Secs, true),
            seen.request_line,
            headers.join("; "),
            crate::redact::body(seen.request_body),
            seen.status,
            crate::redact::body(seen.response_body)
        );
        drifts.push(Drift {
            vendor: seen.vendor,
            operation: seen.operation,
            status: seen.status,
            reason: seen.reason.to_string(),
            times: 1,
            first_seen: seen.at,
            evidence,
        });
        let markdown = render(&drifts);
        drop(drifts);
        if let Some(path) = &self.report {
            if let Err(e) = std::fs::write(path, markdown) {
                eprintln!("understudy proxy: cannot write {}: {e}", path.display());
            }
        }
    }

    pub fn list(&self) -> Vec<Drift> {
        lock(&self.seen).clone()
    }

    /// The report: every unregistered departure seen, in the register's format.
    pub fn markdown(&self) -> String {
        render(&lock(&self.seen))
    }
}

fn render(drifts: &[Drift]) -> String {
    let mut out = String::from(
        "# Unregistered departures seen by `understudy proxy`\n\n\
         Answers that left the vendor's spec in a way no entry of the register of departures describes.\n\
         Review each: where the service really answers so, add it to the vendor's register (`src/vendors/<vendor>/error.rs`)\n\
         and its probe; where it is a fault, report it to the vendor.\n",
    );
    let mut vendor = "";
    for (index, drift) in drifts.iter().enumerate() {
        if drift.vendor != vendor {
            vendor = drift.vendor;
            let _ = write!(out, "\n## {vendor}\n");
        }
        let _ = write!(
            out,
            "\n### `{}-drift-{}`: {} answered {}\n\n- **Operation**: `{}`\n- **Spec says**: {}\n- **Service does**: {} ({} time{} since {})\n- **Evidence**: {}\n- **Live mode**: to decide on review.\n- **Spec mode**: to decide on review.\n",
            drift.vendor,
            index + 1,
            drift.operation,
            drift.status,
            drift.operation,
            drift.reason,
            drift.status,
            drift.times,
            if drift.times == 1 { "" } else { "s" },
            drift.first_seen.to_rfc3339_opts(SecondsFormat::Secs, true),
            drift.evidence
        );
    }
    out
}
