//! The report as JUnit XML: a `testsuite` per vendor, a `testcase` per probe, `failure` and
//! `skipped` with their reasons, and a failed probe's answer (credentials redacted) in its
//! `system-out`, as GitHub's and GitLab's test report viewers read it. quick-junit (nextest's
//! writer) does the XML: the escaping and the counts are kept right in one place.

use std::time::Duration;

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::{Outcome, VendorReport};

pub fn junit(reports: &[VendorReport]) -> String {
    let mut junit = Report::new("understudy check");
    for report in reports {
        let mut suite = TestSuite::new(format!("{} {}", report.vendor, report.target));
        suite.set_time(Duration::from_millis(report.probes.iter().map(|p| p.millis).sum()));
        for probe in &report.probes {
            let status = match probe.outcome {
                Outcome::Pass => TestCaseStatus::success(),
                Outcome::Fail => {
                    let mut failure = TestCaseStatus::non_success(NonSuccessKind::Failure);
                    failure.set_message(probe.reason.as_str()).set_description(format!(
                        "{}: {} {} -> {}",
                        probe.situation,
                        probe.method,
                        probe.path,
                        probe.status.map(|s| s.to_string()).unwrap_or_default()
                    ));
                    failure
                }
                Outcome::Skip | Outcome::Planned => {
                    let mut skipped = TestCaseStatus::skipped();
                    skipped.set_message(probe.reason.as_str());
                    skipped
                }
            };
            let mut case = TestCase::new(probe.name, status);
            case.set_classname(format!("understudy.{}", report.vendor))
                .set_time(Duration::from_millis(probe.millis));
            if let Some(answer) = &probe.answer {
                case.set_system_out(answer.as_str());
            }
            suite.add_test_case(case);
        }
        junit.add_test_suite(suite);
    }
    // Writing to a String fails only on an I/O error, which a String never gives.
    junit.to_string().unwrap_or_default()
}

/// Text as it may stand in XML: the five entities escaped, control characters XML forbids dropped.
// TODO-cleanup: only `diff`'s hand-written JUnit writer (src/diff/output.rs) still uses this; it can
// move to quick-junit like `check`'s, and this go.
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

    fn probe(name: &'static str, outcome: Outcome, reason: &str, answer: Option<&str>) -> ProbeResult {
        ProbeResult {
            name,
            situation: "s",
            method: "DELETE".into(),
            path: "/x".into(),
            status: Some(404),
            spec: String::new(),
            model: String::new(),
            answer: answer.map(str::to_string),
            outcome,
            reason: reason.into(),
            departure: None,
            millis: 5,
        }
    }

    #[test]
    fn failures_and_skips_are_written_with_their_reasons_escaped() {
        let report = VendorReport {
            vendor: "nango".into(),
            target: "http://127.0.0.1:1".into(),
            expect: crate::exchange::Fidelity::Live,
            probes: vec![
                probe("a", Outcome::Pass, "", None),
                probe(
                    "b",
                    Outcome::Fail,
                    "status 404, expected <204> & \"more\"",
                    Some("HTTP 404\ncontent-type: application/json\n\n{\"error\":\"<x>\"}"),
                ),
                probe("c", Outcome::Skip, "needs --control", None),
            ],
        };
        let xml = junit(&[report]);
        let read = Report::deserialize_from_str(&xml).expect("the XML reads back");
        assert_eq!(
            (read.tests, read.failures, read.skipped),
            (3, 1, 1),
            "tests=\"3\" failures=\"1\" skipped=\"1\": {xml}"
        );
        assert!(
            xml.contains("<failure message=\"status 404, expected &lt;204&gt; &amp; &quot;more&quot;\">"),
            "{xml}"
        );
        assert!(xml.contains("<skipped message=\"needs --control\"/>"), "{xml}");
        assert!(
            xml.contains("<testcase name=\"a\" classname=\"understudy.nango\" time=\"0.005\"/>"),
            "{xml}"
        );
        let cases = &read.test_suites[0].test_cases;
        let failed = cases.iter().find(|c| c.name.as_str() == "b").expect("b is written");
        assert_eq!(
            failed.system_out.as_deref(),
            Some("HTTP 404\ncontent-type: application/json\n\n{\"error\":\"<x>\"}"),
            "a failure carries its answer: {xml}"
        );
        assert!(
            cases
                .iter()
                .filter(|c| c.name.as_str() != "b")
                .all(|c| c.system_out.is_none()),
            "only failures carry an answer: {xml}"
        );
    }
}
