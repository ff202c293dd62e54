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
    /// A failed probe's answer as it came (status, the headers that tell why, body), credentials
    /// redacted: the evidence a reader needs without sending the request again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
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

    /// When probes were skipped, the sentence that says so, which ends the vendor's JSON report.
    pub fn skip_warning(&self) -> Option<String> {
        let skipped = self.summary().skipped;
        (skipped > 0).then(|| {
            format!(
                "{} not checked: each skipped probe says why; --fail-on-skip makes a skip fail the run",
                probes(skipped)
            )
        })
    }
}

/// When probes were skipped, the line that ends the text report: a run that passes says nothing
/// about what it did not check.
pub fn skip_line(reports: &[VendorReport]) -> Option<String> {
    let by_vendor: Vec<String> = reports
        .iter()
        .map(|r| (r, r.summary().skipped))
        .filter(|(_, skipped)| *skipped > 0)
        .map(|(r, skipped)| format!("{} {skipped}", r.vendor))
        .collect();
    let skipped: usize = reports.iter().map(|r| r.summary().skipped).sum();
    (skipped > 0).then(|| {
        format!(
            "skipped: {} not checked ({}); each row says why, and --fail-on-skip makes a skip fail the run",
            probes(skipped),
            by_vendor.join(", ")
        )
    })
}

fn probes(count: usize) -> String {
    match count {
        1 => "1 probe".into(),
        n => format!("{n} probes"),
    }
}

/// The reports as JSON: one vendor's as `{"vendor","target","expect","probes","summary"}`, with a
/// `"warning"` last when probes were skipped; several as an array of those.
pub fn json(reports: &[VendorReport]) -> serde_json::Value {
    let one = |report: &VendorReport| {
        let mut value = serde_json::to_value(report).unwrap_or_default();
        value["summary"] = serde_json::to_value(report.summary()).unwrap_or_default();
        // Last, and after every other key in the order serde_json writes them: the report's last line.
        if let Some(warning) = report.skip_warning() {
            value["warning"] = warning.into();
        }
        value
    };
    match reports {
        [single] => one(single),
        _ => serde_json::Value::Array(reports.iter().map(one).collect()),
    }
}
