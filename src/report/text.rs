//! The report as a table for a terminal: one line per probe, then a summary line per vendor, and
//! a last line when probes were skipped.

use std::fmt::Write as _;

use super::{Outcome, VendorReport};

pub fn table(reports: &[VendorReport]) -> String {
    let mut out = String::new();
    for report in reports {
        let expect = match report.expect {
            crate::exchange::Fidelity::Live => "live",
            crate::exchange::Fidelity::Spec => "spec",
        };
        let _ = writeln!(
            out,
            "{} at {} (expecting the {expect} answers)",
            report.vendor, report.target
        );
        let width = report.probes.iter().map(|p| p.name.len()).max().unwrap_or(5).max(5);
        let _ = writeln!(
            out,
            "  {:<6} {:<width$} {:<44} {:>6}  {:<5} {:<5} reason",
            "", "probe", "request", "status", "spec", "model"
        );
        for probe in &report.probes {
            let outcome = match probe.outcome {
                Outcome::Pass => "pass",
                Outcome::Fail => "FAIL",
                Outcome::Skip => "skip",
                Outcome::Planned => "plan",
            };
            let request = if probe.method.is_empty() {
                String::new()
            } else {
                format!("{} {}", probe.method, shorten(&probe.path, 44 - probe.method.len() - 1))
            };
            let status = probe.status.map(|s| s.to_string()).unwrap_or_default();
            let verdict = |why: &str, judged: bool| match (judged, why.is_empty()) {
                (false, _) => "",
                (true, true) => "ok",
                (true, false) => "off",
            };
            let judged = probe.status.is_some();
            let _ = writeln!(
                out,
                "  {outcome:<6} {:<width$} {request:<44} {status:>6}  {:<5} {:<5} {}",
                probe.name,
                verdict(&probe.spec, judged),
                verdict(&probe.model, judged),
                probe.reason
            );
        }
        let summary = report.summary();
        let _ = writeln!(
            out,
            "  {} passed, {} failed, {} skipped\n",
            summary.passed, summary.failed, summary.skipped
        );
    }
    if let Some(line) = super::skip_line(reports) {
        let _ = writeln!(out, "{line}");
    }
    out
}

fn shorten(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let kept: String = text.chars().take(width.saturating_sub(1)).collect();
    format!("{kept}…")
}
