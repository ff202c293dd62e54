//! The report as JUnit XML: a `testsuite` per vendor, a `testcase` per probe, `failure` and
//! `skipped` with their reasons, as GitHub's and GitLab's test report viewers read it.

use std::fmt::Write as _;

use super::{Outcome, VendorReport};

pub fn junit(reports: &[VendorReport]) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let total = super::Summary::of(reports.iter().flat_map(|r| &r.probes));
    let _ = writeln!(
        out,
        "<testsuites name=\"understudy check\" tests=\"{}\" failures=\"{}\" skipped=\"{}\">",
        total.passed + total.failed + total.skipped,
        total.failed,
        total.skipped
    );
    for report in reports {
        let summary = report.summary();
        let seconds: f64 = report.probes.iter().map(|p| p.millis as f64 / 1000.0).sum();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" skipped=\"{}\" time=\"{seconds:.3}\">",
            escape(&format!("{} {}", report.vendor, report.target)),
            report.probes.len(),
            summary.failed,
            summary.skipped
        );
        for probe in &report.probes {
            let _ = write!(
                out,
                "    <testcase classname=\"understudy.{}\" name=\"{}\" time=\"{:.3}\"",
                escape(&report.vendor),
                escape(probe.name),
                probe.millis as f64 / 1000.0
            );
            let detail = format!(
                "{}: {} {} -> {}",
                probe.situation,
                probe.method,
                probe.path,
                probe.status.map(|s| s.to_string()).unwrap_or_default()
            );
            match probe.outcome {
                Outcome::Pass => out.push_str("/>\n"),
                Outcome::Fail => {
                    let _ = write!(
                        out,
                        ">\n      <failure message=\"{}\">{}</failure>\n    </testcase>\n",
                        escape(&probe.reason),
                        escape(&detail)
                    );
                }
                Outcome::Skip | Outcome::Planned => {
                    let _ = write!(
                        out,
                        ">\n      <skipped message=\"{}\"/>\n    </testcase>\n",
                        escape(&probe.reason)
                    );
                }
            }
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// Text as it may stand in XML: the five entities escaped, control characters XML forbids dropped.
pub(crate) fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => {}
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::ProbeResult;

    #[test]
    fn failures_and_skips_are_written_with_their_reasons_escaped() {
        let probe = |name, outcome, reason: &str| ProbeResult {
            name,
            situation: "s",
            method: "DELETE".into(),
            path: "/x".into(),
            status: Some(404),
            spec: String::new(),
            model: String::new(),
            outcome,
            reason: reason.into(),
            departure: None,
            millis: 5,
        };
        let report = VendorReport {
            vendor: "nango".into(),
            target: "http://127.0.0.1:1".into(),
            expect: crate::exchange::Fidelity::Live,
            probes: vec![
                probe("a", Outcome::Pass, ""),
                probe("b", Outcome::Fail, "status 404, expected <204> & \"more\""),
                probe("c", Outcome::Skip, "needs --control"),
            ],
        };
        let xml = junit(&[report]);
        assert!(xml.contains("tests=\"3\" failures=\"1\" skipped=\"1\""), "{xml}");
        assert!(
            xml.contains("<failure message=\"status 404, expected &lt;204&gt; &amp; &quot;more&quot;\">"),
            "{xml}"
        );
        assert!(xml.contains("<skipped message=\"needs --control\"/>"), "{xml}");
        assert!(
            xml.contains("<testcase classname=\"understudy.nango\" name=\"a\" time=\"0.005\"/>"),
            "{xml}"
        );
    }
}
