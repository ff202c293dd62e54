//! What a check found, and how it is written: a table for the terminal, JSON, and JUnit XML that
//! GitHub and GitLab render (one test case per probe). Shared by every command that judges a server.
//! Reports carry methods, paths and verdicts: never a credential.

mod junit;
mod text;

use serde::Serialize;

use crate::exchange::Fidelity;

pub(crate) use junit::escape as xml_escape;
pub use junit::junit;
pub use text::table;

/// How one probe ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Pass,
    Fail,
    Skip,
    /// `--dry-run`: the request was printed, not sent.
    Planned,
}

/// One probe's result.
#[derive(Debug, Clone, Serialize)]
pub struct ProbeResult {
    pub name: &'static str,
    pub situation: &'static str,
    pub method: String,
    pub path: String,
    pub status: Option<u16>,
    /// Empty when the answer keeps to the spec; otherwise why not.
    pub spec: String,
    /// Empty when the answer is the expected one; otherwise why not.
    pub model: String,
    pub outcome: Outcome,
    pub reason: String,
    /// The registered departure the live answer is expected to carry, if any.
    pub departure: Option<&'static str>,
    pub millis: u64,
}

/// A vendor's probes, as checked against one target.
#[derive(Debug, Clone, Serialize)]
pub struct VendorReport {
    pub vendor: String,
    pub target: String,
    pub expect: Fidelity,
    pub probes: Vec<ProbeResult>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
}

impl Summary {
    pub fn of<'a>(results: impl IntoIterator<Item = &'a ProbeResult>) -> Self {
        let mut summary = Self::default();
        for result in results {
            match result.outcome {
                Outcome::Pass => summary.passed += 1,
                Outcome::Fail => summary.failed += 1,
                Outcome::Skip => summary.skipped += 1,
                Outcome::Planned => {}
            }
        }
        summary
    }
}

impl VendorReport {
    pub fn summary(&self) -> Summary {
        Summary::of(&self.probes)
    }
}

/// The reports as JSON: one vendor's as `{"vendor","target","expect","probes","summary"}`, several
/// as an array of those.
pub fn json(reports: &[VendorReport]) -> serde_json::Value {
    let one = |report: &VendorReport| {
        let mut value = serde_json::to_value(report).unwrap_or_default();
        value["summary"] = serde_json::to_value(report.summary()).unwrap_or_default();
        value
    };
    match reports {
        [single] => one(single),
        _ => serde_json::Value::Array(reports.iter().map(one).collect()),
    }
}
